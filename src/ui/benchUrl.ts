import { TASKS } from '../engine/tasks';
import { STRATEGIES } from '../engine/strategies';
import { BENCH_MODELS, DEFAULT_FORM, FORM_LIMITS, ImportError, SIZED_FAMILIES, exportJson, importData, type BenchForm, type BenchModel, type BenchRun } from './bench';
import { field, flag, formatQuery, idList, numberIn, numberListText, oneOf, parseQuery, textUpTo, type Schema } from './schema';
import type { RuntimeChoice } from '../worker/protocol';

/**
 * The benchmark form and the chart view in the URL, and finished results in a share link.
 *
 * Query keys (all start with "b." or "c."; settings.ts leaves them to this module):
 *   b.tasks=letters/copy,dial        ticked tasks           b.n.<family>=3,4       sizes per family
 *   b.strategies=topk-random,…       ticked strategies      b.g.<strategy>.<param>=1,2,4   grids
 *   b.temps=0,1  b.noises=0.5  b.samples=50  b.seed=1  b.sweep-model=oracle  b.sweep-runtime=auto
 *   b.workers=2                      Web Workers for a CPU sweep (absent: every core)
 *   c.task=<task key>  c.paper=llada15,dream  c.theory=0|1  c.x=log|linear
 * Results travel in the fragment (#r=…, never sent to a server): our JSON export, deflate-raw
 * compressed, base64url. A link longer than SHARE_LIMIT characters is refused (the JSON file
 * is the way then): 8000 characters is what common browsers, chat tools and servers keep whole.
 * Every bad value becomes the default plus a message (a list keeps its known ids); nothing here
 * throws on outside input. The keys are one schema (BENCH_SCHEMA), like the settings'.
 */

export interface ChartView {
  /** taskKey of the shown task, or null to follow the sweep. */
  task: string | null;
  paper: { llada15: boolean; dream: boolean };
  theory: boolean;
  x: 'log' | 'linear';
  /** Stored runs to overlay, each with its own curves; empty = every run's records together. */
  runs: string[];
}

export const DEFAULT_CHART: ChartView = { task: null, paper: { llada15: true, dream: false }, theory: true, x: 'log', runs: [] };
export const DEFAULT_BENCH_FORM: BenchForm = { ...DEFAULT_FORM, model: 'oracle', runtime: 'auto' };

export const SHARE_LIMIT = 8000;
export const SHARE_KEY = 'r';

const RUNTIMES: readonly RuntimeChoice[] = ['auto', 'webgpu', 'ort-webgpu', 'ort-wasm', 'cpu'];
const PAPERS = ['llada15', 'dream'] as const;
const MAX_FIELD = 200;

/** What the bench keys hold: the form and the chart view. */
interface BenchState {
  form: BenchForm;
  chart: ChartView;
}

const whole = (k: keyof typeof FORM_LIMITS) => numberIn(FORM_LIMITS[k].min, FORM_LIMITS[k].max, true);
const numbers = numberListText(MAX_FIELD);

/**
 * The bench keys as one schema (src/ui/schema.ts, as the page's settings): parsing, writing and
 * the messages for bad values all come from it. Sizes and grids are dynamic entries: a grid key
 * exists for each parameter of a ticked strategy (read after the strategies), a size key for each
 * task family with sizes. Optional values (a family's sizes, a parameter's grid, workers, the
 * runtime other than Auto, the chart's task) are written only when set.
 */
const BENCH_SCHEMA: Schema<BenchState> = [
  field<BenchState, readonly string[]>({ key: 'b.tasks', codec: idList(TASKS.map((t) => t.id), 'task'), get: (s) => s.form.tasks, set: (s, v) => (s.form.tasks = [...v]) }),
  () =>
    SIZED_FAMILIES.map((f) =>
      field<BenchState, string>({
        key: `b.n.${f.family}`,
        codec: numbers,
        get: (s) => s.form.sizes[f.family] as string,
        set: (s, v) => (s.form.sizes = { ...s.form.sizes, [f.family]: v }),
      }),
    ),
  field<BenchState, readonly string[]>({ key: 'b.strategies', codec: idList(STRATEGIES.map((d) => d.id), 'strategy'), get: (s) => s.form.strategies, set: (s, v) => (s.form.strategies = [...v]) }),
  // Grids given in the link replace the defaults of the parameters they name.
  (s) =>
    s.form.strategies.flatMap((id) =>
      (STRATEGIES.find((d) => d.id === id)?.params ?? []).map((p) =>
        field<BenchState, string>({
          key: `b.g.${id}.${p.name}`,
          codec: numbers,
          get: (st) => st.form.grids[id]?.[p.name] as string,
          set: (st, v) => (st.form.grids = { ...st.form.grids, [id]: { ...st.form.grids[id], [p.name]: v } }),
        }),
      ),
    ),
  field<BenchState, string>({ key: 'b.temps', codec: numbers, get: (s) => s.form.temperatures, set: (s, v) => (s.form.temperatures = v) }),
  field<BenchState, string>({ key: 'b.noises', codec: numbers, get: (s) => s.form.noises, set: (s, v) => (s.form.noises = v) }),
  field<BenchState, number>({ key: 'b.samples', codec: whole('samples'), get: (s) => s.form.samples, set: (s, v) => (s.form.samples = v) }),
  field<BenchState, number>({ key: 'b.seed', codec: whole('seed'), get: (s) => s.form.seed, set: (s, v) => (s.form.seed = v) }),
  field<BenchState, BenchModel>({ key: 'b.sweep-model', codec: oneOf(BENCH_MODELS), get: (s) => s.form.model ?? 'oracle', set: (s, v) => (s.form.model = v) }),
  // Auto is the absent runtime, so a parsed link reads back the same.
  field<BenchState, RuntimeChoice>({
    key: 'b.sweep-runtime',
    codec: oneOf(RUNTIMES),
    get: (s) => (s.form.runtime === 'auto' ? undefined : s.form.runtime) as RuntimeChoice,
    set: (s, v) => (s.form.runtime = v ?? 'auto'),
  }),
  field<BenchState, number>({ key: 'b.workers', codec: whole('workers'), get: (s) => s.form.workers as number, set: (s, v) => (s.form.workers = v) }),
  field<BenchState, string>({ key: 'c.task', codec: textUpTo(MAX_FIELD, ['letters/copy']), get: (s) => (s.chart.task ?? undefined) as string, set: (s, v) => (s.chart.task = v || null) }),
  field<BenchState, readonly string[]>({
    key: 'c.paper',
    codec: idList(PAPERS, 'paper model'),
    get: (s) => PAPERS.filter((m) => s.chart.paper[m]),
    set: (s, v) => (s.chart.paper = { llada15: v.includes('llada15'), dream: v.includes('dream') }),
  }),
  field<BenchState, boolean>({ key: 'c.theory', codec: flag, get: (s) => s.chart.theory, set: (s, v) => (s.chart.theory = v) }),
  field<BenchState, 'log' | 'linear'>({ key: 'c.x', codec: oneOf(['log', 'linear'] as const), get: (s) => s.chart.x, set: (s, v) => (s.chart.x = v) }),
];

/** The schema's fixed keys; sizes (b.n.*) and grids (b.g.*) are dynamic. */
const KEYS = new Set(BENCH_SCHEMA.flatMap((e) => (typeof e === 'function' ? [] : [e.key])));

/**
 * The form's keys before they were renamed: decode B owns b.sigma, b.model and b.runtime, so
 * these are read for the form only in a link that has b.tasks (every bench link writes it) and
 * lacks the new key; a plain A/B link's b.model no longer changes the benchmark's model.
 */
/** A Map, not an object: a query key such as "toString" must not find Object.prototype's. */
const LEGACY = new Map([['b.sigma', 'b.noises'], ['b.model', 'b.sweep-model'], ['b.runtime', 'b.sweep-runtime']]);

/**
 * True for a query key this module owns (settings.ts skips them). Exact names, not the prefixes:
 * the decodes B and C have keys of their own under b. and c. (b.k, c.temp; src/ui/settings.ts).
 */
export function isBenchKey(key: string): boolean {
  return KEYS.has(key) || key.startsWith('b.n.') || key.startsWith('b.g.');
}

export function benchToQuery(form: BenchForm, chart: ChartView): string {
  return formatQuery(BENCH_SCHEMA, { form, chart });
}

export interface ParsedBench {
  form: BenchForm;
  chart: ChartView;
  messages: string[];
  /** True when the query had any bench or chart key (else the caller keeps what it has). */
  present: boolean;
}

/** Reads the bench and chart keys of a query string; never throws. */
export function benchFromQuery(search: string): ParsedBench {
  let q: URLSearchParams;
  try {
    q = new URLSearchParams(search);
  } catch {
    q = new URLSearchParams();
  }
  if (q.has('b.tasks')) {
    const renamed = new URLSearchParams();
    for (const [k, v] of q) {
      const to = LEGACY.get(k);
      renamed.append(to !== undefined && !q.has(to) ? to : k, v);
    }
    q = renamed;
  }
  const present = [...q.keys()].some(isBenchKey);
  const base: BenchState = { form: structuredClone(DEFAULT_BENCH_FORM), chart: structuredClone(DEFAULT_CHART) };
  // Keys that are not ours are the page settings' (src/ui/settings.ts reports those).
  const { state, messages } = parseQuery(BENCH_SCHEMA, base, q.toString(), (key) => !isBenchKey(key));
  return { ...state, messages, present };
}

// ---- results in a link --------------------------------------------------------------------------

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new ImportError('the shared results are not base64url text');
  let bin: string;
  try {
    bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  } catch {
    throw new ImportError('the shared results are cut short (not whole base64url)');
  }
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

/** Runs as a fragment value (no leading "#r="), or null when too big for a link. */
export async function encodeShare(runs: readonly BenchRun[]): Promise<{ fragment: string; chars: number } | { fragment: null; chars: number }> {
  // Only what the table and chart need: the records and specs, without partial progress.
  const slim = runs.map((r) => ({ created: r.created, spec: r.spec, records: r.records }));
  const json = new TextEncoder().encode(exportJson(slim as BenchRun[]).replace(/\n\s*/g, ''));
  const text = toBase64Url(await pipe(json, new CompressionStream('deflate-raw')));
  return text.length > SHARE_LIMIT ? { fragment: null, chars: text.length } : { fragment: text, chars: text.length };
}

/** Reads shared results; throws ImportError only (a clear message), whatever the text. */
export async function decodeShare(text: string): Promise<BenchRun[]> {
  if (text.length > SHARE_LIMIT * 4) throw new ImportError('the shared results are longer than any link we make');
  const packed = fromBase64Url(text);
  let json: string;
  try {
    // A bomb guard: a link is at most a few kB; its JSON at most a few MB.
    const bytes = await pipe(packed, new DecompressionStream('deflate-raw'));
    if (bytes.length > 16 << 20) throw new ImportError('the shared results unpack to more than 16 MB');
    json = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    if (e instanceof ImportError) throw e;
    throw new ImportError(`the shared results are damaged (${(e as Error)?.message ?? 'cannot unpack'}); ask for the JSON file instead`);
  }
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw new ImportError('the shared results are damaged (not JSON after unpacking)');
  }
  return importData(data, 'the shared link', 'imported').map((r) => ({ ...r, id: `shared-${r.id}`, shared: true }));
}

/** The fragment's results value, if the hash holds one. */
export function shareFromHash(hash: string): string | null {
  const h = new URLSearchParams(hash.replace(/^#/, ''));
  return h.get(SHARE_KEY);
}
