import { describe, expect } from 'vitest';
import type { BatchRequest } from '../../src/engine/backend';
import { addLogNoise, oracleWeights } from '../../src/engine/denoiser';
import { RandomStream } from '../../src/engine/rng';
import { allocStats, computeStats } from '../../src/engine/stats';
import { getStrategy, gpuStrategies, resolveParams } from '../../src/engine/strategies';
import { generateSample, type TaskSample } from '../../src/engine/tasks';
import { MASK_ID, VOCAB_SIZE } from '../../src/engine/vocab';
import { GpuDecoder } from '../../src/gpu/decoder';
import { gpuStatsAsCpu, gpuTest, probeStepView, randomCanvases } from './gpu-fixture';

/**
 * Each kernel against its TypeScript twin on random canvases (seeded loops): the oracle's
 * histograms exactly, the noisy logits and logit statistics within 1e-5 (relative, or absolute
 * below 1), the weight statistics exactly, and every strategy's selection exactly.
 */
const V = VOCAB_SIZE;
const TASKS: [string, number | undefined][] = [
  ['letters/shuffle', 6],
  ['letters/insert-random', 5],
  ['waiting-line/shuffle', 4],
  ['puzzles/latin-square', undefined],
  ['text/w2s-medium', undefined],
  ['dial', undefined],
];

function request(samples: TaskSample[], strategy: string, params: Record<string, number>, noise: number, temperature: number, block = 0): BatchRequest {
  return { samples, denoiser: { kind: 'oracle', noise }, strategy, params, options: { seed: 5, temperature, block } };
}

function cpuRows(samples: readonly TaskSample[], canvases: Int32Array, steps: readonly number[], noise: number): Float32Array {
  const L = samples[0].canvasLength;
  const data = new Float32Array(samples.length * L * V);
  samples.forEach((s, b) => {
    oracleWeights(s, canvases.subarray(b * L, (b + 1) * L), data, b * L * V);
    if (noise > 0) addLogNoise(data, b * L * V, L, noise, 5, s.index, steps[b]);
  });
  return data;
}

function close(a: number, b: number, tol: number): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}

describe('GPU kernels vs their TypeScript twins', () => {
  gpuTest('oracle histograms equal the CPU weights exactly (masked rows); noisy logits within 1e-5', async ({ gpu }) => {
    const dec = new GpuDecoder(gpu.device);
    const rs = new RandomStream(77, 0);
    for (const [task, n] of TASKS) {
      for (const noise of [0, 0.7]) {
        const samples = Array.from({ length: 6 }, (_, i) => generateSample(task, n === undefined ? {} : { n }, 3, i));
        const L = samples[0].canvasLength;
        const canvases = randomCanvases(samples, rs);
        const steps = samples.map((_, i) => i % 3);
        const got = await dec.probe(request(samples, 'topk-l2r', {}, noise, 0), canvases, steps);
        const weights = cpuRows(samples, canvases, steps, 0);
        // Rows of masked positions (the GPU fills only those: nothing reads the others).
        const rowMasked = (j: number) => canvases[Math.floor(j / V)] === MASK_ID;
        let bad = 0;
        for (let j = 0; j < weights.length; j++) if (rowMasked(j) && got.weights[j] !== weights[j]) bad++;
        expect(bad, `${task}: histogram bins that differ`).toBe(0);
        if (noise > 0) {
          const logits = cpuRows(samples, canvases, steps, noise);
          let worst = 0;
          for (let j = 0; j < logits.length; j++) {
            if (!rowMasked(j)) continue;
            worst = Math.max(worst, Math.abs(got.logits![j] - logits[j]) / Math.max(1, Math.abs(logits[j])));
          }
          expect(worst, `${task}: worst logit error`).toBeLessThan(1e-5);
        }
        void L;
      }
    }
    dec.destroy();
  });

  gpuTest('stats: weights exact (x0, confidence, margin, entropy, …); logits: x0 exact, floats within 1e-5', async ({ gpu }) => {
    const dec = new GpuDecoder(gpu.device);
    const rs = new RandomStream(78, 0);
    for (const [task, n] of TASKS) {
      for (const [noise, temperature] of [[0, 0], [0, 1], [0.7, 0], [0.7, 0.8]]) {
        const samples = Array.from({ length: 6 }, (_, i) => generateSample(task, n === undefined ? {} : { n }, 4, i));
        const L = samples[0].canvasLength;
        const canvases = randomCanvases(samples, rs);
        const steps = samples.map((_, i) => i);
        const got = await dec.probe(request(samples, 'topk-l2r', {}, noise, temperature), canvases, steps);
        // Twin on the GPU's own rows, so that this checks the statistics kernel alone.
        const pred = noise > 0 ? { kind: 'logits' as const, data: got.logits! } : { kind: 'weights' as const, data: Float32Array.from(got.weights) };
        samples.forEach((s, b) => {
          const masked: number[] = [];
          for (let i = 0; i < L; i++) if (canvases[b * L + i] === MASK_ID) masked.push(i);
          const want = allocStats(L);
          computeStats(pred, b * L, masked, temperature, { seed: 5, sample: s.index, step: steps[b] }, want);
          const have = gpuStatsAsCpu(got.stats, b, L);
          for (const i of masked) {
            const where = `${task} noise ${noise} T ${temperature} sample ${b} position ${i}`;
            expect(have.x0[i], where).toBe(want.x0[i]);
            for (const key of ['confidence', 'pmax', 'margin', 'entropy', 'confWeight', 'sumWeight'] as const) {
              if (noise === 0) expect(have[key][i], `${where} ${key}`).toBe(want[key][i]);
              else expect(close(have[key][i], want[key][i], 1e-5), `${where} ${key}: ${have[key][i]} vs ${want[key][i]}`).toBe(true);
            }
          }
        });
      }
    }
    dec.destroy();
  });

  // One test per task (the same canvases, drawn in order from one stream), so that each stays
  // within the browser project's timeout as strategies are added.
  const selectionStream = new RandomStream(79, 0);
  for (const [task, n] of TASKS) gpuTest(`selection and commit (${task}): every strategy, from the same statistics, reveals exactly what the CPU rule reveals`, async ({ gpu }) => {
    const dec = new GpuDecoder(gpu.device);
    const rs = selectionStream;
    const params: Record<string, Record<string, number>> = {
      'topk-random': { k: 3 }, 'topk-confidence': { k: 2 }, 'topk-margin': { k: 2 }, 'topk-entropy': { k: 4 }, 'topk-l2r': { k: 2 },
      threshold: { threshold: 0.5 }, factor: { factor: 1.6 }, eb: { gamma: 0.8 },
      'dream-origin': { steps: 6 }, 'dream-confidence': { steps: 5 }, 'dream-margin': { steps: 5, algTemp: 1 }, 'dream-entropy': { steps: 5 },
      'maskgit-cosine': { steps: 5 }, klass: { k: 2 },
      'remdm-cap': { steps: 6, eta: 0.5 }, 'remdm-rescale': { steps: 6, eta: 0.5 }, 'remdm-conf': { steps: 6, eta: 0.5 },
      'dinfer-hierarchy': { threshold: 0.5, thresholdLow: 0.25 }, dus: { base: 3 }, prophet: { steps: 6, gapEarly: 12 }, 'pc-sampler': { k: 2, lambda: 0.3, steps: 6 },
    };
    for (const strategy of gpuStrategies().filter((s) => !s.oracleOnly).map((s) => s.id)) {
      const def = getStrategy(strategy);
      const samples = Array.from({ length: 5 }, (_, i) => generateSample(task, n === undefined ? {} : { n }, 6, i));
      const L = samples[0].canvasLength;
      const block = def.blocks && L > 4 ? 4 : 0;
      const canvases = randomCanvases(samples, rs);
      const steps = samples.map((_, i) => i % 4);
      const temperature = strategy === 'eb' ? 1 : 0;
      const got = await dec.probe(request(samples, strategy, params[strategy] ?? {}, 0, temperature, block), canvases, steps);
      const pred = { kind: 'weights' as const, data: Float32Array.from(got.weights) };
      samples.forEach((s, b) => {
        const canvas = canvases.slice(b * L, (b + 1) * L);
        const { view, blockLength } = probeStepView(got, pred, s, b, canvas, { block, step: steps[b], seed: 5 });
        const inst = def.create(resolveParams(def, params[strategy] ?? {}), { canvasLength: L, blockLength, sample: samples[0] });
        const sel = inst.select(view);
        const want = canvas.slice();
        for (const p of sel.reveal) want[p] = view.stats.x0[p];
        for (const p of sel.remask ?? []) want[p] = MASK_ID;
        for (const e of sel.edit ?? []) want[e.position] = e.token;
        expect(Array.from(got.canvasAfter.subarray(b * L, (b + 1) * L)), `${task} ${strategy} sample ${b}`).toEqual(Array.from(want));
      });
    }
    dec.destroy();
  });
});
