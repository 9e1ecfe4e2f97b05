/// <reference lib="webworker" />
import { cpuBackend, type BatchRequest, type DecodeBackend } from '../engine/backend';
import type { DecodeTrace } from '../engine/decode';
import { serialQueue } from '../engine/queue';
import { runSweep, sweepSamples, type SweepConfig, type SweepProgress, type SweepRecord } from '../engine/sweep';
import { generateSample, type TaskSample } from '../engine/tasks';
import { tokenText } from '../engine/vocab';
import { isDeviceLost } from '../gpu/device';
import { LoadFailure, RUNTIME_TITLES, decodeWithModel, loadModel, modelLabel, modelInfo, modelSourceOf, pageModelBackend, measuredRuntimes, resolveModel, runtimeBackends } from './models';
import { runPageSweep } from './pool';
import { ortThreading } from '../model/ort-engine';
import { cachedCalibration, calibrate, calibrationKey, taskFamily, type Calibration } from './calibrate';
import { MAX_SWEEP_WORKERS, type BackendInfo, type DecodeRequest, type FromWorker, type ModelRef, type ModelRun, type ModelRuntimeName, type NeuralModel, type PageRecord, type ToWorker, type VerifyResult } from './protocol';

/**
 * All decoding happens here, off the main thread. The GPU backend (src/gpu/backend.ts, loaded on
 * first use so a page without WebGPU never fetches it) runs when the worker has navigator.gpu
 * and an adapter; the CPU engine is the fallback.
 */

const post = (m: FromWorker) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(m);

let gpu: DecodeBackend | null = null;
let gpuLoading: Promise<DecodeBackend | null> | null = null;
let gpuNote: string | null = null;
/** Which strategies have a GPU kernel (the others decode on the CPU engine, and the page is told). */
let gpuHasKernel: ((strategy: string) => boolean) | null = null;
let adapterName: string | null = null;

/** One load at a time: concurrent callers (info, decode, sweep) share it. */
function loadGpu(): Promise<DecodeBackend | null> {
  return (gpuLoading ??= loadGpuOnce());
}

async function loadGpuOnce(): Promise<DecodeBackend | null> {
  gpuNote = null;
  if (!('gpu' in navigator) || !navigator.gpu) {
    gpuNote = 'This browser has no WebGPU (navigator.gpu is missing): decodes run on the CPU engine.';
    return null;
  }
  try {
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) {
      gpuNote = 'WebGPU is present but no adapter was found: decodes run on the CPU engine.';
      return null;
    }
    const info = adapter.info;
    adapterName = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' · ') || 'unnamed adapter';
  } catch (e) {
    gpuNote = `Could not query the WebGPU adapter (${(e as Error).message}): decodes run on the CPU engine.`;
    return null;
  }
  try {
    const mod = await import('../gpu/backend');
    gpu = mod.webgpuBackend;
    gpuHasKernel = mod.hasGpuKernel;
  } catch (e) {
    gpuNote = `The WebGPU backend failed to load (${(e as Error).message}): decodes run on the CPU engine.`;
  }
  return gpu;
}

/**
 * One decode at a time on a backend: the page asks for A and B together and a sweep may be
 * running, and the GPU decoder keeps per-call state (a plan and buffers) that concurrent calls
 * would share.
 */
const queue = serialQueue();
const serialRun = <T>(f: () => Promise<T>): Promise<T> => queue.run(f);
function serial(backend: DecodeBackend): DecodeBackend {
  return {
    name: backend.name,
    decode: (request) => serialRun(() => backend.decode(request)),
  };
}

async function backendFor(engine: 'auto' | 'cpu'): Promise<DecodeBackend> {
  if (engine === 'cpu') return cpuBackend;
  const g = await loadGpu();
  return g ? serial(g) : cpuBackend;
}

// ---- Auto that measures (issue 13): the oracle's engine by a timed calibration ------------
const calibrations = new Map<string, Promise<Calibration>>();
const calibrated: Calibration[] = [];
/** What Auto chose last (the backend panel's "engine in use"). */
let autoChoice: string | null = null;

/** A few decodes like the ones asked for: samples from `first` on, in the mode they will run in. */
function probeOf(c: { task: string; n?: number; taskParams?: Record<string, number>; strategy: string; params: Record<string, number>; temperature: number; block: number; noise: number }, seed: number, first: number, record: 'full' | 'summary'): BatchRequest {
  const count = record === 'full' ? 1 : 8;
  return {
    samples: Array.from({ length: count }, (_, i) => generateSample(c.task, { ...c.taskParams, n: c.n }, seed, first + i)),
    denoiser: { kind: 'oracle', noise: c.noise },
    strategy: c.strategy,
    params: c.params,
    options: { seed, temperature: c.temperature, block: c.block, record, theory: false },
  };
}

/** What calibrations are stored under: the adapter's name. */
const adapterKey = () => adapterName ?? 'no WebGPU adapter';

/** One calibration per adapter, family and set of engines in this worker (the page asks A and B at once). */
function measured(family: string, backends: DecodeBackend[], probe: BatchRequest, opts?: { reps?: number; model?: string; run?: typeof serialRun }): Promise<Calibration> {
  const key = calibrationKey(adapterKey(), family, backends.map((b) => b.name), opts?.model);
  let c = calibrations.get(key);
  if (!c) {
    c = calibrate(adapterKey(), family, backends, probe, opts).then((r) => {
      calibrated.push(r);
      return r;
    });
    c.catch(() => calibrations.delete(key));
    calibrations.set(key, c);
  }
  return c;
}

const familyOf = (task: string, probe: BatchRequest) => `${taskFamily(task)} (${probe.options.record === 'full' ? 'step-through' : 'sweep'})`;

/**
 * Auto's engine for a task family: the GPU only where it measured faster than the CPU engine
 * (src/worker/calibrate.ts; cached per adapter and family). Failures leave the GPU's choice.
 */
async function autoBackend(gpuBackend: DecodeBackend, task: string, probe: BatchRequest): Promise<DecodeBackend> {
  const c = measured(familyOf(task, probe), [cpuBackend, serial(gpuBackend)], probe);
  try {
    const chosen = (await c).choice === cpuBackend.name ? cpuBackend : serial(gpuBackend);
    autoChoice = chosen.name;
    return chosen;
  } catch (e) {
    post({ type: 'notice', level: 'info', message: `Auto could not measure the engines (${(e as Error).message}); using the GPU.` });
    return serial(gpuBackend);
  }
}
/** Auto's measured runtime per (task family, model name), once known in this worker. */
const autoRuntimes = new Map<string, ModelRuntimeName>();
/** Background measurements under way, by the same key. */
const measuring = new Set<string>();

/**
 * Auto's runtime for a model and task family: the fastest runtime measured on this adapter
 * (cached per adapter and family). Until it is known, the decode runs at once on the adapter's
 * recommendation (src/model/load.ts) and the runtimes are measured in the background, each on
 * `probe` (the page's own decode) with the worker's queue held one decode at a time, so a decode
 * the page asks for meanwhile waits for one timed decode at most, never for all of them
 * (on a software adapter ORT WebGPU's first decode alone takes tens of seconds).
 */
async function autoRuntime(ref: ModelRef, task: string, probe: BatchRequest): Promise<{ runtime: ModelRuntimeName; guess: boolean }> {
  await loadGpu();
  const info = await modelInfo(ref.model);
  const family = familyOf(task, probe);
  const key = `${family}|${info.name}`;
  const known = autoRuntimes.get(key);
  if (known) return { runtime: known, guess: false };
  const stored = await cachedCalibration(adapterKey(), family, measuredRuntimes(info.runtimes), info.name);
  if (stored) {
    calibrated.push(stored);
    autoRuntimes.set(key, stored.choice as ModelRuntimeName);
    return { runtime: stored.choice as ModelRuntimeName, guess: false };
  }
  if (!measuring.has(key)) {
    measuring.add(key);
    void measureRuntimes(ref, family, info, probe).finally(() => measuring.delete(key));
  }
  return { runtime: info.recommended, guess: true };
}

async function measureRuntimes(ref: ModelRef, family: string, info: { name: string; recommended: ModelRuntimeName }, probe: BatchRequest): Promise<void> {
  try {
    const { backends, skipped } = await runtimeBackends(ref.model, (f) => f());
    const c = await measured(family, backends, probe, { reps: 1, model: info.name, run: serialRun });
    if (Object.keys(skipped).length) c.skipped = { ...skipped, ...c.skipped };
    autoRuntimes.set(`${family}|${info.name}`, c.choice as ModelRuntimeName);
    const times = Object.entries(c.times).map(([n, ms]) => `${RUNTIME_TITLES[n as ModelRuntimeName] ?? n} ${ms.toFixed(0)} ms`).join(', ');
    post({ type: 'notice', level: 'info', message: `Auto measured ${info.name}'s runtimes on ${family} (${times}): the next decodes run on ${RUNTIME_TITLES[c.choice as ModelRuntimeName]}.` });
  } catch (e) {
    autoRuntimes.set(`${family}|${info.name}`, info.recommended);
    post({ type: 'notice', level: 'info', message: `Auto could not measure the runtimes of ${info.name} (${(e as Error).message}); using ${RUNTIME_TITLES[info.recommended]}.` });
  }
}
// ---- end of Auto ------------------------------------------------------------------------------

/**
 * The CPU engine never waits on anything, so a sweep would hold the worker until it ends and a
 * cancel (or a decode the page asks for meanwhile) would queue behind it. Each batch first
 * yields to the worker's message queue.
 */
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}

function yielding(backend: DecodeBackend): DecodeBackend {
  return {
    name: backend.name,
    async decode(request) {
      await yieldToEvents();
      return backend.decode(request);
    },
  };
}

/** After a lost device the next GPU use starts from scratch (the module recreates its device). */
function forgetGpu(): void {
  gpuLoading = null;
  gpu = null;
}

const sampleOf = (req: DecodeRequest): TaskSample => generateSample(req.task, { ...req.taskParams, n: req.n }, req.seed, req.sample);

async function decodeOne(req: DecodeRequest, sample: TaskSample, backend: DecodeBackend): Promise<{ trace: DecodeTrace; ms: number }> {
  const t0 = performance.now();
  const [trace] = await backend.decode({
    samples: [sample],
    denoiser: { kind: 'oracle', noise: req.noise },
    strategy: req.strategy,
    params: req.params,
    options: { seed: req.seed, temperature: req.temperature, block: req.block, record: 'full' },
  });
  return { trace, ms: performance.now() - t0 };
}

/**
 * A model decode on its runtime ('auto': the one Auto measured fastest), one at a time: on our
 * WGSL engine GPU-resident, else the CPU unmasking loop timed per forward (models.ts decodeWithModel).
 */
async function decodeModel(req: DecodeRequest, sample: TaskSample): Promise<{ trace: DecodeTrace; ms: number; run: ModelRun }> {
  const ref = req.model!;
  const request = (runtime: ModelRuntimeName): BatchRequest => ({
    samples: [sample],
    denoiser: { kind: 'model', model: ref.model, runtime, noise: 0 },
    strategy: req.strategy,
    params: req.params,
    options: { seed: req.seed, temperature: req.temperature, block: req.block, record: 'full' },
  });
  // Auto's probe is this very decode (each runtime decodes it with its own forward pass).
  const auto = ref.runtime === 'auto' ? await autoRuntime(ref, req.task, request('webgpu')) : null;
  const runtime = auto?.runtime ?? (ref.runtime as ModelRuntimeName);
  const m = await decodeWithModel({ model: ref.model, runtime }, request(runtime), serialRun, ref.runtime);
  if (auto?.guess) m.run.autoGuess = true;
  if (m.run.fallback) post({ type: 'notice', level: 'info', message: `${RUNTIME_TITLES.webgpu}: this decode runs the CPU unmasking loop, not GPU-resident (${m.run.fallback}).` });
  return { trace: m.traces[0], ms: m.ms, run: m.run };
}

async function handleDecode(id: number, req: DecodeRequest): Promise<void> {
  const sample = sampleOf(req);
  if (req.model) {
    const m = await decodeModel(req, sample);
    post({
      type: 'decoded',
      id,
      trace: m.trace,
      sample: { description: sample.description, reference: sample.reference, prompt: sample.prompt },
      ms: m.ms,
      backend: `${m.run.name}/${m.run.runtime}`,
      model: m.run,
    });
    return;
  }
  let backend = await backendFor(req.engine);
  if (backend !== cpuBackend && gpuHasKernel && !gpuHasKernel(req.strategy)) {
    post({ type: 'notice', level: 'info', message: `Strategy ${req.strategy} has no GPU kernel yet: this decode runs on the CPU engine.` });
    backend = cpuBackend;
  }
  if (req.engine === 'auto' && backend !== cpuBackend && gpu) backend = await autoBackend(gpu, req.task, probeOf(req, req.seed, req.sample, 'full'));
  let result;
  try {
    result = await decodeOne(req, sample, backend);
  } catch (e) {
    if (backend === cpuBackend) throw e;
    // The GPU path failed: tell the page and give the same decode to the CPU engine.
    post({ type: 'notice', level: 'warning', message: `GPU decode failed (${(e as Error).message}); using the CPU engine for this decode.` });
    if (isDeviceLost(e)) forgetGpu();
    backend = cpuBackend;
    result = await decodeOne(req, sample, backend);
  }
  post({
    type: 'decoded',
    id,
    trace: result.trace,
    sample: { description: sample.description, reference: sample.reference, prompt: sample.prompt },
    ms: result.ms,
    backend: backend.name,
  });
}

const running = new Map<number, AbortController>();

/** Decodes per backend call in a page sweep. */
const SWEEP_BATCH = 16;
/**
 * Samples per chunk of the pool for the oracle: each chunk is a message round trip through this
 * worker, and at 16 an oracle sweep sent hundreds a second. A model's chunk stays one batch
 * (its decodes are slow, and a chunk in flight runs to its end on cancel).
 */
const ORACLE_CHUNK = 64;

const chunkSize = (spec: { configs: readonly SweepConfig[]; batchSize?: number }, from: number): number => {
  const batch = spec.batchSize ?? SWEEP_BATCH;
  return spec.configs.slice(from).some((c) => c.model) ? batch : Math.max(batch, ORACLE_CHUNK);
};
/** Model runtimes that decode on the CPU (the rest need the GPU, which stays on this worker). */
const CPU_RUNTIMES: readonly string[] = ['cpu', 'ort-wasm'];

/**
 * How many Web Workers decode a sweep: a CPU sweep fans out to the pool (src/worker/pool.ts),
 * `workers` of them (default: every core); anything on the GPU stays here, on one device.
 */
function poolWorkers(msg: Extract<ToWorker, { type: 'sweep' }>, backend: DecodeBackend): number {
  const rest = msg.spec.configs.slice(msg.skip);
  const gpuOracle = backend !== cpuBackend && rest.some((c) => !c.model);
  if (gpuOracle || rest.some((c) => c.model && !CPU_RUNTIMES.includes(c.model.runtime))) return 1;
  const n = msg.workers ?? navigator.hardwareConcurrency ?? 1;
  // No more workers than chunks of samples (a small sweep does not wait for idle ones to start).
  const chunks = rest.length * Math.ceil(msg.spec.samples / chunkSize(msg.spec, msg.skip));
  return Number.isInteger(n) && n > 1 ? Math.max(1, Math.min(n, MAX_SWEEP_WORKERS, chunks)) : 1;
}

/** Least time between two progress messages of a sweep to the page (4 a second read as live). */
const PROGRESS_MS = 250;
/**
 * Least time between two partials: the page stores the partial once a second and needs it
 * otherwise only when the sweep stops (the pool and runConfig then report the newest); each is a
 * copy of the running configuration's per-sample arrays, cloned again on its way to the page.
 */
const PARTIAL_MS = 1000;

/**
 * Sends the latest of a stream of messages at most every `ms`; `flush` sends the one held
 * back. A fast sweep finishes hundreds of chunks a second, and each message costs the page's main
 * thread a store update and a render: unthrottled, that thread took most of a core (a Chromium
 * trace: 160 messages/s at 2.3 ms each), the core a second sweep worker needed.
 */
function latestEvery<T>(ms: number, send: (v: T) => void): { push(v: T): void; flush(): void } {
  let last = -Infinity;
  let held: { v: T } | null = null;
  return {
    push(v) {
      const now = performance.now();
      if (now - last < ms) {
        held = { v };
        return;
      }
      last = now;
      held = null;
      send(v);
    },
    flush() {
      if (held) send(held.v);
      held = null;
    },
  };
}

async function handleSweep(id: number, msg: Extract<ToWorker, { type: 'sweep' }>): Promise<void> {
  const ac = new AbortController();
  running.set(id, ac);
  const progress = latestEvery(PROGRESS_MS, (m: { progress: SweepProgress; workers: number }) => post({ type: 'progress', id, ...m }));
  const flush = () => progress.flush();
  let done = msg.skip;
  let partial = msg.partial;
  let backend = await backendFor(msg.engine);
  const first = msg.spec.configs[msg.skip];
  if (msg.engine === 'auto' && backend !== cpuBackend && gpu && first && !first.model) backend = await autoBackend(gpu, first.task, probeOf(first, msg.spec.seed, 0, 'summary'));
  try {
    // Model configs need their model loaded in this tab; say so before anything runs.
    const labels = new Map<string, string>();
    for (const c of msg.spec.configs.slice(done)) {
      if (!c.model) continue;
      const key = `${c.model.model}|${c.model.runtime}`;
      if (labels.has(key)) continue;
      await resolveModel({ model: c.model.model as NeuralModel, runtime: c.model.runtime });
      labels.set(key, await modelLabel(c.model.model as NeuralModel, c.model.runtime));
    }
    const labelled = (index: number, r: SweepRecord): PageRecord => {
      const m = msg.spec.configs[index]?.model;
      const label = m ? labels.get(`${m.model}|${m.runtime}`) : undefined;
      return label ? { ...r, backend: label, model: label } : r;
    };
    const workers = poolWorkers(msg, backend);
    if (workers > 1) {
      try {
        const models = await Promise.all([...new Set(msg.spec.configs.slice(done).flatMap((c) => (c.model ? [c.model.model as NeuralModel] : [])))].map(modelSourceOf));
        const samples = msg.spec.configs.map(() => msg.spec.samples);
        await runPageSweep({ configs: msg.spec.configs, samples, seed: msg.spec.seed, batchSize: msg.spec.batchSize ?? SWEEP_BATCH, chunkSize: chunkSize(msg.spec, done), skip: done, partial, backend: cpuBackend.name }, workers, models, {
          signal: ac.signal,
          onRecord: (index, r) => {
            flush();
            post({ type: 'record', id, index, record: labelled(index, r) });
          },
          onProgress: (p) => progress.push({ progress: p, workers }),
          // The pool itself holds partials back (its copies are what cost); none waits here.
          onPartial: (p) => post({ type: 'partial', id, partial: p }),
          partialEveryMs: PARTIAL_MS,
        });
        flush();
        post({ type: 'done', id, cancelled: false });
      } catch (e) {
        flush();
        if (!ac.signal.aborted) throw e;
        post({ type: 'done', id, cancelled: true });
      }
      return;
    }
    for (;;) {
      try {
        const it = runSweep({ batchSize: SWEEP_BATCH, ...msg.spec }, yielding(pageModelBackend(backend, serialRun)), {
          signal: ac.signal,
          skip: done,
          partial,
          // Held back at most PARTIAL_MS; the newest is reported before a cancel or error ends the sweep.
          onPartial: (p) => {
            partial = p;
            post({ type: 'partial', id, partial: p });
          },
          partialEveryMs: PARTIAL_MS,
          onProgress: (p) => progress.push({ progress: p, workers: 1 }),
        });
        for await (const r of it) {
          flush();
          post({ type: 'record', id, index: done, record: labelled(done, r) });
          done++;
          partial = undefined;
        }
        flush();
        post({ type: 'done', id, cancelled: false });
        return;
      } catch (e) {
        flush();
        if (ac.signal.aborted) {
          post({ type: 'done', id, cancelled: true });
          return;
        }
        if (backend !== cpuBackend && isDeviceLost(e)) {
          // Recovery: drop the lost device, try the GPU again, else the CPU; resume where we were.
          post({ type: 'notice', level: 'warning', message: `The GPU device was lost (${(e as Error).message}). Recovering and resuming the sweep at configuration ${done + 1}.` });
          forgetGpu();
          backend = await backendFor(msg.engine);
          continue;
        }
        throw e;
      }
    }
  } finally {
    running.delete(id);
    // This worker lives as long as the page: the samples kept for the sweep (up to 32 MiB) go with it.
    if (running.size === 0) sweepSamples.clear();
  }
}

function firstDifference(a: DecodeTrace, b: DecodeTrace, A = 'CPU', B = 'GPU'): string | null {
  const steps = Math.min(a.steps.length, b.steps.length);
  for (let t = 0; t < steps; t++) {
    const x = a.steps[t];
    const y = b.steps[t];
    if (x.revealed.join() !== y.revealed.join()) return `step ${t + 1}: ${A} revealed [${x.revealed}], ${B} revealed [${y.revealed}]`;
    for (let i = 0; i < x.tokens.length; i++) {
      if (x.tokens[i] !== y.tokens[i]) return `step ${t + 1}, position ${x.revealed[i]}: ${A} wrote "${tokenText(x.tokens[i])}", ${B} wrote "${tokenText(y.tokens[i])}"`;
    }
    if (x.remasked.join() !== y.remasked.join()) return `step ${t + 1}: ${A} remasked [${x.remasked}], ${B} remasked [${y.remasked}]`;
  }
  if (a.steps.length !== b.steps.length) return `${A} took ${a.steps.length} steps, ${B} took ${b.steps.length}`;
  for (let p = 0; p < a.output.length; p++) if (a.output[p] !== b.output[p]) return `final output differs at position ${p}`;
  return null;
}

/** A model decode on its runtime against the same decode on the CPU twin (our engine in TypeScript). */
async function verifyModel(id: number, req: DecodeRequest): Promise<void> {
  const sample = sampleOf(req);
  const subject = await decodeModel(req, sample);
  const subjectName = `${subject.run.name} on ${RUNTIME_TITLES[subject.run.runtime]}`;
  let twin;
  try {
    twin = await decodeModel({ ...req, model: { ...req.model!, runtime: 'cpu' } }, sample);
  } catch (e) {
    throw new Error(`the CPU twin cannot run this model (${(e as Error).message})`, { cause: e });
  }
  const difference = firstDifference(twin.trace, subject.trace, 'CPU twin', RUNTIME_TITLES[subject.run.runtime]);
  const result: VerifyResult = {
    same: difference === null,
    difference,
    cpuMs: twin.ms,
    gpuMs: subject.ms,
    subject: subjectName,
    reference: 'CPU twin',
    ...(subject.run.runtime === 'cpu' ? { note: 'The chosen runtime is the CPU twin itself; choose another runtime to compare two engines.' } : {}),
  };
  post({ type: 'verified', id, result });
}

async function handleVerify(id: number, req: DecodeRequest): Promise<void> {
  if (req.model) return verifyModel(id, req);
  const g = await loadGpu();
  if (!g) throw new Error(gpuNote ?? 'no GPU backend to verify');
  const sample = sampleOf(req);
  const c = await decodeOne(req, sample, cpuBackend);
  const w = await decodeOne(req, sample, serial(g));
  const difference = firstDifference(c.trace, w.trace);
  const result: VerifyResult = { same: difference === null, difference, cpuMs: c.ms, gpuMs: w.ms };
  post({ type: 'verified', id, result });
}

async function info(engine: 'auto' | 'cpu'): Promise<BackendInfo> {
  const g = await loadGpu();
  const backend = engine === 'cpu' ? cpuBackend : (g ?? cpuBackend);
  return {
    backend: engine === 'auto' && g && autoChoice ? autoChoice : backend.name,
    webgpu: 'gpu' in navigator && !!navigator.gpu,
    adapter: adapterName,
    note: engine === 'cpu' ? 'CPU engine chosen in the backend panel.' : gpuNote,
    calibrations: [...calibrated],
    isolated: !!(globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated,
    ortThreads: ortThreading(),
  };
}

self.onmessage = async (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  try {
    switch (msg.type) {
      case 'decode':
        await handleDecode(msg.id, msg.req);
        break;
      case 'sweep':
        await handleSweep(msg.id, msg);
        break;
      case 'cancel':
        running.get(msg.id)?.abort();
        break;
      case 'info':
        post({ type: 'info', id: msg.id, info: await info(msg.engine) });
        break;
      case 'verify':
        await handleVerify(msg.id, msg.req);
        break;
      case 'loadModel':
        post({ type: 'modelLoaded', id: msg.id, info: await loadModel(msg.which, msg.source) });
        break;
    }
  } catch (e) {
    const code = e instanceof LoadFailure ? e.code : isDeviceLost(e) ? 'device-lost' : undefined;
    post({ type: 'error', id: msg.id, message: (e as Error)?.message ?? String(e), ...(code ? { code } : {}) });
  }
};
