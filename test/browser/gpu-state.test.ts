import { describe, expect } from 'vitest';
import { cpuBackend, type BatchRequest } from '../../src/engine/backend';
import { generateSample } from '../../src/engine/tasks';
import { createWebgpuBackend } from '../../src/gpu/backend';
import { expectSameDecodes, gpuTest } from './gpu-fixture';

/**
 * The strategies that keep state between steps in the GPU scratch `aux` (RCR: each position's
 * confidence when it was filled; SlowFast: a per-sequence state machine), beyond the defaults
 * of gpu-decode.test.ts: both schedules, step budgets, thresholds that reach the fast phase and
 * sub-cycles, semi-AR blocks, sampling, noise, and step-through traces (remasked positions
 * included) step by step where the rows are exact (no noise).
 */
const TASKS: [string, number | undefined][] = [
  ['letters/shuffle', 6],
  ['waiting-line/insert-random', 4],
  ['puzzles/latin-square', undefined],
  ['text/w2s-easy', undefined],
];

const CASES: [string, Record<string, number>][] = [
  ['rcr', { cosine: 0 }],
  ['rcr', { cosine: 1 }],
  ['rcr', { cosine: 0, steps: 5 }],
  ['rcr', { cosine: 1, steps: 9 }],
  ['slowfast', {}],
  ['slowfast', { spanThreshold: 0.1, highThreshold: 0.5 }],
  ['slowfast', { spanThreshold: 0.6, highThreshold: 0.3 }],
];

function request(task: string, n: number | undefined, strategy: string, params: Record<string, number>, options: BatchRequest['options'], noise = 0): BatchRequest {
  const seed = options.seed;
  return {
    samples: Array.from({ length: 3 }, (_, i) => generateSample(task, n === undefined ? {} : { n }, seed, i)),
    denoiser: { kind: 'oracle', noise },
    strategy,
    params,
    options,
  };
}

describe('stateful strategies on the GPU = the CPU engine', () => {
  const backend = createWebgpuBackend({ allowCpuFallback: false });

  for (const [task, n] of TASKS) {
    gpuTest(`${task}: rcr and slowfast, blocks and sampling, step by step`, async () => {
      let remasked = 0;
      for (const [strategy, params] of CASES) {
        for (const [block, temperature, noise] of [[0, 0, 0], [4, 0, 0], [3, 1, 0], [5, 0, 0.5]] as const) {
          // Noisy logits agree within 1e-5, not bit for bit: their step records (confidences) are
          // not compared, only what the decode did (gpu-decode.test.ts does the same).
          const steps = noise === 0;
          const r = request(task, n, strategy, params, { seed: 13 + block, block, temperature, record: steps ? 'full' : 'summary', theory: false }, noise);
          const gpu = await backend.decode(r);
          expectSameDecodes(gpu, await cpuBackend.decode(r), `${task} ${strategy} ${JSON.stringify(params)} block ${block} T ${temperature} noise ${noise}`, { steps });
          for (const t of gpu) for (const s of t.steps) remasked += s.remasked.length;
        }
      }
      // RCR's scratch is exercised: some filled tokens were masked again.
      expect(remasked).toBeGreaterThan(0);
    });
  }

  gpuTest("SlowFast's later phases (found by mutating the CPU rule: each case changes when the span decision, the fast phase's range or the floored mean is altered)", async () => {
    const cases: [string, number | undefined, Record<string, number>, number, number, number][] = [
      // task, n, params, block, temperature, noise
      ['waiting-line/insert-random', 4, { spanThreshold: 0.5, highThreshold: 0.99 }, 0, 1, 0],
      ['puzzles/latin-square', undefined, { spanThreshold: 0.5, highThreshold: 0.99 }, 0, 0, 0],
      ['puzzles/latin-square', undefined, { spanThreshold: 0.3, highThreshold: 0.95 }, 8, 1, 0.5],
      ['waiting-line/shuffle', 6, {}, 0, 1, 0.5],
      ['waiting-line/shuffle', 6, { spanThreshold: 0.3, highThreshold: 0.99 }, 0, 1, 1],
      ['waiting-line/shuffle', 6, { spanThreshold: 0.5, highThreshold: 0.99 }, 0, 0, 1],
    ];
    for (const [task, n, params, block, temperature, noise] of cases) {
      const record = noise === 0 ? 'full' : 'summary';
      const r = request(task, n, 'slowfast', params, { seed: 13 + block, block, temperature, record, theory: false }, noise);
      expectSameDecodes(await backend.decode(r), await cpuBackend.decode(r), `slowfast ${task} ${JSON.stringify(params)} block ${block} T ${temperature} noise ${noise}`, { steps: noise === 0 });
    }
  });

  gpuTest('summary decodes (many steps per submit) give the same tokens, NFE and reveal steps', async () => {
    for (const [strategy, params] of CASES) {
      const r = request('letters/shuffle', 7, strategy, params, { seed: 3, block: 3, record: 'summary' });
      expectSameDecodes(await backend.decode(r), await cpuBackend.decode(r), `${strategy} ${JSON.stringify(params)} summary`);
    }
  });
});
