import { STRATEGIES, getStrategy, resolveParams } from '../engine/strategies';
import { TASKS, getTask, resolveTaskParams } from '../engine/tasks';
import { RUNTIME_CHOICES, type RuntimeChoice } from '../worker/protocol';

/**
 * Every setting of the page, and its URL form. Parsing never throws: each bad parameter becomes
 * a message naming it and its default, so a mangled link still opens a working page.
 */

export type Heat = 'confidence' | 'margin' | 'entropy';
export const HEATS: readonly Heat[] = ['confidence', 'margin', 'entropy'];
export type EngineChoice = 'auto' | 'cpu';
export type Tab = 'decode' | 'bench';

/** What differs between the two decodes (A and B share the prompt: task, size, seed, sample). */
export interface SideSettings {
  strategy: string;
  params: Record<string, number>;
  block: number;
  temperature: number;
  /** Oracle + Gaussian noise on log-probabilities; 0 = exact oracle. */
  noise: number;
  /** Who predicts: the oracle (default), the bundled trained model, or the user's own model. */
  model?: ModelChoice;
  /** Runtime of a neural model ('auto' = recommendRuntime). */
  runtime?: RuntimeChoice;
}

export type ModelChoice = 'oracle' | 'tiny' | 'custom';
export const MODEL_CHOICES: readonly ModelChoice[] = ['oracle', 'tiny', 'custom'];
export const modelOf = (side: SideSettings): ModelChoice => side.model ?? 'oracle';
export const runtimeOf = (side: SideSettings): RuntimeChoice => side.runtime ?? 'auto';

export interface ViewSettings {
  task: string;
  n: number;
  rho: number;
  seed: number;
  sample: number;
  a: SideSettings;
  b: SideSettings;
  compare: boolean;
  /** Shown frame: 0 = nothing revealed, t = after step t; -1 = the last frame. */
  step: number;
  heat: Heat;
  /** Selected canvas position for the candidate bars; -1 = none. */
  pos: number;
  engine: EngineChoice;
  tab: Tab;
  /** The open lesson, 1..LESSON_COUNT (src/ui/lessons.ts); absent = no lesson. */
  lesson?: number;
}

/** Lessons in src/ui/lessons.ts (a test checks the two agree). */
export const LESSON_COUNT = 8;

export const MAX_SEED = 0xffffffff;
export const MAX_TEMPERATURE = 10;
export const MAX_NOISE = 10;

/** The first screen: one token per step beside three, same seed; the second breaks a person apart. */
export const PRESET: ViewSettings = {
  task: 'waiting-line/shuffle',
  n: 3,
  rho: 0.9,
  seed: 1,
  sample: 0,
  a: { strategy: 'topk-confidence', params: { k: 1, steps: 0 }, block: 0, temperature: 0, noise: 0 },
  b: { strategy: 'topk-confidence', params: { k: 3, steps: 0 }, block: 0, temperature: 0, noise: 0 },
  compare: true,
  step: -1,
  heat: 'confidence',
  pos: -1,
  engine: 'auto',
  tab: 'decode',
};

export function defaultParams(strategy: string): Record<string, number> {
  return resolveParams(getStrategy(strategy), {});
}

export function cloneSettings(s: ViewSettings): ViewSettings {
  return { ...s, a: { ...s.a, params: { ...s.a.params } }, b: { ...s.b, params: { ...s.b.params } } };
}

/** Checks one side against its strategy; returns the first problem or null. */
export function sideProblem(side: SideSettings): string | null {
  let def;
  try {
    def = getStrategy(side.strategy);
  } catch (e) {
    return (e as Error).message;
  }
  try {
    resolveParams(def, side.params);
  } catch (e) {
    return (e as Error).message;
  }
  if (!(Number.isInteger(side.block) && side.block >= 0)) return `block length must be a whole number ≥ 0, got ${side.block}`;
  if (side.block > 0 && !def.blocks) return `${def.title} does not use semi-AR blocks: set block length to 0`;
  if (!(side.temperature >= 0 && side.temperature <= MAX_TEMPERATURE)) return `temperature must be in [0, ${MAX_TEMPERATURE}], got ${side.temperature}`;
  if (!(side.noise >= 0 && side.noise <= MAX_NOISE)) return `noise σ must be in [0, ${MAX_NOISE}], got ${side.noise}`;
  if (def.oracleOnly && side.noise > 0) return `${def.title} reads the exact oracle: set noise σ to 0`;
  if (modelOf(side) !== 'oracle') {
    if (def.oracleOnly) return `${def.title} reads the exact oracle; it cannot run with a neural model: choose another strategy or the oracle`;
    if (side.noise > 0) return 'noise σ applies to the oracle only: set it to 0 for a neural model';
  }
  return null;
}

const SIDE_KEYS = ['a', 'b'] as const;

/** Serialises every setting (all of them, so that a link never depends on our defaults). */
export function toQuery(s: ViewSettings): string {
  const q = new URLSearchParams();
  q.set('task', s.task);
  if (getTask(s.task).sizes) q.set('n', String(s.n));
  if (s.task === 'dial') q.set('rho', String(s.rho));
  q.set('seed', String(s.seed));
  q.set('sample', String(s.sample));
  for (const k of SIDE_KEYS) {
    const side = s[k];
    q.set(k, side.strategy);
    for (const [name, v] of Object.entries(side.params)) q.set(`${k}.${name}`, String(v));
    q.set(`${k}.block`, String(side.block));
    q.set(`${k}.temp`, String(side.temperature));
    q.set(`${k}.sigma`, String(side.noise));
    q.set(`${k}.model`, modelOf(side));
    if (modelOf(side) !== 'oracle') q.set(`${k}.runtime`, runtimeOf(side));
  }
  q.set('compare', s.compare ? '1' : '0');
  q.set('step', s.step < 0 ? 'end' : String(s.step));
  q.set('heat', s.heat);
  q.set('pos', String(s.pos));
  q.set('engine', s.engine);
  q.set('tab', s.tab);
  if (s.lesson) q.set('lesson', String(s.lesson));
  return q.toString();
}

export interface Parsed {
  settings: ViewSettings;
  messages: string[];
}

/** Parses a query string into settings; every bad or unknown parameter becomes a message. */
export function fromQuery(search: string): Parsed {
  const q = new URLSearchParams(search);
  const messages: string[] = [];
  const s = cloneSettings(PRESET);
  if ([...q.keys()].length === 0) return { settings: s, messages };
  const used = new Set<string>();
  const get = (key: string): string | null => {
    used.add(key);
    return q.get(key);
  };
  const bad = (key: string, value: string, why: string, fallback: unknown) =>
    messages.push(`URL parameter "${key}=${short(value)}": ${why}; using ${String(fallback)}.`);
  const num = (key: string, value: string): number | null => {
    const t = value.trim();
    if (t === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return null;
    return Number(t);
  };

  const task = get('task');
  if (task !== null) {
    if (TASKS.some((t) => t.id === task)) s.task = task;
    else bad('task', task, 'no such task', s.task);
  }
  const def = getTask(s.task);
  // A task change without n takes the task's default size, not the preset's.
  s.n = def.sizes?.default ?? 0;
  const n = get('n');
  if (n !== null) {
    const v = num('n', n);
    if (!def.sizes) bad('n', n, `${def.id} has a fixed size`, 'its size');
    else if (v === null) bad('n', n, 'not a number', s.n);
    else {
      try {
        s.n = resolveTaskParams(def, { n: v }).n;
      } catch (e) {
        bad('n', n, (e as Error).message, s.n);
      }
    }
  }
  const rho = get('rho');
  if (rho !== null) {
    const v = num('rho', rho);
    if (v === null || !(v >= -1 && v <= 1)) bad('rho', rho, 'must be a number in [-1, 1]', s.rho);
    else s.rho = v;
  }
  const intIn = (key: string, lo: number, hi: number, set: (v: number) => void, fallback: number) => {
    const raw = get(key);
    if (raw === null) return;
    const v = num(key, raw);
    if (v === null || !Number.isInteger(v) || v < lo || v > hi) bad(key, raw, `must be a whole number in [${lo}, ${hi}]`, fallback);
    else set(v);
  };
  intIn('seed', 0, MAX_SEED, (v) => (s.seed = v), s.seed);
  intIn('sample', 0, 1_000_000, (v) => (s.sample = v), s.sample);

  for (const k of SIDE_KEYS) {
    const side = s[k];
    const strat = get(k);
    if (strat !== null) {
      if (STRATEGIES.some((d) => d.id === strat)) {
        if (strat !== side.strategy) {
          side.strategy = strat;
          side.params = defaultParams(strat);
        }
      } else bad(k, strat, 'no such strategy', side.strategy);
    }
    const sdef = getStrategy(side.strategy);
    for (const spec of sdef.params) {
      const key = `${k}.${spec.name}`;
      const raw = get(key);
      if (raw === null) continue;
      const v = num(key, raw);
      const ok = v !== null && (!spec.integer || Number.isInteger(v)) && v >= spec.min && v <= spec.max;
      if (ok) side.params[spec.name] = v;
      else bad(key, raw, `${spec.label} must be ${spec.integer ? 'a whole number' : 'a number'} in [${spec.min}, ${spec.max}]`, side.params[spec.name]);
    }
    intIn(`${k}.block`, 0, 4096, (v) => (side.block = v), side.block);
    if (side.block > 0 && !sdef.blocks) {
      messages.push(`URL parameter "${k}.block": ${sdef.title} does not use blocks; using 0.`);
      side.block = 0;
    }
    const real = (key: string, hi: number, set: (v: number) => void, fallback: number) => {
      const raw = get(key);
      if (raw === null) return;
      const v = num(key, raw);
      if (v === null || !(v >= 0 && v <= hi)) bad(key, raw, `must be a number in [0, ${hi}]`, fallback);
      else set(v);
    };
    real(`${k}.temp`, MAX_TEMPERATURE, (v) => (side.temperature = v), side.temperature);
    real(`${k}.sigma`, MAX_NOISE, (v) => (side.noise = v), side.noise);
    if (sdef.oracleOnly && side.noise > 0) {
      messages.push(`URL parameter "${k}.sigma": ${sdef.title} needs the exact oracle; using 0.`);
      side.noise = 0;
    }
    const model = get(`${k}.model`);
    if (model !== null) {
      if (!(MODEL_CHOICES as readonly string[]).includes(model)) bad(`${k}.model`, model, `must be one of ${MODEL_CHOICES.join(', ')}`, 'oracle');
      else if (model !== 'oracle' && sdef.oracleOnly) messages.push(`URL parameter "${k}.model=${model}": ${sdef.title} needs the exact oracle; using the oracle.`);
      else if (model !== 'oracle') side.model = model as ModelChoice;
    }
    const runtime = get(`${k}.runtime`);
    if (runtime !== null) {
      if (!(RUNTIME_CHOICES as readonly string[]).includes(runtime)) bad(`${k}.runtime`, runtime, `must be one of ${RUNTIME_CHOICES.join(', ')}`, 'auto');
      else side.runtime = runtime as RuntimeChoice;
    }
    if (modelOf(side) !== 'oracle' && side.noise > 0) {
      messages.push(`URL parameter "${k}.sigma": noise applies to the oracle only, not to ${k}.model=${modelOf(side)}; using 0.`);
      side.noise = 0;
    }
  }
  const compare = get('compare');
  if (compare !== null) {
    if (compare === '1' || compare === '0') s.compare = compare === '1';
    else bad('compare', compare, 'must be 0 or 1', s.compare ? 1 : 0);
  }
  const step = get('step');
  if (step !== null) {
    const v = num('step', step);
    if (step === 'end') s.step = -1;
    else if (v === null || !Number.isInteger(v) || v < 0 || v > 100_000) bad('step', step, 'must be a whole number ≥ 0 or "end"', 'the last step');
    else s.step = v;
  }
  const heat = get('heat');
  if (heat !== null) {
    if ((HEATS as readonly string[]).includes(heat)) s.heat = heat as Heat;
    else bad('heat', heat, `must be one of ${HEATS.join(', ')}`, s.heat);
  }
  intIn('pos', -1, 100_000, (v) => (s.pos = v), s.pos);
  const engine = get('engine');
  if (engine !== null) {
    if (engine === 'auto' || engine === 'cpu') s.engine = engine;
    else bad('engine', engine, 'must be auto or cpu', s.engine);
  }
  const tab = get('tab');
  if (tab !== null) {
    if (tab === 'decode' || tab === 'bench') s.tab = tab;
    else bad('tab', tab, 'must be decode or bench', s.tab);
  }
  const lesson = get('lesson');
  if (lesson !== null) {
    const v = num('lesson', lesson);
    if (v === null || !Number.isInteger(v) || v < 1 || v > LESSON_COUNT) bad('lesson', lesson, `must be a whole number in [1, ${LESSON_COUNT}]`, 'no lesson');
    else s.lesson = v;
  }
  for (const key of q.keys()) {
    if (!used.has(key)) {
      used.add(key);
      messages.push(`URL parameter "${short(key)}" is not one of ours (or does not apply to this strategy); ignored.`);
    }
  }
  return { settings: s, messages };
}

function short(v: string): string {
  return v.length > 40 ? `${v.slice(0, 40)}…` : v;
}
