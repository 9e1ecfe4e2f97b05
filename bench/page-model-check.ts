/**
 * A check for a GPU machine (no browser): the page's step-through decode GPU-resident on our WGSL
 * engine (src/model/gpu-backend.ts, 'full' record: history read back per chunk of steps) against
 * the CPU unmasking loop with the CPU twin, and the oracle's step-through on the GPU decoder
 * against the CPU engine, through Dawn. Exit status 1 on any difference.
 *   tsx bench/page-model-check.ts   (here: SwiftShader through Chromium's Vulkan ICD)
 */
import { pathToFileURL } from 'node:url';
import { reexecForDawn, useDawn } from '../src/cli/dawn';
import { cpuBackend, type BatchRequest } from '../src/engine/backend';
import { decodeBatch, type DecodeTrace } from '../src/engine/decode';
import { generateSample } from '../src/engine/tasks';

reexecForDawn();
const adapter = await useDawn();
const { GpuContext } = await import('../src/gpu/device');
const { GpuDecoder } = await import('../src/gpu/decoder');
const { createWebgpuModelBackend } = await import('../src/model/gpu-backend');
const { denoiserFor, loadModelFromUrls } = await import('../src/model/load');

const ctx = new GpuContext();
const { device, hasTimestamps } = await ctx.get();
const base = pathToFileURL(`${process.cwd()}/models/`);
const r = await loadModelFromUrls(new URL('tiny-mdm.onnx', base), new URL('tiny-mdm.json', base), 'tiny');
if (!r.ok) throw new Error(r.error);
const gpu = await createWebgpuModelBackend(r.handle, { device, hasTimestamps });
const twin = await denoiserFor(r.handle, 'cpu');
const decoder = new GpuDecoder(device, hasTimestamps);

const key = (t: DecodeTrace) => JSON.stringify({ out: Array.from(t.output), nfe: t.nfe, steps: t.steps.map((s) => [s.revealed, s.tokens, s.remasked, s.block]) });
let bad = 0;
const cases = [
  ['letters/copy', 4, 'topk-confidence', { k: 1 }],
  ['letters/shuffle', 6, 'topk-confidence', { k: 2 }],
  ['letters/shuffle', 6, 'threshold', { threshold: 0.9 }],
  ['letters/shuffle', 6, 'topk-random', { k: 2 }],
] as const;
console.log(`adapter: ${adapter}`);
for (const [task, n, strategy, params] of cases) {
  const samples = [0, 1, 2].map((i) => generateSample(task, { n }, 5, i));
  const req: BatchRequest = { samples, denoiser: { kind: 'model', model: 'tiny', runtime: 'webgpu', noise: 0 }, strategy, params, options: { seed: 11, record: 'full' } };
  const got = await gpu.decode(req);
  const t = gpu.timings!;
  const want = await decodeBatch(samples, twin, strategy, params, req.options);
  const same = got.every((g, i) => key(g) === key(want[i]));
  if (!same) bad++;
  console.log(`model ${strategy} ${task} n=${n}: ${same ? 'identical' : 'DIFFERENT'}; ${t.steps} steps, ${t.readbacks} read-backs, ${t.wallMs.toFixed(1)} ms`);
  const oreq: BatchRequest = { ...req, denoiser: { kind: 'oracle', noise: 0 } };
  const og = await decoder.decode(oreq);
  const ot = decoder.lastTimings!;
  const oc = await cpuBackend.decode(oreq);
  const osame = og.every((g, i) => key(g) === key(oc[i]));
  if (!osame) bad++;
  console.log(`oracle ${strategy} ${task} n=${n}: ${osame ? 'identical' : 'DIFFERENT'}; ${ot.steps} steps, ${ot.readbacks} read-backs, theory on GPU ${ot.theoryOnGpu}`);
}
await gpu.dispose();
decoder.destroy();
process.exit(bad ? 1 : 0);
