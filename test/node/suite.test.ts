import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../../src/engine/backend';
import { maxTpsAt, wilson95 } from '../../src/engine/metrics';
import { PAPER_SUBSET, SUITE_TASKS, summarizeSuite, suiteConfigs, taskMap } from '../../src/engine/suite';
import { runConfig, type SweepRecord } from '../../src/engine/sweep';

describe('metrics', () => {
  it('Max TPS@x takes measured points only (no interpolation where the curve crosses x)', () => {
    const curve = [{ tps: 1, score: 1 }, { tps: 2, score: 0.8 }, { tps: 4, score: 0.4 }];
    expect(maxTpsAt(curve, 90)).toBe(1);
    expect(maxTpsAt(curve, 80)).toBe(2);
    expect(maxTpsAt(curve, 60)).toBe(2);
    expect(maxTpsAt(curve, 30)).toBe(4);
    expect(maxTpsAt([{ tps: 1, score: 0.5 }], 70)).toBe(0);
  });
  it('Wilson interval contains the estimate and narrows with n', () => {
    const [lo, hi] = wilson95(30, 100);
    expect(lo).toBeLessThan(0.3);
    expect(hi).toBeGreaterThan(0.3);
    const [lo2, hi2] = wilson95(300, 1000);
    expect(hi2 - lo2).toBeLessThan(hi - lo);
    expect(wilson95(0, 10)[0]).toBe(0);
    expect(wilson95(10, 10)[1]).toBe(1);
  });
});

describe('ParallelBench suite', () => {
  it('covers the 17 tasks over the paper grid at the paper budgets and summarises to average curves and Max TPS@x', async () => {
    const { configs, samples, budgets } = suiteConfigs({ samplesPerTask: 2 });
    expect(new Set(configs.map((c) => c.task))).toEqual(new Set(SUITE_TASKS));
    expect(SUITE_TASKS).toHaveLength(17);
    for (const t of SUITE_TASKS) expect(budgets[t]).toBe(t.startsWith('waiting-line/') ? 32 : 64);
    expect(PAPER_SUBSET).toHaveLength(10);
    for (const t of PAPER_SUBSET) expect(SUITE_TASKS).toContain(t);
    const records: SweepRecord[] = [];
    for (let i = 0; i < configs.length; i++) records.push(await runConfig(configs[i], samples[i], 1, cpuBackend));
    const s = summarizeSuite(records);
    expect(s.tasks).toHaveLength(17);
    // The paper's budgets make top-k give TPS = k exactly on every task.
    for (const r of records.filter((x) => x.strategy.startsWith('topk-'))) {
      expect(r.canvasLength).toBe(r.task.startsWith('waiting-line/') ? 32 : 64);
      expect(r.tps).toBe(r.params.k);
    }
    expect(Object.keys(s.curves).sort()).toEqual(['factor', 'threshold', 'topk-confidence', 'topk-l2r', 'topk-random']);
    // The oracle at one token per step is exact on every task.
    const k1 = s.curves['topk-confidence'].find((p) => p.params.k === 1)!;
    expect(k1.score).toBe(1);
    expect(k1.tps).toBe(1);
    // Max TPS@x is one of the strategy's measured average points (or 0), never in between.
    for (const [strategy, v] of Object.entries(s.maxTps)) {
      expect(Object.keys(v).sort()).toEqual(['70', '75', '80']);
      for (const x of Object.values(v)) expect(x === 0 || s.curves[strategy].some((p) => p.tps === x)).toBe(true);
    }
    expect(s.maxTps['topk-confidence']['80']).toBeGreaterThanOrEqual(1);
    // Waiting-line pools its four sizes into one task entry per setting.
    expect(s.perTask.filter((p) => p.task === 'waiting-line/copy' && p.strategy === 'topk-random' && p.params.k === 2)).toHaveLength(1);
    // 17 tasks at 32- and 64-token canvases over the whole grid: slow on a loaded machine.
  }, 240_000);
});

describe('task map (parallelizability x order preference)', () => {
  const rec = (task: string, k: number, block: number, correct: number): SweepRecord => ({
    task, n: null, strategy: 'topk-confidence', params: { k, temperature: 0, block, noise: 0 }, samples: 10, correct, score: correct / 10,
    ci95: [0, 1], tps: k, nfe: 1, canvasLength: 32, seconds: 0, backend: 'cpu', seed: 0,
  });
  it('centre of mass over log2 k and the least-squares slope over log2 block', () => {
    const records = [
      // flat in k: centre of mass at the mean of log2 k = (0 + 1 + 2) / 3 = 1
      rec('a', 1, 0, 10), rec('a', 2, 0, 10), rec('a', 4, 0, 10),
      // score falls by 0.1 per doubling of the block: slope -0.1
      rec('a', 2, 2, 10), rec('a', 2, 4, 9), rec('a', 2, 8, 8),
      // only k = 1 scores: centre of mass 0; flat over blocks
      rec('b', 1, 0, 10), rec('b', 2, 0, 0), rec('b', 4, 0, 0),
      rec('b', 2, 2, 5), rec('b', 2, 4, 5),
      // no block sweep: left out
      rec('c', 1, 0, 10), rec('c', 2, 0, 10),
    ];
    const map = taskMap(records);
    expect(map.map((p) => p.task)).toEqual(['a', 'b']);
    expect(map[0].parallelizability).toBeCloseTo(1, 12);
    expect(map[0].orderPreference).toBeCloseTo(-0.1, 12);
    expect(map[1].parallelizability).toBe(0);
    expect(map[1].orderPreference).toBeCloseTo(0, 12);
  });

  it('the order sweep runs only with orderSweep and its records stay apart (block > 0)', () => {
    const plain = suiteConfigs({ samplesPerTask: 4 }).configs;
    const withMap = suiteConfigs({ samplesPerTask: 4, orderSweep: true }).configs;
    expect(plain.every((c) => c.block === 0)).toBe(true);
    const extra = withMap.filter((c) => c.block > 0);
    expect(extra.length).toBe(withMap.length - plain.length);
    expect(new Set(extra.map((c) => c.block))).toEqual(new Set([2, 4, 8, 16, 32]));
    expect(extra.every((c) => c.strategy === 'topk-confidence' && c.params.k === 2)).toBe(true);
  });
});
