import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getStrategy } from '../../src/engine/strategies';
import { LESSONS, lessonSettings } from '../../src/ui/lessons';
import { axe, shots, startApp, watchedPage, type App } from './preview';

/**
 * Lessons, presenter mode, the phone layout and accessibility, end to end in Chromium. axe-core
 * checks every lesson, both tabs in both themes, presenter mode and the phone layout, and fails on
 * any serious or critical violation. Screenshots go to test/e2e/screenshots/ for a person to look at.
 */

let app: App | undefined;
const errors: string[] = [];

const newPage = (width: number, height: number): Promise<Page> => watchedPage(app!.browser, width, height, errors);

async function open(page: Page, query: string): Promise<void> {
  await page.goto(`${app!.base}${query}`);
  await page.locator('[data-testid=outcome-a]').waitFor({ timeout: 90_000 });
}

const readout = (page: Page) => page.getByTestId('step-readout').innerText();
const frameOf = async (page: Page) => Number((await readout(page)).split(' / ')[0]);

describe('lessons, presenter mode, phone and accessibility', () => {
  beforeAll(async () => {
    app = await startApp(4327);
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each(LESSONS.map((_, i) => i + 1))('opens ?lesson=%i at its preset, with its text, and passes axe', async (n) => {
    const page = await newPage(1280, 800);
    {
      await open(page, `?lesson=${n}`);
      const panel = page.getByTestId('lesson');
      await expect.poll(() => panel.getAttribute('data-lesson')).toBe(String(n));
      expect(await panel.locator('h2').innerText()).toBe(LESSONS[n - 1].title);
      expect(await page.getByTestId('lesson-progress').innerText()).toContain(`Lesson ${n} of ${LESSONS.length}`);
      expect(await panel.innerText()).toContain('Notice:');
      // The preset: task and A's strategy as the lesson says, and the URL holds all of it.
      const want = lessonSettings(n).settings;
      await expect.poll(() => page.url()).toContain(`task=${encodeURIComponent(want.task)}`);
      expect(page.url()).toContain(`lesson=${n}`);
      expect(page.url()).toContain(`a=${want.a.strategy}`);
      if (want.tab === 'decode') {
        await expect.poll(() => page.locator('#title-a').innerText(), { timeout: 90_000 }).toContain(getStrategy(want.a.strategy).title);
        await page.locator('[data-testid=outcome-a] strong').first().waitFor();
        await expect.poll(() => page.locator('[data-side=a] .busy').count(), { timeout: 90_000 }).toBe(0);
      }
      expect(await page.getByRole('checkbox', { name: /skip padding/ }).isChecked()).toBe(true);
      expect(await axe(page)).toEqual([]);
      await page.screenshot({ path: resolve(shots, `lesson-${n}.png`), fullPage: true });
    }
    await page.close();
  });

  it('"try this" changes the view on top of the preset, and the link keeps it', async () => {
    const page = await newPage(1280, 800);
    // "Try this" changes the view on top of the preset (lesson 3: ρ = 0) and the link keeps it.
    await open(page, '?lesson=3');
    await page.getByTestId('try-this').click();
    await expect.poll(() => page.url()).toContain('rho=0');
    expect(page.url()).toContain('lesson=3');
    await page.close();
  });

  it('presses through a lesson with the keyboard and the clicker keys', async () => {
    const page = await newPage(1280, 800);
    await open(page, '?lesson=1');
    await expect.poll(() => readout(page)).toBe('1 / 6');
    await page.locator('h1').click();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => readout(page)).toBe('2 / 6');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => readout(page)).toBe('1 / 6');
    // PageDown steps to the end of the decode, then on to the next lesson.
    for (let i = 0; i < 5; i++) await page.keyboard.press('PageDown');
    await expect.poll(() => readout(page)).toBe('6 / 6');
    await page.keyboard.press('PageDown');
    await expect.poll(() => page.getByTestId('lesson').getAttribute('data-lesson')).toBe('2');
    // PageUp at the first step goes back to lesson 1, at its last step.
    await page.locator('[data-testid=outcome-a] strong').first().waitFor();
    await page.keyboard.press('Home');
    await page.keyboard.press('PageUp');
    await expect.poll(() => page.getByTestId('lesson').getAttribute('data-lesson')).toBe('1');
    await expect.poll(() => readout(page)).toBe('6 / 6');
    // The lesson's buttons: next and previous.
    await page.getByRole('button', { name: 'next lesson →' }).click();
    await expect.poll(() => page.getByTestId('lesson').getAttribute('data-lesson')).toBe('2');
    await page.getByRole('button', { name: '← previous lesson' }).click();
    await expect.poll(() => page.getByTestId('lesson').getAttribute('data-lesson')).toBe('1');
    await page.close();
  });

  it("reaches A's first name token within 3 key presses on the default decode with skip padding on", async () => {
    const page = await newPage(1280, 800);
    await open(page, '?step=0');
    await page.locator('[data-testid=outcome-b] strong').first().waitFor();
    await page.getByRole('checkbox', { name: /skip padding/ }).check();
    await page.locator('h1').click();
    const aHasName = () =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('[data-side=a] .cell')].some(
          (c) => c.dataset.state !== 'masked' && c.dataset.state !== 'remasked' && !['EOS', ','].includes(c.querySelector('.cell-tok')?.textContent ?? ''),
        ),
      );
    expect(await aHasName()).toBe(false);
    let presses = 0;
    while (!(await aHasName()) && presses < 3) {
      await page.keyboard.press(presses === 0 ? 'n' : 'ArrowRight');
      presses++;
      await page.waitForTimeout(100);
    }
    expect(await aHasName()).toBe(true);
    expect(presses).toBeLessThanOrEqual(3);
    // Without skipping, → alone walks through the padding one step at a time.
    await page.getByRole('checkbox', { name: /skip padding/ }).uncheck();
    await page.locator('h1').click();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    expect(await frameOf(page)).toBe(1);
    await page.close();
  });

  it('canvas: one tab stop, arrow keys move between cells, a skip link, and the culprit step', async () => {
    const page = await newPage(1280, 800);
    await open(page, '?step=end');
    await page.locator('[data-testid=outcome-b] strong').first().waitFor();
    // The skip link is the first tab stop.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toMatch(/Skip to/);
    expect(await page.locator('[data-side=a] .cell[tabindex="0"]').count()).toBe(1);
    await page.locator('[data-side=a] .cell[tabindex="0"]').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.pos)).toBe('1');
    expect(await frameOf(page)).toBe(Number((await readout(page)).split(' / ')[1])); // the step did not move
    await page.keyboard.press('ArrowDown');
    expect(Number(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.pos))).toBeGreaterThan(1);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('cell'))).toBe(false);
    // B's culprits are exactly the positions its breaking step revealed.
    const reason = await page.getByTestId('reason-b').innerText();
    const m = reason.match(/positions? ([\d, ]+), revealed together at step (\d+)/)!;
    expect(m).not.toBeNull();
    const marked = await page.locator('[data-side=b] [data-culprit]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.pos).join(', '));
    expect(marked).toBe(m[1].trim());
    await page.getByRole('button', { name: `Show step ${m[2]}, where the answer stopped being valid` }).first().click();
    await expect.poll(() => readout(page)).toMatch(new RegExp(`^${m[2]} /`));
    await page.getByText('Glossary: the words on this page').click();
    await page.getByRole('button', { name: 'what is total correlation?' }).first().click();
    expect(await page.locator('.term-tip:visible').first().innerText()).toMatch(/bits of dependence/);
    await page.screenshot({ path: resolve(shots, 'decode-teaching.png'), fullPage: true });
    await page.close();
  });

  it('axe: no serious or critical violation on either tab, in either theme', async () => {
    const page = await newPage(1280, 800);
    await open(page, '?step=10');
    await page.locator('[data-testid=outcome-b] strong').first().waitFor();
    for (const theme of ['light', 'dark']) {
      if (theme === 'dark') await page.getByRole('button', { name: /dark theme/ }).click();
      await page.getByRole('button', { name: 'Step through a decode' }).click();
      await page.locator('[data-testid=outcome-b] strong').first().waitFor();
      expect(await axe(page), `decode tab, ${theme}`).toEqual([]);
      await page.getByRole('button', { name: /Benchmark/ }).click();
      await page.locator('section.bench').waitFor({ timeout: 30_000 });
      expect(await axe(page), `bench tab, ${theme}`).toEqual([]);
    }
    await page.getByRole('button', { name: /light theme/ }).click();
    await page.close();
  });

  it('presenter mode fits A, B and their verdicts on one 1920×1080 screen; clicker keys step', async () => {
    const page = await newPage(1920, 1080);
    await open(page, '?lesson=4');
    await page.locator('[data-testid=outcome-b] strong').first().waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Presenter mode' }).click();
    await page.locator('.app.presenter').waitFor();
    for (const id of ['verdict-a', 'verdict-b', 'outcome-a', 'outcome-b']) {
      const box = (await page.getByTestId(id).boundingBox())!;
      expect(box.y + box.height, id).toBeLessThanOrEqual(1080);
    }
    for (const side of ['a', 'b']) {
      const box = (await page.locator(`[data-side=${side}] .canvas`).boundingBox())!;
      expect(box.y + box.height, `canvas ${side}`).toBeLessThanOrEqual(1080);
    }
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(1080);
    const before = await frameOf(page);
    await page.keyboard.press('PageDown');
    await expect.poll(() => frameOf(page)).toBeGreaterThan(before);
    await page.keyboard.press('Space');
    await expect.poll(() => frameOf(page)).toBeGreaterThan(before + 1);
    await page.keyboard.press('PageUp');
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: resolve(shots, 'presenter-1920.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.app.presenter').count()).toBe(0);
    await page.close();
  });

  it('phone (390×844): no sideways scroll, both verdicts on the first screen, axe clean', async () => {
    const page = await newPage(390, 844);
    await open(page, '');
    await page.locator('[data-testid=outcome-b] strong').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    for (const id of ['verdict-a', 'verdict-b']) {
      const box = (await page.getByTestId(id).boundingBox())!;
      expect(box.y + box.height, id).toBeLessThanOrEqual(844);
      expect(await page.getByTestId(id).innerText()).toMatch(/valid/);
    }
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: resolve(shots, 'phone-390.png') });
    await open(page, '?lesson=2');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: resolve(shots, 'phone-390-lesson.png'), fullPage: true });
    await page.close();
  });

  it('draws a puzzle as its 4×4 grid', async () => {
    const page = await newPage(1280, 800);
    await open(page, '?task=puzzles/sudoku&a=topk-confidence&a.k=1&b=topk-random&b.k=4&step=end');
    await page.locator('[data-testid=outcome-b] strong').first().waitFor();
    expect(await page.locator('[data-side=a] .canvas-grid .grid-row').count()).toBe(4);
    const rows = await page.locator('[data-side=a] .canvas-grid .grid-row').evaluateAll((rs) => rs.map((r) => r.querySelectorAll('.cell').length));
    expect(rows).toEqual([5, 5, 5, 4]); // four cells and the "/" separator per row, the last row without
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: resolve(shots, 'puzzle-grid.png'), fullPage: true });
    await page.close();
  });

  it('had no console errors', () => {
    expect(errors).toEqual([]);
  });
});
