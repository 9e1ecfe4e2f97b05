import commonWgsl from '../../../shaders/nn_common.wgsl?raw';
import embedWgsl from '../../../shaders/nn_embed.wgsl?raw';
import layernormWgsl from '../../../shaders/nn_layernorm.wgsl?raw';
import linearWgsl from '../../../shaders/nn_linear.wgsl?raw';
import attentionWgsl from '../../../shaders/nn_attention.wgsl?raw';
import residualWgsl from '../../../shaders/nn_residual.wgsl?raw';
import unaryWgsl from '../../../shaders/nn_unary.wgsl?raw';
import composeWgsl from '../../../shaders/nn_compose.wgsl?raw';
import { Kernel, dispatch1d } from '../../gpu/device';
import { UniformStruct, type WgslScalar } from '../../gpu/program';

/**
 * The transformer kernels (shaders/nn_*.wgsl, each with its TypeScript twin in
 * src/model/cpu-kernels.ts). Every Kernel's cache key is its name plus override constants
 * ('nn_linear|ACT=1,RESIDUAL=0'), so src/gpu/device.ts's per-device pipeline cache creates
 * each variant once. Parameter structs are declared and packed here (NN_PARAMS), checked against the WGSL.
 */

const withCommon = (src: string) => [commonWgsl, src];

export const NN_WG = 256;
export const LINEAR_TILE = 64;
export const MAX_HEAD_DIM = 128;

export const nnKernels = {
  embed: () => new Kernel('nn_embed', withCommon(embedWgsl), { WG: NN_WG }),
  layernorm: () => new Kernel('nn_layernorm', withCommon(layernormWgsl), { WG: 64, MODE: 0 }),
  mean: () => new Kernel('nn_layernorm', withCommon(layernormWgsl), { WG: 64, MODE: 1 }),
  linear: (act: 0 | 1, residual: 0 | 1) => new Kernel('nn_linear', withCommon(linearWgsl), { ACT: act, RESIDUAL: residual }),
  attention: (headDim: number) => new Kernel('nn_attention', withCommon(attentionWgsl), { HEAD_DIM: headDim }),
  binary: () => new Kernel('nn_residual', withCommon(residualWgsl), { WG: NN_WG }),
  unary: () => new Kernel('nn_unary', withCommon(unaryWgsl), { WG: NN_WG }),
  compose: () => new Kernel('nn_compose', withCommon(composeWgsl), { WG: NN_WG }),
};

/**
 * The parameter structs of the nn_*.wgsl kernels, declared once: pack() writes them and check()
 * verifies, at load, that each WGSL struct has exactly these fields in this order.
 */
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
for (const [s, src] of [
  [NN_PARAMS.embed, embedWgsl], [NN_PARAMS.norm, layernormWgsl], [NN_PARAMS.linear, linearWgsl], [NN_PARAMS.attention, attentionWgsl],
  [NN_PARAMS.binary, residualWgsl], [NN_PARAMS.unary, unaryWgsl], [NN_PARAMS.compose, composeWgsl],
] as const) s.check(src);

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
