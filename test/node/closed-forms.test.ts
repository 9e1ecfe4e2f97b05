import { describe, expect, it } from 'vitest';
import {
  replaceRandomGreedyAccuracy,
  replaceRandomSampledAccuracy,
  shuffleAccuracy,
  shuffleBound,
  shuffleTotalCorrelation,
} from '../../src/engine/theory';
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
