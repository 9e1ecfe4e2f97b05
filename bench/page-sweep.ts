/**
 * A page sweep on 1 vs N Web Workers (issue 13, src/worker/pool.ts) in headless Chromium: the
 * production build served by `vite preview` (COOP/COEP from vite.config.ts), the bench form
 * read from the URL, the same oracle sweep on the CPU engine with `b.workers=1`, then 2, ...,
 * each in a fresh browser context. Wall time is taken inside the page, from the click on
 * "Run sweep" to the run's "done"; the exported JSON (no timings) must be byte-identical.
 * With the wall time it reads the CPU time of every browser process and thread over the sweep
 * (Linux /proc, bench/process-cpu.ts) and prints each run's busiest threads.
 * Prints a table; writes bench/results/page-sweep.json. bench/parallel.ts uses it for its row (b).
 *
 *   npm run bench:page [-- --samples 100 --workers 1,2]
 * (--samples: per configuration; the sweep has 2 tasks x 8 strategy points = 16 configurations.
 *  Smaller runs only check the script.)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { build, preview } from 'vite';
import { CHROMIUM_ARGS, ROOT, chromiumPath } from '../src/cli/headless';
import { cpuBetween, descendantsCpu, threadsBetween } from './process-cpu';

/** The sweep: letters/shuffle n=6 and waiting-line/sort n=4, top-k random and by confidence at k = 1, 2, 4, 8, T = 1. */
export const PAGE_SWEEP =
  'tab=bench&engine=cpu&b.tasks=letters/shuffle,waiting-line/sort&b.n.letters=6&b.n.waiting-line=4&b.strategies=topk-random,topk-confidence&b.g.topk-random.k=1,2,4,8&b.g.topk-confidence.k=1,2,4,8&b.temps=1&b.seed=1&c.theory=0&c.paper=';

export interface PageSweepRow {
  workers: number;
  seconds: number;
  /** The workers the page's progress line named (the pool really ran with them). */
  reported: number | null;
  identical: boolean;
  /** CPU seconds the browser's processes used over the sweep (all threads; NaN off Linux). */
  cpu: number;
  /** The browser's busiest threads over the sweep: [pid/tid process-type name, CPU seconds]. */
  threads: [string, number][];
}

async function runOne(browser: Browser, base: string, samples: number, workers: number): Promise<Omit<PageSweepRow, 'workers' | 'identical'> & { file: string }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(0);
    await page.goto(`${base}?${PAGE_SWEEP}&b.samples=${samples}&b.workers=${workers}`);
    await page.getByTestId('bench-preview').waitFor();
    const cpu0 = descendantsCpu();
    const { ms, reported } = await page.evaluate(
      () =>
        new Promise<{ ms: number; reported: number | null }>((done, fail) => {
          let reported: number | null = null;
          const t0 = performance.now();
          const obs = new MutationObserver(() => {
            const m = /on (\d+) Web Worker/.exec(document.querySelector('div.progress')?.textContent ?? '');
            if (m) reported = Number(m[1]);
            const status = document.querySelector('[data-testid=run] summary')?.textContent ?? '';
            if (/ · done · /.test(status)) {
              obs.disconnect();
              done({ ms: performance.now() - t0, reported });
            } else if (/ · (error|cancelled) · /.test(status)) {
              obs.disconnect();
              fail(new Error(`the sweep stopped: ${status}`));
            }
          });
          obs.observe(document.body, { subtree: true, childList: true, characterData: true });
          [...document.querySelectorAll('button')].find((b) => b.textContent === 'Run sweep')!.click();
        }),
    );
    const cpu1 = descendantsCpu();
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
    const { readFileSync } = await import('node:fs');
    return { seconds: ms / 1000, cpu: cpuBetween(cpu0, cpu1), threads: threadsBetween(cpu0, cpu1).slice(0, 12), reported, file: readFileSync((await dl.path())!, 'utf8') };
  } finally {
    await context.close();
  }
}

/** Builds the page, serves it and runs the sweep once per entry of `workers`, in order. */
export async function pageSweeps(samples: number, workers: readonly number[]): Promise<PageSweepRow[]> {
  const outDir = resolve(ROOT, 'node_modules/.unmask-bench/dist');
  process.stderr.write('page sweep: building the page...\n');
  await build({ root: ROOT, configFile: resolve(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
  const server = await preview({ root: ROOT, configFile: resolve(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir }, preview: { port: 4377, strictPort: false, open: false } });
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  try {
    const base = server.resolvedUrls!.local[0];
    const rows: PageSweepRow[] = [];
    let first: string | null = null;
    for (const w of workers) {
      const r = await runOne(browser, base, samples, w);
      first ??= r.file;
      const { file, ...row } = r;
      rows.push({ workers: w, ...row, identical: file === first });
      process.stderr.write(`page sweep, ${w} worker(s): ${r.seconds.toFixed(1)} s, browser CPU ${r.cpu.toFixed(1)} s (${(r.cpu / r.seconds).toFixed(2)} cores)${r.file === first ? '' : ' (RECORDS DIFFER)'}\n`);
    }
    return rows;
  } finally {
    await browser.close();
    await new Promise<void>((r) => server.httpServer.close(() => r()));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name: string, def: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : def;
  };
  const samples = Number(arg('samples', '100'));
  const workers = arg('workers', '1,2').split(',').map(Number);
  if (!(Number.isInteger(samples) && samples >= 1) || !workers.every((w) => Number.isInteger(w) && w >= 1)) throw new RangeError('--samples and --workers take whole numbers >= 1');
  const rows = await pageSweeps(samples, workers);
  const base = rows[0].seconds;
  const table = [
    '| Web Workers | wall time | speed-up vs first | browser CPU (cores used) | workers the page reported | records |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.workers} | ${r.seconds.toFixed(2)} s | ${(base / r.seconds).toFixed(2)}x | ${r.cpu.toFixed(1)} s (${(r.cpu / r.seconds).toFixed(2)}) | ${r.reported ?? '?'} | ${r.identical ? 'identical' : 'DIFFER'} |`),
  ].join('\n');
  console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'} x${cpus().length}; page sweep: 16 configurations x ${samples} samples (oracle, CPU engine)`);
  console.log(table);
  // Where each run's CPU went: the decoders, V8's compiler and GC threads (ThreadPoolForeg),
  // the page's main thread (the renderer's own name), the compositors.
  for (const r of rows) console.log(`\n${r.workers} worker(s), busiest threads: ${r.threads.map(([k, v]) => `${k.replace(/^\S+ /, '')} ${v.toFixed(2)} s`).join('; ')}`);
  mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
  const out = resolve(ROOT, 'bench/results/page-sweep.json');
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), command: `npm run bench:page -- ${process.argv.slice(2).join(' ')}`.trim(), cpu: cpus()[0]?.model, cores: cpus().length, samples, query: PAGE_SWEEP, rows, table }, null, 2) + '\n');
  console.log(`wrote ${out}`);
  if (!rows.every((r) => r.identical && r.reported === r.workers)) process.exit(1);
}
