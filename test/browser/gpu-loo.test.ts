import { describe, expect } from 'vitest';
import type { BatchRequest } from '../../src/engine/backend';
import { addLogNoise } from '../../src/engine/denoiser';
import { SupportDistribution, leaveOneOut, leaveOneOutCanvas } from '../../src/engine/distribution';
import { RandomStream } from '../../src/engine/rng';
import { rowProbabilities } from '../../src/engine/stats';
import { generateSample, type TaskSample } from '../../src/engine/tasks';
import { MASK_ID, VOCAB_SIZE } from '../../src/engine/vocab';
import { decodeBatch } from '../../src/engine/decode';
import { GpuDecoder, GpuUnsupportedError, type GpuLogitsModel } from '../../src/gpu/decoder';
import { createWebgpuModelBackend } from '../../src/model/gpu-backend';
import { denoiserFor, loadBundledModel } from '../../src/model/load';
import { SS, SS_LOO } from '../../src/gpu/kernels';
import { gpuTest, randomCanvases } from './gpu-fixture';

/**
 * The oracle's leave-one-out rows on the GPU (shaders/oracle_loo.wgsl, oracle_perm.wgsl with LOO,
 * loo_stats.wgsl) against their twins on random canvases, some of them inconsistent (a wrong
 * token: the nearest members then count): the weights of every revealed position's row exactly
 * (twin: distribution.ts, condition() of the canvas with that position masked), and for finite
 * supports also against a brute-force enumeration of the members written here; probabilities
 * (f32 division on the GPU, f64 on the CPU) within 1e-6 relative, rows summing to 1 within 1e-6;
 * the best token exactly; noisy rows within 1e-5, as the oracle's own.
 */
const V = VOCAB_SIZE;
const TASKS: [string, number | undefined][] = [
  ['letters/shuffle', 6], // closed-form permutation oracle
  ['letters/replace-random', 4],
  ['waiting-line/insert-random', 3],
  ['puzzles/latin-square', undefined],
  ['text/w2s-medium', undefined],
  ['dial', undefined],
];

function request(samples: TaskSample[], noise: number): BatchRequest {
  return { samples, denoiser: { kind: 'oracle', noise }, strategy: 'topk-l2r', params: {}, options: { seed: 5 } };
}

/** Brute force over the support: members with the fewest mismatches outside position i. */
function bruteForce(dist: SupportDistribution, canvas: Int32Array, i: number): Float64Array {
  const L = dist.length;
  const d = Array.from({ length: dist.supportSize }, (_, s) => {
    let n = 0;
    for (let q = 0; q < L; q++) if (q !== i && canvas[q] !== MASK_ID && canvas[q] !== dist.members[s * L + q]) n++;
    return n;
  });
  const best = Math.min(...d);
  const w = new Float64Array(V);
  d.forEach((n, s) => {
    if (n === best) w[dist.members[s * L + i]] += dist.weights[s];
  });
  return w;
}

describe('GPU leave-one-out rows vs their twins', () => {
  gpuTest('weights exact (twin and brute force), probabilities and best token of every revealed position', async ({ gpu }) => {
    const dec = new GpuDecoder(gpu.device);
    const rs = new RandomStream(91, 0);
    let rows = 0;
    let inconsistent = 0;
    for (const [task, n] of TASKS) {
      for (let round = 0; round < 3; round++) {
        const samples = Array.from({ length: 6 }, (_, i) => generateSample(task, n === undefined ? {} : { n }, 7 + round, i));
        const L = samples[0].canvasLength;
        const canvases = randomCanvases(samples, rs);
        const got = await dec.probe(request(samples, 0), canvases, samples.map(() => 0), { loo: true });
        const u = new Uint32Array(got.stats.buffer, got.stats.byteOffset, got.stats.length);
        samples.forEach((s, b) => {
          const canvas = canvases.slice(b * L, (b + 1) * L);
          if (!s.truth.condition(canvas).consistent) inconsistent++;
          for (let i = 0; i < L; i++) {
            const cur = canvas[i];
            if (cur === MASK_ID) continue;
            const where = `${task} round ${round} sample ${b} position ${i}`;
            const gw = Array.from(got.weights.subarray((b * L + i) * V, (b * L + i + 1) * V));
            const cond = s.truth.condition(leaveOneOutCanvas(canvas, i));
            const want = new Float32Array(V);
            cond.weightsAt(i, want, 0);
            expect(gw, `${where}: weights`).toEqual(Array.from(want));
            if (s.truth instanceof SupportDistribution) expect(gw, `${where}: brute force`).toEqual(Array.from(bruteForce(s.truth, canvas, i)));
            const p = leaveOneOut(s.truth, canvas, i);
            let sum = 0;
            for (let v = 0; v < V; v++) sum += p[v];
            expect(Math.abs(sum - 1), `${where}: row sum`).toBeLessThan(1e-6);
            const o = (b * L + i) * SS.stride;
            expect(Math.abs(got.stats[o + SS_LOO.p] - p[cur]), `${where}: p(current)`).toBeLessThanOrEqual(1e-6 * p[cur]);
            // The best token by the CPU rules' scan of the float32 row.
            const row = new Float32Array(V);
            rowProbabilities({ kind: 'weights', data: Float32Array.from(gw) }, 0, row);
            let best = cur;
            for (let v = 0; v < V; v++) if (row[v] > row[best]) best = v;
            expect(u[o + SS_LOO.best], `${where}: best token`).toBe(best);
            expect(got.stats[o + SS_LOO.pBest], `${where}: p(best)`).toBe(row[best]);
            rows++;
          }
        });
      }
    }
    // The random canvases exercised both paths and the nearest-member case.
    expect(rows).toBeGreaterThan(200);
    expect(inconsistent).toBeGreaterThan(5);
    dec.destroy();
  });

  gpuTest('masked rows stay the plain oracle rows; with noise, the leave-one-out rows get the same noise as the CPU (1e-5)', async ({ gpu }) => {
    const dec = new GpuDecoder(gpu.device);
    const rs = new RandomStream(92, 0);
    for (const [task, n] of TASKS) {
      const samples = Array.from({ length: 5 }, (_, i) => generateSample(task, n === undefined ? {} : { n }, 3, i));
      const L = samples[0].canvasLength;
      const canvases = randomCanvases(samples, rs);
      const steps = samples.map((_, i) => i);
      const got = await dec.probe(request(samples, 0.7), canvases, steps, { loo: true });
      let worst = 0;
      samples.forEach((s, b) => {
        const canvas = canvases.slice(b * L, (b + 1) * L);
        const plain = s.truth.condition(canvas);
        for (let i = 0; i < L; i++) {
          const masked = canvas[i] === MASK_ID;
          const row = new Float32Array(L * V);
          const cond = masked ? plain : s.truth.condition(leaveOneOutCanvas(canvas, i));
          cond.weightsAt(i, row, i * V);
          expect(Array.from(got.weights.subarray((b * L + i) * V, (b * L + i + 1) * V)), `${task} ${b} ${i}`).toEqual(Array.from(row.subarray(i * V, (i + 1) * V)));
          addLogNoise(row, 0, L, 0.7, 5, s.index, steps[b]);
          for (let v = 0; v < V; v++) {
            const want = row[i * V + v];
            worst = Math.max(worst, Math.abs(got.logits![(b * L + i) * V + v] - want) / Math.max(1, Math.abs(want)));
          }
        }
      });
      expect(worst, `${task}: worst logit error`).toBeLessThan(1e-5);
    }
    dec.destroy();
  });

  gpuTest('a verifying strategy with a GPU-resident model is refused (GpuUnsupportedError: the CPU engine runs it); without a model it plans', async ({ gpu }) => {
    const dec = new GpuDecoder(gpu.device);
    const model: GpuLogitsModel = {
      id: 'model:test@webgpu',
      gpuForward: () => {
        throw new Error('plan() must refuse before any forward pass');
      },
    };
    const samples = [generateSample('letters/shuffle', { n: 4 }, 1, 0)];
    for (const strategy of ['wino', 'joint-threshold']) {
      const r: BatchRequest = { samples, denoiser: { kind: 'model', model: 'tiny', runtime: 'webgpu', noise: 0 }, strategy, params: {}, options: { seed: 1 } };
      expect(() => dec.plan(r, model), strategy).toThrow(GpuUnsupportedError);
      expect(() => dec.plan(r, model), strategy).toThrow(/leave-one-out rows, which the GPU model path does not compute/);
      expect(dec.plan({ ...r, denoiser: { kind: 'oracle', noise: 0 } }).loo, strategy).toBe(true);
    }
    const r: BatchRequest = { samples, denoiser: { kind: 'model', model: 'tiny', runtime: 'webgpu', noise: 0 }, strategy: 'threshold', params: {}, options: { seed: 1 } };
    expect(dec.plan(r, model).loo).toBe(false);
    dec.destroy();
  });

  gpuTest('the GPU-resident model backend decodes a verifying strategy on the CPU loop with the same runtime (as the TS-twin model on the CPU engine)', async ({ gpu: { device, hasTimestamps } }) => {
    const bundled = await loadBundledModel('tiny');
    if (!bundled.ok) throw new Error(`models/tiny-mdm.onnx does not load: ${bundled.error}`);
    const backend = await createWebgpuModelBackend(bundled.handle, { device, hasTimestamps });
    const twin = await denoiserFor(bundled.handle, 'cpu');
    const samples = [generateSample('letters/copy', { n: 4 }, 3, 0)];
    // One reveal per step, so that later steps verify revealed tokens.
    for (const [strategy, params] of [['wino', { tauIn: 1 }], ['joint-threshold', { threshold: 1, postEditSteps: 2 }]] as const) {
      const options = { seed: 7, record: 'summary' as const };
      const got = await backend.decode({ samples, denoiser: { kind: 'model', model: 'tiny', runtime: 'webgpu', noise: 0 }, strategy, params, options });
      const want = await decodeBatch(samples, twin, strategy, params, options);
      got.forEach((g, i) => {
        expect(g.denoiser, strategy).toBe('model:tiny@webgpu');
        expect(Array.from(g.output), `${strategy} sample ${i}`).toEqual(Array.from(want[i].output));
        expect(g.nfe, `${strategy} sample ${i}`).toBe(want[i].nfe);
        // The leave-one-out rows were computed (one extra row per checked position).
        expect(g.steps.some((s) => (s.extraRows ?? 0) > 0), strategy).toBe(true);
      });
    }
    await twin.dispose();
    await backend.dispose();
  });
});
