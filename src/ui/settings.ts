import { checkDenoiser, resolveSettings } from '../engine/options';
import { STRATEGIES, getStrategy, resolveParams } from '../engine/strategies';
import type { StrategyDefinition } from '../engine/strategies/types';
import type { TaskParamSpec } from '../engine/tasks/types';
import { isBenchKey } from './benchUrl';
import { TASKS, getTask, ownParams, resolveTaskParams } from '../engine/tasks';
import { RUNTIME_CHOICES, type RuntimeChoice } from '../worker/protocol';
import { anyNumber, field, flag, formatQuery, numberIn, oneOf, parseQuery, problems, wholeOr, type Entry, type Field, type Schema } from './schema';

/**
 * Every setting of the page, and its URL form, from one schema (SETTINGS_SCHEMA below; the
 * machinery is in ./schema.ts). Parsing never throws: each bad parameter becomes a message
 * naming it and its default, so a mangled link still opens a working page.
 */

export type Heat = 'confidence' | 'margin' | 'entropy';
export const HEATS: readonly Heat[] = ['confidence', 'margin', 'entropy'];
export type EngineChoice = 'auto' | 'cpu';
const ENGINES: readonly EngineChoice[] = ['auto', 'cpu'];
export type Tab = 'decode' | 'bench';
const TABS: readonly Tab[] = ['decode', 'bench'];

/** What differs between the decodes side by side (A..D share the prompt: task, size, seed, sample). */
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
  /** The chosen task's own parameters (its TaskParamSpec list, src/engine/tasks) by name. */
  taskParams: Record<string, number>;
  seed: number;
  sample: number;
  a: SideSettings;
  b: SideSettings;
  /** B is shown when comparing; B's settings are kept (and in the link) while it is hidden. */
  compare: boolean;
  /** Third and fourth decodes: present = shown (only while comparing; D only beside C). */
  c?: SideSettings;
  d?: SideSettings;
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
const MAX_SAMPLE = 1_000_000;
const MAX_BLOCK = 4096;
/** Largest step and canvas position a link may name (a decode clamps to its own length). */
const MAX_STEP = 100_000;

/** The first screen: one token per step beside three, same seed; the second breaks a person apart. */
export const PRESET: ViewSettings = {
  task: 'waiting-line/shuffle',
  n: 3,
  taskParams: defaultTaskParams('waiting-line/shuffle'),
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

/** The decodes side by side, A to D, in their URL keys' order. */
export type SideKey = 'a' | 'b' | 'c' | 'd';
export const SIDE_KEYS: readonly SideKey[] = ['a', 'b', 'c', 'd'];
export const MAX_SIDES = SIDE_KEYS.length;

/** The sides on screen, in order: A; B when comparing; then C and D when present. */
export function shownSides(s: Pick<ViewSettings, 'compare' | 'c' | 'd'>): SideKey[] {
  if (!s.compare) return ['a'];
  return s.c ? (s.d ? ['a', 'b', 'c', 'd'] : ['a', 'b', 'c']) : ['a', 'b'];
}

/** A task's own parameters at their defaults: what a newly chosen task starts from. */
export function defaultTaskParams(task: string): Record<string, number> {
  const t = getTask(task);
  return ownParams(t, resolveTaskParams(t, {}));
}

/** The change to task `id`: it starts from its own defaults (a size it allows, its parameters). */
export function withTask(id: string): Pick<ViewSettings, 'task' | 'taskParams'> & Partial<ViewSettings> {
  const sizes = getTask(id).sizes;
  return { task: id, ...(sizes ? { n: sizes.default } : {}), taskParams: defaultTaskParams(id) };
}

/**
 * The chosen task's own parameters of `s` (only the names its TaskParamSpec list has, defaults
 * for any missing): what the URL writes and the worker and the engine take.
 */
export function taskParamsOf(s: Pick<ViewSettings, 'task' | 'taskParams'>): Record<string, number> {
  return Object.fromEntries(getTask(s.task).params.map((p) => [p.name, s.taskParams[p.name] ?? p.default]));
}

const cloneSide = (d: SideSettings): SideSettings => ({ ...d, params: { ...d.params } });

export function cloneSettings(s: ViewSettings): ViewSettings {
  const out: ViewSettings = { ...s, taskParams: { ...s.taskParams }, a: cloneSide(s.a), b: cloneSide(s.b) };
  if (s.c) out.c = cloneSide(s.c);
  if (s.d) out.d = cloneSide(s.d);
  return out;
}

// ---- the URL schema ------------------------------------------------------------------------
//
// One entry per URL key, in reading order (a key after those it depends on). To add a setting:
// add its field to ViewSettings and its default to PRESET, then one entry below, e.g.
//   field({ key: 'heat', codec: oneOf(HEATS), get: (s) => s.heat, set: (s, v) => (s.heat = v) }),
// Parsing, serialising, validation and the property tests (test/node/settings-schema.test.ts)
// all follow from it.

/** The task's size and own parameters of `s` as the engine takes them (validated there: resolveTaskParams). */
const taskValues = (s: ViewSettings) => ({ ...(getTask(s.task).sizes ? { n: s.n } : {}), ...taskParamsOf(s) });

const check = (f: () => unknown): string | null => {
  try {
    f();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
};

/**
 * One control of a task, generated from its module: the size `n` (when the task has `sizes`) or
 * one of its own parameters (its TaskParamSpec list: the dial's correlation, a canvas budget).
 * The URL key is `spec.name`; the prompt form and the URL schema are both built from this list,
 * so a new task parameter needs nothing here.
 */
export interface TaskControl {
  spec: TaskParamSpec;
  get(s: TaskValues): number;
  /** The change that sets it to `v` (the form and the URL parser both apply it). */
  with(s: TaskValues, v: number): Partial<ViewSettings>;
}
/** The part of the settings a task's controls read (the form selects only this). */
export type TaskValues = Pick<ViewSettings, 'n' | 'taskParams'>;

export function taskControls(id: string): TaskControl[] {
  const task = getTask(id);
  const size: TaskControl[] = task.sizes
    ? [{ spec: { name: 'n', label: 'size n', ...task.sizes, integer: true, help: 'length of the answer' }, get: (s) => s.n, with: (_, n) => ({ n }) }]
    : [];
  return [
    ...size,
    ...task.params.map((spec): TaskControl => ({
      spec,
      get: (s) => s.taskParams[spec.name] ?? spec.default,
      with: (s, v) => ({ taskParams: { ...s.taskParams, [spec.name]: v } }),
    })),
  ];
}

/** The URL fields of a task, one per control; one rule for all: the engine's resolveTaskParams. */
function taskFields(id: string): Field<ViewSettings, never>[] {
  const rule = (st: ViewSettings) => check(() => resolveTaskParams(getTask(st.task), taskValues(st)));
  return taskControls(id).map((c) =>
    field<ViewSettings, number>({ key: c.spec.name, codec: anyNumber(c.spec), get: c.get, set: (st, v) => Object.assign(st, c.with(st, v)), rule }),
  );
}

// Decode options are checked by the engine's own rules (src/engine/options.ts): resolveParams for
// the strategy's parameters, resolveSettings for blocks and oracle-only strategies, checkDenoiser
// for noise with a model. Each key's rule asks them only when its own value is not the default.
//
// A and B always exist (B hidden unless comparing). C and D are optional, like `lesson`: the
// strategy key (c=…, d=…) creates the side, and its other keys exist only while it does; C only
// while comparing, D only beside C, so the sides on screen are always A, B, C, D in order.
function sideFields(k: SideKey, exists?: (s: ViewSettings) => boolean): Entry<ViewSettings>[] {
  // Inside a field that applies, the side exists (on() below guards the optional ones).
  const side = (s: ViewSettings): SideSettings => s[k]!;
  // Whether the side's keys exist: always for A and B; for C and D while the side is shown.
  const on = (s: ViewSettings) => s[k] !== undefined && (exists?.(s) ?? true);
  // The side's strategy; the strategy field reports an unknown one, the rules below skip it.
  const strategy = (s: ViewSettings): StrategyDefinition => getStrategy(side(s).strategy);
  const known = (s: ViewSettings) => STRATEGIES.some((d) => d.id === side(s).strategy);
  const params = (s: ViewSettings) => check(() => resolveParams(strategy(s), side(s).params));
  const decode = (s: ViewSettings) =>
    known(s) ? check(() => resolveSettings({ strategy: side(s).strategy, params: side(s).params, options: { block: side(s).block, temperature: side(s).temperature }, exact: modelOf(side(s)) === 'oracle' && side(s).noise === 0 })) : null;
  const rest = <T>(f: Field<ViewSettings, T>): Entry<ViewSettings> => {
    if (!exists) return field(f);
    const own = f.applies;
    return field<ViewSettings, T>({ ...f, applies: (s) => on(s) && (own?.(s) ?? true) });
  };
  return [
    field<ViewSettings, string>({
      key: k,
      codec: oneOf(STRATEGIES.map((d) => d.id), 'strategy'),
      // An absent optional side has no value (not written, never a problem).
      get: (s) => s[k]?.strategy as string,
      set: (s, v) => {
        if (v === undefined) {
          delete s[k];
          return;
        }
        const d = s[k];
        if (!d) s[k] = { strategy: v, params: defaultParams(v), block: 0, temperature: 0, noise: 0 };
        else if (v !== d.strategy) {
          d.strategy = v;
          d.params = defaultParams(v);
        }
      },
      ...(exists ? { applies: exists } : {}),
      rule: params,
    }),
    (s) =>
      (on(s) && known(s) ? strategy(s).params : []).map((spec) =>
        field<ViewSettings, number>({
          key: `${k}.${spec.name}`,
          codec: anyNumber(spec),
          get: (st) => side(st).params[spec.name] ?? spec.default,
          set: (st, v) => (side(st).params[spec.name] = v),
          rule: params,
        }),
      ),
    rest<number>({
      key: `${k}.block`,
      codec: numberIn(0, MAX_BLOCK, true),
      get: (s) => side(s).block,
      set: (s, v) => (side(s).block = v),
      rule: (s) => (side(s).block > 0 ? decode(s) : null),
    }),
    rest<number>({ key: `${k}.temp`, codec: numberIn(0, MAX_TEMPERATURE), get: (s) => side(s).temperature, set: (s, v) => (side(s).temperature = v) }),
    rest<ModelChoice>({
      key: `${k}.model`,
      codec: oneOf(MODEL_CHOICES),
      get: (s) => modelOf(side(s)),
      set: (s, v) => {
        if (v === 'oracle') delete side(s).model;
        else side(s).model = v;
      },
      rule: (s) => (modelOf(side(s)) !== 'oracle' ? decode(s) : null),
    }),
    rest<RuntimeChoice>({
      key: `${k}.runtime`,
      codec: oneOf(RUNTIME_CHOICES),
      get: (s) => runtimeOf(side(s)),
      // Auto is the absent runtime (as the oracle is the absent model), so a parsed link reads back the same.
      set: (s, v) => {
        if (v === 'auto') delete side(s).runtime;
        else side(s).runtime = v;
      },
      applies: (s) => modelOf(side(s)) !== 'oracle',
    }),
    rest<number>({
      key: `${k}.sigma`,
      codec: numberIn(0, MAX_NOISE),
      get: (s) => side(s).noise,
      set: (s, v) => (side(s).noise = v),
      rule: (s) => (side(s).noise === 0 ? null : (check(() => checkDenoiser(modelOf(side(s)) !== 'oracle', side(s).noise)) ?? decode(s))),
    }),
  ];
}

export const SETTINGS_SCHEMA: Schema<ViewSettings> = [
  field<ViewSettings, string>({
    key: 'task',
    codec: oneOf(TASKS.map((t) => t.id), 'task'),
    get: (s) => s.task,
    set: (s, v) => {
      if (v === s.task) return;
      Object.assign(s, withTask(v));
    },
  }),
  (s) => taskFields(s.task),
  field<ViewSettings, number>({ key: 'seed', codec: numberIn(0, MAX_SEED, true), get: (s) => s.seed, set: (s, v) => (s.seed = v) }),
  field<ViewSettings, number>({ key: 'sample', codec: numberIn(0, MAX_SAMPLE, true), get: (s) => s.sample, set: (s, v) => (s.sample = v) }),
  ...sideFields('a'),
  ...sideFields('b'),
  field<ViewSettings, boolean>({ key: 'compare', codec: flag, get: (s) => s.compare, set: (s, v) => (s.compare = v) }),
  // After `compare`, which they depend on.
  ...sideFields('c', (s) => s.compare),
  ...sideFields('d', (s) => s.compare && s.c !== undefined),
  field<ViewSettings, number>({ key: 'step', codec: wholeOr('end', MAX_STEP), get: (s) => s.step, set: (s, v) => (s.step = v) }),
  field<ViewSettings, Heat>({ key: 'heat', codec: oneOf(HEATS), get: (s) => s.heat, set: (s, v) => (s.heat = v) }),
  field<ViewSettings, number>({ key: 'pos', codec: numberIn(-1, MAX_STEP, true), get: (s) => s.pos, set: (s, v) => (s.pos = v) }),
  field<ViewSettings, EngineChoice>({ key: 'engine', codec: oneOf(ENGINES), get: (s) => s.engine, set: (s, v) => (s.engine = v) }),
  field<ViewSettings, Tab>({ key: 'tab', codec: oneOf(TABS), get: (s) => s.tab, set: (s, v) => (s.tab = v) }),
  // Optional: absent = no lesson (src/ui/lessons.ts); written only while a lesson is open.
  field<ViewSettings, number>({ key: 'lesson', codec: numberIn(1, LESSON_COUNT, true), get: (s) => s.lesson as number, set: (s, v) => (s.lesson = v) }),
];

/** Checks one side against its strategy and the page's limits; returns the first problem or null. */
export function sideProblem(side: SideSettings): string | null {
  const s: ViewSettings = { ...cloneSettings(PRESET), a: side };
  return problems(sideFields('a'), s)[0]?.message ?? null;
}

/** Serialises every setting (all of them, so that a link never depends on our defaults). */
export function toQuery(s: ViewSettings): string {
  return formatQuery(SETTINGS_SCHEMA, s);
}

export interface Parsed {
  settings: ViewSettings;
  messages: string[];
}

/** Parses a query string into settings; every bad or unknown parameter becomes a message. Never throws. */
export function fromQuery(search: string): Parsed {
  // The benchmark form and chart keys (b.*, c.*) are read by their own schema (./benchUrl.ts).
  const { state, messages } = parseQuery(SETTINGS_SCHEMA, cloneSettings(PRESET), search, isBenchKey);
  return { settings: state, messages };
}
