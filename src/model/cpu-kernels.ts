/**
 * TypeScript twins of the WGSL transformer kernels (shaders/nn_*.wgsl). Each function computes
 * what its shader computes, in the same order of operations where it matters (two-pass layer
 * norm, max-subtracted softmax, the same erf approximation), so the browser parity tests can
 * compare them on random inputs. They are also the `cpu` runtime (src/model/cpu-engine.ts).
 */
import type { BinaryKind, UnaryKind } from './program';

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), as nn_common.wgsl computes it. */
export function erf(x: number): number {
  const s = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x * Math.SQRT1_2));
}

/** nn_embed.wgsl: out[r, :] = table[ids[r], :] for every row r of the batch. */
export function embed(ids: Int32Array, table: Float32Array, vocab: number, width: number, out: Float32Array): void {
  for (let r = 0; r < ids.length; r++) {
    const id = ids[r];
    if (id < 0 || id >= vocab) throw new RangeError(`token id ${id} outside the model's vocabulary of ${vocab}`);
    out.set(table.subarray(id * width, (id + 1) * width), r * width);
  }
}

/** nn_layernorm.wgsl: two-pass mean and variance per row. */
export function layerNorm(x: Float32Array, gamma: Float32Array, beta: Float32Array | null, eps: number, width: number, out: Float32Array): void {
  const rows = x.length / width;
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    let mean = 0;
    for (let i = 0; i < width; i++) mean += x[o + i];
    mean /= width;
    let v = 0;
    for (let i = 0; i < width; i++) {
      const d = x[o + i] - mean;
      v += d * d;
    }
    const inv = 1 / Math.sqrt(v / width + eps);
    for (let i = 0; i < width; i++) out[o + i] = (x[o + i] - mean) * inv * gamma[i] + (beta ? beta[i] : 0);
  }
}

/**
 * nn_linear.wgsl: out = x W + bias, W K x N row-major, over `batch` samples of rowsIn rows each,
 * keeping output rows rowStart .. rowStart + rowsOut of every sample.
 */
export function linear(
  x: Float32Array, w: Float32Array, bias: Float32Array | null, k: number, n: number,
  batch: number, rowsIn: number, rowStart: number, rowsOut: number, out: Float32Array,
): void {
  // Four output rows at a time share each load of W (the CPU runtime's hot loop).
  const total = batch * rowsOut;
  const acc = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const src = (m: number) => ((Math.floor(m / rowsOut) * rowsIn + rowStart + (m % rowsOut)) * k);
  for (let m0 = 0; m0 < total; m0 += 4) {
    const rows = Math.min(4, total - m0);
    for (let t = 0; t < 4; t++) {
      if (bias) for (let j = 0; j < n; j++) acc[t][j] = bias[j];
      else acc[t].fill(0);
    }
    const x0 = src(m0);
    const x1 = rows > 1 ? src(m0 + 1) : x0;
    const x2 = rows > 2 ? src(m0 + 2) : x0;
    const x3 = rows > 3 ? src(m0 + 3) : x0;
    const [a0, a1, a2, a3] = acc;
    for (let i = 0; i < k; i++) {
      const v0 = x[x0 + i];
      const v1 = x[x1 + i];
      const v2 = x[x2 + i];
      const v3 = x[x3 + i];
      const wo = i * n;
      for (let j = 0; j < n; j++) {
        const wv = w[wo + j];
        a0[j] += v0 * wv;
        a1[j] += v1 * wv;
        a2[j] += v2 * wv;
        a3[j] += v3 * wv;
      }
    }
    for (let t = 0; t < rows; t++) out.set(acc[t], (m0 + t) * n);
  }
}

/** nn_attention.wgsl: softmax(scale q k^T) v per head, every position sees every position. */
export function attention(
  q: Float32Array, k: Float32Array, v: Float32Array, batch: number, seq: number, heads: number, headDim: number, scale: number, out: Float32Array,
): void {
  const width = heads * headDim;
  const p = new Float64Array(seq);
  const acc = new Float64Array(headDim);
  for (let b = 0; b < batch; b++) {
    const base = b * seq * width;
    for (let h = 0; h < heads; h++) {
      const ho = h * headDim;
      for (let i = 0; i < seq; i++) {
        const qo = base + i * width + ho;
        let max = -Infinity;
        for (let j = 0; j < seq; j++) {
          const ko = base + j * width + ho;
          let s = 0;
          for (let d = 0; d < headDim; d++) s += q[qo + d] * k[ko + d];
          s *= scale;
          p[j] = s;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let j = 0; j < seq; j++) {
          p[j] = Math.exp(p[j] - max);
          sum += p[j];
        }
        acc.fill(0);
        for (let j = 0; j < seq; j++) {
          const vo = base + j * width + ho;
          const pj = p[j] / sum;
          for (let d = 0; d < headDim; d++) acc[d] += pj * v[vo + d];
        }
        for (let d = 0; d < headDim; d++) out[qo + d] = acc[d];
      }
    }
  }
}

export function applyBinary(op: BinaryKind, a: number, b: number): number {
  switch (op) {
    case 'add': return a + b;
    case 'sub': return a - b;
    case 'mul': return a * b;
    case 'div': return a / b;
    case 'pow': return b === 2 ? a * a : Math.pow(a, b);
  }
}

/** nn_residual.wgsl (binary): b repeats with period `period` (its length). */
export function binary(op: BinaryKind, a: Float32Array, b: Float32Array, period: number, swap: boolean, out: Float32Array): void {
  for (let i = 0; i < a.length; i++) {
    const bv = b[i % period];
    out[i] = swap ? applyBinary(op, bv, a[i]) : applyBinary(op, a[i], bv);
  }
}

export function applyUnary(op: UnaryKind, x: number): number {
  switch (op) {
    case 'erf': return erf(x);
    case 'sqrt': return Math.sqrt(x);
    case 'tanh': return Math.tanh(x);
    case 'relu': return x > 0 ? x : 0;
    case 'sigmoid': return 1 / (1 + Math.exp(-x));
    case 'neg': return -x;
    case 'exp': return Math.exp(x);
    case 'recip': return 1 / x;
    case 'abs': return Math.abs(x);
    case 'gelu': return gelu(x);
  }
}

/** nn_unary.wgsl. */
export function unary(op: UnaryKind, x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = applyUnary(op, x[i]);
}

/** nn_layernorm.wgsl (mean mode): mean over each row of `width`. */
export function rowMean(x: Float32Array, width: number, out: Float32Array): void {
  const rows = x.length / width;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let i = 0; i < width; i++) s += x[r * width + i];
    out[r] = s / width;
  }
}
