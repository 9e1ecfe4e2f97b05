/**
 * Node only: runs model sweeps whose runtime needs a browser ('webgpu', 'ort-webgpu') inside
 * headless Chromium. A Vite dev server on a free localhost port (WebGPU needs a secure origin)
 * serves bench/model-forward.html, playwright-core drives Debian's Chromium (src/cli/headless.ts),
 * and records come back through page.exposeFunction. The model file
 * is served by the same server: a file: URL under the repository becomes a path on it; files
 * elsewhere are read here and handed over as bytes is not supported, so copy them under the repo.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SweepProgress, SweepRecord, SweepSpec } from '../engine/sweep';
import { MODEL_PREBUNDLE, ROOT, openHeadlessPage } from './headless';


export async function withModelPage<T>(fn: (page: import('playwright-core').Page, base: string) => Promise<T>): Promise<T> {
  const { page, base, close } = await openHeadlessPage('bench/model-forward.html', {
    prebundle: MODEL_PREBUNDLE,
    beforeGoto: async (p) => p.setDefaultTimeout(0),
  });
  try {
    await page.waitForFunction(() => window.__modelReady === true, undefined, { timeout: 120_000 });
    return await fn(page, base);
  } finally {
    await close();
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
