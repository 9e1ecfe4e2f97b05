import { describe, expect } from 'vitest';
import { cpuBackend, type BatchRequest } from '../../src/engine/backend';
import { generateSample } from '../../src/engine/tasks';
import { createWebgpuBackend } from '../../src/gpu/backend';
import { gpuTest } from './gpu-fixture';

/**
 * Per-step oracle theory on the GPU (shaders/theory_set.wgsl, theory_pairs.wgsl) against
 * decode.ts's exact theory: total correlation and pairwise MI within 1e-4 bits, the valid
 * probability within 1e-5, consistency exactly (f32 on the GPU, doubles on the CPU).
 */
const CASES: [string, number | undefined, string, Record<string, number>][] = [
  ['letters/shuffle', 6, 'topk-random', { k: 3 }],
  ['letters/insert-random', 4, 'topk-random', { k: 2 }],
  ['waiting-line/shuffle', 3, 'topk-random', { k: 5 }],
  ['puzzles/latin-square', undefined, 'topk-random', { k: 4 }],
  ['text/w2s-easy', undefined, 'topk-margin', { k: 3 }],
  ['dial', undefined, 'topk-random', { k: 2 }],
  ['letters/replace-random', 5, 'remdm-cap', { steps: 5, eta: 0.4 }],
];

describe('GPU theory = CPU theory (step-through)', () => {
  const backend = createWebgpuBackend({ allowCpuFallback: false });
  for (const [task, n, strategy, params] of CASES) {
    gpuTest(`${task} ${strategy}`, async () => {
      const seed = 21;
      const r: BatchRequest = {
        samples: Array.from({ length: 3 }, (_, i) => generateSample(task, n === undefined ? {} : { n }, seed, i)),
        denoiser: { kind: 'oracle', noise: 0 },
        strategy,
        params,
        options: { seed, record: 'full', theory: true, temperature: 1 },
      };
      const gpu = await backend.decode(r);
      // SwiftShader binds enough storage buffers: the theory must come from the kernels here.
      expect(backend.timings?.theoryOnGpu).toBe(true);
      const cpu = await cpuBackend.decode(r);
      let positive = 0;
      gpu.forEach((g, i) => {
        expect(Array.from(g.output)).toEqual(Array.from(cpu[i].output));
        g.steps.forEach((gs, j) => {
          const want = cpu[i].steps[j].theory!;
          const have = gs.theory!;
          const where = `${task} sample ${i} step ${j}`;
          expect(Math.abs(have.totalCorrelation - want.totalCorrelation), `${where} tc ${have.totalCorrelation} vs ${want.totalCorrelation}`).toBeLessThan(1e-4);
          expect(Math.abs(have.validProbability - want.validProbability), `${where} valid`).toBeLessThan(1e-5);
          expect(have.consistentBefore, where).toBe(want.consistentBefore);
          expect(Math.abs(have.bound - want.bound), `${where} bound`).toBeLessThan(1e-3);
          const mi = have.pairwiseMI!;
          want.pairwiseMI!.forEach((v, k) => expect(Math.abs(mi[k] - v), `${where} MI ${k}`).toBeLessThan(1e-4));
          if (want.totalCorrelation > 0) positive++;
        });
      });
      if (strategy === 'topk-random' && task !== 'dial') expect(positive).toBeGreaterThan(0);
    });
  }
});
