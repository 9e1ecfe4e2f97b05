import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shots, startApp, type App } from './preview';

/**
 * The page end to end: a production build served by `vite preview`, driven in Debian's Chromium.
 * Screenshots of the main views go to test/e2e/screenshots/ (git-ignored) for a human to look at.
 */
let app: App | undefined;
let page: Page;
let base = '';
const pageErrors: string[] = [];

async function open(url: string, p: Page = page): Promise<void> {
  await p.goto(url);
  await p.locator('[data-testid=outcome-a]').waitFor({ timeout: 30_000 });
}

const readout = (p: Page = page) => p.getByTestId('step-readout').innerText();


describe('Unmask end to end', () => {
  beforeAll(async () => {
    app = await startApp(4317);
    base = app.base;
    const context = await app.browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('opens on the preset: one token per step is valid, three per step is not, with the reason', async () => {
    await open(base);
    await expect.poll(() => page.getByTestId('outcome-b').innerText()).toContain('invalid');
    expect(await page.getByTestId('outcome-a').innerText()).toContain('valid');
    const reason = await page.getByTestId('reason-b').innerText();
    expect(reason).toMatch(/mixes two people/);
    expect(await page.locator('[data-side=b] [data-culprit]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: resolve(shots, 'decode-preset.png'), fullPage: true });
  });

  it('steps a decode back and forward by keyboard and buttons, and announces the step', async () => {
    const [, total] = (await readout()).split(' / ').map(Number);
    expect(total).toBeGreaterThan(3);
    await page.locator('h1').click();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => readout()).toBe(`${total - 1} / ${total}`);
    await page.getByRole('button', { name: 'step back' }).click();
    await expect.poll(() => readout()).toBe(`${total - 2} / ${total}`);
    await page.getByRole('button', { name: 'first step' }).click();
    await page.getByRole('button', { name: 'step forward' }).click();
    await page.locator('h1').click();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => readout()).toBe(`2 / ${total}`);
    expect(await page.getByTestId('announce').innerText()).toContain('Step 2 of');
    expect(await page.locator('[data-side=a] .cell[data-state=new]').count()).toBe(1);
    await page.screenshot({ path: resolve(shots, 'decode-step2.png'), fullPage: true });
  });

  it('changes the strategy of decode B and re-decodes', async () => {
    await page.locator('[data-side=b] summary', { hasText: 'Settings of decode B' }).click();
    await page.locator('[data-side=b]').getByLabel('strategy').selectOption('topk-random');
    await expect.poll(() => page.locator('#title-b').innerText()).toContain('random');
    await expect.poll(() => page.url()).toContain('b=topk-random');
    await page.locator('[data-side=b] summary', { hasText: 'Settings of decode B' }).click();
  });

  it('reproduces the view from a shared URL, step and selected position included', async () => {
    await page.getByRole('button', { name: 'first step' }).click();
    for (let i = 0; i < 5; i++) await page.getByRole('button', { name: 'step forward' }).click();
    await page.locator('[data-side=a] .cell').nth(3).click();
    await expect.poll(() => page.url()).toContain('pos=3');
    await expect.poll(() => page.url()).toContain('step=5');
    const url = page.url();
    const canvasB = await page.locator('[data-side=b] .canvas').innerText();
    const other = await page.context().newPage();
    await open(url, other);
    await expect.poll(() => readout(other)).toBe(await readout());
    await expect.poll(() => other.locator('[data-side=b] .canvas').innerText()).toBe(canvasB);
    expect(await other.locator('[data-side=a] .cell').nth(3).getAttribute('aria-pressed')).toBe('true');
    expect(await other.locator('#title-b').innerText()).toContain('random');
    await other.screenshot({ path: resolve(shots, 'shared-url.png'), fullPage: true });
    await other.close();
  });

  it('shows a message and defaults for garbage URL parameters, never a blank page', async () => {
    await open(`${base}?task=nope&n=banana&a=%3Cscript%3E&a.k=-4&seed=xyz&step=-3&heat=rainbow&zzz=1`);
    const messages = page.getByTestId('messages');
    await messages.waitFor();
    const text = await messages.innerText();
    expect(text).toContain('"task=nope"');
    expect(text).toContain('"n=banana"');
    expect(text).toContain('"seed=xyz"');
    expect(text).toContain('"zzz"');
    await expect.poll(() => page.getByTestId('outcome-b').innerText()).toContain('invalid');
    await page.screenshot({ path: resolve(shots, 'garbage-url.png'), fullPage: true });
  });

  it('runs a small sweep in the worker and draws points with intervals on the chart', async () => {
    await open(base);
    await page.getByRole('button', { name: /Benchmark/ }).click();
    await page.getByLabel('samples per configuration').fill('20');
    for (const input of await page.getByLabel('tokens per step (k) values').all()) await input.fill('1, 4, 32');
    await expect.poll(() => page.getByTestId('bench-preview').innerText()).toContain('6 configurations');
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await expect.poll(() => page.getByTestId('chart-count').innerText(), { timeout: 60_000 }).toMatch(/^6 measured points/);
    await expect.poll(() => page.getByRole('button', { name: 'Run sweep' }).isEnabled()).toBe(true);
    expect(await page.locator('[data-testid=chart] .recharts-scatter-symbol').count()).toBeGreaterThanOrEqual(6);
    expect(await page.locator('[data-testid=chart] .recharts-errorBar').count()).toBeGreaterThan(0);
    await page.screenshot({ path: resolve(shots, 'bench-chart.png'), fullPage: true });
  });

  it('keeps the results across a reload', async () => {
    await page.reload();
    await expect.poll(() => page.getByTestId('chart-count').innerText(), { timeout: 20_000 }).toMatch(/^6 measured points/);
    expect(await page.getByTestId('result-row').count()).toBe(6);
  });

  it('resumes a sweep interrupted by a reload', async () => {
    // Big enough that the CPU engine (Auto's choice on SwiftShader) is still running at the reload.
    await page.getByLabel('samples per configuration').fill('1000');
    for (const input of await page.getByLabel('tokens per step (k) values').all()) await input.fill('1, 2, 3, 4');
    await page.getByRole('button', { name: 'Run sweep' }).click();
    // Some progress stored: finished configurations, or finished samples of the first one.
    await expect.poll(() => page.locator('details.run').first().innerText(), { timeout: 60_000 }).toMatch(/running · ([1-7] of 8|0 of 8 configurations \+ \d+ samples)/);
    await page.reload();
    const resume = page.getByRole('button', { name: /^Resume/ });
    await resume.waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('messages').innerText()).toContain('interrupted');
    await resume.click();
    await expect.poll(() => page.locator('details.run').first().innerText(), { timeout: 120_000 }).toMatch(/done · 8 of 8/);
  });

  it('decodes with the trained model chosen in the model menu', async () => {
    await open(`${base}?task=letters/copy&n=6&compare=1`);
    await page.locator('[data-side=a] summary', { hasText: 'Settings of decode A' }).click();
    await page.locator('[data-side=a]').getByLabel('model', { exact: true }).selectOption('tiny');
    // The first decode does not wait for Auto: it runs on the adapter's pick while the runtimes are
    // measured in the background (on SwiftShader ORT WebGPU's first decode alone takes tens of seconds).
    await page.locator('[data-testid=ran-on-a]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('ran-on-a').innerText()).toMatch(/^tiny ran on .+ \(Auto's first pick for this adapter; it is measuring every runtime in the background\), .+ ms per (forward|step)/);
    await expect.poll(() => page.getByTestId('messages').innerText(), { timeout: 200_000 }).toMatch(/Auto measured tiny's runtimes on letters \(step-through\) \(.*ms.*\): the next decodes run on /);
    expect(await page.locator('#title-a').innerText()).toContain('Tiny MDM');
    await expect.poll(() => page.url()).toContain('a.model=tiny');
    expect(await page.getByTestId('outcome-a').innerText()).toMatch(/valid/);
    expect(await page.locator('[data-side=a] [data-testid=dep-model]').innerText()).toMatch(/Exact only with the oracle/);
    await page.locator('[data-side=a] summary', { hasText: 'Settings of decode A' }).click();
    // Candidates of the model at a position, as for the oracle (at step 1, where it was still masked).
    await page.getByRole('button', { name: 'first step' }).click();
    await page.getByRole('button', { name: 'step forward' }).click();
    await page.locator('[data-side=a] .cell').nth(2).click();
    await expect.poll(() => page.locator('[data-side=a] details.sub').first().innerText()).toMatch(/Position 2, step 1: top candidates/);
    await page.locator('footer summary').click();
    await expect.poll(() => page.getByTestId('model-runtime').innerText()).toMatch(/^tiny on /);
    await page.getByRole('button', { name: 'Verify against CPU' }).click();
    await expect.poll(() => page.getByTestId('verify-result').innerText(), { timeout: 60_000 }).toMatch(/identical|first difference/);
    await page.evaluate(() => window.scrollTo(0, 0)); // the sticky player would overlap a scrolled full-page shot
    await page.screenshot({ path: resolve(shots, 'model-decode.png'), fullPage: true });
    await page.locator('footer summary').click();
    // A small sweep with the trained model: its curve is labelled by model and runtime.
    await page.getByRole('button', { name: /Benchmark/ }).click();
    const bench = page.locator('section.bench');
    await bench.getByLabel('model', { exact: true }).selectOption('tiny');
    await bench.getByLabel('samples per configuration').fill('4');
    await bench.getByLabel('Letters: copy').check();
    await bench.getByLabel('Waiting line: shuffle').uncheck();
    await bench.getByLabel('letters: sizes n').fill('4');
    await bench.getByLabel('Top-k by confidence', { exact: true }).check();
    await bench.getByLabel('Top-k, random order', { exact: true }).uncheck();
    for (const input of await bench.getByLabel('tokens per step (k) values').all()) await input.fill('1, 8');
    await expect.poll(() => page.getByTestId('bench-preview').innerText()).toContain('2 configurations');
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await expect.poll(() => page.locator('details.run').first().innerText(), { timeout: 60_000 }).toMatch(/done · 2 of 2/);
    await page.locator('section.chart').getByLabel('task').selectOption('letters/copy n=4');
    await expect.poll(() => page.getByTestId('chart').innerText()).toMatch(/topk-confidence · tiny\//);
    expect(await page.locator('[data-testid=run] table.results').first().innerText()).toMatch(/tiny\/(ort-wasm|webgpu|ort-webgpu|cpu)/);
    await page.evaluate(() => window.scrollTo(0, 0)); // the sticky player would overlap a scrolled full-page shot
    await page.screenshot({ path: resolve(shots, 'model-sweep.png'), fullPage: true });
    // Auto's measurement is stored per adapter and family: a new page (a new worker) decodes on the measured runtime at once.
    await open(`${base}?task=letters/copy&n=6&a.model=tiny`);
    await page.locator('[data-testid=ran-on-a]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('ran-on-a').innerText()).toMatch(/^tiny ran on .+ \(chosen by Auto, measured\), /);
  }, 400_000);

  it('shows a clear message for a garbage model upload while the page keeps working; model=custom links explain themselves', async () => {
    await open(base);
    const b = page.locator('[data-side=b]');
    await b.locator('summary', { hasText: 'Settings of decode B' }).click();
    await b.getByLabel('model', { exact: true }).selectOption('custom');
    await b.getByTestId('model-loader').waitFor();
    await b.getByLabel('ONNX model file (.onnx)').setInputFiles({ name: 'garbage.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('GIF89a definitely not a model') });
    await b.getByLabel('vocabulary JSON file').setInputFiles({ name: 'vocab.json', mimeType: 'application/json', buffer: Buffer.from('{"tokens": []}') });
    await b.getByRole('button', { name: 'Load model files' }).click();
    const err = b.getByTestId('model-error');
    await err.waitFor({ timeout: 20_000 });
    expect(await err.innerText()).toMatch(/Not an ONNX model/);
    // B decodes with the oracle meanwhile, and says so; A and the player keep working.
    expect(await b.getByTestId('custom-missing-b').innerText()).toMatch(/exact oracle/);
    await expect.poll(() => page.url()).toContain('b.model=custom');
    await page.evaluate(() => window.scrollTo(0, 0)); // the sticky player would overlap a scrolled full-page shot
    await page.screenshot({ path: resolve(shots, 'byo-error.png'), fullPage: true });
    await page.getByRole('button', { name: /dark theme/ }).click();
    await page.screenshot({ path: resolve(shots, 'byo-error-dark.png') });
    await page.getByRole('button', { name: /light theme/ }).click();
    const [, total] = (await readout()).split(' / ').map(Number);
    await page.getByRole('button', { name: 'step back' }).click();
    await expect.poll(() => readout()).toBe(`${total - 1} / ${total}`);
    expect(await page.getByTestId('outcome-a').innerText()).toContain(`step ${total - 1} of`);
    // A reload keeps model=custom, explains it, and shows a working page.
    await page.reload();
    await page.locator('[data-testid=outcome-b]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('messages').innerText()).toMatch(/cannot be kept in a link/);
    await page.getByTestId('custom-missing-b').waitFor();
  });

  it('looks right in the dark theme', async () => {
    await open(`${base}?step=10`);
    await page.getByRole('button', { name: /dark theme/ }).click();
    await page.locator('[data-side=b] .cell').nth(3).click();
    await page.screenshot({ path: resolve(shots, 'decode-dark.png'), fullPage: true });
    await page.getByRole('button', { name: /light theme/ }).click();
    expect(pageErrors).toEqual([]);
  });
});
