import { test as base } from 'vitest';
import { acquireDevice, GpuUnavailableError, type AcquiredDevice } from '../../src/gpu/device';

/**
 * Provides one WebGPU device per test file. Without an adapter the GPU tests skip locally but
 * FAIL under CI=true, so that CI never passes by silently skipping every kernel check.
 */
const isCI = import.meta.env.CI === 'true' || (globalThis as { process?: { env?: Record<string, string> } }).process?.env?.CI === 'true';

let shared: Promise<AcquiredDevice | null> | null = null;

export function sharedDevice(): Promise<AcquiredDevice | null> {
  shared ??= acquireDevice().catch((e: unknown) => {
    if (e instanceof GpuUnavailableError && !isCI) return null;
    throw e;
  });
  return shared;
}

export const gpuTest = base.extend<{ gpu: AcquiredDevice }>({
  gpu: async ({ skip }, use) => {
    const acq = await sharedDevice();
    if (!acq) {
      skip('no WebGPU adapter (set CI=true to make this a failure)');
      return;
    }
    await use(acq);
  },
});
