import { STRATEGIES } from '../engine/strategies';
import { TASKS } from '../engine/tasks';
import { DEFAULT_FORM, ImportError, SIZED_FAMILIES, exportJson, importData, type BenchForm, type BenchModel, type BenchRun } from './bench';
import { MAX_SWEEP_WORKERS, type RuntimeChoice } from '../worker/protocol';

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
 * Every bad value becomes the default plus a message; nothing here throws on outside input.
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

const MODELS: readonly BenchModel[] = ['oracle', 'noise', 'tiny', 'custom'];
const RUNTIMES: readonly RuntimeChoice[] = ['auto', 'webgpu', 'ort-webgpu', 'ort-wasm', 'cpu'];
const MAX_FIELD = 200;

const KEYS = new Set(['b.tasks', 'b.strategies', 'b.temps', 'b.noises', 'b.samples', 'b.seed', 'b.sweep-model', 'b.sweep-runtime', 'b.workers', 'c.task', 'c.paper', 'c.theory', 'c.x']);

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
  const q = new URLSearchParams();
  q.set('b.tasks', form.tasks.join(','));
  for (const f of SIZED_FAMILIES) if (form.sizes[f.family] !== undefined) q.set(`b.n.${f.family}`, form.sizes[f.family]);
  q.set('b.strategies', form.strategies.join(','));
  for (const s of form.strategies) for (const [p, v] of Object.entries(form.grids[s] ?? {})) q.set(`b.g.${s}.${p}`, v);
  q.set('b.temps', form.temperatures);
  q.set('b.noises', form.noises);
  q.set('b.samples', String(form.samples));
  q.set('b.seed', String(form.seed));
  q.set('b.sweep-model', form.model ?? 'oracle');
  if (form.runtime && form.runtime !== 'auto') q.set('b.sweep-runtime', form.runtime);
  if (form.workers) q.set('b.workers', String(form.workers));
  if (chart.task) q.set('c.task', chart.task);
  q.set('c.paper', (['llada15', 'dream'] as const).filter((m) => chart.paper[m]).join(','));
  q.set('c.theory', chart.theory ? '1' : '0');
  q.set('c.x', chart.x);
  return q.toString();
}

export interface ParsedBench {
  form: BenchForm;
  chart: ChartView;
  messages: string[];
  /** True when the query had any bench or chart key (else the caller keeps what it has). */
  present: boolean;
}

const short = (v: string) => (v.length > 40 ? `${v.slice(0, 40)}…` : v);
/** A comma list of numbers as the form keeps it (text); null when it is not one. */
const numberList = (v: string) => (v.length <= MAX_FIELD && /^\s*[-+0-9.e]+(\s*[,\s]\s*[-+0-9.e]+)*\s*$/i.test(v) && v.split(/[,\s]+/).filter(Boolean).every((p) => Number.isFinite(Number(p))) ? v : null);

/** Reads the bench and chart keys of a query string; never throws. */
export function benchFromQuery(search: string): ParsedBench {
  let q: URLSearchParams;
  try {
    q = new URLSearchParams(search);
  } catch {
    q = new URLSearchParams();
  }
  const form: BenchForm = structuredClone(DEFAULT_BENCH_FORM);
  const chart: ChartView = structuredClone(DEFAULT_CHART);
  const messages: string[] = [];
  const bad = (key: string, value: string, why: string) => messages.push(`URL parameter "${short(key)}=${short(value)}": ${why}; using the default.`);
  let present = false;
  const taskIds = new Set(TASKS.map((t) => t.id));
  const strategyParams = new Map(STRATEGIES.map((s) => [s.id, new Set(s.params.map((p) => p.name))]));
  const grids: Record<string, Record<string, string>> = {};
  const legacy = q.has('b.tasks');
  for (const [given, value] of q) {
    const renamed = legacy ? LEGACY.get(given) : undefined;
    const key = renamed !== undefined && !q.has(renamed) ? renamed : given;
    if (!isBenchKey(key)) continue;
    present = true;
    if (key === 'b.tasks' || key === 'b.strategies') {
      const known = key === 'b.tasks' ? taskIds : new Set(strategyParams.keys());
      const ids = value.split(',').filter(Boolean);
      const unknown = ids.filter((id) => !known.has(id));
      if (unknown.length) bad(key, unknown.join(','), 'not a known id (dropped)');
      const ok = [...new Set(ids.filter((id) => known.has(id)))];
      if (key === 'b.tasks') form.tasks = ok;
      else form.strategies = ok;
    } else if (key.startsWith('b.n.')) {
      const family = key.slice(4);
      if (!SIZED_FAMILIES.some((f) => f.family === family)) bad(key, value, 'not a task family with sizes');
      else if (numberList(value) === null) bad(key, value, 'must be a comma list of numbers');
      else form.sizes = { ...form.sizes, [family]: value };
    } else if (key.startsWith('b.g.')) {
      const rest = key.slice(4);
      const dot = rest.lastIndexOf('.');
      const [s, p] = [rest.slice(0, dot), rest.slice(dot + 1)];
      if (dot < 0 || !strategyParams.get(s)?.has(p)) bad(key, value, 'not a strategy parameter');
      else if (numberList(value) === null) bad(key, value, 'must be a comma list of numbers');
      else grids[s] = { ...grids[s], [p]: value };
    } else if (key === 'b.temps' || key === 'b.noises') {
      if (numberList(value) === null) bad(key, value, 'must be a comma list of numbers');
      else if (key === 'b.temps') form.temperatures = value;
      else form.noises = value;
    } else if (key === 'b.samples' || key === 'b.seed') {
      const v = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
      const [lo, hi] = key === 'b.samples' ? [1, 100_000] : [0, 0xffffffff];
      if (!(v >= lo && v <= hi)) bad(key, value, `must be a whole number from ${lo} to ${hi}`);
      else if (key === 'b.samples') form.samples = v;
      else form.seed = v;
    } else if (key === 'b.workers') {
      const v = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
      if (!(v >= 1 && v <= MAX_SWEEP_WORKERS)) bad(key, value, `must be a whole number from 1 to ${MAX_SWEEP_WORKERS}`);
      else form.workers = v;
    } else if (key === 'b.sweep-model') {
      if (!(MODELS as readonly string[]).includes(value)) bad(key, value, `must be one of ${MODELS.join(', ')}`);
      else form.model = value as BenchModel;
    } else if (key === 'b.sweep-runtime') {
      if (!(RUNTIMES as readonly string[]).includes(value)) bad(key, value, `must be one of ${RUNTIMES.join(', ')}`);
      else form.runtime = value as RuntimeChoice;
    } else if (key === 'c.task') {
      if (value.length > MAX_FIELD) bad(key, value, 'too long');
      else chart.task = value || null;
    } else if (key === 'c.paper') {
      const ms = value.split(',').filter(Boolean);
      if (ms.some((m) => m !== 'llada15' && m !== 'dream')) bad(key, value, 'must list llada15 and/or dream');
      else chart.paper = { llada15: ms.includes('llada15'), dream: ms.includes('dream') };
    } else if (key === 'c.theory') {
      if (value !== '0' && value !== '1') bad(key, value, 'must be 0 or 1');
      else chart.theory = value === '1';
    } else if (key === 'c.x') {
      if (value !== 'log' && value !== 'linear') bad(key, value, 'must be log or linear');
      else chart.x = value;
    } else {
      messages.push(`URL parameter "${short(key)}" is not one of ours; ignored.`);
    }
  }
  // Grids given in the link replace the defaults of the strategies they name.
  if (Object.keys(grids).length) form.grids = { ...form.grids, ...grids };
  return { form, chart, messages, present };
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
