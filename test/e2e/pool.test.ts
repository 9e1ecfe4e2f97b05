import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shots, startApp, type App } from './preview';

/**
 * The page's sweep pool (issue 13, src/worker/pool.ts): the same sweep with 1 and with 2 Web
 * Workers gives byte-identical exported records (each sample's seeds depend on its index only),
 * for the oracle on the CPU engine and for the trained model on the CPU twin and on ORT wasm; the progress line
 * names how many workers decode.
 */

let app: App;
const problems: string[] = [];

/** Oracle on the CPU engine: 2 tasks x 3 strategy points at T = 1; 40 samples = 3 chunks of <= 16 per config. */
const ORACLE = 'tab=bench&engine=cpu&b.tasks=letters/shuffle,waiting-line/sort&b.n.letters=4&b.n.waiting-line=3&b.strategies=topk-random,topk-confidence&b.g.topk-random.k=1,3&b.g.topk-confidence.k=2&b.temps=1&b.samples=40&b.seed=5&c.theory=0&c.paper=';
/** The trained model on the CPU twin (loaded in each pool worker). */
const MODEL = 'tab=bench&engine=cpu&b.tasks=letters/shuffle&b.n.letters=3&b.strategies=topk-confidence&b.g.topk-confidence.k=1,3&b.samples=20&b.seed=2&b.sweep-model=tiny&b.sweep-runtime=cpu&c.theory=0&c.paper=';

interface Exported {
  runs: { status: string; records: { backend: string; score: number; perSample: { correct: number[] } }[] }[];
}

/** Runs the form's sweep in a fresh context with `workers` workers; returns the export and every progress line seen. */
async function sweep(query: string, workers: number): Promise<{ file: string; data: Exported; progress: string[] }> {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  try {
    const page: Page = await context.newPage();
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${app.base}?${query}&b.workers=${workers}`);
    await expect.poll(() => page.getByTestId('bench-preview').innerText(), { timeout: 30_000 }).toContain('configurations');
    await page.evaluate(() => {
      const seen: string[] = ((window as unknown as { __progress: string[] }).__progress = []);
      new MutationObserver(() => {
        const t = document.querySelector('div.progress')?.textContent;
        if (t && seen.at(-1) !== t) seen.push(t);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    // Generous timeouts: the shared test machine can starve the page's main thread for a while.
    await page.getByRole('button', { name: 'Run sweep' }).click({ noWaitAfter: true, timeout: 120_000 });
    // The run's status, or the form's error (a model that did not load) instead of a silent wait.
    const state = () => page.evaluate(() => document.querySelector('[data-testid=run] summary')?.textContent || `alert: ${document.querySelector('[role=alert]')?.textContent ?? ''}`);
    await expect.poll(state, { timeout: 300_000 }).toMatch(/ · (done|error|cancelled) · |^alert: ./);
    expect(await state()).toMatch(/ · done · /);
    const progress = await page.evaluate(() => (window as unknown as { __progress: string[] }).__progress);
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
    const file = readFileSync((await dl.path())!, 'utf8');
    if (workers > 1) await page.screenshot({ path: resolve(shots, `pool-${workers}.png`), fullPage: true });
    return { file, data: JSON.parse(file) as Exported, progress };
  } finally {
    await context.close();
  }
}

describe('page sweep pool', () => {
  beforeAll(async () => {
    app = await startApp(4367);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('the oracle on the CPU engine: 1 and 2 workers export identical records', async () => {
    const one = await sweep(ORACLE, 1);
    const two = await sweep(ORACLE, 2);
    expect(one.data.runs[0].status).toBe('done');
    const records = one.data.runs[0].records;
    expect(records).toHaveLength(2 * 3);
    // Not degenerate: scores differ between configurations, and per-sample outcomes are kept.
    expect(new Set(records.map((r) => r.score)).size).toBeGreaterThan(1);
    expect(records[0].perSample.correct).toHaveLength(40);
    expect(two.file).toBe(one.file);
    expect(one.progress.some((p) => p.includes('on 1 Web Worker,'))).toBe(true);
    expect(two.progress.some((p) => p.includes('on 2 Web Workers'))).toBe(true);
    expect(problems).toEqual([]);
  }, 600_000);

  it('the trained model on the CPU twin: 1 and 2 workers export identical records', async () => {
    const one = await sweep(MODEL, 1);
    const two = await sweep(MODEL, 2);
    expect(one.data.runs[0].status).toBe('done');
    expect(one.data.runs[0].records.map((r) => r.backend)).toEqual(['tiny/cpu', 'tiny/cpu']);
    expect(two.file).toBe(one.file);
    expect(two.progress.some((p) => p.includes('on 2 Web Workers'))).toBe(true);
    expect(problems).toEqual([]);
  }, 600_000);

  it('the trained model on ORT wasm (one ORT thread per pool worker): 1 and 2 workers export identical records', async () => {
    const query = MODEL.replace('b.sweep-runtime=cpu', 'b.sweep-runtime=ort-wasm');
    const one = await sweep(query, 1);
    const two = await sweep(query, 2);
    expect(one.data.runs[0].records.map((r) => r.backend)).toEqual(['tiny/ort-wasm', 'tiny/ort-wasm']);
    expect(two.file).toBe(one.file);
    expect(two.progress.some((p) => p.includes('on 2 Web Workers'))).toBe(true);
    expect(problems).toEqual([]);
  }, 600_000);
});
