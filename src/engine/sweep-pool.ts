import { addTotals, emptyTotals, sweepRecord, validateConfig, type SampleTotals, type SweepConfig, type SweepProgress, type SweepRecord } from './sweep';

/**
 * A sweep on a pool of workers (worker_threads in the CLI, src/cli/pool.ts; Web Workers in the
 * page, src/worker/pool.ts). Each config's samples are cut into chunks of at most `batchSize`;
 * idle workers take the next chunk in order; a config's record is made once all its chunks are
 * in and every earlier record has been given out. Every sample's seeds depend on its index alone
 * (src/engine/sweep.ts runSamples) and totals are sums of integers, so the records are the same,
 * in the same order, whatever the number of workers; only `seconds` (wall time) differs.
 */

export interface SweepChunk {
  configIndex: number;
  config: SweepConfig;
  /** First sample index of the chunk, and how many. */
  start: number;
  count: number;
  seed: number;
  batchSize: number;
}

/** Runs one chunk on one worker. */
export type ChunkRunner = (chunk: SweepChunk, signal: AbortSignal) => Promise<SampleTotals>;

export interface PoolSweep {
  configs: readonly SweepConfig[];
  /** Samples of each config. */
  samples: readonly number[];
  seed: number;
  batchSize: number;
  /** Configs before this index are already done (resume). */
  skip?: number;
  /** Name written in each record's `backend`. */
  backend: string;
}

export function sweepChunks(s: PoolSweep): SweepChunk[] {
  const out: SweepChunk[] = [];
  for (let i = s.skip ?? 0; i < s.configs.length; i++) {
    for (let start = 0; start < s.samples[i]; start += s.batchSize) {
      out.push({ configIndex: i, config: s.configs[i], start, count: Math.min(s.batchSize, s.samples[i] - start), seed: s.seed, batchSize: s.batchSize });
    }
  }
  return out;
}

/**
 * Runs the sweep on `runners` (one per worker). Records come out in config order through
 * `onRecord(index, record)`; progress counts finished samples. On abort or on a worker's error
 * no new chunk starts, the chunks in flight are awaited, and the promise rejects.
 */
export async function runPoolSweep(
  s: PoolSweep,
  runners: readonly ChunkRunner[],
  handlers: { onRecord: (index: number, r: SweepRecord) => void; onProgress?: (p: SweepProgress) => void; signal?: AbortSignal },
): Promise<void> {
  if (runners.length === 0) throw new RangeError('a pool sweep needs at least one worker');
  s.configs.forEach(validateConfig);
  const chunks = sweepChunks(s);
  const skip = s.skip ?? 0;
  const total = s.samples.reduce((a, b) => a + b, 0);
  let done = s.samples.slice(0, skip).reduce((a, b) => a + b, 0);
  const pending = s.configs.map((_, i) => ({ left: Math.ceil(s.samples[i] / s.batchSize), totals: emptyTotals(), started: Infinity, ended: 0 }));
  let nextEmit = skip;
  let next = 0;
  const inner = new AbortController();
  const stop = () => inner.abort(handlers.signal?.reason);
  handlers.signal?.addEventListener('abort', stop);
  let failure: unknown = null;

  const emitReady = () => {
    while (nextEmit < s.configs.length && pending[nextEmit].left === 0) {
      const p = pending[nextEmit];
      handlers.onRecord(nextEmit, sweepRecord(s.configs[nextEmit], s.samples[nextEmit], s.seed, p.totals, (p.ended - p.started) / 1000, s.backend));
      nextEmit++;
    }
  };

  const work = async (runner: ChunkRunner) => {
    while (!inner.signal.aborted && next < chunks.length) {
      const chunk = chunks[next++];
      const p = pending[chunk.configIndex];
      p.started = Math.min(p.started, performance.now());
      let t: SampleTotals;
      try {
        t = await runner(chunk, inner.signal);
      } catch (e) {
        failure ??= e;
        inner.abort(e);
        return;
      }
      addTotals(p.totals, t);
      p.ended = Math.max(p.ended, performance.now());
      p.left--;
      done += chunk.count;
      handlers.onProgress?.({ configIndex: Math.min(nextEmit, s.configs.length - 1), configs: s.configs.length, done, total });
      emitReady();
    }
  };
  try {
    await Promise.all(runners.map(work));
  } finally {
    handlers.signal?.removeEventListener('abort', stop);
  }
  if (failure !== null && !handlers.signal?.aborted) throw failure;
  handlers.signal?.throwIfAborted();
}
