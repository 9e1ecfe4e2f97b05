import { addTotals, emptyTotals, isPartialOf, sweepRecord, validateConfig, type PartialConfig, type SampleTotals, type SweepConfig, type SweepProgress, type SweepRecord } from './sweep';

/**
 * A sweep on a pool of workers (worker_threads in the CLI, src/cli/pool.ts; Web Workers in the
 * page, src/worker/pool.ts). Each config's samples are cut into equal chunks of at most
 * `chunkSize` (decoded `batchSize` at a time); idle workers take the next chunk in order, worker w
 * preferring slot w of a config among the next few (SLOT_LOOKAHEAD); a config's record is made
 * once all its chunks are in and every earlier record has been given out. Every sample's seeds depend on its index alone
 * (src/engine/sweep.ts runSamples) and totals are sums of integers, so the records are the same,
 * in the same order, whatever the number of workers; only `seconds` (wall time) differs.
 * A config's totals grow by its finished prefix of samples (0..done-1, chunks merged in sample
 * order), so a cancel keeps exactly what a one-worker run would: a PartialConfig to resume from.
 */

export interface SweepChunk {
  configIndex: number;
  config: SweepConfig;
  /** First sample index of the chunk, and how many. */
  start: number;
  count: number;
  seed: number;
  batchSize: number;
  /** Which chunk of its config (0, 1, ...): runPoolSweep gives slot j to worker j mod N first. */
  slot: number;
}

/** Runs one chunk on one worker. */
export type ChunkRunner = (chunk: SweepChunk, signal: AbortSignal) => Promise<SampleTotals>;

export interface PoolSweep {
  configs: readonly SweepConfig[];
  /** Samples of each config. */
  samples: readonly number[];
  seed: number;
  /** Decodes per backend call. */
  batchSize: number;
  /**
   * Samples per chunk, the unit a worker takes (default: batchSize). Larger than the batch, it
   * saves messages (each chunk is a round trip) without enlarging the decode's working set.
   */
  chunkSize?: number;
  /**
   * Chunks each worker holds at once. At 2 a worker is sent its next chunk while it decodes the
   * current one, so it never sits idle for the round trip through the coordinating thread, which
   * on a machine whose every core runs a worker first waits for a core itself. A cancel then
   * waits for the held chunks too, so the default is 2 for the oracle's short chunks and 1 once a
   * config decodes with a model (its chunks are slow).
   */
  prefetch?: number;
  /** Configs before this index are already done (resume). */
  skip?: number;
  /** The finished samples of config `skip` (resume; ignored unless it belongs there). */
  partial?: PartialConfig;
  /** Name written in each record's `backend`. */
  backend: string;
}

/** The partial that resumes config `skip`, when `s.partial` is one. */
function resumeOf(s: PoolSweep): PartialConfig | undefined {
  const skip = s.skip ?? 0;
  return skip < s.configs.length && isPartialOf(s.partial, skip, s.samples[skip]) ? s.partial : undefined;
}

export function sweepChunks(s: PoolSweep): SweepChunk[] {
  const out: SweepChunk[] = [];
  const skip = s.skip ?? 0;
  const from = resumeOf(s)?.done ?? 0;
  const size = s.chunkSize ?? s.batchSize;
  for (let i = skip; i < s.configs.length; i++) {
    // As few chunks as `size` allows, of equal sizes (to one sample), so that the workers that
    // take a config's slots share its samples evenly.
    let start = i === skip ? from : 0;
    const n = s.samples[i] - start;
    const k = Math.ceil(n / size);
    for (let slot = 0; slot < k; slot++) {
      const count = Math.floor(n / k) + (slot < n % k ? 1 : 0);
      out.push({ configIndex: i, config: s.configs[i], start, count, seed: s.seed, batchSize: s.batchSize, slot });
      start += count;
    }
  }
  return out;
}

/**
 * How far past the first chunk not yet taken a worker looks for one of its own slots. A sweep's
 * consecutive configs decode the same samples (one task, other strategies); a worker that takes
 * the same slot of each decodes the same samples again and again, and a task's first use of a
 * sample (listing its support: a second of the suite per worker) happens in one worker, not all.
 * Small, so records still come in order and a cancel loses little beyond the finished prefix.
 */
const SLOT_LOOKAHEAD = 4;

/**
 * Runs the sweep on `runners` (one per worker). Records come out in config order through
 * `onRecord(index, record)`; progress counts finished samples. On abort or on a worker's error
 * no new chunk starts, the chunks in flight are awaited, and the promise rejects.
 */
export async function runPoolSweep(
  s: PoolSweep,
  runners: readonly ChunkRunner[],
  handlers: {
    onRecord: (index: number, r: SweepRecord) => void;
    onProgress?: (p: SweepProgress) => void;
    /**
     * The finished prefix of the first unfinished config when it grows, at most every
     * `partialEveryMs`, and always when the sweep stops early (so a cancel keeps every finished
     * sample). Each is a copy of the config's per-sample arrays: made per chunk, a long config
     * cost its coordinating thread time quadratic in its samples.
     */
    onPartial?: (p: PartialConfig) => void;
    partialEveryMs?: number;
    signal?: AbortSignal;
  },
): Promise<void> {
  if (runners.length === 0) throw new RangeError('a pool sweep needs at least one worker');
  s.configs.forEach(validateConfig);
  const chunks = sweepChunks(s);
  const skip = s.skip ?? 0;
  const resume = resumeOf(s);
  const total = s.samples.reduce((a, b) => a + b, 0);
  let done = s.samples.slice(0, skip).reduce((a, b) => a + b, 0) + (resume?.done ?? 0);
  // Per config: the totals of samples 0..prefix-1, and finished chunks waiting for their turn.
  const pending = s.configs.map(() => ({ prefix: 0, totals: emptyTotals(), waiting: new Map<number, { count: number; totals: SampleTotals }>(), started: Infinity, ended: 0, before: 0 }));
  if (resume) {
    const p = pending[skip];
    addTotals(p.totals, resume.totals);
    p.prefix = resume.done;
    p.before = resume.seconds;
  }
  let nextEmit = skip;
  let next = 0;
  const inner = new AbortController();
  const stop = () => inner.abort(handlers.signal?.reason);
  handlers.signal?.addEventListener('abort', stop);
  let failure: unknown = null;
  const seconds = (i: number) => pending[i].before + Math.max(0, pending[i].ended - pending[i].started) / 1000;

  const emitReady = () => {
    while (nextEmit < s.configs.length && pending[nextEmit].prefix === s.samples[nextEmit]) {
      const p = pending[nextEmit];
      handlers.onRecord(nextEmit, sweepRecord(s.configs[nextEmit], s.samples[nextEmit], s.seed, p.totals, seconds(nextEmit), s.backend));
      nextEmit++;
    }
  };
  /** Merges chunks into a config's prefix in sample order; true when the prefix grew. */
  const grow = (i: number): boolean => {
    const p = pending[i];
    const before = p.prefix;
    for (let c = p.waiting.get(p.prefix); c; c = p.waiting.get(p.prefix)) {
      p.waiting.delete(p.prefix);
      addTotals(p.totals, c.totals);
      p.prefix += c.count;
    }
    return p.prefix > before;
  };
  let partialAt = -Infinity;
  let partialHeld = false;
  const reportPartial = (force = false) => {
    if (!handlers.onPartial || nextEmit >= s.configs.length) return;
    const p = pending[nextEmit];
    if (p.prefix === 0 || p.prefix === s.samples[nextEmit]) return;
    const now = performance.now();
    partialHeld = !force && now - partialAt < (handlers.partialEveryMs ?? 0);
    if (partialHeld) return;
    partialAt = now;
    const totals = emptyTotals();
    addTotals(totals, p.totals);
    handlers.onPartial({ configIndex: nextEmit, done: p.prefix, totals, seconds: seconds(nextEmit) });
  };

  const taken = new Uint8Array(chunks.length);
  const ahead = SLOT_LOOKAHEAD * runners.length;
  /** The next chunk for worker w: its own slot among the next few, else the first not taken. */
  const take = (w: number): SweepChunk | null => {
    while (next < chunks.length && taken[next]) next++;
    if (next >= chunks.length) return null;
    let pick = next;
    for (let c = next; c < Math.min(chunks.length, next + ahead); c++) {
      if (!taken[c] && chunks[c].slot % runners.length === w) {
        pick = c;
        break;
      }
    }
    taken[pick] = 1;
    return chunks[pick];
  };

  const work = async (runner: ChunkRunner, w: number) => {
    for (;;) {
      const chunk = inner.signal.aborted ? null : take(w);
      if (!chunk) return;
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
      p.waiting.set(chunk.start, { count: chunk.count, totals: t });
      p.ended = Math.max(p.ended, performance.now());
      done += chunk.count;
      handlers.onProgress?.({ configIndex: Math.min(nextEmit, s.configs.length - 1), configs: s.configs.length, done, total });
      const emitted = nextEmit;
      if (!grow(chunk.configIndex)) continue;
      emitReady();
      // The first unfinished config's prefix grew, or a new config became the first one.
      if (chunk.configIndex === nextEmit || nextEmit !== emitted) reportPartial();
    }
  };
  try {
    const held = Math.max(1, s.prefetch ?? (s.configs.slice(skip).some((c) => c.model) ? 1 : 2));
    await Promise.all(runners.flatMap((runner, w) => Array.from({ length: held }, () => work(runner, w))));
  } finally {
    handlers.signal?.removeEventListener('abort', stop);
  }
  // Stopped early: the newest prefix, chunks in flight included, if it was held back.
  if (partialHeld) reportPartial(true);
  if (failure !== null && !handlers.signal?.aborted) throw failure;
  handlers.signal?.throwIfAborted();
}
