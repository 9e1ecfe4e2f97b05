import { create } from 'zustand';
import type { SweepProgress } from '../engine/sweep';
import { getTask } from '../engine/tasks';
import type { BackendInfo, DecodeRequest, ModelInfo, ModelSource, NeuralModel, VerifyResult } from '../worker/protocol';
import { taskKey, type BenchForm, type BenchRun } from './bench';
import type { PageRecord } from '../worker/protocol';
import { DEFAULT_BENCH_FORM, DEFAULT_CHART, type ChartView } from './benchUrl';
import { EngineClient, WorkerError, type Decoded } from './engineClient';
import { loadRuns, saveRuns } from './persist';
import { MAX_SIDES, PRESET, SIDE_KEYS, cloneSettings, modelOf, runtimeOf, shownSides, sideProblem, taskParamsOf, withTask, type SideKey, type SideSettings, type ViewSettings } from './settings';

/** A decode on screen, A to D (settings.ts: shownSides). */
export type Side = SideKey;

export interface SideState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** The last good decode (kept on screen while a new one runs or after an error). */
  result: Decoded | null;
  error: string | null;
  key: string;
}

export interface Message {
  id: number;
  level: 'error' | 'warning' | 'info';
  text: string;
  details?: string[];
}

/** A neural model as the page knows it: the loaded one (info) and the last load's problem. */
export interface ModelSlot {
  loading: boolean;
  info: ModelInfo | null;
  error: { message: string; code: string } | null;
}

export interface ActiveSweep {
  runId: string;
  sweepId: number;
  progress: SweepProgress | null;
  startedAt: number;
  /** Decodes already done when this session of the sweep started (for the ETA). */
  doneAtStart: number;
  /** How many Web Workers decode it (known from the first progress). */
  workers?: number;
}

export interface AppState {
  settings: ViewSettings;
  sides: Record<Side, SideState>;
  messages: Message[];
  playing: boolean;
  /** Frames per second while playing. */
  speed: number;
  backend: BackendInfo | null;
  verify: { status: 'idle' | 'running' | 'done' | 'error'; result?: VerifyResult; error?: string };
  runs: BenchRun[];
  runsLoaded: boolean;
  sweep: ActiveSweep | null;
  theme: 'light' | 'dark';
  models: Record<NeuralModel, ModelSlot>;
  /** The benchmark form and the chart view (both in the URL, see benchUrl.ts). */
  bench: { form: BenchForm; chart: ChartView };
}

const emptySide = (): SideState => ({ status: 'idle', result: null, error: null, key: '' });
const emptySlot = (): ModelSlot => ({ loading: false, info: null, error: null });

export const useApp = create<AppState>(() => ({
  settings: cloneSettings(PRESET),
  sides: { a: emptySide(), b: emptySide(), c: emptySide(), d: emptySide() },
  messages: [],
  playing: false,
  speed: 2,
  backend: null,
  verify: { status: 'idle' },
  runs: [],
  runsLoaded: false,
  sweep: null,
  theme: 'light',
  models: { tiny: emptySlot(), custom: emptySlot() },
  bench: { form: structuredClone(DEFAULT_BENCH_FORM), chart: structuredClone(DEFAULT_CHART) },
}));

let engine: EngineClient | null = null;
/** The worker starts on first use, so the first paint never waits for it. */
export function getEngine(): EngineClient {
  if (!engine) {
    engine = new EngineClient();
    engine.onNotice = (level, text) => notify(level, text);
  }
  return engine;
}
export function setEngine(e: EngineClient | null): void {
  engine = e;
  if (e) e.onNotice = (level, text) => notify(level, text);
}

let messageId = 1;
export function notify(level: Message['level'], text: string, details?: string[]): void {
  useApp.setState((s) => ({ messages: [...s.messages.filter((m) => m.text !== text), { id: messageId++, level, text, details }].slice(-8) }));
}
export function dismiss(id: number): void {
  useApp.setState((s) => ({ messages: s.messages.filter((m) => m.id !== id) }));
}

export function setSettings(patch: Partial<ViewSettings>): void {
  useApp.setState((s) => ({ settings: { ...s.settings, ...patch } }));
}

export function setSide(side: Side, patch: Partial<SideSettings>): void {
  useApp.setState((s) => (s.settings[side] ? { settings: { ...s.settings, [side]: { ...s.settings[side], ...patch } } } : {}));
}

/**
 * Shows one more decode, up to D: B (its kept settings) when only A is shown, else a copy of the
 * last side to change from. Every side shares the prompt, the seed and the step.
 */
export function addSide(): void {
  useApp.setState((st) => {
    const s = st.settings;
    const shown = shownSides(s);
    if (shown.length >= MAX_SIDES) return {};
    if (!s.compare) return { settings: { ...s, compare: true } };
    const last = s[shown[shown.length - 1]]!;
    const next = SIDE_KEYS[shown.length];
    return { settings: { ...s, [next]: { ...last, params: { ...last.params } } }, sides: { ...st.sides, [next]: emptySide() } };
  });
}

/**
 * Removes one decode; those after it move up a letter with their decodes (no re-decode), so the
 * sides stay A, B, C, D in order. The last one standing cannot be removed. Going back to one side
 * keeps the removed settings as B (hidden), as unticking "compare" did.
 */
export function removeSide(side: Side): void {
  useApp.setState((st) => {
    const s = st.settings;
    const shown = shownSides(s);
    if (shown.length <= 1 || !shown.includes(side)) return {};
    const kept = shown.filter((k) => k !== side);
    const settings: ViewSettings = { ...s, compare: kept.length > 1 };
    const sides = { ...st.sides };
    const slot = settings as unknown as Record<Side, SideSettings | undefined>;
    kept.forEach((k, i) => {
      slot[SIDE_KEYS[i]] = s[k];
      sides[SIDE_KEYS[i]] = st.sides[k];
    });
    if (kept.length === 1) {
      settings.b = s[side]!;
      sides.b = st.sides[side];
    }
    for (const k of SIDE_KEYS.slice(Math.max(2, kept.length))) {
      delete slot[k];
      sides[k] = emptySide();
    }
    return { settings, sides };
  });
}

/**
 * The worker request for one side. A custom model decodes only once it is loaded in this tab
 * (`customLoadId`); until then the side falls back to the exact oracle.
 */
export function decodeRequest(s: ViewSettings, side: Side, customLoadId: number | null = useApp.getState().models.custom.info?.loadId ?? null): DecodeRequest {
  const d = s[side]!;
  const model = modelOf(d);
  const neural = model === 'tiny' || (model === 'custom' && customLoadId !== null);
  return {
    task: s.task,
    // Fixed-size tasks reject a size; a task takes only its own parameters.
    ...(getTask(s.task).sizes ? { n: s.n } : {}),
    ...(getTask(s.task).params.length ? { taskParams: taskParamsOf(s) } : {}),
    seed: s.seed,
    sample: s.sample,
    strategy: d.strategy,
    params: d.params,
    block: d.block,
    temperature: d.temperature,
    noise: neural ? 0 : model === 'custom' ? 0 : d.noise,
    engine: s.engine,
    ...(neural ? { model: { model: model as NeuralModel, runtime: runtimeOf(d), ...(model === 'custom' ? { loadId: customLoadId! } : {}) } } : {}),
  };
}

/** True when the side asks for the user's model but none is loaded in this tab (the oracle stands in). */
export function customMissing(state: AppState, side: Side): boolean {
  const d = state.settings[side];
  return !!d && modelOf(d) === 'custom' && !state.models.custom.info;
}

function setSlot(which: NeuralModel, patch: Partial<ModelSlot>): void {
  useApp.setState((s) => ({ models: { ...s.models, [which]: { ...s.models[which], ...patch } } }));
}

/** Loads the bundled trained model's description (runtimes, what Auto picks) once. */
// The load in flight: a caller that comes while it runs (Run sweep right after choosing the model) waits for it.
let tinyLoad: Promise<ModelInfo | null> | null = null;
export async function ensureTiny(): Promise<ModelInfo | null> {
  const slot = useApp.getState().models.tiny;
  if (slot.info) return slot.info;
  return (tinyLoad ??= (async () => {
    setSlot('tiny', { loading: true });
    try {
      const info = await getEngine().loadModel('tiny', { kind: 'bundled' });
      setSlot('tiny', { loading: false, info, error: null });
      return info;
    } catch (e) {
      setSlot('tiny', { loading: false, error: { message: (e as Error).message, code: (e as WorkerError).code ?? 'io' } });
      return null;
    } finally {
      tinyLoad = null;
    }
  })());
}

/**
 * Loads the user's model in the worker (validated there by loadModelFromBytes / FromUrls). On
 * failure the previous model, if any, stays loaded and every decode on screen stays.
 */
export async function loadCustomModel(source: ModelSource): Promise<ModelInfo | null> {
  setSlot('custom', { loading: true, error: null });
  try {
    const info = await getEngine().loadModel('custom', source);
    setSlot('custom', { loading: false, info, error: null });
    syncDecodes();
    return info;
  } catch (e) {
    setSlot('custom', { loading: false, error: { message: (e as Error).message, code: (e as WorkerError).code ?? 'io' } });
    return null;
  }
}

/** Frames of the longest decode on screen. */
export function totalFrames(state: AppState): number {
  const sides = shownSides(state.settings);
  return Math.max(0, ...sides.map((k) => state.sides[k].result?.trace.steps.length ?? 0));
}

/** The shown frame: the URL's "end" (-1) is the last frame. */
export function currentFrame(state: AppState): number {
  const T = totalFrames(state);
  return state.settings.step < 0 ? T : Math.min(state.settings.step, T);
}

export function setFrame(frame: number): void {
  const T = totalFrames(useApp.getState());
  setSettings({ step: Math.max(0, Math.min(T, Math.round(frame))) });
}

/** Re-decodes the sides whose settings changed; stale answers are dropped by key. */
export function syncDecodes(): void {
  const state = useApp.getState();
  for (const side of shownSides(state.settings)) {
    const req = decodeRequest(state.settings, side);
    const key = JSON.stringify(req);
    if (state.sides[side].key === key) continue;
    if (req.model?.model === 'tiny') void ensureTiny();
    const problem = sideProblem(state.settings[side]!);
    if (problem) {
      updateSide(side, { status: 'error', error: problem, key });
      continue;
    }
    updateSide(side, { status: 'loading', error: null, key });
    getEngine()
      .decode(req)
      .then(
        (result) => {
          if (useApp.getState().sides[side].key !== key) return;
          updateSide(side, { status: 'ready', result, error: null });
          clampStep();
        },
        (e: Error) => {
          if (useApp.getState().sides[side].key !== key) return;
          updateSide(side, { status: 'error', error: e.message });
        },
      );
  }
}

function updateSide(side: Side, patch: Partial<SideState>): void {
  useApp.setState((s) => ({ sides: { ...s.sides, [side]: { ...s.sides[side], ...patch } } }));
}

let stepChecked = false;
/** A URL step past the end becomes the last step, with a message (once per page load). */
function clampStep(): void {
  const s = useApp.getState();
  const T = totalFrames(s);
  const ready = shownSides(s.settings).every((k) => s.sides[k].status !== 'loading');
  if (!ready) return;
  if (s.settings.step > T) {
    if (!stepChecked) notify('warning', `URL step ${s.settings.step} is past the end of this decode (${T} steps); showing the last step.`);
    setSettings({ step: T });
  }
  stepChecked = true;
}

export async function refreshBackend(): Promise<void> {
  try {
    const info = await getEngine().info(useApp.getState().settings.engine);
    useApp.setState({ backend: info });
  } catch (e) {
    notify('warning', `Could not read the backend: ${(e as Error).message}`);
  }
}

export async function verifyAgainstCpu(): Promise<void> {
  useApp.setState({ verify: { status: 'running' } });
  try {
    const result = await getEngine().verify(decodeRequest(useApp.getState().settings, 'a'));
    useApp.setState({ verify: { status: 'done', result } });
  } catch (e) {
    useApp.setState({ verify: { status: 'error', error: (e as Error).message } });
  }
}

// ---- benchmark runs -------------------------------------------------------------------------

export async function initRuns(): Promise<void> {
  try {
    const { runs, problems } = await loadRuns();
    useApp.setState((s) => ({ runs: [...runs, ...s.runs.filter((r) => !runs.some((x) => x.id === r.id))], runsLoaded: true }));
    for (const p of problems) notify('warning', p);
    const cut = runs.filter((r) => r.status === 'interrupted');
    if (cut.length) notify('info', `A sweep was interrupted after ${cut[cut.length - 1].records.length} of ${cut[cut.length - 1].spec.configs.length} configurations; resume it in the benchmark runner.`);
  } catch (e) {
    useApp.setState({ runsLoaded: true });
    notify('warning', `Saved results could not be read (${(e as Error).message}); new results are kept in this tab only.`);
  }
}

function setRuns(update: (runs: BenchRun[]) => BenchRun[], save = true): void {
  useApp.setState((s) => ({ runs: update(s.runs) }));
  if (save) saveRuns(useApp.getState().runs).catch((e: Error) => notify('warning', e.message));
}

// While a sweep runs, the store is written at most this often: its records and the newest
// partial (the running configuration's finished samples) together; and at once when the sweep
// stops, so a cancel keeps every finished sample. Each write serialises every stored run (35 ms
// on the main thread for a 16 x 10,000-sample sweep, bench/page-trace.ts), so once per record
// and per partial took the core a second sweep worker needs. The partial stays out of the page
// state while the sweep runs: each change re-rendered the chart and the results table.
const SWEEP_SAVE_MS = 1000;

export function addRuns(runs: BenchRun[]): void {
  setRuns((all) => [...all, ...runs]);
}

export function deleteRun(id: string): void {
  if (useApp.getState().sweep?.runId === id) return;
  setRuns((all) => all.filter((r) => r.id !== id));
}

export function startRun(run: BenchRun): void {
  setRuns((all) => [...all.filter((r) => r.id !== run.id), { ...run, status: 'running', error: undefined }]);
  const skip = run.records.length;
  /** The newest finished prefix of the running configuration. */
  let latest: BenchRun['partial'] | null = null;
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  const withPartial = (all: BenchRun[], partial: BenchRun['partial']) => all.map((r) => (r.id === run.id ? { ...r, partial } : r));
  /** Something changed: the store gets it within SWEEP_SAVE_MS. */
  const saveSoon = () => {
    saveTimer ??= setTimeout(() => {
      saveTimer = null;
      const runs = useApp.getState().runs;
      saveRuns(latest ? withPartial(runs, latest) : runs).catch((e: Error) => notify('warning', e.message));
    }, SWEEP_SAVE_MS);
  };
  /** The sweep stopped: the newest partial goes into the page state, and everything to the store now. */
  const flushPartial = () => {
    if (saveTimer !== null) clearTimeout(saveTimer);
    saveTimer = null;
    const partial = latest;
    latest = null;
    if (partial) setRuns((all) => withPartial(all, partial), false);
  };
  const sweepId = getEngine().sweep(run.spec, skip, useApp.getState().settings.engine, {
    onRecord: (index, record) => {
      latest = null;
      setRuns((all) => all.map((r) => (r.id === run.id ? { ...r, records: [...r.records.slice(0, index), record], partial: undefined } : r)), false);
      saveSoon();
    },
    onProgress: (progress, workers) => useApp.setState((s) => (s.sweep ? { sweep: { ...s.sweep, progress, workers } } : {})),
    onPartial: (partial) => {
      latest = partial;
      saveSoon();
    },
    onDone: (cancelled) => {
      flushPartial();
      setRuns((all) => all.map((r) => (r.id === run.id ? { ...r, status: cancelled ? 'cancelled' : 'done' } : r)));
      useApp.setState({ sweep: null });
      const p = useApp.getState().runs.find((r) => r.id === run.id)?.partial;
      notify('info', cancelled ? `Sweep cancelled; the finished configurations${p ? ` and ${p.done} samples of configuration ${p.configIndex + 1}` : ''} are kept.` : 'Sweep finished.');
    },
    onError: (message) => {
      flushPartial();
      setRuns((all) => all.map((r) => (r.id === run.id ? { ...r, status: 'error', error: message } : r)));
      useApp.setState({ sweep: null });
      notify('error', `The sweep stopped: ${message}. Finished configurations are kept; you can resume it.`);
    },
  }, run.partial, useApp.getState().bench.form.workers);
  useApp.setState({
    sweep: { runId: run.id, sweepId, progress: null, startedAt: performance.now(), doneAtStart: skip * run.spec.samples + (run.partial?.done ?? 0) },
  });
}

export function cancelSweep(): void {
  const s = useApp.getState().sweep;
  if (s) getEngine().cancel(s.sweepId);
}

// ---- benchmark form, chart view, shared results (bench-ui) ----------------------------------

export function setBenchForm(patch: Partial<BenchForm>): void {
  useApp.setState((s) => ({ bench: { ...s.bench, form: { ...s.bench.form, ...patch } } }));
}

export function setChartView(patch: Partial<ChartView>): void {
  useApp.setState((s) => ({ bench: { ...s.bench, chart: { ...s.bench.chart, ...patch } } }));
}

/** Results opened from a link: shown read-only beside the user's own runs, never saved until imported. */
export function showSharedRuns(runs: BenchRun[]): void {
  setRuns((all) => [...all.filter((r) => !r.shared), ...runs.map((r) => ({ ...r, shared: true }))], false);
}

/** Makes a shared run one of the user's (saved with the rest). */
export function importSharedRun(id: string): void {
  setRuns((all) => all.map((r) => (r.id === id ? { ...r, id: r.id.replace(/^shared-/, ''), shared: undefined } : r)));
}

/** Opens the decode view on a measured configuration, with its first sample (index 0). */
export function openDecodeOf(r: PageRecord): void {
  const { temperature = 0, noise = 0, block = 0, ...params } = r.params;
  const model = r.model?.startsWith('tiny') ? 'tiny' : r.model?.startsWith('custom') ? 'custom' : undefined;
  useApp.setState((s) => ({
    settings: {
      ...s.settings,
      ...withTask(r.task),
      taskParams: taskParamsOf({ task: r.task, taskParams: r.taskParams ?? {} }),
      ...(r.n !== null ? { n: r.n } : {}),
      seed: r.seed,
      sample: 0,
      step: -1,
      tab: 'decode',
      a: { ...s.settings.a, strategy: r.strategy, params, temperature, noise, block, model },
    },
  }));
  notify('info', `Decode A shows ${r.task} ${taskKey(r).slice(r.task.length + 1)}, ${r.strategy} ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ')}, seed ${r.seed}: sample #0, the first of the ${r.samples} measured (score ${(r.score * 100).toFixed(1)}%).`);
}
