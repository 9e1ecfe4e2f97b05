import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../../src/engine/backend';
import { SampleCache } from '../../src/engine/sample-cache';
import { runSamples, sweepSamples, type SweepConfig } from '../../src/engine/sweep';
import { getTask, resolveTaskParams } from '../../src/engine/tasks';
import type { TaskDefinition } from '../../src/engine/tasks/types';

/** A task whose generate() counts its calls. */
function counted(id: string): { task: TaskDefinition; calls: () => number } {
  const real = getTask(id);
  let calls = 0;
  return {
    task: { ...real, generate: (p, seed, index) => (calls++, real.generate(p, seed, index)) },
    calls: () => calls,
  };
}

describe('kept samples (sample-cache.ts)', () => {
  const params = resolveTaskParams(getTask('text/w2s-easy'), {});

  it('generates each sample once across configurations, and gives what generate gives', () => {
    const { task, calls } = counted('text/w2s-easy');
    const cache = new SampleCache(1 << 20);
    for (let config = 0; config < 3; config++) for (let i = 0; i < 5; i++) cache.get(task, params, 7, i);
    expect(calls()).toBe(5);
    const fresh = task.generate(params, 7, 3);
    const kept = cache.get(task, params, 7, 3);
    expect(Array.from(kept.prompt)).toEqual(Array.from(fresh.prompt));
    expect(Array.from(kept.reference)).toEqual(Array.from(fresh.reference));
    expect(kept.truth.supportSize).toBe(fresh.truth.supportSize);
  });

  it('starts over for another seed or other parameters', () => {
    const { task, calls } = counted('waiting-line/sort');
    const cache = new SampleCache(1 << 20);
    const p3 = resolveTaskParams(task, { n: 3 });
    const p4 = resolveTaskParams(task, { n: 4 });
    cache.get(task, p3, 1, 0);
    cache.get(task, p3, 2, 0);
    cache.get(task, p4, 2, 0);
    cache.get(task, p4, 2, 0);
    expect(calls()).toBe(3);
    expect(cache.get(task, p4, 2, 0).params.n).toBe(4);
  });

  it('keeps no more than its budget, and still answers past it', () => {
    const { task, calls } = counted('text/w2s-easy');
    // w2s-easy supports hold thousands of cells: a budget of 20,000 keeps only the first few.
    const cache = new SampleCache(20_000);
    for (let config = 0; config < 2; config++) for (let i = 0; i < 10; i++) expect(cache.get(task, params, 3, i).index).toBe(i);
    expect(cache.size).toBeGreaterThan(0);
    expect(cache.size).toBeLessThan(10);
    expect(calls()).toBe(10 + (10 - cache.size));
  });

  it('a sample decoded once decodes again as a new one would (its support keeps conditioning caches)', async () => {
    const base = { task: 'text/w2s-medium', strategy: 'topk-confidence', params: { k: 2 }, temperature: 1, block: 0, noise: 0 };
    const configs: SweepConfig[] = [
      { ...base, strategy: 'topk-random', params: { k: 4 } },
      { ...base, strategy: 'threshold', params: { threshold: 0.5 } },
      base,
    ];
    const run = (c: SweepConfig) => runSamples(c, 0, 12, 5, cpuBackend, { batchSize: 4 });
    sweepSamples.clear();
    const warm = [];
    for (const c of configs) warm.push(await run(c));
    expect(sweepSamples.size).toBe(12);
    const cold = [];
    for (const c of configs) {
      sweepSamples.clear();
      cold.push(await run(c));
    }
    expect(warm).toEqual(cold);
  });
});
