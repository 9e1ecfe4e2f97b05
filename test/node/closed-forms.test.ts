import { describe, expect, it } from 'vitest';
import {
  replaceRandomGreedyAccuracy,
  replaceRandomSampledAccuracy,
  shuffleAccuracy,
  shuffleBound,
  shuffleTotalCorrelation,
  expectedBoundExact,
  expectedBoundMonteCarlo,
} from '../../src/engine/theory';
import { decodeBatch } from '../../src/engine/decode';
import { OracleDenoiser } from '../../src/engine/denoiser';
import { SupportDistribution } from '../../src/engine/distribution';
import { RandomStream } from '../../src/engine/rng';
import { generateSample } from '../../src/engine/tasks';
import { expectWithin3Sigma, oracleAccuracy } from './helpers';

const N = 1500;

describe('closed forms themselves (parallelbench.md examples)', () => {
  it('shuffle accuracy', () => {
    expect(shuffleAccuracy(3, 3)).toBeCloseTo(2 / 9, 6);
    expect(shuffleAccuracy(6, 2)).toBeCloseTo(0.3125, 6);
    expect(shuffleAccuracy(10, 2)).toBeCloseTo(0.2461, 4);
    expect(shuffleAccuracy(7, 1)).toBe(1);
  });
  it('replace-random one step', () => {
    expect(replaceRandomSampledAccuracy(3, 3)).toBeCloseTo(4 / 9, 6);
    expect(replaceRandomSampledAccuracy(6, 6)).toBeCloseTo(0.4019, 4);
    expect(replaceRandomSampledAccuracy(10, 10)).toBeCloseTo(0.3874, 4);
    expect(replaceRandomSampledAccuracy(8, 1)).toBeCloseTo(1, 12);
  });
  it('L_1 = C(Y|X) and L_n = 0', () => {
    expect(shuffleBound(8, 8)).toBeCloseTo(shuffleTotalCorrelation(8), 10);
    expect(shuffleBound(8, 1)).toBeCloseTo(0, 10);
  });
});

describe('oracle decodes match the closed forms within 3σ', () => {
  const shuffleCases: [number, number, string, number][] = [
    [3, 3, 'topk-random', 0],
    [6, 2, 'topk-random', 0],
    [6, 2, 'topk-confidence', 0],
    [6, 3, 'topk-confidence', 1],
    [10, 2, 'topk-random', 1],
    [8, 4, 'topk-margin', 0],
    [16, 4, 'topk-random', 0],
  ];
  for (const [n, k, strategy, temperature] of shuffleCases) {
    it(`letters/shuffle n=${n} k=${k} ${strategy} T=${temperature}`, async () => {
      const acc = await oracleAccuracy('letters/shuffle', { n }, strategy, { k }, { samples: N, temperature, seed: 11 });
      expectWithin3Sigma(acc, shuffleAccuracy(n, k), N);
    });
  }

  const replaceSampled: [number, number][] = [
    [3, 3],
    [6, 6],
    [6, 2],
    [10, 10],
    [8, 3],
  ];
  for (const [n, k] of replaceSampled) {
    it(`letters/replace-random sampled n=${n} k=${k}`, async () => {
      const acc = await oracleAccuracy('letters/replace-random', { n }, 'topk-random', { k }, { samples: N, temperature: 1, seed: 5 });
      expectWithin3Sigma(acc, replaceRandomSampledAccuracy(n, k), N);
    });
  }

  const replaceGreedy: [number, number, string][] = [
    [5, 1, 'topk-confidence'],
    [4, 2, 'topk-confidence'],
    [6, 2, 'topk-random'],
    [6, 3, 'topk-random'],
    [9, 4, 'topk-confidence'],
  ];
  for (const [n, k, strategy] of replaceGreedy) {
    it(`letters/replace-random greedy n=${n} k=${k} ${strategy}`, async () => {
      const acc = await oracleAccuracy('letters/replace-random', { n }, strategy, { k }, { samples: N, temperature: 0, seed: 9 });
      expectWithin3Sigma(acc, replaceRandomGreedyAccuracy(n, k), N);
    });
  }
});

describe('confidence threshold on the oracle', () => {
  for (const gamma of [0.51, 0.7, 0.9]) {
    it(`shuffle is exact for γ = ${gamma} > 0.5`, async () => {
      for (const n of [4, 8]) {
        expect(await oracleAccuracy('letters/shuffle', { n }, 'threshold', { threshold: gamma }, { samples: 200, temperature: 1 })).toBe(1);
      }
    });
  }
  it('shuffle is not exact at γ = 0.5 with sampling', async () => {
    expect(await oracleAccuracy('letters/shuffle', { n: 4 }, 'threshold', { threshold: 0.49 }, { samples: 400, temperature: 1 })).toBeLessThan(0.9);
  });
  for (const n of [4, 6, 10]) {
    it(`replace-random n=${n} is exact iff γ ≥ (n-1)/n`, async () => {
      const edge = (n - 1) / n;
      const at = await oracleAccuracy('letters/replace-random', { n }, 'threshold', { threshold: edge }, { samples: 300 });
      const above = await oracleAccuracy('letters/replace-random', { n }, 'threshold', { threshold: Math.min(1, edge + 0.01) }, { samples: 300 });
      const below = await oracleAccuracy('letters/replace-random', { n }, 'threshold', { threshold: edge - 0.01 }, { samples: 300 });
      expect(at).toBe(1);
      expect(above).toBe(1);
      expect(below).toBe(0);
    });
  }
});

describe('the bound, honest: realised sum on the support vs expected L_T of the partition', () => {
  /** KL(P || Q) by enumeration, Q = the partition's product of conditionals of P. */
  function klByEnumeration(truth: SupportDistribution, partition: number[][]): number {
    const members = Array.from({ length: truth.supportSize }, (_, s) => truth.member(s));
    const w = Array.from(truth.weights);
    const total = w.reduce((a, b) => a + b, 0);
    let kl = 0;
    members.forEach((y, s) => {
      const p = w[s] / total;
      let logQ = 0;
      const before: number[] = [];
      for (const set of partition) {
        const agree = members.map((m) => before.every((i) => m[i] === y[i]));
        const mass = members.reduce((a, _m, r) => a + (agree[r] ? w[r] : 0), 0);
        for (const i of set) {
          const hit = members.reduce((a, m, r) => a + (agree[r] && m[i] === y[i] ? w[r] : 0), 0);
          logQ += Math.log2(hit / mass);
        }
        before.push(...set);
      }
      kl += p * (Math.log2(p) - logQ);
    });
    return kl;
  }

  const wl = generateSample('waiting-line/insert-random', { n: 3 }, 5, 0);
  const pairs = (L: number, k: number) => Array.from({ length: Math.ceil(L / k) }, (_, t) => Array.from({ length: Math.min(k, L - t * k) }, (_, j) => t * k + j));

  it('waiting line n = 3: expected L_T equals KL(P || Q) by enumeration on fixed partitions', () => {
    const truth = wl.truth as SupportDistribution;
    const L = truth.length;
    const partitions = [pairs(L, 1), pairs(L, 2), pairs(L, 3), pairs(L, 8), [Array.from({ length: L }, (_, i) => i)], [[0, 3, 6], [1, 4, 7], ...pairs(L, 4).map((s) => s.filter((i) => ![0, 1, 3, 4, 6, 7].includes(i))).filter((s) => s.length)]];
    const values = partitions.map((p) => expectedBoundExact(truth, p));
    partitions.forEach((p, i) => expect(values[i]).toBeCloseTo(klByEnumeration(truth, p), 10));
    expect(values[0]).toBeCloseTo(0, 12); // one position per step loses nothing
    expect(values[1]).toBeGreaterThan(0.1); // pairs split people: a real loss
  });

  it('Monte Carlo agrees with the exact value within 4 standard errors', () => {
    const truth = wl.truth as SupportDistribution;
    const p = pairs(truth.length, 2);
    const mc = expectedBoundMonteCarlo(truth, p, 2000, new RandomStream(9, 0));
    expect(mc.stderr).toBeGreaterThan(0);
    expect(Math.abs(mc.mean - expectedBoundExact(truth, p))).toBeLessThan(4 * mc.stderr);
  });

  it("letters shuffle: expected L_T of k-per-step partitions is the closed form's shuffle bound", () => {
    const s = generateSample('letters/shuffle', { n: 6 }, 1, 0);
    for (const k of [1, 2, 3, 4, 6]) expect(expectedBoundExact(s.truth, pairs(6, k))).toBeCloseTo(shuffleBound(6, k), 10);
  });

  it('decodes that stay on the support realise exactly the expected L_T (shuffle: C does not depend on the tokens)', async () => {
    const samples = Array.from({ length: 60 }, (_, i) => generateSample('letters/shuffle', { n: 5 }, 2, i));
    const traces = await decodeBatch(samples, new OracleDenoiser(), 'topk-random', { k: 2 }, { seed: 2, temperature: 1, theory: true });
    const on = traces.filter((t) => t.bound!.leftSupportAt === null);
    const off = traces.filter((t) => t.bound!.leftSupportAt !== null);
    expect(on.length).toBeGreaterThan(3);
    expect(off.length).toBeGreaterThan(3);
    for (const t of on) {
      expect(t.score.ok).toBe(true);
      expect(t.bound!.realised).toBeCloseTo(t.bound!.expected, 9);
      expect(t.bound!.expected).toBeCloseTo(shuffleBound(5, 2), 9);
    }
    for (const t of off) {
      expect(t.score.ok).toBe(false);
      // The step that left: the canvas after it is off the support, the one before on it.
      const at = t.bound!.leftSupportAt!;
      expect(t.steps[at].theory!.consistentBefore).toBe(true);
      if (at + 1 < t.steps.length) expect(t.steps[at + 1].theory!.consistentBefore).toBe(false);
      const sumTo = t.steps.slice(0, at + 1).reduce((a, s) => a + s.theory!.totalCorrelation, 0);
      expect(t.bound!.realised).toBeCloseTo(sumTo, 12);
      expect(t.bound!.method).toBe('exact');
    }
  });

  it('waiting line n = 3, left-to-right k = 2: the trace reports the exact KL of its partition as expected L_T', async () => {
    const samples = Array.from({ length: 20 }, (_, i) => generateSample('waiting-line/insert-random', { n: 3 }, 5, i));
    const traces = await decodeBatch(samples, new OracleDenoiser(), 'topk-l2r', { k: 2 }, { seed: 5, temperature: 1, theory: true });
    traces.forEach((t, i) => {
      const truth = samples[i].truth as SupportDistribution;
      expect(t.bound!.expected).toBeCloseTo(klByEnumeration(truth, pairs(truth.length, 2)), 10);
      expect(t.bound!.expectedError).toBe(0);
    });
  });
});
