/**
 * The page that src/cli/webgpu-runner.ts opens in headless Chromium: it runs sweeps with the
 * WebGPU backend and hands each record back through functions the runner exposes
 * (page.exposeFunction), so Node prints exactly what the CPU path prints.
 */
import { runSweep, type SweepProgress, type SweepRecord, type SweepSpec } from '../src/engine/sweep';
import { createWebgpuBackend, type WebgpuBackend } from '../src/gpu/backend';
import { getGpu, acquireDevice } from '../src/gpu/device';

declare global {
  interface Window {
    __unmaskRecord?: (r: SweepRecord) => Promise<void>;
    __unmaskProgress?: (p: SweepProgress) => Promise<void>;
    __unmaskCheck: () => Promise<string>;
    __unmaskRun: (spec: SweepSpec) => Promise<{ fallbacks: number }>;
    __unmaskBackend: () => WebgpuBackend;
    __unmaskReady: boolean;
  }
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

window.__unmaskReady = true;
