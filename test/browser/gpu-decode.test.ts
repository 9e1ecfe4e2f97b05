import { describe, expect } from 'vitest';
import { cpuBackend, type BatchRequest } from '../../src/engine/backend';
import { strategyIds } from '../../src/engine/strategies';
import { generateSample } from '../../src/engine/tasks';
import { createWebgpuBackend } from '../../src/gpu/backend';
import { GPU_ORACLE_STRATEGY, GPU_STRATEGY } from '../../src/gpu/kernels';
import { expectSameDecodes, gpuTest } from './gpu-fixture';

/**
 * Full decodes on the GPU against the CPU engine (the spec): same tokens, NFE, reveal steps and
 * task scores for the same seed, for every task family and every GPU strategy, small sizes.
 */
const FAMILIES: [string, number | undefined][] = [
  ['letters/shuffle', 5],          // closed-form permutation oracle
  ['letters/replace-random', 4],
  ['waiting-line/insert-random', 3],
  ['puzzles/latin-square', undefined],
  ['text/w2s-easy', undefined],
  ['dial', undefined],
];

const STRATEGY_PARAMS: Record<string, Record<string, number>> = {
  'topk-random': { k: 2 },
  'topk-confidence': { k: 2 },
  'topk-margin': { k: 3 },
  'topk-entropy': { k: 2 },
  'topk-l2r': { k: 2 },
  threshold: { threshold: 0.6 },
  factor: { factor: 1.3 },
  eb: { gamma: 0.5 },
  'dream-origin': { steps: 4 },
  'dream-confidence': { steps: 3 },
  'dream-margin': { steps: 4, algTemp: 0.5 },
  'dream-entropy': { steps: 3 },
  'maskgit-cosine': { steps: 4 },
  klass: { confThreshold: 0.5, klThreshold: 0.01, history: 1 },
  'remdm-cap': { steps: 6, eta: 0.3 },
  'remdm-rescale': { steps: 6, eta: 0.3 },
  'remdm-conf': { steps: 6, eta: 0.3 },
};

function request(task: string, n: number | undefined, strategy: string, extra: Partial<BatchRequest['options']> = {}, noise = 0, count = 4): BatchRequest {
  const seed = 11;
  return {
    samples: Array.from({ length: count }, (_, i) => generateSample(task, n === undefined ? {} : { n }, seed, i)),
    denoiser: { kind: 'oracle', noise },
    strategy,
    params: STRATEGY_PARAMS[strategy] ?? {},
    options: { seed, record: 'summary', theory: extra.record === 'full', ...extra },
  };
}

describe('GPU decode = CPU decode', () => {
  const backend = createWebgpuBackend({ allowCpuFallback: false });

  gpuTest('every strategy has a GPU kernel, and every GPU strategy id exists in the engine', () => {
    const gpuIds = [...Object.keys(GPU_STRATEGY), ...Object.keys(GPU_ORACLE_STRATEGY)];
    for (const id of gpuIds) expect(strategyIds()).toContain(id);
    expect(strategyIds().filter((id) => !gpuIds.includes(id))).toEqual([]);
  });

  gpuTest('tc-bound runs on the GPU (select_tcbound.wgsl), no CPU fallback, with identical results', async () => {
    // A backend that may fall back, to show that it does not (gpu-tcbound.test.ts tests more).
    const withFallback = createWebgpuBackend();
    for (const [task, n, epsilon] of [['letters/shuffle', 5, 0.5], ['puzzles/latin-square', undefined, 0.01]] as const) {
      for (const record of ['summary', 'full'] as const) {
        const r = { ...request(task, n, 'topk-random', { record }), strategy: 'tc-bound', params: { epsilon } };
        expectSameDecodes(await withFallback.decode(r), await cpuBackend.decode(r), `tc-bound ${task} ${record}`);
      }
    }
    expect(withFallback.fallbacks).toBe(0);
    await withFallback.dispose();
  });

  for (const [task, n] of FAMILIES) {
    gpuTest(`${task}: every strategy, greedy`, async () => {
      for (const strategy of Object.keys(GPU_STRATEGY)) {
        const r = request(task, n, strategy);
        expectSameDecodes(await backend.decode(r), await cpuBackend.decode(r), `${task} ${strategy}`);
      }
    });
  }

  for (const [task, n] of [FAMILIES[0], FAMILIES[4]]) {
    gpuTest(`${task}: every strategy, Gumbel sampling at temperature 1`, async () => {
      for (const strategy of Object.keys(GPU_STRATEGY)) {
        const r = request(task, n, strategy, { temperature: 1 });
        expectSameDecodes(await backend.decode(r), await cpuBackend.decode(r), `${task} ${strategy} T=1`);
      }
    });
  }

  gpuTest('semi-AR blocks for every strategy that uses them', async () => {
    const blockStrategies = ['topk-random', 'topk-confidence', 'topk-margin', 'topk-entropy', 'topk-l2r', 'threshold', 'factor', 'eb', 'klass'];
    for (const [task, n, block] of [['waiting-line/shuffle', 3, 8], ['puzzles/latin-square', undefined, 5], ['letters/shuffle', 7, 3]] as const) {
      for (const strategy of blockStrategies) {
        const r = request(task, n, strategy, { block });
        expectSameDecodes(await backend.decode(r), await cpuBackend.decode(r), `${task} ${strategy} block ${block}`);
      }
      // LLaDA's step budget spread over the blocks.
      const r = { ...request(task, n, 'topk-confidence', { block }), params: { steps: 6 } };
      expectSameDecodes(await backend.decode(r), await cpuBackend.decode(r), `${task} steps=6 block ${block}`);
    }
  });

  gpuTest("the paper's budgets: 64-token canvases (text/summarize, sudoku) decode the same", async () => {
    for (const task of ['text/summarize', 'puzzles/sudoku']) {
      for (const strategy of ['topk-random', 'topk-confidence', 'threshold']) {
        const base = request(task, undefined, strategy, { temperature: 1, record: 'full' });
        const r = { ...base, samples: base.samples.map((_, i) => generateSample(task, { budget: 64 }, 11, i)) };
        expect(r.samples[0].canvasLength).toBe(64);
        expectSameDecodes(await backend.decode(r), await cpuBackend.decode(r), `${task} budget 64 ${strategy}`);
      }
    }
  });

  gpuTest('oracle + noise (logit rows): same decodes', async () => {
    for (const [task, n] of [FAMILIES[0], FAMILIES[3], FAMILIES[5]]) {
      for (const strategy of ['topk-confidence', 'threshold', 'eb', 'dream-entropy', 'maskgit-cosine', 'klass', 'remdm-conf']) {
        const r = request(task, n, strategy, { temperature: strategy === 'eb' ? 0.7 : 0 }, 0.5);
        expectSameDecodes(await backend.decode(r), await cpuBackend.decode(r), `${task} ${strategy} noise 0.5`);
      }
    }
  });

  gpuTest('step-through traces (record full) match step by step, theory included', async () => {
    for (const [task, n, strategy] of [
      ['letters/shuffle', 5, 'threshold'],
      ['text/w2s-easy', undefined, 'topk-entropy'],
      ['puzzles/latin-square', undefined, 'remdm-cap'],
      ['dial', undefined, 'dream-origin'],
    ] as const) {
      const r = request(task, n, strategy, { record: 'full' }, 0, 2);
      expectSameDecodes(await backend.decode(r), await cpuBackend.decode(r), `${task} ${strategy} full`, { steps: true });
    }
  });
});
