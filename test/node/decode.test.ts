import { describe, expect, it } from 'vitest';
import { decode } from '../../src/engine/decode';
import { OracleDenoiser } from '../../src/engine/denoiser';
import { generateSample } from '../../src/engine/tasks';
import { shuffleBound } from '../../src/engine/theory';
import { MASK_ID } from '../../src/engine/vocab';

const oracle = new OracleDenoiser();

describe('decode traces', () => {
  it('same seed gives an identical trace; another seed a different one', async () => {
    const sample = generateSample('waiting-line/shuffle', { n: 5 }, 7, 0);
    const opts = { seed: 7, temperature: 1, record: 'full' as const };
    const a = await decode(sample, oracle, 'topk-random', { k: 3 }, opts);
    const b = await decode(sample, oracle, 'topk-random', { k: 3 }, opts);
    expect(b).toEqual(a);
    const c = await decode(sample, oracle, 'topk-random', { k: 3 }, { ...opts, seed: 8 });
    expect(c.steps.map((s) => s.revealed)).not.toEqual(a.steps.map((s) => s.revealed));
  });

  it('per-step total correlations of a shuffle sum to L_T of parallelbench.md', async () => {
    // L_T is an expectation over true outputs: along every path that stays valid the per-step C
    // depends only on (m, j), so each valid decode's running bound must equal the formula.
    for (const [n, k] of [[6, 2], [8, 3], [10, 4], [5, 5], [12, 1]]) {
      let valid = 0;
      for (let index = 0; index < 500 && valid < 3; index++) {
        const sample = generateSample('letters/shuffle', { n }, 1, index);
        const t = await decode(sample, oracle, 'topk-random', { k }, { seed: 1, theory: true });
        if (!t.score.ok) continue;
        valid++;
        const sum = t.steps.reduce((s, st) => s + st.theory!.totalCorrelation, 0);
        expect(sum).toBeCloseTo(shuffleBound(n, k), 9);
        expect(t.steps[t.steps.length - 1].theory!.bound).toBeCloseTo(shuffleBound(n, k), 9);
      }
      expect(valid).toBeGreaterThan(0);
    }
  });

  it('one token per step has zero total correlation at every step (support path)', async () => {
    // One token per step: nothing is revealed together, so every step's C is 0 and the
    // (single-token) combination is always valid.
    const sample = generateSample('waiting-line/shuffle', { n: 4 }, 2, 0);
    const t = await decode(sample, oracle, 'topk-confidence', { k: 1 }, { seed: 2, theory: true });
    expect(t.score.ok).toBe(true);
    for (const st of t.steps) {
      expect(st.theory!.totalCorrelation).toBe(0);
      expect(st.theory!.validProbability).toBeCloseTo(1, 12);
    }
  });

  it('valid probability of a one-step shuffle equals n!/n^n', async () => {
    const sample = generateSample('letters/shuffle', { n: 5 }, 4, 0);
    const t = await decode(sample, oracle, 'topk-random', { k: 5 }, { seed: 4, theory: true });
    expect(t.steps[0].theory!.validProbability).toBeCloseTo(120 / 3125, 12);
  });

  it('records per-position statistics and candidates in full mode; the output has no mask', async () => {
    const sample = generateSample('letters/replace-random', { n: 5 }, 3, 1);
    const t = await decode(sample, oracle, 'topk-confidence', { k: 2 }, { seed: 3, record: 'full' });
    expect(t.output.includes(MASK_ID)).toBe(false);
    const first = t.steps[0];
    // every position is masked before step 0: keep-letter probability 4/5 at each
    expect(Array.from(first.confidence!)).toEqual(new Array(5).fill(Math.fround(0.8)));
    expect(first.candidateProbs![0]).toBeCloseTo(0.8, 6);
    expect(first.candidateProbs![1]).toBeCloseTo(0.2, 6);
    expect(first.theory!.pairwiseMI!.length).toBe(25);
    expect(t.nfe).toBe(3);
    expect(t.tps).toBeCloseTo(5 / 3, 12);
  });

  it('semi-AR blocks reveal block by block', async () => {
    const sample = generateSample('letters/copy', { n: 8 }, 1, 0);
    const t = await decode(sample, oracle, 'topk-random', { k: 1 }, { seed: 1, block: 4 });
    const order = t.steps.map((s) => s.revealed[0]);
    expect(order.slice(0, 4).every((p) => p < 4)).toBe(true);
    expect(order.slice(4).every((p) => p >= 4)).toBe(true);
    await expect(decode(sample, oracle, 'dream-origin', {}, { seed: 1, block: 4 })).rejects.toThrow(/does not use semi-AR blocks/);
  });

  it('noise breaks exactness but keeps impossible tokens impossible', async () => {
    const sample = generateSample('letters/shuffle', { n: 6 }, 5, 0);
    const noisy = new OracleDenoiser(1, 5);
    const t = await decode(sample, noisy, 'topk-confidence', { k: 1 }, { seed: 5, record: 'full' });
    const letters = new Set(Array.from(sample.prompt.subarray(1, -1)));
    expect(Array.from(t.output).every((x) => letters.has(x))).toBe(true);
    expect(t.steps[0].theory).toBeUndefined();
    await expect(decode(sample, noisy, 'tc-bound', {}, { seed: 5 })).rejects.toThrow(/exact oracle/);
  });
});

describe('tempered probabilities', () => {
  it('are p^(1/T) normalised over the vocabulary, one-hot (ties shared) at T = 0', async () => {
    const { temperedProbabilities } = await import('../../src/engine/stats');
    const p = new Float32Array([0.5, 0.25, 0.25, 0]);
    const q = new Float32Array(4);
    temperedProbabilities(p, 2, q);
    const z = Math.SQRT1_2 + 0.5 + 0.5;
    expect(Array.from(q)).toEqual([Math.SQRT1_2 / z, 0.5 / z, 0.5 / z, 0].map(Math.fround));
    temperedProbabilities(p, 1, q);
    expect(Array.from(q)).toEqual(Array.from(p));
    temperedProbabilities(new Float32Array([0.4, 0.4, 0.2]), 0, q);
    expect(Array.from(q.subarray(0, 3))).toEqual([0.5, 0.5, 0]);
  });

  it('full traces carry them for every candidate', async () => {
    const sample = generateSample('letters/replace-random', { n: 4 }, 2, 0);
    const t = await decode(sample, oracle, 'topk-random', { k: 1 }, { seed: 2, record: 'full', temperature: 0.5 });
    const st = t.steps[0];
    // keep 3/4 vs F 1/4 at T = 0.5: 9/16 vs 1/16, normalised: 0.9 and 0.1
    expect(st.candidateTempered![0]).toBeCloseTo(0.9, 5);
    expect(st.candidateTempered![1]).toBeCloseTo(0.1, 5);
  });
});
