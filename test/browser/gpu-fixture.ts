import type { RandomStream } from '../../src/engine/rng';
import type { TaskSample } from '../../src/engine/tasks';
import { allocStats, type PositionStats } from '../../src/engine/stats';
import { VOCAB_SIZE } from '../../src/engine/vocab';
import { test as base } from 'vitest';
import { acquireDevice, GpuUnavailableError, type AcquiredDevice } from '../../src/gpu/device';
import { SS } from '../../src/gpu/kernels';

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

/**
 * Random canvases for kernel-vs-twin tests: a true output partly revealed (at least one position
 * left masked), sometimes with a wrong token so that the canvas is inconsistent.
 */
export function randomCanvases(samples: readonly TaskSample[], rs: RandomStream): Int32Array {
  const L = samples[0].canvasLength;
  const out = new Int32Array(samples.length * L);
  samples.forEach((s, b) => {
    const truth = s.truth.sample(rs);
    const reveal = rs.int(L);
    const order = rs.sample(L, reveal);
    for (const p of order) out[b * L + p] = truth[p];
    if (reveal > 0 && rs.next() < 0.3) out[b * L + order[0]] = 4 + rs.int(VOCAB_SIZE - 4);
  });
  return out;
}

/** One sequence's rows of the GPU statistics buffer, in the CPU twin's layout. */
export function gpuStatsAsCpu(stats: Float32Array, b: number, L: number): PositionStats {
  const out = allocStats(L);
  const u = new Uint32Array(stats.buffer, stats.byteOffset, stats.length);
  for (let i = 0; i < L; i++) {
    const o = (b * L + i) * SS.stride;
    out.x0[i] = u[o + SS.x0];
    out.confidence[i] = stats[o + SS.conf];
    out.pmax[i] = stats[o + SS.pmax];
    out.margin[i] = stats[o + SS.margin];
    out.entropy[i] = stats[o + SS.entropy];
    out.confWeight[i] = stats[o + SS.confW];
    out.sumWeight[i] = stats[o + SS.sumW];
  }
  return out;
}
