import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath } from '../../src/cli/headless';
import { axe, startPreview } from './preview';

/**
 * The researcher's bench end to end: the form in the URL, results shared by link, chart exports,
 * a point opening its decode, cancel + resume equal to an uninterrupted sweep, and axe-core.
 * Screenshots go to test/e2e/screenshots/ (git-ignored).
 */
const shots = resolve(__dirname, 'screenshots');

let server: { base: string; close(): Promise<void> };
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

/** A small sweep on the CPU engine: letters/shuffle n=3, top-k random at k = 1, 2, 3. */
const FORM = 'tab=bench&engine=cpu&b.tasks=letters/shuffle&b.n.letters=3&b.strategies=topk-random&b.g.topk-random.k=1,2,3&b.samples=12&b.seed=3&c.theory=0&c.paper=';

/** A run's box: by its index in the list (newest first), or a locator of one. */
const runBox = (p: Page, run: number | Locator = 0) => (typeof run === 'number' ? p.locator('[data-testid=run]').nth(run) : run);
const rows = (p: Page, run: number | Locator = 0) => runBox(p, run).locator('[data-testid=result-row]');
/** The rows' cells without the time column (timing differs between runs) and the button. */
async function rowCells(p: Page, run: number | Locator = 0): Promise<string[][]> {
  const headers = await runBox(p, run).locator('thead th').allInnerTexts();
  const time = headers.findIndex((h) => h.startsWith('time'));
  const out: string[][] = [];
  for (const row of await rows(p, run).all()) out.push((await row.locator('td').allInnerTexts()).filter((_, i) => i !== time && i < headers.length - 1));
  return out;
}
/** The chart's measured points (the focusable buttons), by their accessible names, sorted. */
async function chartPoints(p: Page): Promise<string[]> {
  const labels = await p.locator('[data-testid=chart] .measured [role=button]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  return labels.sort();
}

/**
 * Runs the form's sweep and waits for the new run (listed first) to end, by its status rather
 * than by the button (a loaded machine may answer the button's state before the sweep shows);
 * a run that ended in error fails here with its message.
 */
async function runSweep(p: Page): Promise<void> {
  const before = await p.locator('[data-testid=run]').count();
  await p.getByRole('button', { name: 'Run sweep' }).click();
  await expect.poll(() => p.locator('[data-testid=run]').count(), { timeout: 30_000 }).toBe(before + 1);
  await settled(p);
}

/** Waits until the first run has ended done or in error, and expects it done (its error text if not). */
async function settled(p: Page): Promise<void> {
  const run = p.locator('[data-testid=run]').first();
  await expect.poll(() => run.locator('summary').innerText(), { timeout: 120_000 }).toMatch(/· (done|error) ·/);
  const status = `${await run.locator('summary').innerText()} ${await run.locator('p.error').allInnerTexts()} ${await p.locator('.msg').allInnerTexts()}`;
  expect(status).toMatch(/· done ·/);
}

describe('benchmark end to end', () => {
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    server = await startPreview(4337);
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('reads the form from the URL, runs a small sweep, keeps the form across a reload; axe finds nothing serious', async () => {
    await page.goto(`${server.base}?${FORM}`);
    await expect.poll(() => page.getByTestId('task-summary').innerText(), { timeout: 30_000 }).toBe('1 task: Letters: shuffle.');
    expect(await page.getByTestId('strategy-summary').innerText()).toBe('1 strategy: Top-k, random order.');
    expect(await page.getByTestId('bench-preview').innerText()).toContain('3 configurations × 12 samples');
    expect(await axe(page)).toEqual([]);
    await runSweep(page);
    await expect.poll(() => rows(page).count()).toBe(3);
    // A form changed in the page (not only one the URL already held) survives a reload.
    await page.getByLabel('samples per configuration').fill('13');
    await expect.poll(() => page.url()).toContain('b.samples=13');
    await page.reload();
    await expect.poll(() => page.getByTestId('task-summary').innerText(), { timeout: 30_000 }).toBe('1 task: Letters: shuffle.');
    expect(await page.getByLabel('samples per configuration').inputValue()).toBe('13');
    await expect.poll(() => rows(page).count()).toBe(3);
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: resolve(shots, 'bench-1280.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: resolve(shots, 'bench-390.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('Export SVG and Export PNG download the chart on screen', async () => {
    const [svgDl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export SVG' }).click()]);
    const svg = readFileSync((await svgDl.path())!, 'utf8');
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { error: doc.querySelector('parsererror')?.textContent ?? null, curves: doc.querySelectorAll('.recharts-scatter-line path, .recharts-scatter-line').length, points: doc.querySelectorAll('.recharts-scatter-symbol').length, legend: doc.querySelector('.export-legend')?.textContent ?? '' };
    }, svg);
    expect(parsed.error).toBeNull();
    expect(parsed.curves).toBeGreaterThan(0);
    expect(parsed.points).toBeGreaterThanOrEqual(3);
    expect(parsed.legend).toContain('topk-random');
    const [pngDl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export PNG' }).click()]);
    const png = readFileSync((await pngDl.path())!);
    expect(png.length).toBeGreaterThan(1000);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });

  it('Copy share link: a fresh browser shows the same rows and chart points, read-only, without touching its own runs', async () => {
    await page.getByRole('button', { name: 'Copy share link' }).click();
    const link = await page.getByTestId('share-link').inputValue();
    expect(link).toContain('#r=');
    const mine = await rowCells(page);
    const count = await page.getByTestId('chart-count').innerText();
    const points = await chartPoints(page);
    expect(points).toHaveLength(3);
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const q = await other.newPage();
      await q.goto(link);
      await expect.poll(() => q.locator('[data-testid=run][data-shared]').count(), { timeout: 30_000 }).toBe(1);
      expect(await rowCells(q)).toEqual(mine);
      await expect.poll(() => q.getByTestId('chart-count').innerText()).toBe(count);
      expect(await chartPoints(q)).toEqual(points);
      expect(await q.getByRole('button', { name: 'Import into my runs' }).count()).toBe(1);
      await q.screenshot({ path: resolve(shots, 'bench-shared.png'), fullPage: true });
    } finally {
      await other.close();
    }

    // The same browser (same storage, holding the user's own run): the link is shown beside it,
    // never over it, whether opened in a new tab or by a same-tab navigation that changes only the hash.
    const own = (p: Page) => p.locator('[data-testid=run]:not([data-shared])');
    const ownRows = async (p: Page) => {
      await expect.poll(() => own(p).count(), { timeout: 30_000 }).toBe(1);
      // The newest run's box is the open one; open the user's to read its rows.
      if ((await own(p).getAttribute('open')) === null) await own(p).locator('summary').click();
      return rowCells(p, own(p));
    };
    const fresh = await context.newPage();
    const hashOnly = await context.newPage();
    try {
      await fresh.goto(link);
      await expect.poll(() => fresh.locator('[data-testid=run][data-shared]').count(), { timeout: 30_000 }).toBe(1);
      expect(await ownRows(fresh)).toEqual(mine);
      expect(await rowCells(fresh, fresh.locator('[data-testid=run][data-shared]'))).toEqual(mine);

      await hashOnly.goto(link.slice(0, link.indexOf('#')));
      expect(await ownRows(hashOnly)).toEqual(mine);
      expect(await hashOnly.locator('[data-testid=run][data-shared]').count()).toBe(0);
      await hashOnly.evaluate(() => Object.assign(window, { notReloaded: true }));
      await hashOnly.goto(link); // only the fragment differs: no reload, a hashchange
      await expect.poll(() => hashOnly.locator('[data-testid=run][data-shared]').count(), { timeout: 30_000 }).toBe(1);
      expect(await hashOnly.evaluate(() => (window as { notReloaded?: boolean }).notReloaded)).toBe(true);
      expect(await ownRows(hashOnly)).toEqual(mine);
    } finally {
      await fresh.close();
      await hashOnly.close();
    }
  });

  it('clicking a measured point opens its decode with the first sample', async () => {
    await page.locator('[data-testid=chart] .measured .recharts-scatter-symbol').first().click();
    await page.locator('[data-testid=outcome-a]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.url()).toMatch(/task=letters%2Fshuffle.*sample=0/);
    expect(page.url()).toContain('a=topk-random');
    expect(await page.locator('.msg').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('sample #0')]));
  });

  it('a cancelled sweep, resumed, gives exactly the records of an uninterrupted one', async () => {
    // Slow enough to cancel inside the second configuration (4000 samples: on a loaded machine the
    // cancel can reach the pool a second late): the waiting line at one token per step
    // (on every core: the sweep pool, src/worker/pool.ts, whose partial progress is under test too).
    const slow = FORM.replace('b.tasks=letters/shuffle', 'b.tasks=waiting-line/shuffle').replace('b.n.letters=3', 'b.n.waiting-line=3').replace('b.samples=12', 'b.samples=4000');
    await page.goto(`${server.base}?${slow}`);
    await expect.poll(() => page.getByTestId('bench-preview').innerText(), { timeout: 30_000 }).toContain('3 configurations × 4000 samples');
    // Cancel from inside the page the moment configuration 2 starts (a click from here can come too late).
    const cancelled = page.evaluate(() => new Promise<void>((resolve) => {
      const obs = new MutationObserver(() => {
        if (!/configuration 2 of 3/.test(document.querySelector('div.progress')?.textContent ?? '')) return;
        obs.disconnect();
        [...document.querySelectorAll('button')].find((b) => b.textContent === 'Cancel')?.click();
        resolve();
      });
      obs.observe(document.body, { subtree: true, childList: true, characterData: true });
    }));
    await page.getByRole('button', { name: 'Run sweep' }).click({ noWaitAfter: true });
    await cancelled;
    await expect.poll(() => page.getByRole('button', { name: 'Run sweep' }).isEnabled(), { timeout: 30_000 }).toBe(true);
    const cut = page.locator('[data-testid=run]').first();
    expect(await cut.locator('summary').innerText()).toMatch(/cancelled · ([12]) of 3 configurations \+ \d+ samples of configuration [23]/);
    await expect.poll(() => cut.getByTestId('partial-row').count()).toBe(1);
    await cut.getByRole('button', { name: /^Resume/ }).click();
    await settled(page);
    await expect.poll(() => rows(page, 0).count()).toBe(3);
    const resumed = await rowCells(page, 0);
    await runSweep(page);
    await expect.poll(() => rows(page, 0).count()).toBe(3);
    const whole = await rowCells(page, 0);
    expect(resumed).toEqual(whole);
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
