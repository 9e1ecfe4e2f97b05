import type { DecodeBackend, DenoiserSpec } from './backend';
import { wilson95 } from './metrics';
import { getStrategy, resolveParams } from './strategies';
import { generateSample, getTask, resolveTaskParams } from './tasks';

/** One point of a sweep: a task at one size, a strategy with its parameters, decode settings. */
export interface SweepConfig {
  task: string;
  n?: number;
  rho?: number;
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
  n: number;
  rho?: number;
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
  canvasLength: number;
  seconds: number;
  backend: string;
  seed: number;
}

export interface SweepProgress {
  configIndex: number;
  configs: number;
  done: number;
  total: number;
}

/** Checks a config before anything runs; throws a message naming the bad setting. */
export function validateConfig(c: SweepConfig): void {
  const task = getTask(c.task);
  resolveTaskParams(task, { n: c.n, rho: c.rho });
  resolveParams(getStrategy(c.strategy), c.params);
  if (!(c.temperature >= 0)) throw new RangeError(`temperature must be >= 0, got ${c.temperature}`);
  if (!(Number.isInteger(c.block) && c.block >= 0)) throw new RangeError(`block must be a whole number >= 0, got ${c.block}`);
  if (!(c.noise >= 0)) throw new RangeError(`noise must be >= 0, got ${c.noise}`);
  if (c.model && c.noise !== 0) throw new RangeError('noise applies to the oracle only; drop --noise with --model');
}

export function denoiserOf(c: SweepConfig): DenoiserSpec {
  return c.model ?? { kind: 'oracle', noise: c.noise };
}

/** What a run of samples adds up to; sums of integers, so any split into chunks gives the same totals. */
export interface SampleTotals {
  correct: number;
  /** Sum of every decode's forward passes. */
  nfe: number;
  canvasLength: number;
}

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
  opts: { batchSize?: number; signal?: AbortSignal; onSamples?: (done: number) => void } = {},
): Promise<SampleTotals> {
  const batchSize = opts.batchSize ?? 64;
  const totals: SampleTotals = { correct: 0, nfe: 0, canvasLength: 0 };
  for (let from = 0; from < count; from += batchSize) {
    opts.signal?.throwIfAborted();
    const batch = Array.from({ length: Math.min(batchSize, count - from) }, (_, i) =>
      generateSample(c.task, { n: c.n, rho: c.rho }, seed, start + from + i),
    );
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
    }
    opts.onSamples?.(from + batch.length);
  }
  return totals;
}

/** The record of a config whose `samples` decodes added up to `totals`. */
export function sweepRecord(c: SweepConfig, samples: number, seed: number, totals: SampleTotals, seconds: number, backend: string): SweepRecord {
  const taskParams = resolveTaskParams(getTask(c.task), { n: c.n, rho: c.rho });
  const meanNfe = totals.nfe / samples;
  const params = { ...resolveParams(getStrategy(c.strategy), c.params), temperature: c.temperature, block: c.block, noise: c.noise };
  return {
    task: c.task,
    n: taskParams.n,
    ...(taskParams.rho !== undefined ? { rho: taskParams.rho } : {}),
    strategy: c.strategy,
    params,
    samples,
    correct: totals.correct,
    score: totals.correct / samples,
    ci95: wilson95(totals.correct, samples),
    tps: totals.canvasLength / meanNfe,
    nfe: meanNfe,
    canvasLength: totals.canvasLength,
    seconds,
    backend,
    seed,
  };
}

export async function runConfig(
  c: SweepConfig,
  samples: number,
  seed: number,
  backend: DecodeBackend,
  opts: { batchSize?: number; signal?: AbortSignal; onSamples?: (done: number) => void } = {},
): Promise<SweepRecord> {
  validateConfig(c);
  const started = performance.now();
  const totals = await runSamples(c, 0, samples, seed, backend, opts);
  return sweepRecord(c, samples, seed, totals, (performance.now() - started) / 1000, backend.name);
}

/** Runs every config in order and yields one record per config as soon as it is done. */
export async function* runSweep(
  spec: SweepSpec,
  backend: DecodeBackend,
  opts: { signal?: AbortSignal; onProgress?: (p: SweepProgress) => void; skip?: number } = {},
): AsyncGenerator<SweepRecord> {
  spec.configs.forEach(validateConfig);
  const total = spec.configs.length * spec.samples;
  for (let i = opts.skip ?? 0; i < spec.configs.length; i++) {
    const record = await runConfig(spec.configs[i], spec.samples, spec.seed, backend, {
      batchSize: spec.batchSize,
      signal: opts.signal,
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

export const CSV_COLUMNS = ['task', 'n', 'rho', 'strategy', 'params', 'samples', 'correct', 'score', 'ci_lo', 'ci_hi', 'tps', 'nfe', 'canvas_length', 'seconds', 'backend', 'seed'];

export function recordsToCsv(records: readonly SweepRecord[]): string {
  const esc = (v: unknown) => {
    const s = String(v ?? '');
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const rows = records.map((r) =>
    [
      r.task, r.n, r.rho ?? '', r.strategy,
      Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' '),
      r.samples, r.correct, r.score, r.ci95[0], r.ci95[1], r.tps, r.nfe, r.canvasLength, r.seconds, r.backend, r.seed,
    ].map(esc).join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\n') + '\n';
}
