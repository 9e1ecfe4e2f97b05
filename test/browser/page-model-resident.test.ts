import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../../src/engine/backend';
import { decodeBatch } from '../../src/engine/decode';
import { generateSample } from '../../src/engine/tasks';
import * as models from '../../src/worker/models';

/**
 * The page's sweeps with our WGSL engine run GPU-resident (src/model/gpu-backend.ts: model,
 * statistics, selection and commit on the GPU, no read-back per step) and give the tokens of
 * the CPU unmasking loop with the CPU twin.
 */
describe('page model sweeps on our WGSL engine', () => {
  it('decode GPU-resident with the CPU loop\'s tokens', async () => {
    await models.loadModel('tiny', { kind: 'bundled' });
    const samples = [0, 1].map((i) => generateSample('letters/shuffle', { n: 5 }, 7, i));
    const request = {
      samples,
      denoiser: { kind: 'model' as const, model: 'tiny', runtime: 'webgpu' as const, noise: 0 as const },
      strategy: 'topk-confidence',
      params: { k: 2 },
      options: { seed: 7, temperature: 0, block: 0, record: 'summary' as const, theory: false },
    };
    const before = models.gpuResidentBatches;
    const gpu = await models.pageModelBackend(cpuBackend, (f) => f()).decode(request);
    expect(models.gpuResidentBatches).toBe(before + 1);
    const twin = (await models.resolveModel({ model: 'tiny', runtime: 'cpu' })).denoiser;
    const cpu = await decodeBatch(samples, twin, request.strategy, request.params, request.options);
    expect(gpu.map((t) => Array.from(t.output))).toEqual(cpu.map((t) => Array.from(t.output)));
    expect(gpu.map((t) => t.nfe)).toEqual(cpu.map((t) => t.nfe));
  });
});
