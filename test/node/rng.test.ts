import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RandomStream, gumbel, lnF32, openUnit, philox4x32, randomU32, unit24, Purpose } from '../../src/engine/rng';

const hex = (a: Uint32Array) => Array.from(a, (x) => x.toString(16).padStart(8, '0'));

describe('Philox4x32-10', () => {
  // Known-answer vectors from Random123's kat_vectors (philox4x32_10).
  it('matches the Random123 known-answer vectors', () => {
    expect(hex(philox4x32(0, 0, 0, 0, 0, 0))).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    expect(hex(philox4x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff))).toEqual([
      '408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd',
    ]);
    expect(
      hex(philox4x32(0xa4093822, 0x299f31d0, 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344)),
    ).toEqual(['d16cfe09', '94fdcceb', '5001e420', '24126ea1']);
  });

  it('agrees with a BigInt reference on random keys and counters', () => {
    const mask = (1n << 32n) - 1n;
    const reference = (w: number[]) => {
      let [k0, k1] = [BigInt(w[0]), BigInt(w[1])];
      let x = w.slice(2).map(BigInt);
      for (let r = 0; r < 10; r++) {
        const p0 = 0xd2511f53n * x[0];
        const p1 = 0xcd9e8d57n * x[2];
        x = [((p1 >> 32n) ^ x[1] ^ k0) & mask, p1 & mask, ((p0 >> 32n) ^ x[3] ^ k1) & mask, p0 & mask];
        k0 = (k0 + 0x9e3779b9n) & mask;
        k1 = (k1 + 0xbb67ae85n) & mask;
      }
      return x.map(Number);
    };
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 0xffffffff }), { minLength: 6, maxLength: 6 }), (w) => {
        expect(Array.from(philox4x32(w[0], w[1], w[2], w[3], w[4], w[5]))).toEqual(reference(w));
      }),
    );
  });

  it('gives uniform words (chi-square over 16 bins)', () => {
    const bins = new Array(16).fill(0);
    const N = 64000;
    for (let i = 0; i < N; i++) bins[randomU32(7, i, 0, 0, Purpose.randomScore) >>> 28]++;
    const expected = N / 16;
    const chi2 = bins.reduce((s, b) => s + (b - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(37.7); // p = 0.001 for 15 degrees of freedom
  });
});

describe('uniform and Gumbel transforms', () => {
  it('keeps u strictly inside (0, 1) and exact in float32', () => {
    for (const x of [0, 1, 511, 512, 0x7fffffff, 0xfffffe00, 0xffffffff]) {
      const u = openUnit(x);
      expect(u).toBeGreaterThan(0);
      expect(u).toBeLessThan(1);
      expect(Math.fround(u)).toBe(u);
      expect(Math.fround(unit24(x))).toBe(unit24(x));
    }
    expect(gumbel(openUnit(0xffffffff))).toBeCloseTo(16.64, 1);
  });

  it('Gumbel mean is the Euler-Mascheroni constant', () => {
    let sum = 0;
    const N = 50000;
    for (let i = 0; i < N; i++) sum += gumbel(openUnit(randomU32(1, i, 0, 0, Purpose.gumbel)));
    // sd of Gumbel is pi/sqrt(6) = 1.28; 4 sigma of the mean is 0.023
    expect(Math.abs(sum / N - 0.5772)).toBeLessThan(0.023);
  });
});

describe('lnF32 (the bit twin of rng.wgsl ln_f32)', () => {
  it('is a float32 within 3 ulp of ln over the probabilities a rule takes logs of, exact at 1, and never decreasing', () => {
    expect(lnF32(1)).toBe(0);
    let prev = -Infinity;
    for (let i = 0; i < 20000; i++) {
      const x = Math.fround(2 ** (-24 + (24 * i) / 20000));
      const got = lnF32(x);
      expect(Math.fround(got)).toBe(got);
      const want = Math.log(x);
      expect(Math.abs(got - want), `ln ${x}`).toBeLessThanOrEqual(3 * 2 ** (Math.floor(Math.log2(Math.abs(want) || 1)) - 23) + 1e-12);
      expect(got, `monotone at ${x}`).toBeGreaterThanOrEqual(prev);
      prev = got;
    }
    // frexp at powers of two and just below them.
    for (let e = -24; e <= 0; e++) {
      expect(Math.abs(lnF32(2 ** e) - e * Math.LN2)).toBeLessThan(2e-6);
      const below = Math.fround(2 ** e * (1 - 2 ** -24));
      expect(Math.abs(lnF32(below) - Math.log(below))).toBeLessThan(2e-6);
    }
  });
});

describe('RandomStream', () => {
  it('is reproducible and draws unbiased integers', () => {
    const a = new RandomStream(3, 9);
    const b = new RandomStream(3, 9);
    const xs = Array.from({ length: 100 }, () => a.int(6));
    expect(Array.from({ length: 100 }, () => b.int(6))).toEqual(xs);
    expect(new Set(new RandomStream(3, 9).sample(10, 10))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  });
});
