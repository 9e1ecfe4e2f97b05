/**
 * Where the page's threads spend a sweep: a Chromium trace (8 s, 4 s into the page-sweep of
 * bench/page-sweep.ts, 10000 samples per configuration by default) summarised per thread (busy ms) and, for the page's main
 * thread, per trace event, with the count and cost of the worker messages it handled. The tool
 * that found the main thread's message load behind the pool's missing speed-up (docs/PERFORMANCE.md).
 * Needs the build of `npm run bench:page` (node_modules/.unmask-bench/dist).
 *
 *   npm run bench:page-trace [-- WORKERS SAMPLES]   (default 2 10000: the sweep must outlast the trace)
 */
import { resolve } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { preview } from 'vite';
import { CHROMIUM_ARGS, ROOT, chromiumPath } from '../src/cli/headless';
import { PAGE_SWEEP } from './page-sweep';
const outDir = resolve(ROOT, 'node_modules/.unmask-bench/dist');
const server = await preview({ root: ROOT, configFile: resolve(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir }, preview: { port: 4390, strictPort: false, open: false } });
const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
await page.goto(`${server.resolvedUrls!.local[0]}?${PAGE_SWEEP}&b.samples=${process.argv[3] ?? '10000'}&b.workers=${process.argv[2] ?? '2'}`);
await page.getByTestId('bench-preview').waitFor();
await page.getByRole('button', { name: 'Run sweep' }).click();
await page.waitForTimeout(4000);
await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8', 'blink', 'cc', 'gpu', 'viz'] });
await page.waitForTimeout(8000);
const buf = await browser.stopTracing();
mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
writeFileSync(resolve(ROOT, 'bench/results/page-trace.json'), buf);
interface TraceEvent { ph: string; name: string; pid: number; tid: number; dur?: number; args: { name?: string } }
const ev = (JSON.parse(buf.toString()) as { traceEvents: TraceEvent[] }).traceEvents;
const names = new Map<string, string>();
for (const e of ev) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name ?? '?');
const busy = new Map<string, number>();
const byName = new Map<string, number>();
const messages: number[] = [];
for (const e of ev) {
  if (e.ph !== 'X' || !e.dur) continue;
  const th = names.get(`${e.pid}:${e.tid}`) ?? `${e.pid}:${e.tid}`;
  if (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') busy.set(`${th} (${e.pid})`, (busy.get(`${th} (${e.pid})`) ?? 0) + e.dur);
  if (th === 'CrRendererMain') byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur);
  if (th === 'CrRendererMain' && e.name === 'HandlePostMessage') messages.push(e.dur / 1000);
}
console.log('busy ms per thread in 8 s:', [...busy].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k}: ${(v / 1000).toFixed(0)}`).join('\n'));
console.log('CrRendererMain by event:', [...byName].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, v]) => `${k}: ${(v / 1000).toFixed(0)}`).join('\n'));
messages.sort((a, b) => a - b);
console.log(`main thread: ${messages.length} worker messages in 8 s, median ${messages[messages.length >> 1]?.toFixed(2)} ms, total ${messages.reduce((a, b) => a + b, 0).toFixed(0)} ms`);
await browser.close();
server.httpServer.close();
