/**
 * Model forward-pass benchmark in headless Chromium, all four runtimes side by side in one run:
 * our WGSL engine ('webgpu'), onnxruntime-web WebGPU and wasm, and the TypeScript twin ('cpu'),
 * at batch 1, 16 and 64; then full decodes (the CPU unmasking engine with each runtime, and our
 * engine inside the GPU unmasking core); then a per-kernel profile of our engine.
 *
 *   npm run bench:model [-- --batches 1,16,64 --runtimes webgpu,ort-webgpu,ort-wasm,cpu
 *                          --budget-ms 3000 --max-reps 5 --decode-samples 64 --no-decode --no-forward
 *                          --decode-runtimes webgpu,ort-wasm,cpu --no-gpu-core
 *                          --model-url /path/under/the/repo.onnx (its vocabulary: same name .json)
 *                          --backend dawn]
 *
 * --backend dawn runs the same page module (bench/model-page.ts) in this Node process on Dawn
 * (src/cli/dawn.ts), with no browser; a runtime that cannot run there (ORT WebGPU, whose Node
 * build may refuse Dawn's GPU) is reported as unavailable with its reason instead of timed.
 *
 * Prints a table and writes bench/results/model-forward.json. A Vite dev server on a free
 * localhost port serves bench/model-forward.html (and ORT's .wasm, src/model/ort-engine.ts), and
 * playwright-core drives Debian's Chromium (--enable-unsafe-webgpu); both are closed at the end.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MODEL_PREBUNDLE, ROOT, openHeadlessPage } from '../src/cli/headless';
import type { BenchRequest, DecodeRow, ForwardRow } from './model-page';


function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const batches = arg('batches', '1,16,64').split(',').map(Number);
const runtimes = arg('runtimes', 'webgpu,ort-webgpu,ort-wasm,cpu').split(',') as BenchRequest['runtimes'];
const modelUrl = arg('model-url', '');
const backend = arg('backend', 'chromium');
if (backend !== 'chromium' && backend !== 'dawn') throw new Error(`--backend must be dawn (Node) or left out (headless Chromium), got "${backend}"`);
const req: BenchRequest = {
  model: modelUrl ? { onnx: modelUrl, vocab: modelUrl.replace(/\.onnx$/i, '.json') } : null,
  batches,
  runtimes,
  budgetMs: Number(arg('budget-ms', '3000')),
  maxReps: Number(arg('max-reps', '5')),
  decode: flag('no-decode')
    ? null
    : { task: 'letters/copy', n: 8, strategy: 'topk-confidence', params: { k: 2 }, samples: Number(arg('decode-samples', '64')), batch: 64, runtimes: arg('decode-runtimes', 'webgpu,ort-wasm,cpu').split(',').filter(Boolean) as BenchRequest['runtimes'], gpuCore: !flag('no-gpu-core') },
};

type Page = { evaluate<R, A>(f: (a: A) => R | Promise<R>, a: A): Promise<R>; close: () => Promise<void> };

/** The page module in Node on Dawn: `evaluate` calls it directly (globalThis is its window). */
async function openDawnPage(): Promise<Page & { backend: string }> {
  const dawn = await import('../src/cli/dawn');
  dawn.reexecForDawn();
  const adapter = await dawn.useDawn();
  const g = globalThis as { window?: unknown; navigator?: { gpu?: GPU } };
  g.window ??= globalThis;
  // ORT's WebGPU provider looks for navigator.gpu (absent in Node 20).
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true });
  g.navigator!.gpu ??= (await import('../src/gpu/device')).getGpu();
  window.__modelLog = async (line) => void process.stderr.write(`  ${line}\n`);
  await import('./model-page');
  return { backend: adapter, evaluate: async (f, a) => f(a), close: async () => undefined };
}

async function openPage(): Promise<Page & { backend: string }> {
  if (backend === 'dawn') return openDawnPage();
  const { page, close } = await openHeadlessPage('bench/model-forward.html', {
    prebundle: MODEL_PREBUNDLE,
    beforeGoto: async (p) => {
      p.on('pageerror', (e) => process.stderr.write(`[page error] ${e.message}\n`));
      await p.exposeFunction('__modelLog', (line: string) => process.stderr.write(`  ${line}\n`));
    },
  });
  try {
    await page.waitForFunction(() => window.__modelReady === true, undefined, { timeout: 120_000 });
    page.setDefaultTimeout(0);
  } catch (e) {
    await close();
    throw e;
  }
  return { backend: 'chromium', evaluate: (f, a) => page.evaluate(f as never, a) as never, close };
}

async function main() {
  const page = await openPage();
  try {
    const info = await page.evaluate((m) => window.__modelInfo(m), req.model ?? null);
    process.stderr.write(`model: ${info.model}\nadapter: ${info.adapter}\n`);
    // One runtime at a time, so that one that cannot run here is reported and the rest still run.
    const unavailable: Record<string, string> = {};
    const forward: ForwardRow[] = [];
    const decode: DecodeRow[] = [];
    for (const runtime of flag('no-forward') ? [] : runtimes) {
      try {
        forward.push(...(await page.evaluate((r) => window.__modelForward(r), { ...req, runtimes: [runtime] })));
      } catch (e) {
        unavailable[runtime] = (e as Error).message.split('\n')[0];
        if (backend === 'dawn' && runtime === 'ort-webgpu') unavailable[runtime] += "; onnxruntime-web's Node build registers only its wasm backend, so ORT WebGPU runs in a browser only";
        process.stderr.write(`${runtime} cannot run here: ${unavailable[runtime]}\n`);
      }
    }
    if (req.decode) {
      for (const runtime of [...req.decode.runtimes.map((r) => [r]), ...(req.decode.gpuCore ? [[]] : [])]) {
        const gpuCore = runtime.length === 0;
        try {
          decode.push(...(await page.evaluate((r) => window.__modelDecode(r), { ...req, decode: { ...req.decode, runtimes: runtime, gpuCore } })));
        } catch (e) {
          const name = gpuCore ? 'webgpu+gpu-core' : runtime[0];
          unavailable[`decode ${name}`] = (e as Error).message.split('\n')[0];
          process.stderr.write(`decode ${name} cannot run here: ${unavailable[`decode ${name}`]}\n`);
        }
      }
    }
    const profile = runtimes.includes('webgpu') && !unavailable.webgpu && !flag('no-forward') ? await page.evaluate((b) => window.__modelProfile(b), Math.max(...batches)) : [];

    const byBatch = new Map<number, Map<string, ForwardRow>>();
    for (const r of forward) {
      if (!byBatch.has(r.batch)) byBatch.set(r.batch, new Map());
      byBatch.get(r.batch)!.set(r.runtime, r);
    }
    const lines: string[] = [];
    lines.push(`| batch | ${runtimes.map((r) => `${r} ms (samples/s)`).join(' | ')} | ours vs ort-webgpu | ours vs ort-wasm |`);
    lines.push(`|---|${runtimes.map(() => '---').join('|')}|---|---|`);
    for (const [b, m] of byBatch) {
      const ours = m.get('webgpu');
      const ratio = (o: string) => (ours && m.get(o) ? `${(m.get(o)!.ms / ours.ms).toFixed(2)}x` : '-');
      lines.push(`| ${b} | ${runtimes.map((r) => (m.get(r) ? `${m.get(r)!.ms.toFixed(1)} (${m.get(r)!.samplesPerSecond.toFixed(1)})` : '-')).join(' | ')} | ${ratio('ort-webgpu')} | ${ratio('ort-wasm')} |`);
    }
    if (decode.length) {
      lines.push('', `Full decodes: ${decode[0].task} n=${decode[0].n}, ${decode[0].strategy}, ${decode[0].samples} samples, batch ${decode[0].batch} (CPU unmasking + model forward; webgpu+gpu-core: our engine inside the GPU unmasking core, forwards/s = GPU steps/s)`, '');
      lines.push('| runtime | seconds | decodes/s | tokens/s | forwards/s | accuracy |', '|---|---|---|---|---|---|');
      for (const d of decode) lines.push(`| ${d.runtime} | ${d.seconds.toFixed(2)} | ${d.decodesPerSecond.toFixed(2)} | ${d.tokensPerSecond.toFixed(1)} | ${d.forwardsPerSecond.toFixed(2)} | ${(100 * d.accuracy).toFixed(1)}% |`);
    }
    if (profile.length) {
      const total = profile.reduce((a, p) => a + p.ms, 0);
      const agg = new Map<string, number>();
      for (const p of profile) agg.set(p.label, (agg.get(p.label) ?? 0) + p.ms);
      lines.push('', `Our engine, batch ${Math.max(...batches)}, one dispatch per submit (${profile.length} dispatches, ${total.toFixed(1)} ms in all):`, '');
      lines.push('| kernel | ms | share |', '|---|---|---|');
      for (const [l, ms] of [...agg].sort((a, b) => b[1] - a[1])) lines.push(`| ${l} | ${ms.toFixed(1)} | ${((100 * ms) / total).toFixed(0)}% |`);
    }
    for (const [r, why] of Object.entries(unavailable)) lines.push('', `${r}: cannot run on ${page.backend} (${why})`);
    const table = lines.join('\n');
    process.stdout.write(`${table}\n`);
    const out = resolve(process.env.UNMASK_RESULTS_DIR ?? resolve(ROOT, 'bench/results'), 'model-forward.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), command: `npm run bench:model -- ${process.argv.slice(2).join(' ')}`.trim(), backend: page.backend, info, request: req, forward, decode, profile, unavailable, table }, null, 2) + '\n');
    process.stdout.write(`wrote ${out}\n`);
  } finally {
    await page.close();
  }
}

main().catch((e) => {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exit(1);
});
