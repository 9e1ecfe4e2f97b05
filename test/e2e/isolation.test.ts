import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath } from '../../src/cli/headless';
import { shots, startPreview } from './preview';

/**
 * Cross-origin isolation of the built page under `vite preview` (vite.config.ts sends COOP/COEP):
 * crossOriginIsolated is true, ORT's wasm gets every core, and nothing the page loads (its worker,
 * ORT's wasm, the model files) is blocked by COEP: a trained-model decode on ORT wasm completes.
 * Its own build folder, so that it can run beside test/e2e/e2e.test.ts.
 */

let server: Awaited<ReturnType<typeof startPreview>>;
let browser: Browser;
let page: Page;
let base = '';
const problems: string[] = [];

describe('cross-origin isolation', () => {
  beforeAll(async () => {
    server = await startPreview(4347);
    base = server.base;
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} (${r.failure()?.errorText})`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('serves COOP/COEP, so the page and its worker are cross-origin isolated', async () => {
    const response = await page.goto(base);
    expect(response?.headers()['cross-origin-opener-policy']).toBe('same-origin');
    expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
    await page.locator('[data-testid=outcome-a]').waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
    expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
    await page.locator('footer summary').click();
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    await expect.poll(() => page.getByTestId('ort-threads').innerText(), { timeout: 30_000 }).toContain(`${cores} with SIMD: the page is cross-origin isolated`);
  });

  it("Auto measured the engines for the first decode and chose the CPU engine on SwiftShader; the panel shows it", async () => {
    // The backend panel refreshes when opened (it is open from the first test).
    await page.locator('footer summary').click();
    await page.locator('footer summary').click();
    const table = page.getByTestId('calibration');
    await table.waitFor({ timeout: 60_000 });
    expect(await table.innerText()).toMatch(/waiting-line \(step-through\)[\s\S]*cpu/);
    expect(await table.locator('tbody tr').first().locator('td').last().innerText()).toBe('cpu');
    expect(await page.getByTestId('backend-name').innerText()).toBe('cpu');
    mkdirSync(shots, { recursive: true });
    await table.scrollIntoViewIfNeeded();
    await page.screenshot({ path: resolve(shots, 'backend-auto-1280.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await table.scrollIntoViewIfNeeded();
    await page.screenshot({ path: resolve(shots, 'backend-auto-390.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('loads the worker, ORT wasm and the model under COEP: a model decode on ORT wasm completes', async () => {
    await page.goto(`${base}?task=letters/copy&n=6&a.model=tiny&a.runtime=ort-wasm`);
    await page.locator('[data-testid=ran-on-a]').waitFor({ timeout: 90_000 });
    expect(await page.getByTestId('ran-on-a').innerText()).toMatch(/ORT wasm/);
    expect(problems).toEqual([]);
  });
});
