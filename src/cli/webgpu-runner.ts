/**
 * Runs a sweep on WebGPU inside headless Chromium: a Vite dev server on a free localhost port
 * (WebGPU needs a secure origin) serves bench/webgpu.html, playwright-core drives Debian's
 * Chromium, and records come back through page.exposeFunction as they finish. Everything is
 * closed at the end, also on errors. `npm run bench -- --backend webgpu` calls this.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SweepProgress, SweepRecord, SweepSpec } from '../engine/sweep';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/** A started page with the WebGPU bench loaded; `close` stops the browser and the server. */
export async function openBenchPage(): Promise<{
  page: import('playwright-core').Page;
  adapter: string;
  close: () => Promise<void>;
}> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: install it (apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium with WebGPU.`,
    );
  }
  const { createServer } = await import('vite');
  const { chromium } = await import('playwright-core');
  const server = await createServer({
    root: ROOT,
    configFile: false,
    logLevel: 'silent',
    clearScreen: false,
    server: { host: 'localhost', port: 0, strictPort: false, hmr: false, watch: null },
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  let browser: import('playwright-core').Browser | null = null;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await server.close().catch(() => undefined);
  };
  try {
    await server.listen();
    const address = server.httpServer?.address();
    if (!address || typeof address === 'string') throw new Error('the Vite server did not report a port');
    const url = `http://localhost:${address.port}/bench/webgpu.html`;
    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    if (process.env.UNMASK_DEBUG) page.on('console', (m) => process.stderr.write(`[page] ${m.text()}\n`));
    await page.goto(url);
    await page.waitForFunction(() => window.__unmaskReady === true, undefined, { timeout: 60_000 });
    let adapter: string;
    try {
      adapter = await page.evaluate(() => window.__unmaskCheck());
    } catch (e) {
      throw new Error(`WebGPU is not usable in Chromium (${executablePath}): ${(e as Error).message}`, { cause: e });
    }
    return { page, adapter, close };
  } catch (e) {
    await close();
    throw e;
  }
}

export async function runSweepInBrowser(
  spec: SweepSpec,
  onRecord: (r: SweepRecord) => void,
  onProgress?: (p: SweepProgress) => void,
): Promise<void> {
  const { page, close } = await openBenchPage();
  try {
    await page.exposeFunction('__unmaskRecord', (r: SweepRecord) => onRecord(r));
    await page.exposeFunction('__unmaskProgress', (p: SweepProgress) => onProgress?.(p));
    await page.evaluate((s) => window.__unmaskRun(s), spec);
  } finally {
    await close();
  }
}
