import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { CHROMIUM_ARGS, chromiumPath } from '../../src/cli/headless';

/**
 * The set-up every end-to-end file shares: the production build (made once per run by
 * test/e2e/build.ts, the e2e project's globalSetup) served by `vite preview` on a port of the
 * file's own, and Debian's Chromium driven by playwright-core.
 */
export const root = resolve(__dirname, '../..');
export const shots = resolve(__dirname, 'screenshots');
export const outDir = resolve(root, 'node_modules/.unmask-e2e/dist');

/** Serves the shared build; each file passes its own port (files run in parallel). */
export async function startPreview(port: number): Promise<{ base: string; close(): Promise<void> }> {
  mkdirSync(shots, { recursive: true });
  const server: PreviewServer = await preview({ root, configFile: resolve(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir }, preview: { port, strictPort: false, open: false } });
  return {
    base: server.resolvedUrls!.local[0],
    close: () => new Promise<void>((r) => server.httpServer.close(() => r())),
  };
}

export interface App {
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

/** The shared build served, plus a Chromium. */
export async function startApp(port: number): Promise<App> {
  const server = await startPreview(port);
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  return {
    base: server.base,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** A page whose uncaught errors and console errors are pushed to `errors` (files assert it stays empty). */
export async function watchedPage(browser: Browser, width: number, height: number, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return page;
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Serious or critical axe-core violations on the page as it is now. */
export async function axe(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const r = await (window as unknown as { axe: { run(c: Document, o: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`);
  });
}
