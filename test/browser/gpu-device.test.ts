import { describe, expect } from 'vitest';
import { generateSample } from '../../src/engine/tasks';
import { createWebgpuBackend } from '../../src/gpu/backend';
import { GpuContext, GpuUnavailableError, cachedPipelineCount, getGpu } from '../../src/gpu/device';
import { gpuTest } from './gpu-fixture';

describe('device module', () => {
  gpuTest('a clear error when navigator.gpu is missing', () => {
    Object.defineProperty(navigator, 'gpu', { value: undefined, configurable: true });
    try {
      expect(() => getGpu()).toThrow(GpuUnavailableError);
      expect(() => getGpu()).toThrow(/navigator\.gpu is missing/);
    } finally {
      delete (navigator as unknown as Record<string, unknown>).gpu;
    }
    expect(getGpu()).toBeTruthy();
  });

  gpuTest('a lost device is replaced on the next get(), and the backend resumes on it', async () => {
    const context = new GpuContext();
    const backend = createWebgpuBackend({ context, allowCpuFallback: false });
    const req = {
      samples: [generateSample('letters/sort', { n: 4 }, 1, 0)],
      denoiser: { kind: 'oracle' as const, noise: 0 },
      strategy: 'topk-confidence',
      params: { k: 1 },
      options: { seed: 1 },
    };
    const first = await backend.decode(req);
    const dev1 = (await context.get()).device;
    dev1.destroy();
    await dev1.lost;
    const dev2 = (await context.get()).device;
    expect(dev2).not.toBe(dev1);
    const again = await backend.decode(req);
    expect(Array.from(again[0].output)).toEqual(Array.from(first[0].output));
    await backend.dispose();
  });

  gpuTest('pipelines are created once per device: repeated decodes add none', async () => {
    const context = new GpuContext();
    const backend = createWebgpuBackend({ context, allowCpuFallback: false });
    const req = {
      samples: Array.from({ length: 3 }, (_, i) => generateSample('waiting-line/shuffle', { n: 3 }, 2, i)),
      denoiser: { kind: 'oracle' as const, noise: 0 },
      strategy: 'threshold',
      params: {},
      options: { seed: 2 },
    };
    await backend.decode(req);
    const device = (await context.get()).device;
    const count = cachedPipelineCount(device);
    expect(count).toBeGreaterThan(0);
    await backend.decode(req);
    await backend.decode({ ...req, samples: req.samples.slice(0, 1) });
    expect(cachedPipelineCount(device)).toBe(count);
    // Summary decodes read back once per chunk of steps, not once per step.
    expect(backend.timings!.readbacks).toBeLessThan(backend.timings!.steps);
    await backend.dispose();
  });
});
