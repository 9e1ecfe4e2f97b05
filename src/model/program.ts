import { ModelError } from './errors';

/**
 * The engine's own program: what an ONNX graph compiles to (src/model/compile.ts), and what both
 * the TypeScript twin (src/model/cpu-engine.ts) and the WGSL engine (src/model/nn/engine.ts)
 * execute. Every runtime value is a [batch, ...dims] float32 tensor stored contiguously; `size`
 * is the per-sample element count. Weights are float32 constants by name.
 */

export type BinaryKind = 'add' | 'sub' | 'mul' | 'div' | 'pow';
export type UnaryKind = 'erf' | 'sqrt' | 'tanh' | 'relu' | 'sigmoid' | 'neg' | 'exp' | 'recip' | 'abs' | 'gelu';

/** Unary kinds as numbered in shaders/nn_unary.wgsl. */
export const UNARY_CODE: Record<UnaryKind, number> = { erf: 0, sqrt: 1, tanh: 2, relu: 3, sigmoid: 4, neg: 5, exp: 6, recip: 7, abs: 8, gelu: 9 };
/** Binary kinds as numbered in shaders/nn_residual.wgsl. */
export const BINARY_CODE: Record<BinaryKind, number> = { add: 0, sub: 1, mul: 2, div: 3, pow: 4 };

/**
 * The WGSL code of an elementwise op, or a ModelError naming it. The kernels write NaN for a code
 * they do not know (never a guess such as GELU), so an op is rejected here, when the engine
 * translates the program, before anything runs.
 */
export function opCode(table: 'unary' | 'binary', op: string): number {
  const codes: Record<string, number> = table === 'unary' ? UNARY_CODE : BINARY_CODE;
  if (!Object.hasOwn(codes, op)) throw new ModelError(`the WGSL engine has no ${table} kernel for "${op}" (it has ${Object.keys(codes).join(', ')})`, 'operator', [op]);
  return codes[op];
}

export type Op =
  /** out[b, s, :] = table[ids[b, s], :] */
  | { kind: 'embed'; table: string; vocab: number; width: number; out: number }
  /** Row-wise layer norm over the last axis of width `width`. */
  | { kind: 'layernorm'; x: number; gamma: string; beta: string | null; eps: number; width: number; out: number }
  /** y = x W (+ bias), W stored K x N row-major. `rowsIn`/`rowStart`/`rowsOut`: per sample, the
   *  output holds rows rowStart .. rowStart + rowsOut of the input's rowsIn rows. */
  | { kind: 'linear'; x: number; w: string; bias: string | null; k: number; n: number; rowsIn: number; rowStart: number; rowsOut: number; out: number }
  /** Bidirectional multi-head attention over q, k, v in [S, H*D] layout; output [S, H*D]. */
  | { kind: 'attention'; q: number; k: number; v: number; seq: number; heads: number; headDim: number; scale: number; out: number }
  /** Elementwise a (op) b with b a value of the same size or a constant repeated with period `period`
   *  (b's own length; 1 = scalar). `swap`: compute b (op) a. */
  | { kind: 'binary'; op: BinaryKind; a: number; b: number | string; period: number; swap: boolean; out: number }
  | { kind: 'unary'; op: UnaryKind; x: number; out: number }
  /** Mean over the last axis (keepdims): out has size / width elements per sample. */
  | { kind: 'mean'; x: number; width: number; out: number };

export interface ValueSpec {
  id: number;
  name: string;
  /** Per-sample shape (batch axis removed). */
  dims: number[];
  /** Per-sample element count. */
  size: number;
}

export interface Program {
  /** Sequence length (input ids per sample). */
  seq: number;
  /** Width of the logits (the model's vocabulary size). */
  vocab: number;
  values: ValueSpec[];
  /** Value id holding input ids (only 'embed' reads it; it holds no floats). */
  input: number;
  /** Value id of the logits [seq, vocab]. */
  output: number;
  ops: Op[];
  weights: Map<string, Float32Array>;
  /** ONNX operator -> how many nodes mapped onto each engine kernel (for the report/UI). */
  mapping: Record<string, string>;
}

/**
 * A copy of the program whose last op computes only the canvas rows (rows rowStart ..
 * rowStart + rowsOut of every sample) when the output comes straight from a linear layer; the
 * denoiser needs no logits for the prompt. Returns null when the output op is something else.
 */
export function withOutputRows(p: Program, rowStart: number, rowsOut: number): Program | null {
  const last = p.ops[p.ops.length - 1];
  if (!last || last.kind !== 'linear' || last.out !== p.output || last.rowsOut !== last.rowsIn) return null;
  const values = p.values.slice();
  const v = values[p.output];
  values[p.output] = { ...v, dims: [rowsOut, last.n], size: rowsOut * last.n };
  return { ...p, values, ops: [...p.ops.slice(0, -1), { ...last, rowStart, rowsOut }] };
}

/**
 * A copy whose output linear layer writes `width` logits per row, for a model whose vocabulary is
 * a prefix of the engine's (the engine appended tokens after the model was trained). The extra
 * columns get zero weights and a bias of -1e30: their probability is exactly 0 in float32, as the
 * CPU path's -Infinity, without the 0 * -Infinity of an entropy sum. Null when the output is not a
 * linear layer or is already at least that wide.
 */
export function withOutputWidth(p: Program, width: number): Program | null {
  const last = p.ops[p.ops.length - 1];
  if (!last || last.kind !== 'linear' || last.out !== p.output || last.n >= width) return null;
  const { k, n } = last;
  const w = p.weights.get(last.w)!;
  const wide = new Float32Array(k * width);
  for (let r = 0; r < k; r++) wide.set(w.subarray(r * n, r * n + n), r * width);
  const bias = new Float32Array(width).fill(-1e30);
  if (last.bias !== null) bias.set(p.weights.get(last.bias)!.subarray(0, n));
  else bias.fill(0, 0, n);
  const weights = new Map(p.weights);
  const wName = `${last.w}#width${width}`;
  const bName = `${last.bias ?? last.w}#bias${width}`;
  weights.set(wName, wide);
  weights.set(bName, bias);
  const values = p.values.slice();
  const v = values[p.output];
  values[p.output] = { ...v, dims: [...v.dims.slice(0, -1), width], size: (v.size / n) * width };
  return { ...p, vocab: width, values, weights, ops: [...p.ops.slice(0, -1), { ...last, w: wName, bias: bName, n: width }] };
}
