import { getStrategy, resolveParams } from '../engine/strategies';
import { grid, isPartialOf, stableRecord, validateConfig, type PartialConfig, type SweepConfig, type SweepRecord, type SweepSpec } from '../engine/sweep';
import { TASKS, generateSample, getTask } from '../engine/tasks';
import { MAX_SWEEP_WORKERS, type ModelRuntimeName, type PageRecord, type RuntimeChoice } from '../worker/protocol';

/** The benchmark form, turned into a sweep spec, and the runs the page keeps. */

export interface BenchForm {
  tasks: string[];
  /** Per task family with sizes (letters, waiting-line): a comma-separated list of n. */
  sizes: Record<string, string>;
  strategies: string[];
  /** Per strategy, per parameter: a comma-separated list of values. */
  grids: Record<string, Record<string, string>>;
  temperatures: string;
  noises: string;
  samples: number;
  seed: number;
  /** Who predicts (default: the exact oracle); 'noise' = oracle + noise σ from `noises`. */
  model?: BenchModel;
  runtime?: RuntimeChoice;
  /** Web Workers for a CPU sweep (absent: every core, navigator.hardwareConcurrency); GPU sweeps use one. */
  workers?: number;
}

export type BenchModel = 'oracle' | 'noise' | 'tiny' | 'custom';
export const BENCH_MODELS: readonly BenchModel[] = ['oracle', 'noise', 'tiny', 'custom'];

/** The form's whole-number fields' ranges, for its own checks (buildSpec) and its URL keys (benchUrl.ts). */
export const FORM_LIMITS = {
  samples: { min: 1, max: 100_000 },
  seed: { min: 0, max: 0xffffffff },
  workers: { min: 1, max: MAX_SWEEP_WORKERS },
} as const;

export const DEFAULT_FORM: BenchForm = {
  tasks: ['waiting-line/shuffle'],
  sizes: { letters: '6', 'waiting-line': '3' },
  strategies: ['topk-confidence', 'topk-random'],
  grids: {
    'topk-confidence': { k: '1, 2, 4, 8, 16, 32' },
    'topk-random': { k: '1, 2, 4, 8, 16, 32' },
  },
  temperatures: '0',
  noises: '0',
  samples: 50,
  seed: 1,
};

export type RunStatus = 'running' | 'done' | 'cancelled' | 'interrupted' | 'imported' | 'error';

export interface BenchRun {
  id: string;
  created: number;
  spec: SweepSpec;
  records: SweepRecord[];
  status: RunStatus;
  error?: string;
  /** The finished samples of configuration `records.length` when the run stopped inside it. */
  partial?: PartialConfig;
  /** Opened from a shared link: shown read-only until imported into the user's runs. */
  shared?: boolean;
}

/** A results file or link that cannot be read; its message names the problem. */
export class ImportError extends Error {
  override name = 'ImportError';
}

/** Parses "1, 2, 4" into numbers; throws naming the field. */
export function parseList(field: string, text: string): number[] {
  const parts = text.split(/[,\s]+/).filter((p) => p !== '');
  if (parts.length === 0) throw new RangeError(`${field}: enter at least one value`);
  return parts.map((p) => {
    const v = Number(p);
    if (!Number.isFinite(v)) throw new RangeError(`${field}: "${p}" is not a number`);
    return v;
  });
}

export function gridText(strategy: string, param: string, form: BenchForm): string {
  return form.grids[strategy]?.[param] ?? String(resolveParams(getStrategy(strategy), {})[param]);
}

export interface BuiltSpec {
  spec: SweepSpec;
  notes: string[];
  /** Configurations that would repeat another (k beyond the canvas, a value typed twice), merged away. */
  merged: number;
}

/** Task families whose tasks take a size n, with the range every task of the family allows. */
export const SIZED_FAMILIES: { family: string; min: number; max: number; default: number }[] = [...new Set(TASKS.filter((t) => t.sizes).map((t) => t.family))].map((family) => {
  const ts = TASKS.filter((t) => t.family === family && t.sizes);
  return { family, min: Math.max(...ts.map((t) => t.sizes!.min)), max: Math.min(...ts.map((t) => t.sizes!.max)), default: ts[0].sizes!.default };
});

export function sizesText(form: BenchForm, family: string): string {
  return form.sizes[family] ?? String(SIZED_FAMILIES.find((f) => f.family === family)?.default ?? '');
}

/** Canvas length of a task at size n (k beyond it reveals the same tokens as k = canvas). */
function canvasOf(task: string, n: number | undefined): number {
  return generateSample(task, { n }, 0, 0).canvasLength;
}

/** Tasks x sizes x strategies x parameter grids x temperatures x noises; throws on bad input. */
export function buildSpec(form: BenchForm, runtime: ModelRuntimeName = 'cpu'): BuiltSpec {
  const notes: string[] = [];
  const bm = form.model ?? 'noise';
  const neural = bm === 'tiny' || bm === 'custom';
  const model = neural ? ({ kind: 'model', model: bm, runtime, noise: 0 } as const) : undefined;
  const skippedOracleOnly = new Set<string>();
  if (form.tasks.length === 0) throw new RangeError('Choose at least one task.');
  if (form.strategies.length === 0) throw new RangeError('Choose at least one strategy.');
  const outside = (k: keyof typeof FORM_LIMITS, v: number) => !(Number.isInteger(v) && v >= FORM_LIMITS[k].min && v <= FORM_LIMITS[k].max);
  const range = (k: keyof typeof FORM_LIMITS) => `a whole number from ${FORM_LIMITS[k].min} to ${FORM_LIMITS[k].max}`;
  if (outside('samples', form.samples)) throw new RangeError(`Samples must be ${range('samples')}.`);
  if (outside('seed', form.seed)) throw new RangeError(`Seed must be ${range('seed')}.`);
  if (form.workers !== undefined && outside('workers', form.workers)) throw new RangeError(`Workers must be ${range('workers')} (empty: every core).`);
  const temps = parseList('Temperatures', form.temperatures);
  const noises = neural || bm === 'oracle' ? [0] : parseList('Noise σ', form.noises);
  const configs: SweepConfig[] = [];
  const seen = new Set<string>();
  const mergedBy = new Map<string, { canvas: number; ks: Set<number> }>();
  let merged = 0;
  for (const taskId of form.tasks) {
    const task = getTask(taskId);
    let ns: (number | undefined)[] = [undefined];
    if (task.sizes) {
      const { min, max } = task.sizes;
      const sizes = parseList(`Sizes n (${task.family})`, sizesText(form, task.family));
      ns = [...new Set(sizes)].filter((n) => Number.isInteger(n) && n >= min && n <= max);
      const skipped = sizes.filter((n) => !ns.includes(n));
      if (skipped.length) notes.push(`${taskId}: n = ${skipped.join(', ')} skipped (allowed ${min}–${max}).`);
      if (ns.length === 0) continue;
    }
    for (const n of ns) {
      const canvas = canvasOf(taskId, n);
      for (const strategy of form.strategies) {
        const def = getStrategy(strategy);
        if (neural && def.oracleOnly) {
          skippedOracleOnly.add(def.title);
          continue;
        }
        const lists: Record<string, number[]> = {};
        for (const p of def.params) lists[p.name] = parseList(`${def.title}: ${p.label}`, gridText(strategy, p.name, form));
        for (const asked of grid(lists)) {
          // k beyond the canvas reveals everything in one step, exactly like k = canvas: run it once.
          const params = 'k' in asked && asked.k > canvas ? { ...asked, k: canvas } : asked;
          if (params !== asked) {
            const key = `${taskId}${n !== undefined ? ` n=${n}` : ''}`;
            const m = mergedBy.get(key) ?? { canvas, ks: new Set<number>() };
            mergedBy.set(key, m);
            m.ks.add(asked.k);
          }
          for (const temperature of temps) {
            for (const noise of noises) {
              if (def.oracleOnly && noise > 0) continue;
              const c: SweepConfig = { task: taskId, n, strategy, params, temperature, block: 0, noise, ...(model ? { model } : {}) };
              const id = JSON.stringify(c);
              if (seen.has(id)) {
                merged++;
                continue;
              }
              seen.add(id);
              validateConfig(c);
              configs.push(c);
            }
          }
        }
      }
    }
  }
  for (const [key, m] of mergedBy) notes.push(`${key}: k = ${[...m.ks].sort((a, b) => a - b).join(', ')} ${m.ks.size === 1 ? 'is' : 'are'} beyond its ${m.canvas}-token canvas and run as k = ${m.canvas}.`);
  if (merged) notes.push(`${merged} repeated configuration${merged === 1 ? '' : 's'} merged.`);
  if (skippedOracleOnly.size) notes.push(`${[...skippedOracleOnly].join(', ')} skipped: it reads the exact oracle, not a model.`);
  if (configs.length === 0) throw new RangeError(skippedOracleOnly.size ? 'Nothing to run: the chosen strategies need the exact oracle.' : 'Nothing to run: no size fits the chosen tasks.');
  if (configs.length > 2000) throw new RangeError(`That is ${configs.length} configurations; keep it under 2000.`);
  return { spec: { configs, samples: form.samples, seed: form.seed }, notes, merged };
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Checks one imported record; returns a message or null. */
export function recordProblem(r: unknown, i: number): string | null {
  const o = r as Partial<SweepRecord> | null;
  if (!o || typeof o !== 'object') return `record ${i + 1} is not an object`;
  if (typeof o.task !== 'string') return `record ${i + 1}: "task" must be a string`;
  if (typeof o.strategy !== 'string') return `record ${i + 1}: "strategy" must be a string`;
  for (const k of ['samples', 'correct', 'score', 'tps'] as const) if (!isNum(o[k])) return `record ${i + 1}: "${k}" must be a number`;
  if (o.n !== null && !isNum(o.n)) return `record ${i + 1}: "n" must be a number (null for a fixed-size task)`;
  if (!Array.isArray(o.ci95) || o.ci95.length !== 2 || !o.ci95.every(isNum)) return `record ${i + 1}: "ci95" must be two numbers`;
  if (o.score! < 0 || o.score! > 1) return `record ${i + 1}: "score" must be a fraction in [0, 1]`;
  if (o.params !== undefined && (typeof o.params !== 'object' || o.params === null || Array.isArray(o.params) || !Object.values(o.params).every(isNum))) return `record ${i + 1}: "params" must be an object of numbers`;
  for (const k of ['nfe', 'canvasLength', 'seconds', 'seed'] as const) if (o[k] !== undefined && !isNum(o[k])) return `record ${i + 1}: "${k}" must be a number`;
  if (o.taskParams !== undefined && (typeof o.taskParams !== 'object' || o.taskParams === null || Array.isArray(o.taskParams) || !Object.values(o.taskParams).every(isNum))) return `record ${i + 1}: "taskParams" must be an object of numbers`;
  if (o.backend !== undefined && typeof o.backend !== 'string') return `record ${i + 1}: "backend" must be a string`;
  if ((o as PageRecord).model !== undefined && typeof (o as PageRecord).model !== 'string') return `record ${i + 1}: "model" must be a string`;
  return null;
}

/** A spec as stored: configs kept only when each names a task and strategy (resume needs them). */
function specOf(spec: unknown, recs: SweepRecord[]): SweepSpec {
  const s = spec as Partial<SweepSpec> | null;
  const fallback: SweepSpec = { configs: [], samples: recs[0]?.samples ?? 0, seed: recs[0]?.seed ?? 0 };
  if (!s || typeof s !== 'object' || !Array.isArray(s.configs) || !isNum(s.samples) || !isNum(s.seed)) return fallback;
  const configsOk = s.configs.every((c) => {
    const o = c as Partial<SweepConfig> | null;
    return !!o && typeof o === 'object' && typeof o.task === 'string' && typeof o.strategy === 'string' && !!o.params && typeof o.params === 'object'
      && isNum(o.temperature) && isNum(o.block) && isNum(o.noise);
  });
  return configsOk ? { configs: s.configs as SweepConfig[], samples: s.samples, seed: s.seed } : fallback;
}

/** Accepts our export ({format, runs}), a { records } object or a bare array of records; throws ImportError only. */
export function parseImport(text: string, name: string): BenchRun[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ImportError(`${name} is not JSON (${(e as Error).message}).`, { cause: e });
  }
  return importData(data, name, 'imported');
}

/** Checks parsed results (a file, a link or the browser's store); all or nothing, throws ImportError only. */
export function importData(data: unknown, name: string, status: RunStatus): BenchRun[] {
  const asRun = (records: unknown, spec: unknown, created: number, extra: Partial<BenchRun> = {}): BenchRun => {
    if (!Array.isArray(records)) throw new ImportError(`${name}: expected a list of records.`);
    records.forEach((r, i) => {
      const p = recordProblem(r, i);
      if (p) throw new ImportError(`${name}: ${p}.`);
    });
    const recs = (records as SweepRecord[]).map((r) => ({ ...r, params: r.params ?? {}, nfe: r.nfe ?? 0, canvasLength: r.canvasLength ?? 0, backend: r.backend ?? '?', seed: r.seed ?? 0 }));
    const s = specOf(spec, recs);
    return { id: `import-${created}-${Math.random().toString(36).slice(2, 8)}`, created, spec: s, records: recs, status, ...extra };
  };
  if (Array.isArray(data)) return [asRun(data, undefined, Date.now())];
  const o = data as { runs?: unknown; records?: unknown; results?: unknown; spec?: unknown } | null;
  if (o && typeof o === 'object' && Array.isArray(o.runs)) {
    return o.runs.map((r, i) => {
      const run = (r && typeof r === 'object' ? r : {}) as Partial<BenchRun>;
      const created = (isNum(run.created) ? run.created : Date.now()) + i;
      // The browser's own store keeps ids, statuses and partial progress; files and links do not need them.
      if (status !== 'imported') {
        const built = asRun(run.records, run.spec, created);
        const stored: Partial<BenchRun> = { id: typeof run.id === 'string' ? run.id : built.id, status: isStatus(run.status) ? run.status : 'cancelled' };
        if (isPartialOf(run.partial, built.records.length, built.spec.samples)) stored.partial = run.partial;
        if (typeof run.error === 'string') stored.error = run.error;
        return { ...built, ...stored };
      }
      return asRun(run.records, run.spec, created);
    });
  }
  if (o && typeof o === 'object' && Array.isArray(o.records)) return [asRun(o.records, o.spec, Date.now())];
  // `npm run bench -- --json` output ({ results, suite?, taskMap? }).
  if (o && typeof o === 'object' && Array.isArray(o.results)) return [asRun(o.results, undefined, Date.now())];
  throw new ImportError(`${name}: expected Unmask results (an object with "runs", "records" or "results", or a list of records).`);
}

const STATUSES: readonly RunStatus[] = ['running', 'done', 'cancelled', 'interrupted', 'imported', 'error'];
const isStatus = (v: unknown): v is RunStatus => STATUSES.includes(v as RunStatus);

/** Byte-stable for identical runs: no run ids, creation times or wall-clock seconds. */
export function exportJson(runs: readonly BenchRun[]): string {
  const stable = runs.map((r) => ({ spec: r.spec, records: r.records.map(stableRecord), status: r.status, ...(r.error ? { error: r.error } : {}) }));
  return JSON.stringify({ format: 'unmask-results', version: 1, runs: stable }, null, 1);
}

/** A short label for a record's curve: strategy plus any non-default decode setting. */
export function curveKey(r: PageRecord): string {
  const extra: string[] = [];
  const p = r.params ?? {};
  if (p.temperature) extra.push(`T=${p.temperature}`);
  if (p.noise) extra.push(`σ=${p.noise}`);
  if (p.block) extra.push(`block ${p.block}`);
  const name = r.model ? `${r.strategy} · ${r.model}` : r.strategy;
  return extra.length ? `${name} (${extra.join(', ')})` : name;
}

/** Task, size (when it has one) and the task's own parameters: "dial rho=0.9", "sort n=3". */
export function taskKey(r: { task: string; n: number | null; taskParams?: Record<string, number> }): string {
  const own = Object.entries(r.taskParams ?? {}).map(([k, v]) => `${k}=${v}`);
  return [r.task, ...(r.n ? [`n=${r.n}`] : []), ...own].join(' ');
}

export function formatParams(p: Record<string, number>): string {
  return Object.entries(p)
    .filter(([k, v]) => !((k === 'temperature' || k === 'noise' || k === 'block' || k === 'steps') && v === 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
