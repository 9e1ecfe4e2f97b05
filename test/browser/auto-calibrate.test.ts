import { describe, expect, it } from 'vitest';
import { cpuBackend, type BatchRequest, type DecodeBackend } from '../../src/engine/backend';
import { generateSample } from '../../src/engine/tasks';
import { createWebgpuBackend } from '../../src/gpu/backend';
import { AUTO_SLOWER_LIMIT, calibrate, chooseEngine } from '../../src/worker/calibrate';

/** A page-like probe: a few waiting-line decodes in the mode the page steps through. */
const probe: BatchRequest = {
  samples: [generateSample('waiting-line/shuffle', { n: 4 }, 3, 0)],
  denoiser: { kind: 'oracle', noise: 0 },
  strategy: 'topk-confidence',
  params: { k: 2 },
  options: { seed: 3, temperature: 0, block: 0, record: 'full', theory: false },
};

describe('Auto that measures', () => {
  it('picks the CPU engine for the oracle on this SwiftShader adapter, and caches the choice', async () => {
    const gpu = createWebgpuBackend({ allowCpuFallback: false });
    const adapter = await gpu.adapterDescription();
    expect(adapter).toMatch(/swiftshader/i);
    let gpuCalls = 0;
    const counted: DecodeBackend = { name: gpu.name, decode: (r) => (gpuCalls++, gpu.decode(r)) };
    const family = `waiting-line test ${Math.random()}`;
    const c = await calibrate(adapter, family, [cpuBackend, counted], probe);
    expect(c.cached).toBe(false);
    expect(Object.keys(c.times).sort()).toEqual(['cpu', 'webgpu']);
    expect(c.choice).toBe('cpu');
    expect(c.times[c.choice]).toBeLessThanOrEqual(AUTO_SLOWER_LIMIT * Math.min(...Object.values(c.times)));
    const calls = gpuCalls;
    expect(calls).toBeGreaterThan(0);
    const again = await calibrate(adapter, family, [cpuBackend, counted], probe);
    expect(again).toMatchObject({ cached: true, choice: 'cpu', times: c.times });
    expect(gpuCalls).toBe(calls);
    await gpu.dispose();
  });

  it('chooses the fastest measured engine, never one over 1.2x slower', () => {
    expect(chooseEngine({ cpu: 50, webgpu: 1296 })).toBe('cpu');
    expect(chooseEngine({ cpu: 50, webgpu: 3 })).toBe('webgpu');
    expect(chooseEngine({ cpu: 10, webgpu: 11.9, other: 9 })).toBe('other');
    expect(() => chooseEngine({})).toThrow();
  });
});
