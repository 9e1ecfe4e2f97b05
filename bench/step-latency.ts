/**
 * Step-to-paint latency of the decode view in headless Chromium: how long one → press takes from
 * the key event to the next painted frame, with the panels under each decode (candidates,
 * dependencies) open and closed, and the long tasks (PerformanceObserver 'longtask', > 50 ms)
 * while playing at 8 steps/s. The default decode (waiting line, shuffle, n = 3, A k = 1 beside
 * B k = 3) on the CPU engine, so the decode itself is identical run to run; only the page's
 * rendering is timed. Prints a table; writes bench/results/step-latency.json.
 *
 * Run: npm run bench:steps [-- --label before|after] [--quick]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { build, preview } from 'vite';
import { CHROMIUM_ARGS, ROOT, chromiumPath } from '../src/cli/headless';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const labelAt = args.indexOf('--label');
const label = labelAt >= 0 ? args[labelAt + 1] : 'current';
const QUERY = '?task=waiting-line/shuffle&n=3&seed=1&compare=1&step=0&pos=7&engine=cpu';

interface Row {
  panels: 'open' | 'closed';
  steps: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  playFrames: number;
  playMeanIntervalMs: number;
  longTasks: number;
  longestTaskMs: number;
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** Sets every <details class="sub"> under the decodes open or closed, and waits for a paint. */
async function setPanels(page: Page, open: boolean): Promise<void> {
  await page.evaluate(async (o) => {
    for (const d of document.querySelectorAll<HTMLDetailsElement>('.decode-panel details.sub')) d.open = o;
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  }, open);
}

/** One → press measured in the page: key event to the first frame painted after it. */
async function stepTimes(page: Page, presses: number): Promise<number[]> {
  return page.evaluate(async (n) => {
    const out: number[] = [];
    const paint = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    // Home first so every run steps the same frames.
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home', bubbles: true }));
    await paint();
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
      await paint();
      out.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 30));
    }
    return out;
  }, presses);
}

/** Plays at 8 steps/s from the first step to the end; long tasks and frame intervals meanwhile. */
async function play(page: Page): Promise<{ frames: number; meanInterval: number; longTasks: number[] }> {
  await page.locator('.player select').selectOption('8');
  return page.evaluate(async () => {
    const long: number[] = [];
    const obs = new PerformanceObserver((list) => list.getEntries().forEach((e) => long.push(e.duration)));
    obs.observe({ type: 'longtask', buffered: false });
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home', bubbles: true }));
    const readout = () => document.querySelector('[data-testid=step-readout]')?.textContent ?? '';
    const changes: number[] = [];
    let last = readout();
    const t0 = performance.now();
    (document.querySelector('.player .play') as HTMLButtonElement).click();
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = readout();
        if (now !== last) {
          changes.push(performance.now());
          last = now;
        }
        const [a, b] = now.split(' / ').map(Number);
        if (a >= b || performance.now() - t0 > 30_000) resolve();
        else requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await new Promise((r) => setTimeout(r, 200));
    obs.disconnect();
    const gaps = changes.slice(1).map((t, i) => t - changes[i]);
    return { frames: changes.length, meanInterval: gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length), longTasks: long };
  });
}

// The production build, as people get it (the dev server's unbundled modules would time Vite).
const outDir = resolve(ROOT, 'node_modules/.unmask-bench/dist');
await build({ root: ROOT, configFile: resolve(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
const server = await preview({ root: ROOT, configFile: resolve(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir }, preview: { port: 4391, strictPort: false, open: false } });
const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
const rows: Row[] = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // tsx (esbuild keepNames) wraps named functions in __name(), which the page lacks.
  await page.addInitScript({ content: 'window.__name = (f) => f;' });
  await page.goto(server.resolvedUrls!.local[0] + QUERY);
  await page.locator('[data-testid=outcome-b]').waitFor({ timeout: 120_000 });
  await page.waitForTimeout(500);
  const presses = quick ? 8 : 32;
  for (const panels of ['open', 'closed'] as const) {
    await setPanels(page, panels === 'open');
    await stepTimes(page, 4); // warm-up
    const times = await stepTimes(page, presses);
    const p = await play(page);
    rows.push({
      panels,
      steps: times.length,
      meanMs: times.reduce((a, b) => a + b, 0) / times.length,
      p50Ms: pct(times, 0.5),
      p95Ms: pct(times, 0.95),
      maxMs: Math.max(...times),
      playFrames: p.frames,
      playMeanIntervalMs: p.meanInterval,
      longTasks: p.longTasks.length,
      longestTaskMs: p.longTasks.length ? Math.max(...p.longTasks) : 0,
    });
  }
} finally {
  await browser.close();
  await new Promise<void>((r) => server.httpServer.close(() => r()));
}

const f = (x: number) => x.toFixed(1);
console.log(`step-to-paint latency, default decode, ${label} (${cpus().length} cores)`);
console.log('| panels | steps | mean ms | p50 ms | p95 ms | max ms | play 8/s: frames | mean interval ms | long tasks | longest ms |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(`| ${r.panels} | ${r.steps} | ${f(r.meanMs)} | ${f(r.p50Ms)} | ${f(r.p95Ms)} | ${f(r.maxMs)} | ${r.playFrames} | ${f(r.playMeanIntervalMs)} | ${r.longTasks} | ${f(r.longestTaskMs)} |`);
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/step-latency${label === 'current' ? '' : `-${label}`}.json`;
writeFileSync(file, JSON.stringify({ label, date: new Date().toISOString(), cores: cpus().length, query: QUERY, rows }, null, 2));
console.log(`wrote ${file}`);
