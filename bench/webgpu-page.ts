/**
 * The page that src/cli/webgpu-runner.ts opens in headless Chromium: it runs sweeps with the
 * WebGPU backend and hands each record back through functions the runner exposes
 * (page.exposeFunction), so Node prints exactly what the CPU path prints.
 */
import { runSweep, validateConfig, type SweepConfig, type SweepProgress, type SweepRecord, type SweepSpec } from '../src/engine/sweep';
import { generateSample } from '../src/engine/tasks';
import { createWebgpuBackend, type WebgpuBackend } from '../src/gpu/backend';
import { getGpu, acquireDevice } from '../src/gpu/device';

declare global {
  interface Window {
    __unmaskRecord?: (r: SweepRecord) => Promise<void>;
    __unmaskProgress?: (p: SweepProgress) => Promise<void>;
    __unmaskCheck: () => Promise<string>;
    __unmaskRun: (spec: SweepSpec) => Promise<{ fallbacks: number }>;
    __unmaskBackend: () => WebgpuBackend;
    __unmaskGpuBench: (c: SweepConfig, samples: number, batch: number, seed: number) => Promise<GpuBenchRow>;
    __unmaskReady: boolean;
  }
}

/** One GPU measurement of bench/gpu-vs-cpu.ts. */
export interface GpuBenchRow {
  seconds: number;
  correct: number;
  nfe: number;
  kernelMs: number | null;
  readbackMs: number;
  submits: number;
  readbacks: number;
  steps: number;
  bytesPerStep: number;
  dispatchesPerStep: number;
  adapter: string;
  limits: Record<string, number>;
}

let backend: WebgpuBackend | null = null;
const get = () => (backend ??= createWebgpuBackend());

window.__unmaskBackend = get;

/** Adapter description, or throws the device module's clear error. */
window.__unmaskCheck = async () => {
  getGpu();
  const acq = await acquireDevice();
  const d = acq.description;
  acq.device.destroy();
  return d;
};

window.__unmaskRun = async (spec) => {
  const b = get();
  for await (const record of runSweep(spec, b, { onProgress: (p) => void window.__unmaskProgress?.(p) })) {
    await window.__unmaskRecord?.(record);
  }
  return { fallbacks: b.fallbacks };
};

/** Times `samples` decodes of one config in batches of `batch` (pipelines warmed up first). */
window.__unmaskGpuBench = async (c, samples, batch, seed) => {
  validateConfig(c);
  const b = get();
  const make = (i: number) => generateSample(c.task, { ...c.taskParams, n: c.n }, seed, i);
  const req = (list: ReturnType<typeof make>[]) => ({
    samples: list,
    denoiser: { kind: 'oracle' as const, noise: c.noise },
    strategy: c.strategy,
    params: c.params,
    options: { seed, temperature: c.temperature, block: c.block, record: 'summary' as const, theory: false },
  });
  // Warm-up on other samples: compiles the pipelines and grows the buffers to the batch size.
  await b.decode(req(Array.from({ length: Math.min(batch, samples) }, (_, i) => make(samples + i))));
  const all = Array.from({ length: samples }, (_, i) => make(i));
  const row: GpuBenchRow = {
    seconds: 0, correct: 0, nfe: 0, kernelMs: 0, readbackMs: 0, submits: 0, readbacks: 0, steps: 0,
    bytesPerStep: 0, dispatchesPerStep: 0, adapter: await b.adapterDescription(), limits: {},
  };
  const t0 = performance.now();
  for (let s = 0; s < samples; s += batch) {
    const traces = await b.decode(req(all.slice(s, s + batch)));
    for (const t of traces) {
      if (t.score.ok) row.correct++;
      row.nfe += t.nfe;
    }
    const t = b.timings!;
    row.kernelMs = t.kernelMs === null || row.kernelMs === null ? null : row.kernelMs + t.kernelMs;
    row.readbackMs += t.readbackMs;
    row.submits += t.submits;
    row.readbacks += t.readbacks;
    row.steps += t.steps;
    row.bytesPerStep = Math.max(row.bytesPerStep, t.bytesPerStep);
    row.dispatchesPerStep = t.dispatchesPerStep;
  }
  row.seconds = (performance.now() - t0) / 1000;
  row.nfe /= samples;
  const acq = await acquireDevice();
  for (const k of ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBuffersPerShaderStage', 'maxComputeInvocationsPerWorkgroup']) {
    row.limits[k] = (acq.device.limits as unknown as Record<string, number>)[k];
  }
  acq.device.destroy();
  return row;
};

window.__unmaskReady = true;
