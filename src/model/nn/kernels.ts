import commonWgsl from '../../../shaders/nn_common.wgsl?raw';
import embedWgsl from '../../../shaders/nn_embed.wgsl?raw';
import layernormWgsl from '../../../shaders/nn_layernorm.wgsl?raw';
import linearWgsl from '../../../shaders/nn_linear.wgsl?raw';
import attentionWgsl from '../../../shaders/nn_attention.wgsl?raw';
import residualWgsl from '../../../shaders/nn_residual.wgsl?raw';
import unaryWgsl from '../../../shaders/nn_unary.wgsl?raw';
import composeWgsl from '../../../shaders/nn_compose.wgsl?raw';
import { dispatch1d } from '../../gpu/device';
import { Program, UniformStruct, read, write, type GpuBinding, type WgslScalar } from '../../gpu/program';

/**
 * The transformer kernels (shaders/nn_*.wgsl, each with its TypeScript twin in
 * src/model/cpu-kernels.ts), as Programs (src/gpu/program.ts): each lists its bindings once, by
 * the names its WGSL uses, and its parameter struct (NN_PARAMS); both WGSL declarations are
 * generated from these lists, and bind groups are built by binding name. The uniform binding is
 * always `P`, last. Every program's cache key is its name plus override constants
 * ('nn_linear|ACT=1,RESIDUAL=0'), so src/gpu/device.ts's per-device pipeline cache creates each
 * variant once. The layouts are explicit, so a variant binds every listed buffer even where it
 * reads none (the row mean's gamma and beta, nn_linear's res when RESIDUAL=0).
 */

export const NN_WG = 256;
export const LINEAR_TILE = 64;
export const MAX_HEAD_DIM = 128;

/** The parameter structs of the nn_*.wgsl kernels, declared once: their WGSL and their packing. */
const struct = <F extends string>(name: string, fields: readonly (readonly [F, WgslScalar])[]) => new UniformStruct<F>(name, fields);
export const NN_PARAMS = {
  embed: struct('EmbedParams', [['total', 'u32'], ['width', 'u32'], ['vocab', 'u32'], ['pad', 'u32']]),
  norm: struct('NormParams', [['rows', 'u32'], ['width', 'u32'], ['has_beta', 'u32'], ['eps', 'f32']]),
  linear: struct('LinearParams', [['M', 'u32'], ['N', 'u32'], ['K', 'u32'], ['rows_in', 'u32'], ['row_start', 'u32'], ['rows_out', 'u32'], ['has_bias', 'u32'], ['pad', 'u32']]),
  attention: struct('AttnParams', [['batch', 'u32'], ['seq', 'u32'], ['heads', 'u32'], ['scale', 'f32']]),
  binary: struct('BinaryParams', [['total', 'u32'], ['period', 'u32'], ['op', 'u32'], ['swap', 'u32']]),
  unary: struct('UnaryParams', [['total', 'u32'], ['op', 'u32'], ['p2', 'u32'], ['p3', 'u32']]),
  compose: struct('ComposeParams', [['batch', 'u32'], ['canvas_length', 'u32'], ['pad_id', 'u32'], ['prompt_length', 'u32']]),
};

const f32 = (name: string) => read(name, 'array<f32>');
const i32 = (name: string) => read(name, 'array<i32>');
const out = write('out', 'array<f32>');

/** Programs are assembled once per variant (the engine asks for them per step). */
const programs = new Map<string, Program>();
function nnProgram(name: string, src: string, bindings: GpuBinding[], params: UniformStruct, constants: Record<string, number>): Program {
  const key = `${name}|${JSON.stringify(constants)}`;
  let p = programs.get(key);
  if (!p) {
    p = new Program(name, {
      sources: [commonWgsl, src],
      bindings: [...bindings, { name: 'P', access: 'uniform', type: params.name }],
      structs: [params],
      constants,
    });
    programs.set(key, p);
  }
  return p;
}

const norm = (mode: 0 | 1) => nnProgram('nn_layernorm', layernormWgsl, [f32('x'), f32('gamma'), f32('beta'), out], NN_PARAMS.norm, { WG: 64, MODE: mode });

export const nnKernels = {
  embed: () => nnProgram('nn_embed', embedWgsl, [i32('ids'), f32('table'), out], NN_PARAMS.embed, { WG: NN_WG }),
  layernorm: () => norm(0),
  /** The row mean: nn_layernorm with MODE 1 (gamma and beta bound, not read). */
  mean: () => norm(1),
  linear: (act: 0 | 1, residual: 0 | 1) =>
    nnProgram('nn_linear', linearWgsl, [f32('x'), f32('w'), f32('bias'), f32('res'), out], NN_PARAMS.linear, { ACT: act, RESIDUAL: residual }),
  attention: (headDim: number) => nnProgram('nn_attention', attentionWgsl, [f32('q'), f32('k'), f32('v'), out], NN_PARAMS.attention, { HEAD_DIM: headDim }),
  binary: () => nnProgram('nn_residual', residualWgsl, [f32('a'), f32('b'), out], NN_PARAMS.binary, { WG: NN_WG }),
  unary: () => nnProgram('nn_unary', unaryWgsl, [f32('x'), out], NN_PARAMS.unary, { WG: NN_WG }),
  compose: () =>
    nnProgram('nn_compose', composeWgsl, [i32('prompt'), i32('canvas'), write('ids', 'array<i32>')], NN_PARAMS.compose, { WG: NN_WG }),
};

export const pack = {
  embed: (total: number, width: number, vocab: number) => NN_PARAMS.embed.pack({ total, width, vocab, pad: 0 }),
  norm: (rows: number, width: number, hasBeta: boolean, eps: number) => NN_PARAMS.norm.pack({ rows, width, has_beta: hasBeta ? 1 : 0, eps }),
  linear: (M: number, N: number, K: number, rowsIn: number, rowStart: number, rowsOut: number, hasBias: boolean) =>
    NN_PARAMS.linear.pack({ M, N, K, rows_in: rowsIn, row_start: rowStart, rows_out: rowsOut, has_bias: hasBias ? 1 : 0, pad: 0 }),
  attention: (batch: number, seq: number, heads: number, scale: number) => NN_PARAMS.attention.pack({ batch, seq, heads, scale }),
  binary: (total: number, period: number, op: number, swap: boolean) => NN_PARAMS.binary.pack({ total, period, op, swap: swap ? 1 : 0 }),
  unary: (total: number, op: number) => NN_PARAMS.unary.pack({ total, op, p2: 0, p3: 0 }),
  compose: (batch: number, canvasLength: number, padId: number, promptLength: number) =>
    NN_PARAMS.compose.pack({ batch, canvas_length: canvasLength, pad_id: padId, prompt_length: promptLength }),
};

/** Workgroup counts of each kernel for its problem size. */
export const grid = {
  elementwise: (total: number): [number, number, number] => {
    const groups = Math.ceil(total / NN_WG);
    const x = Math.min(groups, 65535);
    return [x, Math.ceil(groups / x), 1];
  },
  /** One thread per row, 64 threads per workgroup (nn_layernorm.wgsl). */
  rows: (rows: number): [number, number, number] => {
    const groups = Math.ceil(rows / 64);
    const x = Math.min(groups, 65535);
    return [x, Math.ceil(groups / x), 1];
  },
  linear: (M: number, N: number): [number, number, number] => [Math.ceil(N / LINEAR_TILE), Math.ceil(M / LINEAR_TILE), 1],
  attention: (batch: number, seq: number, heads: number): [number, number, number] => [Math.ceil(seq / 64), heads, batch],
};

export { dispatch1d };
