import { cpuBackend, type BatchRequest, type DecodeBackend } from '../engine/backend';
import type { DecodeTrace } from '../engine/decode';
import { serialQueue } from '../engine/queue';
import { gpuStrategies } from '../engine/strategies';
import { GpuContext, GpuUnavailableError, isDeviceLost } from './device';
import { GpuDecoder, GpuUnsupportedError, type GpuPlan, type GpuTimings } from './decoder';

/**
 * The WebGPU decode backend: the oracle, statistics, selection and commit of every step run
 * in WGSL (src/gpu/decoder.ts) for every strategy whose module declares a GPU descriptor. What
 * has no kernel (a strategy without a descriptor, task families without a support or
 * permutation oracle) runs on the CPU engine instead, with the same results; `fallbacks` counts those.
 *
 * The total-correlation bound rule compares f32 total correlations with ε where the CPU uses f64: independence is
 * decided exactly (integer test) and ties C = ε are accepted within 1e-5 bits, so the two differ
 * only when C falls strictly inside that tolerance above ε (see the shader).
 *
 * Exactness: Philox words, oracle histograms (u32 atomics) and every integer decision are
 * bit-identical to the CPU engine on any device. The float statistics of the noiseless oracle
 * are identical too where the device rounds +, *, / correctly and does not fuse a*b+c (true on
 * SwiftShader, where the tests check it bit for bit); WGSL allows 2.5 ulp for division and
 * drivers may contract to FMA, so on some GPUs an exact tie between two positions' floats could
 * resolve differently. Transcendentals (Gumbel noise, noisy logits, KL) agree to a few ulp,
 * which changes a choice only at near-exact ties of its keys.
 */
export interface WebgpuBackend extends DecodeBackend {
  /** Timings of the last GPU batch (null before the first). */
  readonly timings: GpuTimings | null;
  /** Requests that ran on the CPU engine because the GPU has no kernel for them. */
  readonly fallbacks: number;
  /** Description of the adapter in use ('google swiftshader …'). */
  adapterDescription(): Promise<string>;
  dispose(): Promise<void>;
}

export function createWebgpuBackend(opts: { context?: GpuContext; allowCpuFallback?: boolean } = {}): WebgpuBackend {
  const context = opts.context ?? new GpuContext();
  const allowCpu = opts.allowCpuFallback ?? true;
  let decoder: GpuDecoder | null = null;
  let fallbacks = 0;

  async function decoderFor(): Promise<GpuDecoder> {
    const acq = await context.get();
    if (!decoder || decoder.device !== acq.device) {
      decoder?.destroy();
      decoder = new GpuDecoder(acq.device, acq.hasTimestamps);
    }
    return decoder;
  }

  async function decodeChunk(plan: GpuPlan, dec: GpuDecoder): Promise<DecodeTrace[]> {
    // Split batches whose largest buffers would exceed the device's binding limit.
    const limit = Math.min(dec.device.limits.maxStorageBufferBindingSize, dec.device.limits.maxBufferSize);
    const need = GpuDecoder.bytesNeeded(plan.samples);
    if ((need.members > limit || need.rows > limit) && plan.B > 1) {
      const half = Math.ceil(plan.B / 2);
      const a = await decodeChunk(GpuDecoder.slicePlan(plan, 0, half), dec);
      const b = await decodeChunk(GpuDecoder.slicePlan(plan, half, plan.B), dec);
      return [...a, ...b];
    }
    return dec.decodePlan(plan);
  }

  // One decode at a time: a decoder's buffers (and its staging buffer) are shared.
  const queue = serialQueue();

  async function decodeNow(request: BatchRequest): Promise<DecodeTrace[]> {
    if (request.samples.length === 0) return [];
    const dec = await decoderFor();
    // Planned once (validation, GPU support); the plan serves every chunk and a retry.
    let plan: GpuPlan;
    try {
      plan = dec.plan(request);
    } catch (e) {
      if (e instanceof GpuUnsupportedError && allowCpu) {
        fallbacks++;
        return cpuBackend.decode(request);
      }
      throw e;
    }
    try {
      return await decodeChunk(plan, dec);
    } catch (e) {
      // A lost device rejects this batch; retry once on a fresh device.
      if (isDeviceLost(e)) return decodeChunk(plan, await decoderFor());
      throw e;
    }
  }

  const backend: WebgpuBackend = {
    name: 'webgpu',
    get timings() {
      return decoder?.lastTimings ?? null;
    },
    get fallbacks() {
      return fallbacks;
    },
    decode(request) {
      return queue.run(() => decodeNow(request));
    },
    async adapterDescription() {
      return (await context.get()).description;
    },
    async dispose() {
      decoder?.destroy();
      decoder = null;
      await context.destroy();
    },
  };
  return backend;
}

let shared: WebgpuBackend | null = null;

/** The shared WebGPU backend (device acquired on first use). */
export const webgpuBackend: DecodeBackend = {
  name: 'webgpu',
  decode(request) {
    shared ??= createWebgpuBackend();
    return shared.decode(request);
  },
};

/** Whether a strategy has a GPU selection kernel; the others run on the CPU engine (a fallback). */
export function hasGpuKernel(id: string): boolean {
  return gpuStrategies().some((s) => s.id === id);
}

export { GpuUnavailableError, GpuUnsupportedError };
