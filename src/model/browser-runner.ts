/**
 * Node only: runs model sweeps whose runtime needs a browser ('webgpu', 'ort-webgpu') inside
 * headless Chromium. A Vite dev server on a free localhost port (WebGPU needs a secure origin)
 * serves bench/model-forward.html, playwright-core drives Debian's Chromium with the flags of
 * src/cli/webgpu-runner.ts, and records come back through page.exposeFunction. The model file
 * is served by the same server: a file: URL under the repository becomes a path on it; files
 * elsewhere are read here and handed over as bytes is not supported, so copy them under the repo.
 */
import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SweepProgress, SweepRecord, SweepSpec } from '../engine/sweep';
import { CHROMIUM_ARGS, chromiumPath } from '../cli/webgpu-runner';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export async function withModelPage<T>(fn: (page: import('playwright-core').Page, base: string) => Promise<T>): Promise<T> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  const { createServer } = await import('vite');
  const { chromium } = await import('playwright-core');
  const server = await createServer({
    root: ROOT,
    configFile: false,
    logLevel: 'silent',
    clearScreen: false,
    server: { host: 'localhost', port: 0, strictPort: false, hmr: false, watch: null, fs: { strict: true } },
    optimizeDeps: { include: ['protobufjs/light.js', 'onnxruntime-web'] },
  });
  let browser: import('playwright-core').Browser | null = null;
  try {
    await server.listen();
    const address = server.httpServer?.address();
    if (!address || typeof address === 'string') throw new Error('the Vite server did not report a port');
    const base = `http://localhost:${address.port}/`;
    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    page.setDefaultTimeout(0);
    await page.goto(`${base}bench/model-forward.html`);
    await page.waitForFunction(() => window.__modelReady === true, undefined, { timeout: 120_000 });
    return await fn(page, base);
  } finally {
    await browser?.close().catch(() => undefined);
    await server.close().catch(() => undefined);
  }
}

/** Rewrites file: URLs under the repository to URLs on the page's server. */
function servedUrl(url: string | undefined, base: string): string | undefined {
  if (!url || !url.startsWith('file:')) return url;
  const rel = relative(ROOT, fileURLToPath(url));
  if (rel.startsWith('..')) throw new Error(`${fileURLToPath(url)} is outside the repository; the browser runtimes load models over the page's server, so copy it under ${ROOT}`);
  return new URL(rel.split('\\').join('/'), base).href;
}

export async function runModelSweepInBrowser(spec: SweepSpec, onRecord: (r: SweepRecord) => void, onProgress?: (p: SweepProgress) => void): Promise<void> {
  await withModelPage(async (page, base) => {
    await page.exposeFunction('__modelRecord', (r: SweepRecord) => onRecord(r));
    await page.exposeFunction('__modelProgress', (p: SweepProgress) => onProgress?.(p));
    const configs = spec.configs.map((c) => (c.model ? { ...c, model: { ...c.model, model: servedUrl(c.model.model, base)!, vocab: servedUrl(c.model.vocab, base) } } : c));
    await page.evaluate((s) => window.__modelSweep(s), { ...spec, configs });
  });
}
