import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../../src/engine/backend';
import { isPartialOf, runConfig, runSamples, type PartialConfig, type SweepConfig, type SweepProgress, type SweepRecord } from '../../src/engine/sweep';
import { runPoolSweep, sweepChunks, type ChunkRunner } from '../../src/engine/sweep-pool';

const base = { temperature: 0, block: 0, noise: 0 };
const CONFIGS: SweepConfig[] = [
  { task: 'letters/shuffle', n: 6, strategy: 'topk-random', params: { k: 2 }, ...base },
  { task: 'waiting-line/shuffle', n: 4, strategy: 'threshold', params: { threshold: 0.7 }, ...base, temperature: 1 },
  { task: 'text/w2s-hard', strategy: 'topk-confidence', params: { k: 2 }, ...base, temperature: 1 },
  { task: 'letters/reverse', n: 5, strategy: 'eb', params: {}, ...base },
];
const SAMPLES = [50, 37, 20, 9];
const SEED = 11;
const withoutTime = (r: SweepRecord) => ({ ...r, seconds: 0 });

/** In-process workers that finish out of order (random delays), as real ones do. */
function workers(n: number, seen: number[][] = []): ChunkRunner[] {
  return Array.from({ length: n }, (_, w) => async (chunk) => {
    await new Promise((r) => setTimeout(r, Math.random() * 5));
    (seen[w] ??= []).push(chunk.configIndex);
    return runSamples(chunk.config, chunk.start, chunk.count, chunk.seed, cpuBackend, { batchSize: chunk.batchSize });
  });
}

async function pool(n: number, opts: { skip?: number; signal?: AbortSignal; batchSize?: number; prefetch?: number; runners?: ChunkRunner[] } = {}) {
  const records: [number, SweepRecord][] = [];
  const progress: SweepProgress[] = [];
  await runPoolSweep(
    { configs: CONFIGS, samples: SAMPLES, seed: SEED, batchSize: opts.batchSize ?? 8, skip: opts.skip, prefetch: opts.prefetch, backend: 'cpu' },
    opts.runners ?? workers(n),
    { onRecord: (i, r) => records.push([i, r]), onProgress: (p) => progress.push(p), signal: opts.signal },
  ).catch((e) => {
    if (!opts.signal?.aborted) throw e;
  });
  return { records, progress };
}

describe('sweep pool', () => {
  it('gives one-worker records, in order, whatever the number of workers and the chunk size', async () => {
    const serial: SweepRecord[] = [];
    for (let i = 0; i < CONFIGS.length; i++) serial.push(await runConfig(CONFIGS[i], SAMPLES[i], SEED, cpuBackend, { batchSize: 64 }));
    // Not degenerate: the configs differ and some fail.
    expect(new Set(serial.map((r) => r.score)).size).toBeGreaterThan(1);
    for (const n of [1, 2, 5]) {
      for (const [batchSize, prefetch] of [[8, 1], [64, 1], [8, 2]]) {
        const { records, progress } = await pool(n, { batchSize, prefetch });
        expect(records.map(([i]) => i)).toEqual([0, 1, 2, 3]);
        expect(records.map(([, r]) => withoutTime(r))).toEqual(serial.map(withoutTime));
        const dones = progress.map((p) => p.done);
        expect(dones).toEqual([...dones].sort((a, b) => a - b));
        expect(dones.at(-1)).toBe(SAMPLES.reduce((a, b) => a + b));
      }
    }
  });

  it('cuts configs into equal chunks, and worker w takes slot w of the next configs first', async () => {
    expect(sweepChunks({ configs: CONFIGS, samples: [100, 64, 65, 9], seed: SEED, batchSize: 8, chunkSize: 64, backend: 'cpu' }).map((c) => [c.configIndex, c.start, c.count, c.slot]))
      .toEqual([[0, 0, 50, 0], [0, 50, 50, 1], [1, 0, 64, 0], [2, 0, 33, 0], [2, 33, 32, 1], [3, 0, 9, 0]]);
    // Two chunks per config: a worker decodes the same half of the configs' samples (a task's
    // samples are listed once per worker that decodes them), not whichever chunk comes next.
    const sweep = { configs: CONFIGS, samples: [20, 20, 20, 20], seed: SEED, batchSize: 8, chunkSize: 10, backend: 'cpu' };
    const got: number[][] = [[], []];
    // Worker 1 is slow: worker 0 runs ahead, and takes its own slot of the next configs first.
    const runners = [0, 1].map((w): ChunkRunner => async (chunk) => {
      got[w].push(chunk.slot);
      if (w === 1) await new Promise((r) => setTimeout(r, 50));
      return runSamples(chunk.config, chunk.start, chunk.count, chunk.seed, cpuBackend, { batchSize: chunk.batchSize });
    });
    const records: SweepRecord[] = [];
    await runPoolSweep(sweep, runners, { onRecord: (_, r) => records.push(r) });
    expect(got[0].slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(got[1][0]).toBe(1);
    const serial = [];
    for (let i = 0; i < CONFIGS.length; i++) serial.push(await runConfig(CONFIGS[i], sweep.samples[i], SEED, cpuBackend, { batchSize: 64 }));
    expect(records.map(withoutTime)).toEqual(serial.map(withoutTime));
  });

  it('holds at most `prefetch` chunks on each worker, and that many while chunks remain', async () => {
    for (const prefetch of [1, 2]) {
      const held: number[] = [];
      const most: number[] = [];
      const runners = workers(2).map((run, w): ChunkRunner => async (chunk, signal) => {
        held[w] = (held[w] ?? 0) + 1;
        most[w] = Math.max(most[w] ?? 0, held[w]);
        try {
          return await run(chunk, signal);
        } finally {
          held[w]--;
        }
      });
      await pool(2, { prefetch, runners });
      expect(most).toEqual([prefetch, prefetch]);
    }
  });

  it('holds two chunks per worker by default for the oracle, one once a config decodes with a model', async () => {
    const tiny = { kind: 'model', model: 'tiny', runtime: 'cpu', noise: 0 } as const;
    const cases: [SweepConfig[], number][] = [[CONFIGS.slice(0, 2), 2], [[CONFIGS[0], { ...CONFIGS[0], params: { k: 1 }, model: tiny }], 1]];
    for (const [configs, expected] of cases) {
      let held = 0;
      let most = 0;
      // The model config is decoded with the oracle here: only how many chunks the pool hands out is under test.
      const runner: ChunkRunner = async (chunk) => {
        most = Math.max(most, ++held);
        await new Promise((r) => setTimeout(r, 1));
        const totals = await runSamples({ ...chunk.config, model: undefined }, chunk.start, chunk.count, chunk.seed, cpuBackend, { batchSize: chunk.batchSize });
        held--;
        return totals;
      };
      await runPoolSweep({ configs, samples: [40, 40], seed: SEED, batchSize: 8, backend: 'cpu' }, [runner], { onRecord: () => {} });
      expect(most).toBe(expected);
    }
  });

  it('resumes at a config (skip) with the same records, and stops on cancel with an in-order prefix', async () => {
    const full = (await pool(3)).records;
    const resumed = (await pool(3, { skip: 2 })).records;
    expect(resumed.map(([i]) => i)).toEqual([2, 3]);
    expect(resumed.map(([, r]) => withoutTime(r))).toEqual(full.slice(2).map(([, r]) => withoutTime(r)));

    const ac = new AbortController();
    const records: number[] = [];
    const run = runPoolSweep({ configs: CONFIGS, samples: SAMPLES, seed: SEED, batchSize: 4, backend: 'cpu' }, workers(2), {
      onRecord: (i) => {
        records.push(i);
        if (i === 0) ac.abort();
      },
      signal: ac.signal,
    });
    await expect(run).rejects.toThrow();
    expect(records[0]).toBe(0);
    expect(records.length).toBeLessThan(CONFIGS.length);
  });

  /**
   * Cancels after `abortAfter` chunks of config 1 on `n` workers that finish out of order, then
   * resumes from the last partial: the records must equal an uninterrupted run's.
   */
  async function cancelAndResume(n: number, abortAfter: number, partialEveryMs?: number, prefetch?: number) {
    const full = (await pool(2, { batchSize: 4 })).records.map(([, r]) => withoutTime(r));
    const ac = new AbortController();
    const records: SweepRecord[] = [];
    const partials: PartialConfig[] = [];
    let chunks = 0;
    const runners: ChunkRunner[] = workers(n).map((w) => async (chunk, signal) => {
      const t = await w(chunk, signal);
      if (chunk.configIndex === 1 && ++chunks === abortAfter) ac.abort();
      return t;
    });
    await expect(runPoolSweep({ configs: CONFIGS, samples: SAMPLES, seed: SEED, batchSize: 4, prefetch, backend: 'cpu' }, runners, {
      onRecord: (_, r) => records.push(r),
      // A copy: the pool's totals go on growing after it reports them.
      onPartial: (p) => partials.push({ ...p, totals: structuredClone(p.totals) }),
      partialEveryMs,
      signal: ac.signal,
    })).rejects.toThrow();
    expect(records.map(withoutTime)).toEqual(full.slice(0, records.length));
    const last = partials.at(-1)!;
    expect(isPartialOf(last, records.length, SAMPLES[records.length])).toBe(true);
    // Every partial is a prefix: its per-sample outcomes are the full record's first `done`.
    for (const p of partials) expect(p.totals.perSample.correct).toEqual(full[p.configIndex].perSample!.correct.slice(0, p.done));
    const rest: [number, SweepRecord][] = [];
    await runPoolSweep({ configs: CONFIGS, samples: SAMPLES, seed: SEED, batchSize: 4, backend: 'cpu', skip: records.length, partial: last }, workers(n), { onRecord: (i, r) => rest.push([i, r]) });
    expect([...records, ...rest.map(([, r]) => r)].map(withoutTime)).toEqual(full);
    return partials;
  }

  it('a cancel keeps the finished prefix of the first unfinished config; resuming from it gives the same records', async () => {
    for (const prefetch of [1, 2]) {
      const partials = await cancelAndResume(3, 4, undefined, prefetch);
      expect(partials.at(-1)!.done).toBeGreaterThan(0);
    }
  });

  it('partials held back by partialEveryMs still end with the newest prefix when the sweep stops', async () => {
    // One chunk per worker: the prefix surely grows between the first report and the stop.
    const partials = await cancelAndResume(2, 6, 1e9, 1);
    // One when config 1's prefix first grew, one forced at the stop: not one per chunk.
    expect(partials.length).toBe(2);
    expect(partials[1].done).toBeGreaterThan(partials[0].done);
  });

  it('a worker error rejects the sweep', async () => {
    const bad: ChunkRunner = async () => {
      throw new Error('boom');
    };
    await expect(runPoolSweep({ configs: CONFIGS, samples: SAMPLES, seed: SEED, batchSize: 8, backend: 'cpu' }, [...workers(1), bad], { onRecord: () => {} })).rejects.toThrow('boom');
  });
});

describe('bench CLI --workers', () => {
  it('prints the same JSON records with 1 and 3 worker threads (wall time aside)', () => {
    const args = ['tsx', 'src/cli/bench.ts', '--task', 'letters/shuffle,waiting-line/sort', '--n', '5', '--strategy', 'topk-random,threshold', '--k', '1,3', '--threshold', '0.9,0.6', '--samples', '90', '--seed', '4', '--batch', '16', '--json'];
    const runWith = (w: string) => {
      const r = spawnSync('npx', [...args, '--workers', w], { encoding: 'utf8', timeout: 120_000 });
      if (r.status !== 0) throw new Error(r.stderr);
      return (JSON.parse(r.stdout).results as SweepRecord[]).map(withoutTime);
    };
    const one = runWith('1');
    expect(one).toHaveLength(8);
    expect(JSON.stringify(runWith('3'))).toBe(JSON.stringify(one));
  }, 150_000);
});
