import type { DecodeBackend, DenoiserSpec } from './backend';
import { resolveSettings } from './options';
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
  /** Mean extra input rows per decode beside NFE (leave-one-out and verifier rows); only for strategies that verify. */
  extraRows?: number;
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
  if (!(c.noise >= 0)) throw new RangeError(`noise must be >= 0, got ${c.noise}`);
  if (c.model && c.noise !== 0) throw new RangeError('noise applies to the oracle only; drop --noise with --model');
  resolveSettings({ strategy: c.strategy, params: c.params, options: { temperature: c.temperature, block: c.block }, exact: !c.model && c.noise === 0 });
}

export function denoiserOf(c: SweepConfig): DenoiserSpec {
  return c.model ?? { kind: 'oracle', noise: c.noise };
}

export async function runConfig(
  c: SweepConfig,
  samples: number,
  seed: number,
  backend: DecodeBackend,
  opts: { batchSize?: number; signal?: AbortSignal; onSamples?: (done: number) => void } = {},
): Promise<SweepRecord> {
  validateConfig(c);
  const task = getTask(c.task);
  const taskParams = resolveTaskParams(task, { n: c.n, rho: c.rho });
  const batchSize = opts.batchSize ?? 64;
  const started = performance.now();
  let correct = 0;
  let nfe = 0;
  let extraRows: number | undefined;
  let canvasLength = 0;
  for (let start = 0; start < samples; start += batchSize) {
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
      for (const st of t.steps) if (st.extraRows !== undefined) extraRows = (extraRows ?? 0) + st.extraRows;
    }
    opts.onSamples?.(start + batch.length);
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
    ...(extraRows !== undefined ? { extraRows: extraRows / samples } : {}),
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
