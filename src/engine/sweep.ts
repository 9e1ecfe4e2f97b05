import type { DecodeBackend, DenoiserSpec } from './backend';
import { checkDenoiser, resolveSettings } from './options';
import { decodeOrderTau, wilson95 } from './metrics';
import { checkModelCanvas } from './model-format';
import { getStrategy, resolveParams } from './strategies';
import { SampleCache } from './sample-cache';
import { getTask, ownParams, resolveTaskParams } from './tasks';
import { EOS_ID } from './vocab';

/** One point of a sweep: a task at one size, a strategy with its parameters, decode settings. */
export interface SweepConfig {
  task: string;
  n?: number;
  /** The task's own parameters (TaskDefinition.params) by name; defaults fill the rest. */
  taskParams?: Record<string, number>;
  strategy: string;
  params: Record<string, number>;
  temperature: number;
  block: number;
  noise: number;
  /** A neural model instead of the oracle (noise must then be 0). */
  model?: Extract<DenoiserSpec, { kind: 'model' }>;
}

export interface SweepSpec {
  configs: SweepConfig[];
  samples: number;
  seed: number;
  /** Decodes per backend call (default 64). */
  batchSize?: number;
}

/** One streamed result: the JSON record of `npm run bench -- --json`. */
export interface SweepRecord {
  task: string;
  /** The size; null for fixed-size tasks (puzzles, text, dial). */
  n: number | null;
  /** The task's own parameters, resolved (defaults included): {"rho": 0.9} for the dial. */
  taskParams?: Record<string, number>;
  strategy: string;
  /** Strategy parameters plus temperature, block and noise. */
  params: Record<string, number>;
  samples: number;
  correct: number;
  /** Fraction in [0, 1]. */
  score: number;
  ci95: [number, number];
  /** Tokens per step: canvas length / mean NFE. */
  tps: number;
  /** Mean forward passes per decode. */
  nfe: number;
  /** Mean extra input rows per decode beside NFE (leave-one-out and verifier rows); only for strategies that verify. */
  extraRows?: number;
  canvasLength: number;
  /**
   * Wall-clock time of this config, for tables on screen only: exports drop it (stableRecord),
   * so that identical inputs give byte-identical files.
   */
  seconds: number;
  backend: string;
  seed: number;
  /** Per-sample outcomes and decode order (see SampleRecords below); absent in older exports. */
  perSample?: SampleRecords;
  order?: DecodeOrder;
}

// --- Per-sample records (issue 10: the oracle star needs each sample's outcome per setting) and
// the decode's left-to-rightness (ParallelBench's dec_order_kendall, metrics.ts decodeOrderTau). ---

/** Sample i of the config (prompt = generateSample(task, n, seed, i)): its score and its NFE. */
export interface SampleRecords {
  correct: (0 | 1)[];
  nfe: number[];
}

/** Mean Kendall τ over samples where it is defined (null when none is: e.g. all in one step). */
export interface DecodeOrder {
  kendall: number | null;
  kendallIgnorePad: number | null;
}

/** Mean of the defined (non-NaN) values, in index order; null when none is defined. */
function meanDefined(values: readonly number[]): number | null {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    sum += v;
    n++;
  }
  return n > 0 ? sum / n : null;
}
// --- end of per-sample records ---

/** A record without its wall-clock time: what --json, CSV and the page's exports write. */
export type StableRecord = Omit<SweepRecord, 'seconds'>;

export function stableRecord(r: SweepRecord): StableRecord {
  const { seconds: _seconds, ...rest } = r;
  return rest;
}

// ---- resumable per-sample progress -----------------------------------------------------------
/**
 * The finished samples of a configuration that did not finish (cancel, reload, error). Sample i
 * always decodes with (seed, i), and every statistic of a record is a sum over samples, so
 * continuing from `done` gives exactly the record of an uninterrupted run (only `seconds` differs).
 */
export interface PartialConfig {
  /** Which configuration of the spec. */
  configIndex: number;
  /** Samples 0..done-1 are finished. */
  done: number;
  /** What samples 0..done-1 added up to. */
  totals: SampleTotals;
  seconds: number;
}

/** True when `p` could be the progress of config `configIndex` of a sweep with `samples` samples. */
export function isPartialOf(p: unknown, configIndex: number, samples: number): p is PartialConfig {
  const o = p as PartialConfig | null;
  const whole = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  const t = o?.totals;
  const list = (v: unknown, n: number) => Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number');
  return !!o && typeof o === 'object' && o.configIndex === configIndex && whole(o.done) && o.done < samples
    && typeof o.seconds === 'number' && Number.isFinite(o.seconds) && o.seconds >= 0
    && !!t && typeof t === 'object' && t.start === 0 && whole(t.correct) && t.correct <= o.done && whole(t.nfe) && whole(t.canvasLength)
    && (t.extraRows === undefined || whole(t.extraRows))
    && !!t.perSample && list(t.perSample.correct, o.done) && list(t.perSample.nfe, o.done) && list(t.tau, o.done) && list(t.tauNoPad, o.done);
}
// ---- end resumable progress ---------------------------------------------------------------------

export interface SweepProgress {
  configIndex: number;
  configs: number;
  done: number;
  total: number;
}

/** Checks a config before anything runs; throws a message naming the bad setting. */
export function validateConfig(c: SweepConfig): void {
  const task = getTask(c.task);
  const taskParams = resolveTaskParams(task, { ...c.taskParams, n: c.n });
  checkDenoiser(Boolean(c.model), c.noise);
  resolveSettings({ strategy: c.strategy, params: c.params, options: { temperature: c.temperature, block: c.block }, exact: !c.model && c.noise === 0 });
  if (c.model) checkModelCanvas(task.generate(taskParams, 0, 0).canvasLength);
}

export function denoiserOf(c: SweepConfig): DenoiserSpec {
  return c.model ?? { kind: 'oracle', noise: c.noise };
}

/**
 * What a run of samples adds up to: integer sums, plus per-sample values kept by sample index
 * (offset `start`), so any split into chunks merged with addTotals gives the same record.
 */
export interface SampleTotals {
  correct: number;
  /** Sum of every decode's forward passes. */
  nfe: number;
  canvasLength: number;
  /** Sum of extra input rows (leave-one-out and verifier rows), when the strategy verifies. */
  extraRows?: number;
  /** Index of the first sample these totals cover. */
  start: number;
  perSample: SampleRecords;
  /** Kendall τ of each sample's decode order, padding included / ignored (NaN where undefined). */
  tau: number[];
  tauNoPad: number[];
}

export function emptyTotals(start = 0): SampleTotals {
  return { correct: 0, nfe: 0, canvasLength: 0, start, perSample: { correct: [], nfe: [] }, tau: [], tauNoPad: [] };
}

/** Adds `part` into `into`; per-sample values go to their sample's index. */
export function addTotals(into: SampleTotals, part: SampleTotals): void {
  into.correct += part.correct;
  into.nfe += part.nfe;
  into.canvasLength = part.canvasLength || into.canvasLength;
  if (part.extraRows !== undefined) into.extraRows = (into.extraRows ?? 0) + part.extraRows;
  const at = part.start - into.start;
  part.perSample.correct.forEach((v, i) => (into.perSample.correct[at + i] = v));
  part.perSample.nfe.forEach((v, i) => (into.perSample.nfe[at + i] = v));
  part.tau.forEach((v, i) => (into.tau[at + i] = v));
  part.tauNoPad.forEach((v, i) => (into.tauNoPad[at + i] = v));
}

/** What runSamples and runConfig both take: batch size, cancel, and a count of finished samples. */
interface SampleRunOptions {
  batchSize?: number;
  signal?: AbortSignal;
  onSamples?: (done: number) => void;
}

/** This thread's kept samples (src/engine/sample-cache.ts): at most 32 MiB of supports. */
export const sweepSamples = new SampleCache(8 << 20);

/**
 * Decodes samples start .. start + count - 1 of a config in batches. Every sample's prompt and
 * random draws depend on its index alone, so any split of a config's samples (over batches, or
 * over the workers of src/engine/sweep-pool.ts) gives the same totals.
 */
export async function runSamples(
  c: SweepConfig,
  start: number,
  count: number,
  seed: number,
  backend: DecodeBackend,
  opts: SampleRunOptions & {
    /** After each batch: the totals so far and how many of `count` are done. */
    onBatch?: (sofar: SampleTotals, done: number) => void;
  } = {},
): Promise<SampleTotals> {
  const task = getTask(c.task);
  const taskParams = resolveTaskParams(task, { ...c.taskParams, n: c.n });
  const batchSize = opts.batchSize ?? 64;
  const totals = emptyTotals(start);
  for (let from = 0; from < count; from += batchSize) {
    opts.signal?.throwIfAborted();
    const batch = Array.from({ length: Math.min(batchSize, count - from) }, (_, i) => sweepSamples.get(task, taskParams, seed, start + from + i));
    totals.canvasLength = batch[0].canvasLength;
    const traces = await backend.decode({
      samples: batch,
      denoiser: denoiserOf(c),
      strategy: c.strategy,
      params: c.params,
      options: { seed, temperature: c.temperature, block: c.block, record: 'summary', theory: false },
    });
    for (const t of traces) {
      if (t.score.ok) totals.correct++;
      totals.nfe += t.nfe;
      totals.perSample.correct.push(t.score.ok ? 1 : 0);
      totals.perSample.nfe.push(t.nfe);
      totals.tau.push(decodeOrderTau(t.revealStep, t.output, EOS_ID, false));
      totals.tauNoPad.push(decodeOrderTau(t.revealStep, t.output, EOS_ID, true));
      for (const st of t.steps) if (st.extraRows !== undefined) totals.extraRows = (totals.extraRows ?? 0) + st.extraRows;
    }
    opts.onSamples?.(from + batch.length);
    opts.onBatch?.(totals, from + batch.length);
  }
  return totals;
}

/** The record of a config whose `samples` decodes (from sample 0) added up to `totals`. */
export function sweepRecord(c: SweepConfig, samples: number, seed: number, totals: SampleTotals, seconds: number, backend: string): SweepRecord {
  const task = getTask(c.task);
  const taskParams = resolveTaskParams(task, { ...c.taskParams, n: c.n });
  const meanNfe = totals.nfe / samples;
  const params = { ...resolveParams(getStrategy(c.strategy), c.params), temperature: c.temperature, block: c.block, noise: c.noise };
  return {
    task: c.task,
    n: task.sizes ? taskParams.n : null,
    taskParams: ownParams(task, taskParams),
    strategy: c.strategy,
    params,
    samples,
    correct: totals.correct,
    score: totals.correct / samples,
    ci95: wilson95(totals.correct, samples),
    tps: totals.canvasLength / meanNfe,
    nfe: meanNfe,
    ...(totals.extraRows !== undefined ? { extraRows: totals.extraRows / samples } : {}),
    canvasLength: totals.canvasLength,
    seconds,
    backend,
    seed,
    perSample: totals.perSample,
    order: { kendall: meanDefined(totals.tau), kendallIgnorePad: meanDefined(totals.tauNoPad) },
  };
}

export async function runConfig(
  c: SweepConfig,
  samples: number,
  seed: number,
  backend: DecodeBackend,
  opts: SampleRunOptions & {
    // resume: start from these finished samples; report the running sums after each batch
    from?: Omit<PartialConfig, 'configIndex'>;
    onPartial?: (p: Omit<PartialConfig, 'configIndex'>) => void;
    /**
     * Least time between two partials (default 0: after every batch). Each is a copy of the
     * config's per-sample arrays so far, so one per batch cost a long config time quadratic in its
     * samples. One held back is reported when the config stops early (cancel, error).
     */
    partialEveryMs?: number;
  } = {},
): Promise<SweepRecord> {
  validateConfig(c);
  const started = performance.now() - (opts.from?.seconds ?? 0) * 1000;
  const done = opts.from?.done ?? 0;
  const totals = emptyTotals();
  if (opts.from) addTotals(totals, opts.from.totals);
  let reportedAt = -Infinity;
  // The newest prefix not reported yet: runSamples's running totals (one object, growing) and its count.
  let held: { sofar: SampleTotals; n: number } | null = null;
  const report = (sofar: SampleTotals, n: number) => {
    reportedAt = performance.now();
    held = null;
    const snapshot = emptyTotals();
    addTotals(snapshot, totals);
    addTotals(snapshot, sofar);
    opts.onPartial!({ done: done + n, totals: snapshot, seconds: (performance.now() - started) / 1000 });
  };
  let part: SampleTotals;
  try {
    part = await runSamples(c, done, samples - done, seed, backend, {
      ...opts,
      onSamples: (n) => opts.onSamples?.(done + n),
      onBatch: (sofar, n) => {
        if (done + n >= samples || !opts.onPartial) return;
        if (performance.now() - reportedAt < (opts.partialEveryMs ?? 0)) held = { sofar, n };
        else report(sofar, n);
      },
    });
  } catch (e) {
    // A batch that failed or was cancelled added nothing: the held totals are the finished prefix.
    const h = held as { sofar: SampleTotals; n: number } | null;
    if (h) report(h.sofar, h.n);
    throw e;
  }
  addTotals(totals, part);
  return sweepRecord(c, samples, seed, totals, (performance.now() - started) / 1000, backend.name);
}

/** Runs every config in order and yields one record per config as soon as it is done. */
export async function* runSweep(
  spec: SweepSpec,
  backend: DecodeBackend,
  opts: {
    signal?: AbortSignal;
    onProgress?: (p: SweepProgress) => void;
    skip?: number;
    // resume: the finished samples of config `skip` (ignored unless it belongs there)
    partial?: PartialConfig;
    onPartial?: (p: PartialConfig) => void;
    /** As runConfig's: least time between two partials; a held one is reported on cancel. */
    partialEveryMs?: number;
  } = {},
): AsyncGenerator<SweepRecord> {
  spec.configs.forEach(validateConfig);
  const total = spec.configs.length * spec.samples;
  const skip = opts.skip ?? 0;
  for (let i = skip; i < spec.configs.length; i++) {
    const from = i === skip && isPartialOf(opts.partial, i, spec.samples) ? opts.partial : undefined;
    const record = await runConfig(spec.configs[i], spec.samples, spec.seed, backend, {
      batchSize: spec.batchSize,
      signal: opts.signal,
      from,
      onPartial: opts.onPartial && ((p) => opts.onPartial!({ configIndex: i, ...p })),
      partialEveryMs: opts.partialEveryMs,
      onSamples: (done) => opts.onProgress?.({ configIndex: i, configs: spec.configs.length, done: i * spec.samples + done, total }),
    });
    yield record;
  }
}

/** Cartesian product of named value lists: {a:[1,2], b:[3]} -> [{a:1,b:3},{a:2,b:3}]. */
export function grid(lists: Record<string, readonly number[]>): Record<string, number>[] {
  let out: Record<string, number>[] = [{}];
  for (const [name, values] of Object.entries(lists)) {
    out = out.flatMap((o) => values.map((v) => ({ ...o, [name]: v })));
  }
  return out;
}

export const CSV_COLUMNS = ['task', 'n', 'task_params', 'strategy', 'params', 'samples', 'correct', 'score', 'ci_lo', 'ci_hi', 'tps', 'nfe', 'canvas_length', 'backend', 'seed', 'kendall', 'kendall_ignore_pad'];

/** CSV of records, without timings (byte-stable for identical inputs). */
export function recordsToCsv(records: readonly StableRecord[]): string {
  const esc = (v: unknown) => {
    const s = String(v ?? '');
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const rows = records.map((r) =>
    [
      r.task, r.n, Object.entries(r.taskParams ?? {}).map(([k, v]) => `${k}=${v}`).join(' '), r.strategy,
      Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' '),
      r.samples, r.correct, r.score, r.ci95[0], r.ci95[1], r.tps, r.nfe, r.canvasLength, r.backend, r.seed,
      r.order?.kendall ?? '', r.order?.kendallIgnorePad ?? '',
    ].map(esc).join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\n') + '\n';
}
