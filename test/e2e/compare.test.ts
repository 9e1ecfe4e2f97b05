import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axe, shots, startApp, watchedPage, type App } from './preview';

/**
 * Up to four decodes side by side (A, B, C, D) end to end in Chromium: adding and removing sides,
 * the URL through a reload, every verdict, the shared step, the layout at 1280 and 390 px, axe-core;
 * and the trade-off chart's measured points opened from the keyboard.
 * Screenshots go to test/e2e/screenshots/ for a person to look at.
 */

let app: App | undefined;
const errors: string[] = [];

const newPage = (width: number, height: number): Promise<Page> => watchedPage(app!.browser, width, height, errors);


const panels = (page: Page) => page.locator('section.decode-panel');
const titles = (page: Page) => page.locator('section.decode-panel h2').allInnerTexts();
/** Every shown verdict once all sides have decoded (no "decoding…" left). */
async function verdicts(page: Page, count: number): Promise<string[]> {
  const bar = page.getByTestId('verdict-bar').locator('a');
  await expect.poll(() => bar.count(), { timeout: 60_000 }).toBe(count);
  await expect.poll(async () => (await bar.allInnerTexts()).every((t) => /^[A-D] [✓✗] (in)?valid/.test(t)), { timeout: 90_000 }).toBe(true);
  return bar.allInnerTexts();
}

/** Opens a side's settings and picks a strategy (the one form every side uses). */
async function setStrategy(page: Page, side: string, strategy: string): Promise<void> {
  const panel = page.locator(`[data-side=${side}]`);
  await panel.locator('summary', { hasText: `Settings of decode ${side.toUpperCase()}` }).click();
  await panel.getByLabel('strategy', { exact: true }).selectOption(strategy);
}

// Letters: shuffle at n = 4; A one token per step, B four (it breaks on seed 1).
const AB = '?task=letters%2Fshuffle&n=4&seed=1&engine=cpu&a=topk-confidence&a.k=1&b=topk-confidence&b.k=4&compare=1&step=end';

describe('compare up to four decodes; chart points from the keyboard', () => {
  beforeAll(async () => {
    app = await startApp(4357);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('adds C and D with their own strategies, keeps them through a reload, one shared step, removes one', async () => {
    const page = await newPage(1280, 800);
    await page.goto(`${app!.base}${AB}`);
    expect(await verdicts(page, 2)).toHaveLength(2);
    expect(await panels(page).count()).toBe(2);

    await page.getByRole('button', { name: 'Add decode C' }).click();
    await expect.poll(() => panels(page).count()).toBe(3);
    await setStrategy(page, 'c', 'topk-random');
    await page.getByRole('button', { name: 'Add decode D' }).click();
    await expect.poll(() => panels(page).count()).toBe(4);
    await setStrategy(page, 'd', 'topk-margin');
    // Four is the most.
    expect(await page.getByRole('button', { name: /^Add decode/ }).count()).toBe(0);
    const before = await verdicts(page, 4);
    expect(before.map((v) => v[0])).toEqual(['A', 'B', 'C', 'D']);
    const names = await titles(page);
    expect(names[2]).toMatch(/^C: .*random/i);
    expect(names[3]).toMatch(/^D: .*margin/i);
    for (const side of ['a', 'b', 'c', 'd']) expect(await page.getByTestId(`outcome-${side}`).innerText()).toMatch(/[✓✗] (in)?valid/);

    // The URL carries C and D the same way as B; a reload shows the same four decodes.
    await expect.poll(() => page.url()).toMatch(/[?&]d=topk-margin/);
    expect(page.url()).toMatch(/[?&]c=topk-random&c\.k=\d/);
    await page.reload();
    expect(await verdicts(page, 4)).toEqual(before);
    expect(await titles(page)).toEqual(names);
    expect(await page.locator('.msg').count()).toBe(0);

    // One step slider for all: step 1 shows step 1 in every side.
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('step-readout').innerText()).toMatch(/^1 \//);
    for (const side of ['a', 'b', 'c', 'd']) await expect.poll(() => page.getByTestId(`outcome-${side}`).innerText()).toMatch(/^(step 1 of \d+|[✓✗] (in)?valid)/);
    expect(await page.getByTestId('announce').innerText()).toMatch(/A revealed .* B .* C .* D /);
    await page.keyboard.press('End');

    expect(await axe(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await page.screenshot({ path: resolve(shots, 'compare-4-1280.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // On a phone the sides stack, each under the one before.
    const ys = await panels(page).evaluateAll((ps) => ps.map((p) => p.getBoundingClientRect().top));
    expect([...ys].sort((x, y) => x - y)).toEqual(ys);
    expect(new Set(ys).size).toBe(4);
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: resolve(shots, 'compare-4-390.png'), fullPage: true });
    await page.screenshot({ path: resolve(shots, 'compare-4-390-top.png') });
    await page.setViewportSize({ width: 1280, height: 800 });

    // Removing B moves C and D up a letter, with their decodes; the URL loses d.
    await page.getByRole('button', { name: 'Remove decode B' }).click();
    await expect.poll(() => panels(page).count()).toBe(3);
    expect(await titles(page)).toEqual([names[0], names[2].replace(/^C/, 'B'), names[3].replace(/^D/, 'C')]);
    expect(await verdicts(page, 3)).toEqual([before[0], before[2].replace(/^C/, 'B'), before[3].replace(/^D/, 'C')]);
    await expect.poll(() => page.url()).not.toMatch(/[?&]d=/);
    // Down to one decode and back: the last one has no Remove; B returns with the settings it had.
    await page.getByRole('button', { name: 'Remove decode A' }).click();
    await page.getByRole('button', { name: 'Remove decode B' }).click();
    await expect.poll(() => titles(page)).toEqual([names[2].replace(/^C/, 'A')]);
    expect(await page.getByRole('button', { name: /^Remove decode/ }).count()).toBe(0);
    await expect.poll(() => page.url()).toMatch(/[?&]compare=0/);
    await page.getByRole('button', { name: 'Add decode B' }).click();
    await expect.poll(() => titles(page)).toEqual([names[2].replace(/^C/, 'A'), names[3].replace(/^D/, 'B')]);
    await page.close();
  }, 240_000);

  it('an A/B link opens as before: two decodes, no C or D, no message', async () => {
    const page = await newPage(1280, 800);
    await page.goto(`${app!.base}${AB}`);
    expect(await verdicts(page, 2)).toHaveLength(2);
    expect(await page.locator('.msg').count()).toBe(0);
    expect(page.url()).not.toMatch(/[?&][cd]=/);
    await page.close();
  });

  it('opens a measured point of the chart from the keyboard (Tab, Enter); the table keeps its open button', async () => {
    const page = await newPage(1280, 800);
    const form = 'tab=bench&engine=cpu&b.tasks=letters/shuffle&b.n.letters=3&b.strategies=topk-random&b.g.topk-random.k=1,2,3&b.samples=4&b.seed=3&c.theory=0&c.paper=';
    await page.goto(`${app!.base}?${form}`);
    await expect.poll(() => page.getByTestId('bench-preview').innerText(), { timeout: 30_000 }).toContain('3 configurations × 4 samples');
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await expect.poll(() => page.locator('[data-testid=result-row]').count(), { timeout: 90_000 }).toBe(3);
    await expect.poll(() => page.getByRole('button', { name: 'Run sweep' }).isEnabled(), { timeout: 90_000 }).toBe(true);
    const points = page.locator('[data-testid=chart] .measured [role=button]');
    await expect.poll(() => points.count()).toBe(3);
    expect(await axe(page)).toEqual([]);

    // Tab from the last chart control reaches a point (not only a scripted focus).
    await page.getByLabel('closed form').focus();
    let label = '';
    for (let i = 0; i < 6 && !label.startsWith('open the first decode'); i++) {
      await page.keyboard.press('Tab');
      label = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
    }
    expect(label).toMatch(/^open the first decode of topk-random k=\d: [\d.]+ tokens per step, score \d+%$/);
    const k = /k=(\d)/.exec(label)![1];
    await page.screenshot({ path: resolve(shots, 'chart-point-focus.png') });
    // The next Tab reaches the next point (one stop per point, in the order drawn).
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '')).toMatch(/^open the first decode of topk-random k=\d/);
    await page.locator('[data-testid=chart]').screenshot({ path: resolve(shots, 'chart-point-focus-next.png') });
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=outcome-a]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.url()).toMatch(new RegExp(`task=letters%2Fshuffle.*sample=0.*a=topk-random&a\\.k=${k}`));

    // The results table's "open" button still opens a configuration.
    await page.getByRole('button', { name: 'Benchmark & trade-off chart' }).click();
    await page.getByRole('button', { name: /^open the first decode of topk-random k=3 on letters\/shuffle/ }).click();
    await page.locator('[data-testid=outcome-a]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.url()).toMatch(/a=topk-random&a\.k=3/);
    await page.close();
  }, 240_000);

  it('had no console errors', () => {
    expect(errors).toEqual([]);
  });
});
