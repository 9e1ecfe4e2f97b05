/**
 * WebGPU adapter and device acquisition, device-loss recovery and a per-device pipeline cache.
 *
 * Errors say what is missing (no WebGPU at all, no adapter, a limit too small) because users run
 * this in browsers and headless Chromium where the cause is otherwise invisible.
 */

export type GpuUnavailableReason = 'no-webgpu' | 'no-adapter' | 'limits' | 'device-lost';

export class GpuUnavailableError extends Error {
  constructor(
    message: string,
    readonly reason: GpuUnavailableReason,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'GpuUnavailableError';
  }
}

/** Whether an error is the typed device loss (what the worker reports to the page as such). */
export function isDeviceLost(e: unknown): e is GpuUnavailableError {
  // By name and reason too: the GPU module may be loaded as its own chunk (the worker's glob).
  if (!(e instanceof Error)) return false;
  return (e instanceof GpuUnavailableError || e.name === 'GpuUnavailableError') && (e as GpuUnavailableError).reason === 'device-lost';
}

/**
 * Awaits GPU work (a mapAsync); if it fails because the device was lost, throws the typed
 * GpuUnavailableError 'device-lost' instead of whatever the browser said. The loss is looked up
 * only on the error path, so hot loops add nothing to device.lost.
 */
export async function throwIfLost<T>(device: GPUDevice, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    // device.lost may settle just after the failed operation: give it a moment.
    const info = await Promise.race([device.lost, new Promise<null>((r) => setTimeout(() => r(null), 50))]);
    if (info && info.reason !== 'destroyed') {
      throw new GpuUnavailableError(`the GPU device was lost (${info.message || info.reason})`, 'device-lost', { cause: e });
    }
    throw e;
  }
}

/** Limits the decode kernels need beyond the WebGPU defaults (requested up to the adapter's). */
export const WANTED_LIMITS = {
  maxStorageBuffersPerShaderStage: 10,
  maxStorageBufferBindingSize: 1 << 30,
  maxBufferSize: 1 << 30,
  maxComputeWorkgroupStorageSize: 16384,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
} as const;

/** The minimum each limit must reach for the kernels to run at all. */
export const REQUIRED_LIMITS: Partial<Record<keyof typeof WANTED_LIMITS, number>> = {
  maxStorageBuffersPerShaderStage: 8,
  maxComputeInvocationsPerWorkgroup: 64,
  maxComputeWorkgroupSizeX: 64,
  maxComputeWorkgroupStorageSize: 8192,
};

let gpuOverride: GPU | null = null;

/** For Node (the `webgpu` npm package): use this GPU object instead of navigator.gpu. */
export function setGpuProvider(gpu: GPU | null): void {
  gpuOverride = gpu;
}

export function getGpu(): GPU {
  if (gpuOverride) return gpuOverride;
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (!nav?.gpu) {
    throw new GpuUnavailableError(
      'WebGPU is not available (navigator.gpu is missing): use a browser with WebGPU enabled, on a secure origin ' +
        '(https or http://localhost); headless Chromium needs --enable-unsafe-webgpu.',
      'no-webgpu',
    );
  }
  return nav.gpu;
}

export interface AcquiredDevice {
  adapter: GPUAdapter;
  device: GPUDevice;
  /** 'swiftshader', 'nvidia', …: where known. */
  description: string;
  hasTimestamps: boolean;
}

export async function acquireDevice(opts: { powerPreference?: GPUPowerPreference } = {}): Promise<AcquiredDevice> {
  const gpu = getGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance' });
  if (!adapter) {
    throw new GpuUnavailableError(
      'WebGPU is present but no GPU adapter was found (blocked by the browser, or no usable driver).',
      'no-adapter',
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const [name, want] of Object.entries(WANTED_LIMITS)) {
    const have = (adapter.limits as unknown as Record<string, number>)[name];
    const need = REQUIRED_LIMITS[name as keyof typeof WANTED_LIMITS];
    if (need !== undefined && have < need) {
      throw new GpuUnavailableError(`the GPU adapter's ${name} is ${have}; the decode kernels need at least ${need}.`, 'limits');
    }
    requiredLimits[name] = Math.min(want, have);
  }
  const hasTimestamps = adapter.features.has('timestamp-query');
  const device = await adapter.requestDevice({
    requiredLimits,
    requiredFeatures: hasTimestamps ? ['timestamp-query'] : [],
  });
  const info = adapter.info;
  const description = info ? [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') : 'unknown';
  return { adapter, device, description, hasTimestamps };
}

/**
 * Holds one device and replaces it when it is lost. Callers ask for `get()` before each unit of
 * work (a batch); a loss during a batch rejects that batch with a 'device-lost' error, and the
 * caller can retry it (sweeps resume from the last finished configuration).
 */
export class GpuContext {
  private current: Promise<AcquiredDevice> | null = null;
  private lostCount = 0;
  onLost: ((info: GPUDeviceLostInfo) => void) | null = null;

  get losses(): number {
    return this.lostCount;
  }

  get(): Promise<AcquiredDevice> {
    if (!this.current) {
      const pending = acquireDevice();
      this.current = pending;
      pending.then(
        (acq) => {
          void acq.device.lost.then((info) => {
            if (this.current === pending) this.current = null; // the next get() recreates
            if (info.reason !== 'destroyed') {
              this.lostCount++;
              this.onLost?.(info);
            }
          });
        },
        () => {
          if (this.current === pending) this.current = null;
        },
      );
    }
    return this.current;
  }

  async destroy(): Promise<void> {
    const c = this.current;
    this.current = null;
    if (c) (await c).device.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Pipeline cache: pipelines are created once per device and kernel variant (shader + constants).

const pipelineCache = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

export function cachedPipeline(device: GPUDevice, key: string, create: () => GPUComputePipeline): GPUComputePipeline {
  let m = pipelineCache.get(device);
  if (!m) {
    m = new Map();
    pipelineCache.set(device, m);
  }
  let p = m.get(key);
  if (!p) {
    p = create();
    m.set(key, p);
  }
  return p;
}

/** Number of pipelines cached for a device (tests check that hot loops create none). */
export function cachedPipelineCount(device: GPUDevice): number {
  return pipelineCache.get(device)?.size ?? 0;
}

/** Reads a buffer back (copy to a staging buffer, map, copy out). Not for hot loops. */
export async function readBuffer(device: GPUDevice, src: GPUBuffer, bytes = src.size, offset = 0): Promise<ArrayBuffer> {
  const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(src, offset, staging, 0, bytes);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = staging.getMappedRange().slice(0);
  staging.unmap();
  staging.destroy();
  return out;
}

export function storageBuffer(device: GPUDevice, data: ArrayBufferView | number, label?: string): GPUBuffer {
  const size = typeof data === 'number' ? data : data.byteLength;
  const buf = device.createBuffer({
    label,
    size: Math.max(16, Math.ceil(size / 4) * 4),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  if (typeof data !== 'number') device.queue.writeBuffer(buf, 0, data.buffer, data.byteOffset, data.byteLength);
  return buf;
}

export function dispatch1d(pass: GPUComputePassEncoder, count: number, wg: number): void {
  const groups = Math.ceil(count / wg);
  if (groups === 0) return;
  // Large 1-D dispatches fold into y (kernels index as x + y * num_workgroups.x * WG).
  const x = Math.min(groups, 65535);
  pass.dispatchWorkgroups(x, Math.ceil(groups / x));
}
