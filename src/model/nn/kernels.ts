import commonWgsl from '../../../shaders/nn_common.wgsl?raw';
import embedWgsl from '../../../shaders/nn_embed.wgsl?raw';
import layernormWgsl from '../../../shaders/nn_layernorm.wgsl?raw';
import linearWgsl from '../../../shaders/nn_linear.wgsl?raw';
import attentionWgsl from '../../../shaders/nn_attention.wgsl?raw';
import residualWgsl from '../../../shaders/nn_residual.wgsl?raw';
import unaryWgsl from '../../../shaders/nn_unary.wgsl?raw';
import composeWgsl from '../../../shaders/nn_compose.wgsl?raw';
import { Kernel, dispatch1d } from '../../gpu/device';

/**
 * The transformer kernels (shaders/nn_*.wgsl, each with its TypeScript twin in
 * src/model/cpu-kernels.ts). Every Kernel's cache key is its name plus override constants
 * ('nn_linear|ACT=1,RESIDUAL=0'), so src/gpu/device.ts's per-device pipeline cache creates
 * each variant once. Parameter structs are packed here (field order of the WGSL structs).
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

function u32s(...v: number[]): ArrayBuffer {
  return new Uint32Array(v.map((x) => x >>> 0)).buffer;
}

export const pack = {
  embed: (total: number, width: number, vocab: number) => u32s(total, width, vocab, 0),
  norm: (rows: number, width: number, hasBeta: boolean, eps: number) => {
    const b = new ArrayBuffer(16);
    new Uint32Array(b, 0, 3).set([rows, width, hasBeta ? 1 : 0]);
    new Float32Array(b, 12, 1)[0] = eps;
    return b;
  },
  linear: (M: number, N: number, K: number, rowsIn: number, rowStart: number, rowsOut: number, hasBias: boolean) =>
    u32s(M, N, K, rowsIn, rowStart, rowsOut, hasBias ? 1 : 0, 0),
  attention: (batch: number, seq: number, heads: number, scale: number) => {
    const b = new ArrayBuffer(16);
    new Uint32Array(b, 0, 3).set([batch, seq, heads]);
    new Float32Array(b, 12, 1)[0] = scale;
    return b;
  },
  binary: (total: number, period: number, op: number, swap: boolean) => u32s(total, period, op, swap ? 1 : 0),
  unary: (total: number, op: number) => u32s(total, op, 0, 0),
  compose: (batch: number, canvasLength: number, padId: number, promptLength: number) => u32s(batch, canvasLength, padId, promptLength),
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
