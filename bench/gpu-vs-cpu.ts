/**
 * GPU (WebGPU in headless Chromium) and CPU (this Node process) engines side by side on the
 * same decodes at batch sizes 1, 64 and 1024: decodes/s and canvas tokens/s, the GPU's time
 * split into kernels (timestamp queries) and read-back waits, and the bytes and dispatches of
 * one step against the adapter's limits. Both engines decode the same samples with the same
 * seed, so their scores must agree (checked). Prints a table; writes bench/results/gpu-vs-cpu.json.
 *
 * Run: npx tsx bench/gpu-vs-cpu.ts [--quick] [--backend dawn]
 * --backend dawn runs the GPU side in this Node process through Dawn (src/cli/dawn.ts) instead of
 * Chromium: the same page module (bench/webgpu-page.ts) with Node's globalThis as its window.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { cpuBackend } from '../src/engine/backend';
import type { SweepConfig } from '../src/engine/sweep';
import { generateSample } from '../src/engine/tasks';
import { VOCAB_SIZE } from '../src/engine/vocab';
import { openBenchPage } from '../src/cli/webgpu-runner';
import type { GpuBenchRow } from './webgpu-page';

const backendAt = process.argv.indexOf('--backend');
const gpuBackend = backendAt >= 0 ? process.argv[backendAt + 1] : 'webgpu';
if (gpuBackend !== 'webgpu' && gpuBackend !== 'dawn') throw new Error(`--backend must be webgpu (headless Chromium) or dawn (Node), got "${gpuBackend}"`);

const quick = process.argv.includes('--quick');
const base = { temperature: 0, block: 0, noise: 0 };
const CONFIGS: SweepConfig[] = [
  { task: 'letters/shuffle', n: 8, strategy: 'topk-random', params: { k: 2 }, ...base },
  { task: 'waiting-line/shuffle', n: 5, strategy: 'threshold', params: { threshold: 0.7 }, ...base },
  { task: 'text/w2s-hard', strategy: 'topk-confidence', params: { k: 2 }, ...base, temperature: 1 },
];
const BATCHES = quick ? [1, 64] : [1, 64, 1024];
const SEED = 1;
const samplesFor = (batch: number) => (batch === 1 ? 16 : batch === 64 ? 128 : 1024);

async function cpuRun(c: SweepConfig, samples: number, batch: number) {
  const make = (i: number) => generateSample(c.task, { ...c.taskParams, n: c.n }, SEED, i);
  const req = (list: ReturnType<typeof make>[]) => ({
    samples: list,
    denoiser: { kind: 'oracle' as const, noise: c.noise },
    strategy: c.strategy,
    params: c.params,
    options: { seed: SEED, temperature: c.temperature, block: c.block, record: 'summary' as const, theory: false },
  });
  // JIT warm-up on other samples (indices past the measured ones).
  for (let w = 0; w < 4; w++) await cpuBackend.decode(req(Array.from({ length: 64 }, (_, i) => make(samples + 64 * w + i))));
  const all = Array.from({ length: samples }, (_, i) => make(i));
  let correct = 0;
  let nfe = 0;
  let L = 0;
  const t0 = performance.now();
  for (let s = 0; s < samples; s += batch) {
    for (const t of await cpuBackend.decode(req(all.slice(s, s + batch)))) {
      if (t.score.ok) correct++;
      nfe += t.nfe;
      L = t.canvasLength;
    }
  }
  return { seconds: (performance.now() - t0) / 1000, correct, nfe: nfe / samples, L };
}

/** The GPU side: bench/webgpu-page.ts in headless Chromium, or the same module in Node on Dawn. */
async function openGpu(): Promise<{ adapter: string; bench: (c: SweepConfig, samples: number, batch: number, seed: number) => Promise<GpuBenchRow>; close: () => Promise<void> }> {
  if (gpuBackend === 'dawn') {
    const dawn = await import('../src/cli/dawn');
    dawn.reexecForDawn();
    const adapter = await dawn.useDawn();
    (globalThis as { window?: unknown }).window ??= globalThis;
    await import('./webgpu-page');
    return { adapter, bench: (c, s, b, seed) => window.__unmaskGpuBench(c, s, b, seed), close: () => window.__unmaskBackend().dispose() };
  }
  const { page, adapter, close } = await openBenchPage();
  return { adapter, close, bench: async (c, s, b, seed) => (await page.evaluate(([cc, ss, bb, sd]) => window.__unmaskGpuBench(cc, ss, bb, sd), [c, s, b, seed] as const)) as GpuBenchRow };
}
const { adapter, bench, close } = await openGpu();
interface Row {
  task: string;
  strategy: string;
  batch: number;
  samples: number;
  canvas: number;
  score: number;
  nfe: number;
  cpuDecodesPerSecond: number;
  cpuTokensPerSecond: number;
  gpuDecodesPerSecond: number;
  gpuTokensPerSecond: number;
  gpuSeconds: number;
  gpuKernelSeconds: number | null;
  gpuReadbackWaitSeconds: number;
  gpuSubmits: number;
  gpuReadbacks: number;
  gpuStepsEncoded: number;
  bytesPerStep: number;
  dispatchesPerStep: number;
  rowBufferBytes: number;
  rowBufferShareOfBindingLimit: number;
  limits: Record<string, number>;
}
const rows: Row[] = [];
try {
  for (const c of CONFIGS) {
    for (const batch of BATCHES) {
      const samples = samplesFor(batch);
      const gpu = await bench(c, samples, batch, SEED);
      const cpu = await cpuRun(c, samples, batch);
      if (gpu.correct !== cpu.correct) throw new Error(`GPU and CPU disagree on ${c.task} ${c.strategy} batch ${batch}: ${gpu.correct} vs ${cpu.correct} correct`);
      const B = Math.min(batch, samples);
      const rowsBytes = B * cpu.L * VOCAB_SIZE * 4;
      rows.push({
        task: `${c.task}${c.n ? ` n=${c.n}` : ''}`,
        strategy: `${c.strategy} ${Object.entries(c.params).map(([k, v]) => `${k}=${v}`).join(' ')}${c.temperature ? ` T=${c.temperature}` : ''}`,
        batch,
        samples,
        canvas: cpu.L,
        score: cpu.correct / samples,
        nfe: cpu.nfe,
        cpuDecodesPerSecond: samples / cpu.seconds,
        cpuTokensPerSecond: (samples * cpu.L) / cpu.seconds,
        gpuDecodesPerSecond: samples / gpu.seconds,
        gpuTokensPerSecond: (samples * cpu.L) / gpu.seconds,
        gpuSeconds: gpu.seconds,
        gpuKernelSeconds: gpu.kernelMs === null ? null : gpu.kernelMs / 1000,
        gpuReadbackWaitSeconds: gpu.readbackMs / 1000,
        gpuSubmits: gpu.submits,
        gpuReadbacks: gpu.readbacks,
        gpuStepsEncoded: gpu.steps,
        bytesPerStep: gpu.bytesPerStep,
        dispatchesPerStep: gpu.dispatchesPerStep,
        rowBufferBytes: rowsBytes,
        rowBufferShareOfBindingLimit: rowsBytes / gpu.limits.maxStorageBufferBindingSize,
        limits: gpu.limits,
      });
      process.stderr.write(`done ${c.task} batch ${batch}\n`);
    }
  }
} finally {
  await close();
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(3));
const mb = (x: number) => `${(x / 2 ** 20).toFixed(1)} MiB`;
const table = [
  '| task | strategy | batch | samples | CPU decodes/s | GPU decodes/s | CPU tokens/s | GPU tokens/s | GPU kernels s | GPU read-back wait s | submits / read-backs | bytes/step | dispatches/step | rows buffer / binding limit |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map((r) =>
    `| ${r.task} | ${r.strategy} | ${r.batch} | ${r.samples} | ${fmt(r.cpuDecodesPerSecond)} | ${fmt(r.gpuDecodesPerSecond)} | ${fmt(r.cpuTokensPerSecond)} | ${fmt(r.gpuTokensPerSecond)} | ${r.gpuKernelSeconds === null ? 'n/a' : fmt(r.gpuKernelSeconds)} | ${fmt(r.gpuReadbackWaitSeconds)} | ${r.gpuSubmits} / ${r.gpuReadbacks} | ${mb(r.bytesPerStep)} | ${r.dispatchesPerStep} | ${(100 * r.rowBufferShareOfBindingLimit).toFixed(2)}% |`,
  ),
].join('\n');
console.log(`GPU adapter: ${adapter}; CPU: ${cpus()[0]?.model ?? 'unknown'} x${cpus().length}, Node ${process.version}`);
console.log(table);
const outFile = process.env.UNMASK_RESULTS_DIR ? `${process.env.UNMASK_RESULTS_DIR}/gpu-vs-cpu.json` : 'bench/results/gpu-vs-cpu.json';
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify({ date: new Date().toISOString(), backend: gpuBackend, adapter, cpu: cpus()[0]?.model, rows, table }, null, 2));
console.log(`wrote ${outFile}`);
