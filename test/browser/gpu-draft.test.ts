import { describe, expect } from 'vitest';
import type { BatchRequest } from '../../src/engine/backend';
import { oracleWeights } from '../../src/engine/denoiser';
import { RandomStream } from '../../src/engine/rng';
import { getStrategy, resolveParams } from '../../src/engine/strategies';
import { generateSample, type TaskSample } from '../../src/engine/tasks';
import { VOCAB_SIZE } from '../../src/engine/vocab';
import { GpuDecoder } from '../../src/gpu/decoder';
import { gpuTest, probeStepView, randomCanvases } from './gpu-fixture';

/**
 * APD's verifier rows on the GPU (shaders/oracle_draft_init.wgsl, oracle_draft.wgsl,
 * oracle_draft_perm.wgsl) against their twin, the CPU engine's path: the rows APD's verifyRows
 * asks for (the canvas plus this step's x0 at the drafted positions before each one), given to
 * the oracle (denoiser.ts oracleWeights, i.e. condition()). Random canvases, some inconsistent
 * (a wrong revealed token: the nearest members count), greedy and sampled x0 (the prefix the
 * rows condition on differs). Weights exactly; then the step's selection (apd_verify.wgsl +
 * apd.wgsl) equals the CPU rule's from the same rows.
 */
const V = VOCAB_SIZE;
const TASKS: [string, number | undefined][] = [
  ['letters/shuffle', 6], // closed-form permutation oracle
  ['letters/replace-random', 4],
  ['waiting-line/shuffle', 3],
  ['puzzles/latin-square', undefined],
  ['text/w2s-medium', undefined],
];

function request(samples: TaskSample[], r: number, m: number, temperature: number): BatchRequest {
  return { samples, denoiser: { kind: 'oracle', noise: 0 }, strategy: 'apd', params: { r, m }, options: { seed: 5, temperature } };
}

describe('GPU draft verification rows (APD) vs the CPU engine', () => {
  gpuTest('every verified row exactly, and the accepted prefix as the CPU rule accepts it', async ({ gpu }) => {
    const dec = new GpuDecoder(gpu.device);
    const def = getStrategy('apd');
    const rs = new RandomStream(23, 0);
    let rows = 0;
    let differs = 0;
    let rejected = 0;
    for (const [task, n] of TASKS) {
      for (const temperature of [0, 1]) {
        const samples = Array.from({ length: 5 }, (_, i) => generateSample(task, n === undefined ? {} : { n }, 9, i));
        const L = samples[0].canvasLength;
        const canvases = randomCanvases(samples, rs);
        const steps = samples.map((_, i) => i % 3);
        const m = 2 + rs.int(L);
        const r = [0, 0.5, 0.9][rs.int(3)];
        const got = await dec.probe(request(samples, r, m, temperature), canvases, steps);
        expect(got.draftWeights).not.toBeNull();
        const pred = { kind: 'weights' as const, data: Float32Array.from(got.weights) };
        samples.forEach((s, b) => {
          const canvas = canvases.slice(b * L, (b + 1) * L);
          const where = `${task} T=${temperature} R=${r} M=${m} sample ${b}`;
          const { view } = probeStepView(got, pred, s, b, canvas, { block: 0, step: steps[b], seed: 5 });
          view.temperature = temperature;
          const inst = def.create(resolveParams(def, { r, m }), { canvasLength: L, blockLength: L, sample: s });
          const extra = inst.verifyRows!(view);
          expect(extra.length, where).toBe(Math.max(0, Math.min(m, view.masked.length) - 1));
          extra.forEach((row, k) => {
            const want = new Float32Array(L * V);
            oracleWeights(s, row.canvas, want, 0);
            const o = (b * L + row.position) * V;
            const have = Array.from(got.draftWeights!.subarray(o, o + V));
            expect(have, `${where} row ${k} at ${row.position}`).toEqual(Array.from(want.subarray(row.position * V, (row.position + 1) * V)));
            rows++;
            // The prefix mattered: the row differs from the step's own row at that position.
            if (have.some((w, v) => w !== got.weights[o + v])) differs++;
          });
          const sel = inst.select(view);
          const after = canvas.slice();
          for (const p of sel.reveal) after[p] = view.stats.x0[p];
          expect(Array.from(got.canvasAfter.subarray(b * L, (b + 1) * L)), `${where}: selection`).toEqual(Array.from(after));
          if (sel.reveal.length < Math.min(m, view.masked.length)) rejected++;
        });
      }
    }
    expect(rows).toBeGreaterThan(50);
    expect(differs).toBeGreaterThan(10);
    expect(rejected).toBeGreaterThan(0);
    dec.destroy();
  });
});
