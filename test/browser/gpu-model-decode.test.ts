import { describe, expect } from 'vitest';
import type { BatchRequest } from '../../src/engine/backend';
import { decodeBatch } from '../../src/engine/decode';
import { generateSample } from '../../src/engine/tasks';
import { createWebgpuModelBackend } from '../../src/model/gpu-backend';
import { denoiserFor, loadBundledModel } from '../../src/model/load';
import { gpuTest } from './gpu-fixture';

// Our WGSL transformer as the denoiser of the GPU unmasking core (src/model/gpu-backend.ts):
// model forward, statistics, selection and commit all on the GPU, no per-step read-back in
// benchmark mode. Reference: the CPU engine's decodeBatch with the TS-twin model denoiser
// (denoiserFor(handle, 'cpu')), same seed. The two runtimes' logits differ by ~1e-6, so a choice
// could in principle flip at a near-exact tie; the check is exact (identical tokens, reveal
// steps, NFE and scores) and any mismatch fails the test rather than being tolerated.
const CASES = [
  { task: 'letters/copy', n: 4, strategy: 'topk-confidence', params: { k: 2 } },
  { task: 'letters/shuffle', n: 4, strategy: 'topk-random', params: { k: 2 } },
  { task: 'waiting-line/copy', n: 3, strategy: 'threshold', params: { threshold: 0.9 } },
  { task: 'letters/copy', n: 4, strategy: 'threshold', params: { threshold: 0.9 } },
  { task: 'letters/shuffle', n: 4, strategy: 'topk-confidence', params: { k: 1 } },
  // APD at R = 1 needs no verifier rows, so it runs on the GPU with a model too (timings below are null on the CPU loop).
  { task: 'letters/shuffle', n: 4, strategy: 'apd', params: { r: 1, m: 3 } },
] as const;
const SAMPLES = 4;
const SEED = 7;

describe('GPU unmasking core with the WGSL transformer (trained models/tiny-mdm.onnx)', () => {
  gpuTest('decodes match the CPU engine with the TS-twin model: tokens, NFE and scores', async ({ gpu: { device, hasTimestamps } }) => {
    // The trained model is committed: failing to load it is a failure, not a reason to skip.
    const bundled = await loadBundledModel('tiny');
    if (!bundled.ok) throw new Error(`models/tiny-mdm.onnx does not load: ${bundled.error}`);
    const h = bundled.handle;
    const gpu = await createWebgpuModelBackend(h, { device, hasTimestamps });
    const twin = await denoiserFor(h, 'cpu');
    let mismatches = 0;
    let compared = 0;
    for (const c of CASES) {
      const samples = Array.from({ length: SAMPLES }, (_, i) => generateSample(c.task, { n: c.n }, 3, i));
      const want = await decodeBatch(samples, twin, c.strategy, c.params, { seed: SEED });
      for (const record of ['summary', 'full'] as const) {
        const req: BatchRequest = {
          samples,
          denoiser: { kind: 'model', model: 'tiny', runtime: 'webgpu', noise: 0 },
          strategy: c.strategy,
          params: c.params,
          options: { seed: SEED, record },
        };
        const got = await gpu.decode(req);
        expect(got.length).toBe(samples.length);
        // Benchmark mode: the state array is read back once per chunk of steps, not per step.
        if (record === 'summary') expect(gpu.timings!.readbacks).toBeLessThanOrEqual(Math.ceil(gpu.timings!.steps / 8) + 2);
        for (let i = 0; i < samples.length; i++) {
          compared++;
          const same =
            Array.from(got[i].output).join() === Array.from(want[i].output).join() &&
            Array.from(got[i].revealStep).join() === Array.from(want[i].revealStep).join() &&
            got[i].nfe === want[i].nfe &&
            got[i].score.ok === want[i].score.ok;
          if (!same) {
            mismatches++;
            console.log(`mismatch ${c.task} ${c.strategy} ${record} sample ${i}: gpu ${Array.from(got[i].output).join(' ')} nfe ${got[i].nfe}; cpu ${Array.from(want[i].output).join(' ')} nfe ${want[i].nfe}`);
          }
          expect(got[i].denoiser).toBe('model:tiny@webgpu');
          if (record === 'full') {
            expect(got[i].steps.map((s) => s.revealed.join())).toEqual(want[i].steps.map((s) => s.revealed.join()));
          }
        }
      }
    }
    console.log(`GPU core + WGSL model vs CPU engine + TS twin: ${compared - mismatches}/${compared} decodes identical`);
    expect(mismatches).toBe(0);
    await twin.dispose();
    await gpu.dispose();
  }, 300_000);
});
