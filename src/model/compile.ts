import { MODEL_INPUT_NAME, MODEL_OUTPUT_NAME, MODEL_SEQUENCE_LENGTH } from '../engine/model-format';
import { ModelError } from './errors';
import { attrFloat, attrInt, attrInts, BATCH, type ConstTensor, type GraphNode, type OnnxGraph } from './graph';
import { DT, DT_NAMES } from './onnx-proto';
import type { BinaryKind, Op, Program, UnaryKind, ValueSpec } from './program';

/**
 * Maps an ONNX graph onto the engine's kernels. Fusions first (each recognised chain of ONNX
 * nodes becomes one kernel): attention (Reshape/Transpose/Mul/MatMul/Softmax/MatMul/Transpose/
 * Reshape), GELU (the erf form torch exports: Div, Erf, Add, Mul, Mul), linear layers (MatMul by a
 * constant matrix + bias Add; Gemm), layer norm (LayerNormalization, or the ReduceMean chain of
 * opsets < 17). What remains maps one node to one kernel (elementwise ops, Gather) or to nothing
 * (Reshape/Identity on the contiguous layout). Anything else is named in a ModelError listing
 * the operators, with the onnxruntime-web runtimes offered instead.
 */

export const SUPPORTED_OPS = [
  'Gather (embedding)', 'MatMul (by a weight matrix, or inside attention)', 'Gemm', 'Add', 'Sub', 'Mul', 'Div', 'Pow',
  'Sqrt', 'Erf', 'Gelu', 'Tanh', 'Relu', 'Sigmoid', 'Exp', 'Neg', 'Reciprocal', 'Abs', 'LayerNormalization',
  'ReduceMean (last axis)', 'Softmax (inside attention)', 'Transpose (inside attention)', 'Reshape', 'Identity', 'Dropout',
  'Cast', 'and constant Shape/Gather/Concat/Unsqueeze/Squeeze/Slice arithmetic',
];

const ORT_HINT = 'run it with the onnxruntime-web runtimes instead (--backend ort-wasm or ort-webgpu; "ORT" in the page)';

interface Ctx {
  g: OnnxGraph;
  consumers: Map<string, GraphNode[]>;
  producer: Map<string, GraphNode>;
  outputs: Set<string>;
}

const product = (d: readonly number[]) => d.reduce((a, b) => a * b, 1);

function scalarConst(c: Ctx, name: string): number | null {
  const t = c.g.consts.get(name);
  if (!t || product(t.dims) !== 1) return null;
  return t.type === 'float' ? t.f![0] : t.i![0];
}

function only(c: Ctx, name: string): GraphNode | null {
  if (c.outputs.has(name)) return null;
  const cs = c.consumers.get(name) ?? [];
  return cs.length === 1 ? cs[0] : null;
}

function prod(c: Ctx, name: string): GraphNode | undefined {
  return c.producer.get(name);
}

function isConst(c: Ctx, name: string) {
  return c.g.consts.has(name);
}

function constInts(c: Ctx, name: string): number[] | null {
  const t = c.g.consts.get(name);
  if (!t) return null;
  return t.type === 'int' ? t.i! : Array.from(t.f!);
}

const eqPerm = (p: number[] | undefined, want: number[]) => !!p && p.length === want.length && p.every((v, i) => v === want[i]);

interface Fusion {
  /** Node at whose position the fused op is emitted (the chain's last node). */
  anchor: GraphNode;
  nodes: GraphNode[];
  build: (valueOf: (name: string) => number, outValue: (name: string, dims: number[]) => number) => Op;
  out: string;
  outDims: number[];
  label: string;
}

/** Given a Reshape node [.., S, H*D] -> [-1, S, H, D] followed by Transpose perm, returns the source. */
function headSplit(c: Ctx, transposeOut: string, perm: number[]): { src: string; heads: number; headDim: number; seq: number; nodes: GraphNode[] } | null {
  const t = prod(c, transposeOut);
  if (!t || t.op !== 'Transpose' || !eqPerm(attrInts(t, 'perm'), perm)) return null;
  const r = prod(c, t.inputs[0]);
  if (!r || r.op !== 'Reshape' || only(c, r.outputs[0]) !== t) return null;
  const shape = c.g.shapes.get(r.outputs[0]);
  const src = c.g.shapes.get(r.inputs[0]);
  if (!shape || shape.length !== 4 || shape[0] !== BATCH || !src || src.length !== 3) return null;
  return { src: r.inputs[0], seq: shape[1], heads: shape[2], headDim: shape[3], nodes: [r, t] };
}

function matchAttention(c: Ctx, sm: GraphNode): Fusion | null {
  const rank = c.g.shapes.get(sm.inputs[0])?.length ?? 0;
  const axis = attrInt(sm, 'axis', c.g.opset >= 13 ? -1 : 1);
  if (rank !== 4 || (axis !== -1 && axis !== 3)) return null;
  const nodes: GraphNode[] = [sm];
  let scale = 1;
  // Peel scalar Mul/Div (the 1/sqrt(d) scale) around a value.
  const peel = (name: string): string => {
    for (;;) {
      const p = prod(c, name);
      if (!p || (p.op !== 'Mul' && p.op !== 'Div') || only(c, p.outputs[0]) === null) return name;
      const s1 = scalarConst(c, p.inputs[1]);
      const s0 = p.op === 'Mul' ? scalarConst(c, p.inputs[0]) : null;
      if (s1 !== null) {
        scale *= p.op === 'Mul' ? s1 : 1 / s1;
        nodes.push(p);
        name = p.inputs[0];
      } else if (s0 !== null) {
        scale *= s0;
        nodes.push(p);
        name = p.inputs[1];
      } else return name;
    }
  };
  const scoresSrc = peel(sm.inputs[0]);
  const mm1 = prod(c, scoresSrc);
  if (!mm1 || mm1.op !== 'MatMul' || only(c, mm1.outputs[0]) === null) return null;
  nodes.push(mm1);
  const qName = peel(mm1.inputs[0]);
  const kName = peel(mm1.inputs[1]);
  const q = headSplit(c, qName, [0, 2, 1, 3]);
  let k = headSplit(c, kName, [0, 2, 3, 1]);
  if (!k) {
    // k^T written as Transpose(perm 0,1,3,2) of the usual head split.
    const kt = prod(c, kName);
    if (kt && kt.op === 'Transpose' && eqPerm(attrInts(kt, 'perm'), [0, 1, 3, 2]) && only(c, kt.outputs[0])) {
      k = headSplit(c, kt.inputs[0], [0, 2, 1, 3]);
      if (k) k.nodes.push(kt);
    }
  }
  if (!q || !k) return null;
  const mm2 = only(c, sm.outputs[0]);
  if (!mm2 || mm2.op !== 'MatMul' || mm2.inputs[0] !== sm.outputs[0]) return null;
  const v = headSplit(c, mm2.inputs[1], [0, 2, 1, 3]);
  if (!v) return null;
  const t = only(c, mm2.outputs[0]);
  if (!t || t.op !== 'Transpose' || !eqPerm(attrInts(t, 'perm'), [0, 2, 1, 3])) return null;
  const r = only(c, t.outputs[0]);
  if (!r || r.op !== 'Reshape') return null;
  const outShape = c.g.shapes.get(r.outputs[0]);
  const { heads, headDim, seq } = q;
  if (!outShape || outShape.length !== 3 || outShape[1] !== seq || outShape[2] !== heads * headDim) return null;
  if (k.heads !== heads || v.heads !== heads || k.headDim !== headDim || v.headDim !== headDim || k.seq !== seq || v.seq !== seq) return null;
  nodes.push(...q.nodes, ...k.nodes, ...v.nodes, mm2, t, r);
  return {
    anchor: r,
    nodes,
    out: r.outputs[0],
    outDims: [seq, heads * headDim],
    label: 'attention',
    build: (val, out) => ({
      kind: 'attention', q: val(q.src), k: val(k!.src), v: val(v.src), seq, heads, headDim, scale, out: out(r.outputs[0], [seq, heads * headDim]),
    }),
  };
}

function near(x: number | null, want: number, tol = 1e-4) {
  return x !== null && Math.abs(x - want) <= tol * Math.abs(want);
}

/** 0.5 * x * (1 + erf(x / sqrt 2)) in any of torch's arrangements; anchored at the Erf node. */
function matchGelu(c: Ctx, erf: GraphNode): Fusion | null {
  const d = prod(c, erf.inputs[0]);
  if (!d || only(c, d.outputs[0]) !== erf) return null;
  let x: string | null = null;
  if (d.op === 'Div' && near(scalarConst(c, d.inputs[1]), Math.SQRT2)) x = d.inputs[0];
  if (d.op === 'Mul' && near(scalarConst(c, d.inputs[1]), Math.SQRT1_2)) x = d.inputs[0];
  if (d.op === 'Mul' && near(scalarConst(c, d.inputs[0]), Math.SQRT1_2)) x = d.inputs[1];
  if (!x) return null;
  const add = only(c, erf.outputs[0]);
  if (!add || add.op !== 'Add') return null;
  const other = (n: GraphNode, name: string) => (n.inputs[0] === name ? n.inputs[1] : n.inputs[0]);
  if (!near(scalarConst(c, other(add, erf.outputs[0])), 1)) return null;
  const m1 = only(c, add.outputs[0]);
  if (!m1 || m1.op !== 'Mul') return null;
  const partner = other(m1, add.outputs[0]);
  const nodes = [d, erf, add, m1];
  let last: GraphNode;
  if (partner === x) {
    const m2 = only(c, m1.outputs[0]);
    if (!m2 || m2.op !== 'Mul' || !near(scalarConst(c, other(m2, m1.outputs[0])), 0.5)) return null;
    nodes.push(m2);
    last = m2;
  } else {
    const h = prod(c, partner);
    if (!h || h.op !== 'Mul' || only(c, h.outputs[0]) !== m1) return null;
    const hx = h.inputs.find((i) => i === x);
    if (!hx || !near(scalarConst(c, other(h, x)), 0.5)) return null;
    nodes.push(h);
    last = m1;
  }
  const xs = x;
  const dims = c.g.shapes.get(last.outputs[0])?.slice(1) ?? [];
  return {
    anchor: last,
    nodes,
    out: last.outputs[0],
    outDims: dims,
    label: 'gelu',
    build: (val, out) => ({ kind: 'unary', op: 'gelu', x: val(xs), out: out(last.outputs[0], dims) }),
  };
}

/** MatMul(x, W) [+ bias] with W a constant matrix. */
function matchLinear(c: Ctx, mm: GraphNode, weights: Map<string, Float32Array>): Fusion | null {
  const w = c.g.consts.get(mm.inputs[1]);
  const xs = c.g.shapes.get(mm.inputs[0]);
  if (!w || w.type !== 'float' || w.dims.length !== 2 || !xs || xs[0] !== BATCH || isConst(c, mm.inputs[0])) return null;
  const [K, N] = w.dims;
  if (xs[xs.length - 1] !== K) return null;
  const nodes = [mm];
  let last = mm;
  let bias: string | null = null;
  const add = only(c, mm.outputs[0]);
  if (add && add.op === 'Add') {
    const bName = add.inputs[0] === mm.outputs[0] ? add.inputs[1] : add.inputs[0];
    const b = c.g.consts.get(bName);
    if (b && b.type === 'float' && product(b.dims) === N && b.dims[b.dims.length - 1] === N) {
      bias = bName;
      weights.set(bName, b.f!);
      nodes.push(add);
      last = add;
    }
  }
  weights.set(mm.inputs[1], w.f!);
  const dims = [...xs.slice(1, -1), N];
  const rows = product(xs.slice(1, -1));
  return {
    anchor: last,
    nodes,
    out: last.outputs[0],
    outDims: dims,
    label: bias ? 'linear+bias' : 'linear',
    build: (val, out) => ({ kind: 'linear', x: val(mm.inputs[0]), w: mm.inputs[1], bias, k: K, n: N, rowsIn: rows, rowStart: 0, rowsOut: rows, out: out(last.outputs[0], dims) }),
  };
}

/** x - mean -> pow 2 -> mean -> + eps -> sqrt -> div -> * gamma -> + beta (anchored at the first ReduceMean). */
function matchReduceMeanNorm(c: Ctx, rm: GraphNode, weights: Map<string, Float32Array>): Fusion | null {
  const xs = c.g.shapes.get(rm.inputs[0]);
  const axes = attrInts(rm, 'axes') ?? constInts(c, rm.inputs[1] ?? '') ?? [];
  if (!xs || axes.length !== 1 || (axes[0] !== -1 && axes[0] !== xs.length - 1)) return null;
  const x = rm.inputs[0];
  const sub = (c.consumers.get(rm.outputs[0]) ?? []).find((n) => n.op === 'Sub' && n.inputs[0] === x && n.inputs[1] === rm.outputs[0]);
  if (!sub || (c.consumers.get(rm.outputs[0]) ?? []).length !== 1) return null;
  const subUses = c.consumers.get(sub.outputs[0]) ?? [];
  const pow = subUses.find((n) => n.op === 'Pow' && near(scalarConst(c, n.inputs[1]), 2)) ?? subUses.find((n) => n.op === 'Mul' && n.inputs[0] === n.inputs[1]);
  const div = subUses.find((n) => n.op === 'Div' && n.inputs[0] === sub.outputs[0]);
  if (!pow || !div || subUses.length !== 2) return null;
  const rm2 = only(c, pow.outputs[0]);
  if (!rm2 || rm2.op !== 'ReduceMean') return null;
  const addEps = only(c, rm2.outputs[0]);
  if (!addEps || addEps.op !== 'Add') return null;
  const eps = scalarConst(c, addEps.inputs[1]) ?? scalarConst(c, addEps.inputs[0]);
  const sqrt = only(c, addEps.outputs[0]);
  if (eps === null || !sqrt || sqrt.op !== 'Sqrt' || only(c, sqrt.outputs[0]) !== div || div.inputs[1] !== sqrt.outputs[0]) return null;
  const nodes = [rm, sub, pow, rm2, addEps, sqrt, div];
  let last = div;
  const W = xs[xs.length - 1];
  const vec = (name: string) => {
    const t = c.g.consts.get(name);
    return t && t.type === 'float' && product(t.dims) === W ? name : null;
  };
  let gamma: string | null = null;
  let beta: string | null = null;
  const mul = only(c, div.outputs[0]);
  if (mul && mul.op === 'Mul') {
    gamma = vec(mul.inputs[1] === div.outputs[0] ? mul.inputs[0] : mul.inputs[1]);
    if (gamma) {
      nodes.push(mul);
      last = mul;
      const add = only(c, mul.outputs[0]);
      if (add && add.op === 'Add') {
        beta = vec(add.inputs[1] === mul.outputs[0] ? add.inputs[0] : add.inputs[1]);
        if (beta) {
          nodes.push(add);
          last = add;
        }
      }
    }
  }
  if (!gamma) {
    gamma = `__ones_${W}`;
    weights.set(gamma, new Float32Array(W).fill(1));
  } else weights.set(gamma, c.g.consts.get(gamma)!.f!);
  if (beta) weights.set(beta, c.g.consts.get(beta)!.f!);
  const dims = xs.slice(1);
  const g = gamma;
  return {
    anchor: last,
    nodes,
    out: last.outputs[0],
    outDims: dims,
    label: 'layernorm',
    build: (val, out) => ({ kind: 'layernorm', x: val(x), gamma: g, beta, eps, width: W, out: out(last.outputs[0], dims) }),
  };
}

export interface CompileOptions {
  inputName?: string;
  outputName?: string;
  seq?: number;
}

/** Validates the model's interface (names, types, dimensions) against the engine's contract. */
export function checkInterface(g: OnnxGraph, opts: CompileOptions = {}): { vocab: number } {
  const inName = opts.inputName ?? MODEL_INPUT_NAME;
  const outName = opts.outputName ?? MODEL_OUTPUT_NAME;
  const seq = opts.seq ?? MODEL_SEQUENCE_LENGTH;
  const inp = g.inputs.find((i) => i.name === inName);
  if (!inp) {
    throw new ModelError(
      `the model has no input named "${inName}" (its inputs: ${g.inputs.map((i) => `"${i.name}"`).join(', ') || 'none'}); ` +
        `a masked-diffusion model here takes ${inName}: int64 [batch, ${seq}]`,
      'io',
    );
  }
  if (g.inputs.length > 1) throw new ModelError(`the model has ${g.inputs.length} inputs (${g.inputs.map((i) => `"${i.name}"`).join(', ')}); only "${inName}" is fed`, 'io');
  if (inp.elemType !== DT.INT64 && inp.elemType !== DT.INT32) {
    throw new ModelError(`input "${inName}" has element type ${DT_NAMES[inp.elemType] ?? inp.elemType}; it must be int64 token ids`, 'io');
  }
  if (!inp.dims || inp.dims.length !== 2) {
    throw new ModelError(`input "${inName}" must have shape [batch, ${seq}], the model declares ${inp.dims ? `${inp.dims.length} dimensions` : 'no shape'}`, 'dims');
  }
  if (inp.dims[0] !== null) {
    throw new ModelError(`input "${inName}" has a fixed batch of ${inp.dims[0]}; export with a dynamic batch axis (torch.onnx.export(..., dynamic_axes={"${inName}": {0: "batch"}, "${outName}": {0: "batch"}}))`, 'dims');
  }
  if (inp.dims[1] !== seq) {
    throw new ModelError(`input "${inName}" has ${inp.dims[1] ?? 'a symbolic number of'} positions; the engine's layout is ${seq} (32 prompt + 32 canvas, docs/FORMAT.md)`, 'dims');
  }
  const out = g.outputs.find((o) => o.name === outName);
  if (!out) {
    throw new ModelError(`the model has no output named "${outName}" (its outputs: ${g.outputs.map((o) => `"${o.name}"`).join(', ') || 'none'})`, 'io');
  }
  if (out.elemType !== DT.FLOAT) throw new ModelError(`output "${outName}" has element type ${DT_NAMES[out.elemType] ?? out.elemType}; it must be float32 logits`, 'io');
  const inferred = g.shapes.get(outName);
  const declared = out.dims;
  if (declared && declared.length !== 3) throw new ModelError(`output "${outName}" must have shape [batch, ${seq}, vocab], the model declares ${declared.length} dimensions`, 'dims');
  if (declared && declared[1] !== null && declared[1] !== seq) throw new ModelError(`output "${outName}" has ${declared[1]} positions, expected ${seq}`, 'dims');
  const vocab = declared?.[2] ?? inferred?.[2] ?? null;
  if (inferred && (inferred.length !== 3 || (inferred[1] !== seq && inferred[1] !== BATCH))) {
    throw new ModelError(`output "${outName}" has inferred shape [${inferred.map((d) => (d === BATCH ? 'batch' : d)).join(', ')}], expected [batch, ${seq}, vocab]`, 'dims');
  }
  if (vocab === null || vocab <= 0) throw new ModelError(`output "${outName}" does not declare its vocabulary width (last dimension)`, 'dims');
  return { vocab };
}

/** Compiles the graph for the engine; throws ModelError naming every operator it cannot map. */
export function compile(g: OnnxGraph, opts: CompileOptions = {}): Program {
  const inName = opts.inputName ?? MODEL_INPUT_NAME;
  const outName = opts.outputName ?? MODEL_OUTPUT_NAME;
  const seq = opts.seq ?? MODEL_SEQUENCE_LENGTH;
  const { vocab } = checkInterface(g, opts);

  const consumers = new Map<string, GraphNode[]>();
  const producer = new Map<string, GraphNode>();
  for (const n of g.nodes) {
    for (const i of n.inputs) if (i) consumers.set(i, [...(consumers.get(i) ?? []), n]);
    for (const o of n.outputs) producer.set(o, n);
  }
  const c: Ctx = { g, consumers, producer, outputs: new Set(g.outputs.map((o) => o.name)) };
  const weights = new Map<string, Float32Array>();

  // Fusions, each claiming its nodes (first match wins).
  const claimed = new Map<GraphNode, Fusion>();
  const tryClaim = (f: Fusion | null) => {
    if (!f || f.nodes.some((n) => claimed.has(n))) return;
    for (const n of f.nodes) claimed.set(n, f);
  };
  for (const n of g.nodes) if (n.op === 'Softmax') tryClaim(matchAttention(c, n));
  for (const n of g.nodes) if (n.op === 'Erf') tryClaim(matchGelu(c, n));
  for (const n of g.nodes) if (n.op === 'ReduceMean' && !claimed.has(n)) tryClaim(matchReduceMeanNorm(c, n, weights));
  for (const n of g.nodes) if (n.op === 'MatMul' && !claimed.has(n)) tryClaim(matchLinear(c, n, weights));

  // Values.
  const values: ValueSpec[] = [];
  const valueIds = new Map<string, number>();
  const newValue = (name: string, dims: number[]) => {
    const id = values.length;
    values.push({ id, name, dims, size: product(dims) });
    valueIds.set(name, id);
    return id;
  };
  const input = newValue(inName, [seq]);
  const problems: { op: string; node: string; why: string }[] = [];
  const valueOf = (name: string): number => {
    const id = valueIds.get(name);
    if (id === undefined) throw new ModelError(`internal: value "${name}" used before it was computed`, 'operator');
    return id;
  };
  const ops: Op[] = [];
  const mapping: Record<string, string> = {};
  const note = (onnx: string, kernel: string) => {
    if (!mapping[onnx]) mapping[onnx] = kernel;
    else if (!mapping[onnx].split(', ').includes(kernel)) mapping[onnx] += `, ${kernel}`;
  };
  const unsupported = (n: GraphNode, why: string) => problems.push({ op: n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.op}` : n.op, node: n.name, why });

  for (const n of g.nodes) {
    if (g.consts.has(n.outputs[0] ?? '') && n.outputs.every((o) => !o || g.consts.has(o))) continue; // folded
    const fusion = claimed.get(n);
    if (fusion) {
      if (fusion.anchor === n) {
        try {
          ops.push(fusion.build(valueOf, newValue));
        } catch (e) {
          unsupported(n, (e as Error).message);
        }
      }
      note(n.op, fusion.label);
      continue;
    }
    const known = (name: string) => valueIds.has(name) || g.consts.has(name);
    if (n.inputs.some((i) => i && !known(i))) {
      // Depends on something we could not compute (already reported).
      if (!problems.length) unsupported(n, 'its input was not computed');
      continue;
    }
    const shape = g.shapes.get(n.outputs[0]);
    const dims = shape?.slice(1) ?? [];
    const dyn = (name: string) => valueIds.has(name);
    try {
      switch (n.op) {
        case 'Identity':
        case 'Dropout':
        case 'Cast':
        case 'Reshape':
        case 'Flatten':
        case 'Squeeze':
        case 'Unsqueeze': {
          // Contiguous layout: a reshape keeping the batch axis first is a renaming.
          if (n.op === 'Cast' && attrInt(n, 'to', DT.FLOAT) !== DT.FLOAT) throw new Error('a Cast to a non-float type');
          if (!shape || shape[0] !== BATCH || shape.slice(1).includes(BATCH)) throw new Error('a reshape that moves the batch axis');
          const src = values[valueOf(n.inputs[0])];
          if (src.size !== product(dims)) throw new Error('a reshape that changes the element count');
          valueIds.set(n.outputs[0], src.id);
          note(n.op, 'no-op (layout)');
          break;
        }
        case 'Gather': {
          const table = g.consts.get(n.inputs[0]);
          if (!table || table.type !== 'float' || table.dims.length !== 2 || n.inputs[1] !== inName || attrInt(n, 'axis', 0) !== 0) {
            throw new Error('a Gather other than an embedding lookup of the input ids in a weight table');
          }
          weights.set(n.inputs[0], table.f!);
          ops.push({ kind: 'embed', table: n.inputs[0], vocab: table.dims[0], width: table.dims[1], out: newValue(n.outputs[0], dims) });
          note('Gather', 'embed');
          break;
        }
        case 'LayerNormalization': {
          const xs = g.shapes.get(n.inputs[0])!;
          const axis = attrInt(n, 'axis', -1);
          if (axis !== -1 && axis !== xs.length - 1) throw new Error('layer norm over more than the last axis');
          const W = xs[xs.length - 1];
          const vec = (name: string | undefined): string | null => {
            if (!name) return null;
            const t = g.consts.get(name);
            if (!t || t.type !== 'float' || product(t.dims) !== W) throw new Error('a layer norm whose scale/bias is not a constant vector');
            weights.set(name, t.f!);
            return name;
          };
          ops.push({ kind: 'layernorm', x: valueOf(n.inputs[0]), gamma: vec(n.inputs[1])!, beta: vec(n.inputs[2]), eps: attrFloat(n, 'epsilon', 1e-5), width: W, out: newValue(n.outputs[0], dims) });
          note('LayerNormalization', 'layernorm');
          break;
        }
        case 'Gemm': {
          const w = g.consts.get(n.inputs[1]);
          const xs = g.shapes.get(n.inputs[0]);
          if (!w || w.type !== 'float' || w.dims.length !== 2 || !xs || xs.length !== 2 || attrInt(n, 'transA', 0) || attrFloat(n, 'alpha', 1) !== 1 || attrFloat(n, 'beta', 1) !== 1) {
            throw new Error('a Gemm other than x W^T + b with constant W');
          }
          const trans = attrInt(n, 'transB', 0) === 1;
          const [K, N] = trans ? [w.dims[1], w.dims[0]] : w.dims;
          let wf = w.f!;
          if (trans) {
            wf = new Float32Array(K * N);
            for (let i = 0; i < N; i++) for (let j = 0; j < K; j++) wf[j * N + i] = w.f![i * K + j];
          }
          const wName = `${n.inputs[1]}${trans ? '^T' : ''}`;
          weights.set(wName, wf);
          let bias: string | null = null;
          if (n.inputs[2]) {
            const b = g.consts.get(n.inputs[2]);
            if (!b || b.type !== 'float' || product(b.dims) !== N) throw new Error('a Gemm bias that is not a vector');
            bias = n.inputs[2];
            weights.set(bias, b.f!);
          }
          ops.push({ kind: 'linear', x: valueOf(n.inputs[0]), w: wName, bias, k: K, n: N, rowsIn: 1, rowStart: 0, rowsOut: 1, out: newValue(n.outputs[0], dims) });
          note('Gemm', 'linear');
          break;
        }
        case 'Add':
        case 'Sub':
        case 'Mul':
        case 'Div':
        case 'Pow': {
          const kind = n.op.toLowerCase() as BinaryKind;
          const [a, b] = n.inputs;
          if (dyn(a) && dyn(b)) {
            const va = values[valueOf(a)];
            const vb = values[valueOf(b)];
            if (va.size !== vb.size || va.size !== product(dims)) throw new Error('broadcasting between two runtime tensors');
            ops.push({ kind: 'binary', op: kind, a: va.id, b: vb.id, period: vb.size, swap: false, out: newValue(n.outputs[0], dims) });
          } else {
            const swap = !dyn(a);
            const x = values[valueOf(swap ? b : a)];
            const cName = swap ? a : b;
            const ct = g.consts.get(cName)!;
            const cData = toFloat(ct);
            // The constant must broadcast as a trailing block of the runtime shape.
            let cd = ct.dims.slice();
            while (cd.length > 0 && cd[0] === 1) cd = cd.slice(1);
            const tail = dims.slice(dims.length - cd.length);
            if (cd.length > dims.length || cd.some((d, i) => d !== tail[i]) || x.size !== product(dims)) throw new Error(`a constant of shape [${ct.dims.join(', ')}] that does not broadcast as a trailing block`);
            const wName = weights.has(cName) || !g.consts.has(cName) ? cName : cName;
            weights.set(wName, cData);
            ops.push({ kind: 'binary', op: kind, a: x.id, b: wName, period: cData.length, swap, out: newValue(n.outputs[0], dims) });
          }
          note(n.op, 'binary');
          break;
        }
        case 'Erf':
        case 'Sqrt':
        case 'Tanh':
        case 'Relu':
        case 'Sigmoid':
        case 'Neg':
        case 'Exp':
        case 'Reciprocal':
        case 'Abs':
        case 'Gelu': {
          if (n.op === 'Gelu' && (n.attrs.get('approximate')?.s?.length ?? 0) > 0 && new TextDecoder().decode(n.attrs.get('approximate')!.s) !== 'none') {
            throw new Error('Gelu with the tanh approximation');
          }
          const op = ({ Erf: 'erf', Sqrt: 'sqrt', Tanh: 'tanh', Relu: 'relu', Sigmoid: 'sigmoid', Neg: 'neg', Exp: 'exp', Reciprocal: 'recip', Abs: 'abs', Gelu: 'gelu' } as const)[n.op] as UnaryKind;
          ops.push({ kind: 'unary', op, x: valueOf(n.inputs[0]), out: newValue(n.outputs[0], dims) });
          note(n.op, op === 'gelu' ? 'gelu' : 'unary');
          break;
        }
        case 'ReduceMean': {
          const xs = g.shapes.get(n.inputs[0])!;
          const axes = attrInts(n, 'axes') ?? constInts(c, n.inputs[1] ?? '') ?? [];
          if (axes.length !== 1 || (axes[0] !== -1 && axes[0] !== xs.length - 1) || attrInt(n, 'keepdims', 1) !== 1) throw new Error('a mean over other than the last axis');
          ops.push({ kind: 'mean', x: valueOf(n.inputs[0]), width: xs[xs.length - 1], out: newValue(n.outputs[0], dims) });
          note('ReduceMean', 'mean');
          break;
        }
        case 'Softmax':
          throw new Error('a Softmax outside the attention pattern');
        case 'Transpose':
          throw new Error('a Transpose outside the attention pattern');
        case 'MatMul':
          throw new Error('a product of two runtime tensors outside the attention pattern');
        default:
          throw new Error('no kernel');
      }
    } catch (e) {
      if (e instanceof ModelError) throw e;
      unsupported(n, (e as Error).message);
    }
  }
  for (const n of g.unknown) if (!problems.some((p) => p.node === n.name)) unsupported(n, 'no kernel');

  if (problems.length > 0) {
    const ops = [...new Set(problems.map((p) => p.op))];
    const detail = problems.slice(0, 6).map((p) => `${p.op} (node "${p.node}": ${p.why})`).join('; ');
    throw new ModelError(
      `unsupported operator${ops.length > 1 ? 's' : ''} ${ops.join(', ')}: our engine has no kernel for ${detail}${problems.length > 6 ? `; and ${problems.length - 6} more` : ''}. ` +
        `The model can still ${ORT_HINT}.`,
      'operator',
      ops,
    );
  }
  const output = valueIds.get(outName);
  if (output === undefined) throw new ModelError(`the output "${outName}" is a constant or was not computed by the graph`, 'io');
  const outSpec = values[output];
  if (outSpec.size !== seq * vocab) throw new ModelError(`output "${outName}" has ${outSpec.size} values per sample, expected ${seq} x ${vocab}`, 'dims');
  if (!ops.some((o) => o.kind === 'embed')) throw new ModelError('the graph has no embedding lookup (Gather of the input ids)', 'operator', ['Gather']);
  return { seq, vocab, values, input, output, ops, weights, mapping };
}

function toFloat(t: ConstTensor): Float32Array {
  return t.type === 'float' ? t.f! : Float32Array.from(t.i!);
}
