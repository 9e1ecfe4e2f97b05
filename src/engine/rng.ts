/**
 * Philox4x32-10 (Salmon et al., SC'11): a counter-based generator. The same 128-bit counter and
 * 64-bit key give the same four u32 words here and in shaders/rng.wgsl, bit for bit, because both
 * use only 32-bit integer operations (the 32x32->64 product is built from 16-bit halves).
 *
 * Counter layout used everywhere (one place, mirrored in WGSL):
 *   key   = (seed, 0)
 *   c0    = sample index (the sample's index within its configuration)
 *   c1    = decode step
 *   c2    = position in the canvas
 *   c3    = purpose << 24 | sub-index (for example the vocabulary id >> 2 for Gumbel noise)
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** What a random draw is for; keeps streams for different uses independent. */
export const Purpose = {
  gumbel: 1,
  randomScore: 2,
  dreamReveal: 3,
  remask: 4,
  noise: 5,
  taskGeneration: 6,
  positionNoise: 7,
  tieBreak: 8,
} as const;
export type Purpose = (typeof Purpose)[keyof typeof Purpose];

/** High and low 32 bits of a*b for u32 a, b. */
function mulhilo(a: number, b: number, out: Uint32Array, hiIndex: number, loIndex: number): void {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const lolo = aLo * bLo;
  const hilo = aHi * bLo;
  const lohi = aLo * bHi;
  const mid = (lolo >>> 16) + (hilo & 0xffff) + (lohi & 0xffff);
  out[hiIndex] = aHi * bHi + (hilo >>> 16) + (lohi >>> 16) + (mid >>> 16);
  out[loIndex] = Math.imul(a, b);
}

const scratch = new Uint32Array(4);

/** Philox4x32-10 of counter (c0..c3) under key (k0, k1); writes four words into out. */
export function philox4x32(
  k0: number,
  k1: number,
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  out: Uint32Array = new Uint32Array(4),
): Uint32Array {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let key0 = k0 >>> 0;
  let key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    mulhilo(M0, x0, scratch, 0, 1);
    mulhilo(M1, x2, scratch, 2, 3);
    const y0 = (scratch[2] ^ x1 ^ key0) >>> 0;
    const y1 = scratch[3];
    const y2 = (scratch[0] ^ x3 ^ key1) >>> 0;
    const y3 = scratch[1];
    x0 = y0;
    x1 = y1;
    x2 = y2;
    x3 = y3;
    key0 = (key0 + W0) >>> 0;
    key1 = (key1 + W1) >>> 0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
  return out;
}

const word = new Uint32Array(4);

/** One u32 for (seed, sample, step, position, purpose, sub): lane = sub & 3 of counter sub >> 2. */
export function randomU32(
  seed: number,
  sample: number,
  step: number,
  position: number,
  purpose: Purpose,
  sub = 0,
): number {
  philox4x32(seed, 0, sample, step, position, ((purpose << 24) | (sub >>> 2)) >>> 0, word);
  return word[sub & 3];
}

/** Uniform in [0, 1) with 24 bits: exact in float32. */
export function unit24(x: number): number {
  return (x >>> 8) * 2 ** -24;
}

/**
 * Uniform in the open interval: (floor(x / 2^9) + 0.5) * 2^-23, so u is in [2^-24, 1 - 2^-24].
 * Every operation is exact in float32, so WGSL computes the same u. The clamp truncates the
 * Gumbel tail at -ln(-ln(1 - 2^-24)) = 16.6 and its head at -2.81 (each side has mass ~6e-8).
 */
export function openUnit(x: number): number {
  return ((x >>> 9) + 0.5) * 2 ** -23;
}

/** Standard Gumbel from an open-unit uniform, rounded through float32 as the shader does. */
export function gumbel(u: number): number {
  return Math.fround(-Math.log(Math.fround(-Math.log(u))));
}

const f32 = Math.fround;
const LN_C = [0.70710678, 0.33333333, 0.2, 0.14285714, 0.11111111, 0.09090909, 0.693145751953125, 1.4286068203094173e-6].map(f32);

/**
 * Bit twin of shaders/rng.wgsl ln_f32 (natural log of a positive normal float32, about 1 ulp),
 * every step rounded to float32 as the shader computes it, so a rule that compares logs (APD's
 * target) decides the same on both sides. frexp is exact: x = m 2^e with m in [0.5, 1).
 */
export function lnF32(x: number): number {
  let e = Math.ceil(Math.log2(x));
  let m = x * 2 ** -e;
  if (m >= 1) {
    m /= 2;
    e++;
  } else if (m < 0.5) {
    m *= 2;
    e--;
  }
  if (m < LN_C[0]) {
    m *= 2;
    e--;
  }
  const z = f32(f32(m - 1) / f32(m + 1));
  const z2 = f32(z * z);
  let poly = f32(z2 * LN_C[5]);
  for (const c of [LN_C[4], LN_C[3], LN_C[2], LN_C[1]]) poly = f32(z2 * f32(c + poly));
  const series = f32(f32(2 * z) * f32(1 + poly));
  return f32(f32(e * LN_C[6]) + f32(f32(e * LN_C[7]) + series));
}

/** Standard normal by Box-Muller from two u32 draws (float32 result). */
export function normal(x1: number, x2: number): number {
  const r = Math.sqrt(-2 * Math.log(openUnit(x1)));
  return Math.fround(r * Math.cos(2 * Math.PI * unit24(x2)));
}

/**
 * A sequential stream on the same generator, for task generation on the CPU: counter
 * (sample, block, 0, purpose << 24) gives four words per block.
 */
export class RandomStream {
  private block = 0;
  private lane = 4;
  private readonly words = new Uint32Array(4);

  constructor(
    private readonly seed: number,
    private readonly sampleIndex: number,
    private readonly purpose: Purpose = Purpose.taskGeneration,
  ) {}

  nextU32(): number {
    if (this.lane === 4) {
      philox4x32(this.seed, 0, this.sampleIndex, this.block++, 0, (this.purpose << 24) >>> 0, this.words);
      this.lane = 0;
    }
    return this.words[this.lane++];
  }

  /** Uniform in [0, 1) with 53 bits. */
  next(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n), unbiased by rejection. */
  int(n: number): number {
    if (!(n >= 1 && n <= 2 ** 32 && Number.isInteger(n))) throw new RangeError(`int(${n})`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** k distinct values from [0, n), in random order (partial Fisher-Yates). */
  sample(n: number, k: number): number[] {
    const pool = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, k);
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}
