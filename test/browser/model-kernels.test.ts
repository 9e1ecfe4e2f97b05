import { describe, expect } from 'vitest';
import { readBuffer } from '../../src/gpu/device';
import type { Program } from '../../src/gpu/program';
import { grid, nnKernels, pack } from '../../src/model/nn/kernels';
import * as K from '../../src/model/cpu-kernels';
import { ModelError } from '../../src/model/errors';
import { BINARY_CODE, UNARY_CODE, opCode, type BinaryKind, type UnaryKind } from '../../src/model/program';
import { gpuTest } from './gpu-fixture';

// Every WGSL transformer kernel against its TypeScript twin on random inputs.
// Tolerance: max |gpu - twin| <= 1e-4 * max(1, max |twin|) (f32 on the GPU, f64 accumulation in
// the twin; observed errors are around 1e-6).
const TOL = 1e-4;

function rand(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return new Float32Array(n).map(() => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return ((s / 4294967296) * 2 - 1) * scale;
  });
}

function expectClose(gpu: Float32Array, twin: Float32Array, what = '') {
  expect(gpu.length).toBe(twin.length);
  let d = 0;
  let m = 1;
  for (let i = 0; i < twin.length; i++) {
    d = Math.max(d, Math.abs(gpu[i] - twin[i]));
    m = Math.max(m, Math.abs(twin[i]));
  }
  if (!(d / m < TOL)) {
    let first = -1;
    for (let i = 0; i < twin.length && first < 0; i++) if (Math.abs(gpu[i] - twin[i]) > TOL * m) first = i;
    throw new Error(`${what}: max error ${d / m} at tolerance ${TOL}; first bad element ${first}: gpu ${gpu[first]} twin ${twin[first]}`);
  }
}

/** Binds inputs[i] to the program's i-th binding (its list: src/model/nn/kernels.ts) and params to P. */
async function run(device: GPUDevice, kernel: Program, inputs: (ArrayBufferView | number)[], outIndex: number, params: ArrayBuffer, g: [number, number, number]): Promise<Float32Array> {
  const bufs = inputs.map((x) => {
    const size = typeof x === 'number' ? x : x.byteLength;
    const b = device.createBuffer({ size: Math.max(16, Math.ceil(size / 16) * 16), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    if (typeof x !== 'number') device.queue.writeBuffer(b, 0, x.buffer, x.byteOffset, x.byteLength);
    return b;
  });
  const u = device.createBuffer({ size: Math.max(16, params.byteLength), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(u, 0, params);
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(kernel.pipeline(device));
  const named: Record<string, GPUBuffer> = { P: u };
  bufs.forEach((buf, i) => (named[kernel.bindings[i].name] = buf));
  pass.setBindGroup(0, kernel.bindGroup(device, named));
  pass.dispatchWorkgroups(...g);
  pass.end();
  device.queue.submit([enc.finish()]);
  const outBytes = inputs[outIndex] as number;
  const out = new Float32Array(await readBuffer(device, bufs[outIndex], Math.ceil(outBytes / 4) * 4));
  bufs.forEach((b) => b.destroy());
  u.destroy();
  return out;
}

describe('WGSL transformer kernels vs their TypeScript twins', () => {
  gpuTest('nn_embed: gather rows of the table', async ({ gpu: { device } }) => {
    const V = 50, W = 24, rows = 130;
    const table = rand(V * W, 1);
    const ids = new Int32Array(rows).map((_, i) => (i * 37) % V);
    const twin = new Float32Array(rows * W);
    K.embed(ids, table, V, W, twin);
    const out = await run(device, nnKernels.embed(), [ids, table, rows * W * 4], 2, pack.embed(rows * W, W, V), grid.elementwise(rows * W));
    expect(Array.from(out)).toEqual(Array.from(twin));
  });

  gpuTest('nn_layernorm: rows of width 128 and 40 (with and without beta), and the row mean', async ({ gpu: { device } }) => {
    for (const [W, rows, withBeta] of [[128, 70, true], [40, 9, false]] as const) {
      const x = rand(rows * W, 2 + W, 3);
      const g = rand(W, 3, 1);
      const b = rand(W, 4, 0.5);
      const twin = new Float32Array(rows * W);
      K.layerNorm(x, g, withBeta ? b : null, 1e-5, W, twin);
      const out = await run(device, nnKernels.layernorm(), [x, g, b, rows * W * 4], 3, pack.norm(rows, W, withBeta, 1e-5), grid.rows(rows));
      expectClose(out, twin);
      const mean = new Float32Array(rows);
      K.rowMean(x, W, mean);
      const outMean = await run(device, nnKernels.mean(), [x, g, b, rows * 4], 3, pack.norm(rows, W, false, 0), grid.rows(rows));
      expectClose(outMean, mean);
    }
  });

  gpuTest('nn_linear: tiled x W + bias, ragged sizes, row window, fused GELU and residual', async ({ gpu: { device } }) => {
    const cases = [
      { batch: 3, rowsIn: 64, rowStart: 0, rowsOut: 64, k: 128, n: 169, act: 0, res: 0 },
      { batch: 2, rowsIn: 64, rowStart: 32, rowsOut: 32, k: 40, n: 70, act: 0, res: 0 },
      { batch: 1, rowsIn: 19, rowStart: 0, rowsOut: 19, k: 33, n: 130, act: 1, res: 0 },
      { batch: 2, rowsIn: 10, rowStart: 0, rowsOut: 10, k: 64, n: 48, act: 0, res: 1 },
    ] as const;
    for (const c of cases) {
      const x = rand(c.batch * c.rowsIn * c.k, 5 + c.k, 1);
      const w = rand(c.k * c.n, 6, 0.2);
      const bias = rand(c.n, 7, 0.5);
      const M = c.batch * c.rowsOut;
      const resIn = rand(M * c.n, 8, 1);
      const twin = new Float32Array(M * c.n);
      K.linear(x, w, bias, c.k, c.n, c.batch, c.rowsIn, c.rowStart, c.rowsOut, twin);
      if (c.act) for (let i = 0; i < twin.length; i++) twin[i] = K.gelu(twin[i]);
      if (c.res) for (let i = 0; i < twin.length; i++) twin[i] += resIn[i];
      const out = await run(
        device,
        nnKernels.linear(c.act, c.res),
        [x, w, bias, resIn, M * c.n * 4],
        4,
        pack.linear(M, c.n, c.k, c.rowsIn, c.rowStart, c.rowsOut, true),
        grid.linear(M, c.n),
      );
      expectClose(out, twin);
    }
  });

  gpuTest('nn_attention: bidirectional multi-head attention, fused softmax (seq 64 and 37)', async ({ gpu: { device } }) => {
    for (const [batch, seq, heads, hd] of [[2, 64, 4, 32], [1, 37, 3, 16]] as const) {
      const n = batch * seq * heads * hd;
      const q = rand(n, 9, 2);
      const k = rand(n, 10, 2);
      const v = rand(n, 11, 1);
      const scale = 1 / Math.sqrt(hd);
      const twin = new Float32Array(n);
      K.attention(q, k, v, batch, seq, heads, hd, scale, twin);
      const out = await run(device, nnKernels.attention(hd), [q, k, v, n * 4], 3, pack.attention(batch, seq, heads, scale), grid.attention(batch, seq, heads));
      expectClose(out, twin, `attention batch ${batch} seq ${seq} heads ${heads} head size ${hd}`);
    }
  });

  gpuTest('nn_unary: every unary op (GELU included)', async ({ gpu: { device } }) => {
    const x = rand(1000, 12, 4);
    const twin = new Float32Array(1000);
    const pos = x.map(Math.abs).map((v) => v + 0.1);
    for (const op of Object.keys(UNARY_CODE) as UnaryKind[]) {
      const input = op === 'sqrt' || op === 'recip' ? pos : x;
      K.unary(op, input, twin);
      expectClose(await run(device, nnKernels.unary(), [input, 4000], 1, pack.unary(1000, UNARY_CODE[op]), grid.elementwise(1000)), twin);
    }
  });

  gpuTest('an op code the kernels do not know gives NaN, never a guessed op; the host rejects it first', async ({ gpu: { device } }) => {
    const x = rand(256, 16, 1);
    const unknownUnary = await run(device, nnKernels.unary(), [x, 1024], 1, pack.unary(256, 99), grid.elementwise(256));
    expect(unknownUnary.every(Number.isNaN)).toBe(true);
    const unknownBinary = await run(device, nnKernels.binary(), [x, x, 1024], 2, pack.binary(256, 256, 99, false), grid.elementwise(256));
    expect(unknownBinary.every(Number.isNaN)).toBe(true);
    expect(() => opCode('unary', 'softplus')).toThrow(/no unary kernel for "softplus"/);
    expect(() => opCode('binary', 'toString')).toThrow(ModelError);
    expect(opCode('unary', 'gelu')).toBe(UNARY_CODE.gelu);
  });

  gpuTest('nn_residual: residual add, broadcast constants, swapped operands', async ({ gpu: { device } }) => {
    const a = rand(64 * 24 * 2, 13, 2);
    const same = rand(a.length, 14, 2);
    const pos = rand(64 * 24, 15, 1);
    const scalar = new Float32Array([1.7]);
    const twin = new Float32Array(a.length);
    for (const [op, b, swap] of [['add', same, false], ['add', pos, false], ['sub', scalar, true], ['div', pos, false], ['mul', scalar, false], ['pow', new Float32Array([2]), false]] as [BinaryKind, Float32Array, boolean][]) {
      K.binary(op, a, b, b.length, swap, twin);
      expectClose(await run(device, nnKernels.binary(), [a, b, a.length * 4], 2, pack.binary(a.length, b.length, BINARY_CODE[op], swap), grid.elementwise(a.length)), twin);
    }
  });
});
