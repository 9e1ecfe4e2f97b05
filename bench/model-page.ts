/**
 * The page bench/model-forward.ts opens in headless Chromium: loads the model (the trained
 * models/tiny-mdm.onnx, or a random model of the same architecture when it is not committed yet)
 * and times forward passes on all four runtimes side by side, then full decodes.
 */
import { decodeBatch } from '../src/engine/decode';
import { runConfig, type SweepProgress, type SweepRecord, type SweepSpec } from '../src/engine/sweep';
import { createModelBackend } from '../src/model/backend';
import { createWebgpuModelBackend } from '../src/model/gpu-backend';
import { generateSample } from '../src/engine/tasks';
import { vocabularyJson } from '../src/engine/vocab';
import { acquireDevice } from '../src/gpu/device';
import { GpuModelRuntime } from '../src/model/nn/engine';
import { tinyTransformerOnnx } from '../src/model/build';
import { ModelDenoiser } from '../src/model/denoiser';
import { ortThreading, setOrtThreads } from '../src/model/ort-engine';
import { benchIds as ids, timeForward } from './forward-timing';
import type { OrtWorkerReply, OrtWorkerRequest } from './ort-forward.worker';
import { loadBundledModel, loadModelFromBytes, loadModelFromUrls, runtimeFor, type ModelHandle } from '../src/model/load';
import type { ModelRuntime, ModelRuntimeName } from '../src/model/runtime';

export interface ForwardRow {
  runtime: ModelRuntimeName;
  batch: number;
  reps: number;
  /** Median wall time of one forward pass (ids in, canvas logits read back). */
  ms: number;
  firstMs: number;
  samplesPerSecond: number;
}

export interface DecodeRow {
  /** 'webgpu+gpu-core': our engine as the denoiser of the GPU unmasking core (src/model/gpu-backend.ts). */
  runtime: ModelRuntimeName | 'webgpu+gpu-core';
  task: string;
  n: number;
  strategy: string;
  samples: number;
  batch: number;
  seconds: number;
  decodesPerSecond: number;
  tokensPerSecond: number;
  forwardsPerSecond: number;
  accuracy: number;
}

export interface BenchRequest {
  /** Model and vocabulary URLs on the page's server; default: the bundled 'tiny'. */
  model?: { onnx: string; vocab: string } | null;
  batches: number[];
  runtimes: ModelRuntimeName[];
  /** Stop repeating a configuration after this many milliseconds (at least one timed rep). */
  budgetMs: number;
  maxReps: number;
  decode: { task: string; n: number; strategy: string; params: Record<string, number>; samples: number; batch: number; runtimes: ModelRuntimeName[]; gpuCore: boolean } | null;
}

declare global {
  interface Window {
    __modelReady: boolean;
    __modelInfo: (model?: BenchRequest['model']) => Promise<{ model: string; adapter: string; parameters: number; dispatches: number; labels: string[] }>;
    __modelForward: (req: BenchRequest) => Promise<ForwardRow[]>;
    __modelDecode: (req: BenchRequest) => Promise<DecodeRow[]>;
    __modelProfile: (batch: number) => Promise<{ label: string; ms: number }[]>;
    __modelLog?: (line: string) => Promise<void>;
    /** ORT wasm threads for this page's first ORT load (bench/parallel.ts: 1 vs every core). */
    __modelSetOrtThreads: (n: number | null) => { threads: number; reason: string; isolated: boolean };
    /** ORT wasm forward passes timed in a Web Worker, as the app runs them (bench/ort-forward.worker.ts). */
    __modelOrtInWorker: (req: OrtWorkerRequest) => Promise<OrtWorkerReply & { isolated: boolean }>;
    /** Runs a sweep whose configs carry a model spec (src/cli/browser-runner.ts). */
    __modelSweep: (spec: SweepSpec) => Promise<void>;
    __modelRecord?: (r: SweepRecord) => Promise<void>;
    __modelProgress?: (p: SweepProgress) => Promise<void>;
  }
}

let handle: ModelHandle | null = null;
let modelName = '';

let modelUrls: BenchRequest['model'] = null;

async function model(): Promise<ModelHandle> {
  if (handle) return handle;
  const r = modelUrls ? await loadModelFromUrls(modelUrls.onnx, modelUrls.vocab) : await loadBundledModel('tiny');
  if (r.ok) {
    handle = r.handle;
    modelName = modelUrls ? modelUrls.onnx : 'tiny (models/tiny-mdm.onnx)';
  } else if (modelUrls) {
    throw new Error(r.error);
  } else {
    const s = loadModelFromBytes(tinyTransformerOnnx({ vocab: 169, d: 128, heads: 4, ff: 512, layers: 4, seed: 1, std: 0.05 }), vocabularyJson(), 'random-tiny');
    if (!s.ok) throw new Error(s.error);
    handle = s.handle;
    modelName = `random weights, TinyMDM architecture (trained model not committed: ${r.error})`;
  }
  return handle;
}

const log = (line: string) => void window.__modelLog?.(line);

window.__modelInfo = async (urls?: BenchRequest['model']) => {
  modelUrls = urls ?? null;
  const h = await model();
  const acq = await acquireDevice();
  const gpu = GpuModelRuntime.onDevice(acq.device, h.program!, 'canvas');
  const info = { model: modelName, adapter: acq.description, parameters: h.info.parameters, dispatches: gpu.dispatches, labels: gpu.labels };
  await gpu.dispose();
  acq.device.destroy();
  return info;
};

window.__modelForward = async (req) => {
  const h = await model();
  const rows: ForwardRow[] = [];
  for (const runtime of req.runtimes) {
    const rt: ModelRuntime = await runtimeFor(h, runtime, 'canvas');
    for (const batch of req.batches) {
      const { ms, firstMs, reps } = await timeForward(rt, batch, req.budgetMs, req.maxReps);
      rows.push({ runtime, batch, reps, ms, firstMs, samplesPerSecond: (1000 * batch) / ms });
      log(`${runtime} batch ${batch}: ${ms.toFixed(1)} ms (${reps} reps, first ${firstMs.toFixed(0)} ms)`);
    }
    await rt.dispose();
  }
  return rows;
};

window.__modelDecode = async (req) => {
  const h = await model();
  const d = req.decode!;
  const rows: DecodeRow[] = [];
  for (const runtime of d.runtimes) {
    const den = new ModelDenoiser(await runtimeFor(h, runtime, 'canvas'), h.vocab, h.name);
    // warm-up
    await decodeBatch([generateSample(d.task, { n: d.n }, 1, 0)], den, d.strategy, d.params, { seed: 1 });
    const forwards0 = den.forwards;
    const t0 = performance.now();
    let correct = 0;
    let tokens = 0;
    for (let start = 0; start < d.samples; start += d.batch) {
      const samples = Array.from({ length: Math.min(d.batch, d.samples - start) }, (_, i) => generateSample(d.task, { n: d.n }, 1, start + i));
      const traces = await decodeBatch(samples, den, d.strategy, d.params, { seed: 1 });
      for (const t of traces) {
        if (t.score.ok) correct++;
        tokens += t.canvasLength;
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    rows.push({
      runtime, task: d.task, n: d.n, strategy: `${d.strategy} ${Object.entries(d.params).map(([k, v]) => `${k}=${v}`).join(' ')}`,
      samples: d.samples, batch: d.batch, seconds,
      decodesPerSecond: d.samples / seconds, tokensPerSecond: tokens / seconds, forwardsPerSecond: (den.forwards - forwards0) / seconds,
      accuracy: correct / d.samples,
    });
    log(`decode ${runtime}: ${(d.samples / seconds).toFixed(2)} decodes/s`);
    await den.dispose();
  }
  if (d.gpuCore) {
    // Our engine inside the GPU unmasking core: model, statistics, selection and commit per step
    // on the GPU, the state array read back once per chunk of steps.
    const backend = await createWebgpuModelBackend(h);
    const request = (samples: ReturnType<typeof generateSample>[]) => ({
      samples,
      denoiser: { kind: 'model' as const, model: h.name, runtime: 'webgpu' as const, noise: 0 as const },
      strategy: d.strategy,
      params: d.params,
      options: { seed: 1 },
    });
    await backend.decode(request([generateSample(d.task, { n: d.n }, 1, 0)])); // warm-up
    const t0 = performance.now();
    let correct = 0;
    let tokens = 0;
    let steps = 0;
    for (let start = 0; start < d.samples; start += d.batch) {
      const samples = Array.from({ length: Math.min(d.batch, d.samples - start) }, (_, i) => generateSample(d.task, { n: d.n }, 1, start + i));
      const traces = await backend.decode(request(samples));
      steps += backend.timings?.steps ?? 0;
      for (const t of traces) {
        if (t.score.ok) correct++;
        tokens += t.canvasLength;
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    rows.push({
      runtime: 'webgpu+gpu-core', task: d.task, n: d.n, strategy: `${d.strategy} ${Object.entries(d.params).map(([k, v]) => `${k}=${v}`).join(' ')}`,
      samples: d.samples, batch: d.batch, seconds,
      decodesPerSecond: d.samples / seconds, tokensPerSecond: tokens / seconds, forwardsPerSecond: steps / seconds,
      accuracy: correct / d.samples,
    });
    log(`decode webgpu+gpu-core: ${(d.samples / seconds).toFixed(2)} decodes/s (${JSON.stringify(backend.timings)})`);
    await backend.dispose();
  }
  return rows;
};

window.__modelProfile = async (batch) => {
  const h = await model();
  const acq = await acquireDevice();
  const gpu = GpuModelRuntime.onDevice(acq.device, h.program!, 'canvas');
  await gpu.profile(ids(batch), batch); // warm
  const p = await gpu.profile(ids(batch), batch);
  await gpu.dispose();
  acq.device.destroy();
  return p;
};

window.__modelSweep = async (spec) => {
  const backend = createModelBackend(spec.configs[0]?.model?.runtime ?? 'model');
  const total = spec.configs.length * spec.samples;
  try {
    for (let i = 0; i < spec.configs.length; i++) {
      const r = await runConfig(spec.configs[i], spec.samples, spec.seed, backend, {
        batchSize: spec.batchSize,
        onSamples: (done) => void window.__modelProgress?.({ configIndex: i, configs: spec.configs.length, done: i * spec.samples + done, total }),
      });
      await window.__modelRecord?.(r);
    }
  } finally {
    await backend.dispose();
  }
};

window.__modelSetOrtThreads = (n) => {
  setOrtThreads(n);
  return { ...ortThreading(), isolated: crossOriginIsolated };
};

window.__modelOrtInWorker = (req) =>
  new Promise((resolve) => {
    const w = new Worker(new URL('./ort-forward.worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<OrtWorkerReply>) => {
      w.terminate();
      resolve({ ...e.data, isolated: crossOriginIsolated });
    };
    w.onerror = (e) => {
      w.terminate();
      resolve({ ok: false, error: e.message || 'the worker did not start', isolated: crossOriginIsolated });
    };
    w.postMessage(req);
  });

window.__modelReady = true;
