import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../../src/engine/backend';
import { maxTpsAt, wilson95 } from '../../src/engine/metrics';
import { SUITE_TASKS, summarizeSuite, suiteConfigs } from '../../src/engine/suite';
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
  it('covers 16 tasks over the paper grid and summarises to average curves and Max TPS@x', async () => {
    const { configs, samples } = suiteConfigs({ samplesPerTask: 4 });
    expect(new Set(configs.map((c) => c.task))).toEqual(new Set(SUITE_TASKS));
    expect(SUITE_TASKS).toHaveLength(16);
    const records: SweepRecord[] = [];
    for (let i = 0; i < configs.length; i++) records.push(await runConfig(configs[i], samples[i], 1, cpuBackend));
    const s = summarizeSuite(records);
    expect(s.tasks).toHaveLength(16);
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
  });
});
