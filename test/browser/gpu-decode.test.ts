import { describe, expect } from 'vitest';
import { cpuBackend, type BatchRequest } from '../../src/engine/backend';
import type { DecodeTrace } from '../../src/engine/decode';
import { strategyIds } from '../../src/engine/strategies';
import { generateSample } from '../../src/engine/tasks';
import { createWebgpuBackend } from '../../src/gpu/backend';
import { GPU_STRATEGY } from '../../src/gpu/kernels';
import { gpuTest } from './gpu-fixture';

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

function compare(gpu: DecodeTrace[], cpu: DecodeTrace[], label: string): void {
  expect(gpu.length).toBe(cpu.length);
  gpu.forEach((g, i) => {
    const c = cpu[i];
    const where = `${label} sample ${i}`;
    expect(Array.from(g.output), where).toEqual(Array.from(c.output));
    expect(g.nfe, where).toBe(c.nfe);
    expect(g.score.ok, where).toBe(c.score.ok);
    expect(Array.from(g.revealStep), where).toEqual(Array.from(c.revealStep));
  });
}

function request(task: string, n: number | undefined, strategy: string, extra: Partial<BatchRequest['options']> = {}, noise = 0, count = 4): BatchRequest {
  const seed = 11;
  return {
    samples: Array.from({ length: count }, (_, i) => generateSample(task, n === undefined ? {} : { n }, seed, i)),
    denoiser: { kind: 'oracle', noise },
    strategy,
    params: STRATEGY_PARAMS[strategy] ?? {},
    options: { seed, record: 'summary', theory: false, ...extra },
  };
}

describe('GPU decode = CPU decode', () => {
  const backend = createWebgpuBackend({ allowCpuFallback: false });

  gpuTest('every GPU strategy id exists in the engine, and only tc-bound lacks a kernel', () => {
    for (const id of Object.keys(GPU_STRATEGY)) expect(strategyIds()).toContain(id);
    expect(strategyIds().filter((id) => GPU_STRATEGY[id] === undefined)).toEqual(['tc-bound']);
  });

  for (const [task, n] of FAMILIES) {
    gpuTest(`${task}: every strategy, greedy`, async () => {
      for (const strategy of Object.keys(GPU_STRATEGY)) {
        const r = request(task, n, strategy);
        compare(await backend.decode(r), await cpuBackend.decode(r), `${task} ${strategy}`);
      }
    });
  }
});
