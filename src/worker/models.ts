import type { BatchRequest, DecodeBackend } from '../engine/backend';
import { decodeBatch, type DecodeTrace } from '../engine/decode';
import type { Denoiser } from '../engine/denoiser';
import type { ModelDenoiser } from '../model/denoiser';
import type { WebgpuModelBackend } from '../model/gpu-backend';
import { denoiserFor, loadBundledModel, loadModelFromBytes, loadModelFromUrls, recommendRuntime, type LoadResult, type ModelHandle } from '../model/load';
import type { ModelInfo, ModelRef, ModelRun, ModelRuntimeName, ModelSource, NeuralModel, RuntimeChoice } from './protocol';

/**
 * Neural models in the worker: each is loaded once (the bundled 'tiny' on first use, 'custom'
 * whenever the user loads a file), its runtimes are created on first use and cached, and a
 * replaced custom model disposes its runtimes. Nothing here runs on the main thread.
 */

export const RUNTIME_TITLES: Record<ModelRuntimeName, string> = {
  webgpu: 'our WebGPU engine',
  'ort-webgpu': 'ORT WebGPU',
  'ort-wasm': 'ORT wasm',
  cpu: 'CPU twin',
};

/** A load failure with ModelError's code (not-onnx, io, dims, operator, vocab, weights, runtime). */
export class LoadFailure extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

interface Loaded {
  handle: ModelHandle;
  info: ModelInfo;
  denoisers: Map<ModelRuntimeName, Promise<ModelDenoiser>>;
  /** Our WGSL engine inside the GPU unmasking core (src/model/gpu-backend.ts), made on first use. */
  resident?: Promise<WebgpuModelBackend>;
}

const models = new Map<NeuralModel, Promise<Loaded>>();
let loads = 0;

async function fromResult(which: NeuralModel, r: LoadResult): Promise<Loaded> {
  if (!r.ok) {
    const message =
      which === 'tiny'
        ? `the trained model could not be loaded (${r.error}). It is built into the page from models/tiny-mdm.onnx; this build may not include it yet`
        : r.error;
    throw new LoadFailure(message, r.code);
  }
  const h = r.handle;
  const info: ModelInfo = {
    which,
    name: h.name,
    runtimes: h.runtimes,
    recommended: await recommendRuntime(h),
    engineError: h.engineError,
    warnings: r.warnings,
    parameters: h.info.parameters,
    opset: h.info.opset,
    producer: h.info.producer,
    loadId: ++loads,
  };
  return { handle: h, info, denoisers: new Map() };
}

async function disposeLoaded(p: Promise<Loaded> | undefined): Promise<void> {
  const m = await p?.catch(() => null);
  if (!m) return;
  const all = [...m.denoisers.values()];
  m.denoisers.clear();
  const resident = m.resident;
  m.resident = undefined;
  await (await resident?.catch(() => null))?.dispose().catch(() => undefined);
  for (const d of all) await (await d.catch(() => null))?.dispose().catch(() => undefined);
}

function read(source: ModelSource): Promise<LoadResult> {
  switch (source.kind) {
    case 'bundled':
      return loadBundledModel('tiny');
    case 'bytes':
      return Promise.resolve(loadModelFromBytes(new Uint8Array(source.onnx), source.vocab, source.name));
    case 'urls':
      return loadModelFromUrls(source.onnx, source.vocab);
  }
}

/**
 * Loads a model. 'tiny' loads once (a failure is forgotten so a later try can succeed);
 * 'custom' replaces the previous custom model only when the new one is valid.
 */
export async function loadModel(which: NeuralModel, source: ModelSource): Promise<ModelInfo> {
  if (which === 'tiny') {
    let p = models.get('tiny');
    if (!p) {
      p = read({ kind: 'bundled' }).then((r) => fromResult('tiny', r));
      p.catch(() => models.delete('tiny'));
      models.set('tiny', p);
    }
    return (await p).info;
  }
  const loaded = await fromResult('custom', await read(source));
  const old = models.get('custom');
  models.set('custom', Promise.resolve(loaded));
  void disposeLoaded(old);
  return loaded.info;
}

async function getLoaded(which: NeuralModel): Promise<Loaded> {
  if (which === 'tiny') {
    await loadModel('tiny', { kind: 'bundled' });
    return models.get('tiny')!;
  }
  const p = models.get('custom');
  if (!p) throw new LoadFailure('your model is not loaded in this tab (a model file cannot be kept in a link): load the .onnx and its vocabulary again under "Your model…"', 'io');
  return p;
}

export async function modelInfo(which: NeuralModel): Promise<ModelInfo> {
  return (await getLoaded(which)).info;
}

function denoiser(m: Loaded, runtime: ModelRuntimeName): Promise<ModelDenoiser> {
  let d = m.denoisers.get(runtime);
  if (!d) {
    if (!m.info.runtimes.includes(runtime)) {
      return Promise.reject(
        new LoadFailure(
          `${RUNTIME_TITLES[runtime]} cannot run ${m.info.name}: ${m.info.engineError ?? 'not available for this model'}. Choose ORT wasm or ORT WebGPU (onnxruntime-web runs any standard operator)`,
          'operator',
        ),
      );
    }
    d = denoiserFor(m.handle, runtime);
    d.catch(() => m.denoisers.delete(runtime));
    m.denoisers.set(runtime, d);
  }
  return d;
}

/**
 * Counts forwards and their times (the backend panel's "ms per forward": the median, so that a
 * runtime's first, warming-up call does not dominate a short decode).
 */
export function timed(d: Denoiser): { denoiser: Denoiser; stats: { forwards: number; ms: number; times: number[] } } {
  const stats = { forwards: 0, ms: 0, times: [] as number[] };
  return {
    stats,
    denoiser: {
      id: d.id,
      exact: d.exact,
      async forward(batch) {
        const t0 = performance.now();
        const out = await d.forward(batch);
        const dt = performance.now() - t0;
        stats.ms += dt;
        stats.times.push(dt);
        stats.forwards++;
        return out;
      },
    },
  };
}

export interface Resolved {
  denoiser: ModelDenoiser;
  name: string;
  runtime: ModelRuntimeName;
  asked: RuntimeChoice;
  /** Set when 'auto' had to fall back from its first pick. */
  fallback: string | null;
}

/** The denoiser for a page request; 'auto' falls back to the CPU twin if its pick fails to start. */
export async function resolveModel(ref: ModelRef): Promise<Resolved> {
  const m = await getLoaded(ref.model);
  const runtime = ref.runtime === 'auto' ? m.info.recommended : ref.runtime;
  try {
    return { denoiser: await denoiser(m, runtime), name: m.info.name, runtime, asked: ref.runtime, fallback: null };
  } catch (e) {
    if (ref.runtime !== 'auto') throw e;
    const other: ModelRuntimeName | undefined = (['cpu', 'ort-wasm'] as const).find((r) => r !== runtime && m.info.runtimes.includes(r));
    if (!other) throw e;
    return {
      denoiser: await denoiser(m, other),
      name: m.info.name,
      runtime: other,
      asked: 'auto',
      fallback: `${RUNTIME_TITLES[runtime]} could not start (${(e as Error).message}); ${m.info.name} runs on ${RUNTIME_TITLES[other]} instead.`,
    };
  }
}

/** The concrete runtime 'auto' means for this model (for sweeps, whose configs name one). */
export async function concreteRuntime(ref: ModelRef): Promise<ModelRuntimeName> {
  return ref.runtime === 'auto' ? (await getLoaded(ref.model)).info.recommended : ref.runtime;
}

/**
 * A sweep backend: configs with { kind: 'model', model: 'tiny' | 'custom', runtime } decode with
 * the cached model, the rest go to `oracle`. `run` serialises decodes that share a device.
 */
export function pageModelBackend(oracle: DecodeBackend, run: <T>(f: () => Promise<T>) => Promise<T>): DecodeBackend {
  return {
    name: oracle.name,
    async decode(r) {
      if (r.denoiser.kind !== 'model') return oracle.decode(r);
      // Our WGSL engine: the whole decode on the GPU, no read-back per step (same tokens).
      return (await decodeWithModel({ model: r.denoiser.model as NeuralModel, runtime: r.denoiser.runtime }, r, run)).traces;
    },
  };
}

/** Batches decoded GPU-resident so far (tests check the path is taken). */
export let gpuResidentBatches = 0;

/**
 * The GPU-resident backend of a model, or why it cannot run (a vocabulary other than the
 * engine's, no WebGPU): the CPU unmasking loop with the runtime's forward pass is used then.
 */
async function residentOrReason(which: NeuralModel): Promise<WebgpuModelBackend | string> {
  const m = await getLoaded(which);
  if (!m.info.runtimes.includes('webgpu')) return `our engine cannot run ${m.info.name}`;
  if (!m.resident) {
    m.resident = import('../model/gpu-backend').then(({ createWebgpuModelBackend }) => createWebgpuModelBackend(m.handle));
    m.resident.catch(() => undefined);
  }
  return m.resident.catch((e: Error) => e.message);
}

/**
 * The page's decode with a model on a concrete runtime. On our WGSL engine it runs GPU-resident
 * (forward, statistics, selection and commit on the GPU; the step-through trace read back once
 * per chunk of steps, not per step); where that cannot run (a strategy without a GPU descriptor,
 * a vocabulary the core cannot take) it runs the CPU unmasking loop with the engine's forward
 * pass, and `run.fallback` says why. `asked` is what the page asked for ('auto' or the runtime).
 */
export async function decodeWithModel(
  ref: { model: NeuralModel; runtime: ModelRuntimeName },
  request: BatchRequest,
  run: <T>(f: () => Promise<T>) => Promise<T>,
  asked: RuntimeChoice = ref.runtime,
): Promise<{ traces: DecodeTrace[]; run: ModelRun; ms: number }> {
  let fallback: string | undefined;
  if (ref.runtime === 'webgpu') {
    const g = await residentOrReason(ref.model);
    if (typeof g === 'string') fallback = g;
    else {
      try {
        const t0 = performance.now();
        const traces = await run(() => g.decodeResident(request));
        const ms = performance.now() - t0;
        gpuResidentBatches++;
        const t = g.timings!;
        const name = (await getLoaded(ref.model)).info.name;
        const resident = { steps: t.steps, readbacks: t.readbacks };
        return { traces, ms, run: { name, runtime: 'webgpu', asked, forwards: t.steps, msPerForward: t.wallMs / Math.max(1, t.steps), resident } };
      } catch (e) {
        fallback = (e as Error).message;
      }
    }
  }
  const r = await resolveModel(ref);
  const { denoiser: d, stats } = timed(r.denoiser);
  return run(async () => {
    const t0 = performance.now();
    const traces = await decodeBatch(request.samples, d, request.strategy, request.params, request.options);
    const ms = performance.now() - t0;
    return { traces, ms, run: { name: r.name, runtime: r.runtime, asked, forwards: stats.forwards, msPerForward: median(stats.times), ...(fallback ? { fallback } : {}) } };
  });
}

/** The runtimes Auto measures, in order: those that need no device first, so that the slower ones are then timed once (calibrate.ts CUT_FACTOR). */
export const measuredRuntimes = (runtimes: readonly ModelRuntimeName[]): ModelRuntimeName[] =>
  (['cpu', 'ort-wasm', 'webgpu', 'ort-webgpu'] as const).filter((r) => runtimes.includes(r));

/**
 * One DecodeBackend per runtime of this model that starts, named by the runtime and decoding as
 * the page does (decodeWithModel): what Auto measures (src/worker/calibrate.ts). `skipped` says
 * why a runtime could not start.
 */
export async function runtimeBackends(which: NeuralModel, run: <T>(f: () => Promise<T>) => Promise<T>): Promise<{ backends: DecodeBackend[]; skipped: Record<string, string> }> {
  const m = await getLoaded(which);
  const backends: DecodeBackend[] = [];
  const skipped: Record<string, string> = {};
  for (const runtime of measuredRuntimes(m.info.runtimes)) {
    try {
      await denoiser(m, runtime);
    } catch (e) {
      skipped[runtime] = (e as Error).message;
      continue;
    }
    backends.push({ name: runtime, decode: async (r) => (await decodeWithModel({ model: which, runtime }, r, run)).traces });
  }
  return { backends, skipped };
}

/** Label of a model's curve: 'tiny/ort-wasm'. */
export async function modelLabel(which: NeuralModel, runtime: ModelRuntimeName): Promise<string> {
  const m = await getLoaded(which).catch(() => null);
  return `${m?.info.name ?? which}/${runtime}`;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** How another worker loads the same model (the sweep pool, src/worker/pool.ts), and which load it is. */
export async function modelSourceOf(which: NeuralModel): Promise<{ which: NeuralModel; source: ModelSource; loadId: number }> {
  const m = await getLoaded(which);
  if (which === 'tiny') return { which, source: { kind: 'bundled' }, loadId: m.info.loadId };
  const card = m.handle.card;
  return { which, source: { kind: 'bytes', onnx: m.handle.bytes.slice().buffer, vocab: typeof card === 'string' ? card : JSON.stringify(card), name: m.handle.name }, loadId: m.info.loadId };
}
