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
  correct: number;
  /** Sum of forward passes over the finished samples. */
  nfeSum: number;
  canvasLength: number;
  seconds: number;
}

/** True when `p` could be the progress of config `configIndex` of a sweep with `samples` samples. */
export function isPartialOf(p: unknown, configIndex: number, samples: number): p is PartialConfig {
  const o = p as PartialConfig | null;
  const whole = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  return !!o && typeof o === 'object' && o.configIndex === configIndex && whole(o.done) && o.done < samples && whole(o.correct) && o.correct <= o.done
    && whole(o.nfeSum) && whole(o.canvasLength) && typeof o.seconds === 'number' && Number.isFinite(o.seconds) && o.seconds >= 0;
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

export async function runConfig(
  c: SweepConfig,
  samples: number,
  seed: number,
  backend: DecodeBackend,
  opts: {
    batchSize?: number;
    signal?: AbortSignal;
    onSamples?: (done: number) => void;
    // resume: start from these finished samples; report the running sums after each batch
    from?: Omit<PartialConfig, 'configIndex'>;
    onPartial?: (p: Omit<PartialConfig, 'configIndex'>) => void;
  } = {},
): Promise<SweepRecord> {
  validateConfig(c);
  const task = getTask(c.task);
  const taskParams = resolveTaskParams(task, { n: c.n, rho: c.rho });
  const batchSize = opts.batchSize ?? 64;
  const started = performance.now() - (opts.from?.seconds ?? 0) * 1000;
  let correct = opts.from?.correct ?? 0;
  let nfe = opts.from?.nfeSum ?? 0;
  let canvasLength = opts.from?.canvasLength ?? 0;
  for (let start = opts.from?.done ?? 0; start < samples; start += batchSize) {
    opts.signal?.throwIfAborted();
    const batch = Array.from({ length: Math.min(batchSize, samples - start) }, (_, i) =>
      generateSample(c.task, { n: c.n, rho: c.rho }, seed, start + i),
    );
    canvasLength = batch[0].canvasLength;
    const traces = await backend.decode({
      samples: batch,
      denoiser: denoiserOf(c),
      strategy: c.strategy,
      params: c.params,
      options: { seed, temperature: c.temperature, block: c.block, record: 'summary', theory: false },
    });
    for (const t of traces) {
      if (t.score.ok) correct++;
      nfe += t.nfe;
    }
    opts.onSamples?.(start + batch.length);
    if (start + batch.length < samples) opts.onPartial?.({ done: start + batch.length, correct, nfeSum: nfe, canvasLength, seconds: (performance.now() - started) / 1000 });
  }
  const meanNfe = nfe / samples;
  const params = { ...resolveParams(getStrategy(c.strategy), c.params), temperature: c.temperature, block: c.block, noise: c.noise };
  return {
    task: c.task,
    n: taskParams.n,
    ...(taskParams.rho !== undefined ? { rho: taskParams.rho } : {}),
    strategy: c.strategy,
    params,
    samples,
    correct,
    score: correct / samples,
    ci95: wilson95(correct, samples),
    tps: canvasLength / meanNfe,
    nfe: meanNfe,
    canvasLength,
    seconds: (performance.now() - started) / 1000,
    backend: backend.name,
    seed,
  };
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
      onPartial: (p) => opts.onPartial?.({ configIndex: i, ...p }),
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
