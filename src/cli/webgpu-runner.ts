/**
 * Runs a sweep on WebGPU inside headless Chromium: a Vite dev server on a free localhost port
 * (WebGPU needs a secure origin) serves bench/webgpu.html, playwright-core drives Debian's
 * Chromium, and records come back through page.exposeFunction as they finish. Everything is
 * closed at the end, also on errors. `npm run bench -- --backend webgpu` calls this.
 */
import type { SweepProgress, SweepRecord, SweepSpec } from '../engine/sweep';
import { openHeadlessPage } from './headless';

/** A started page with the WebGPU bench loaded; `close` stops the browser and the server. */
export async function openBenchPage(): Promise<{
  page: import('playwright-core').Page;
  adapter: string;
  close: () => Promise<void>;
}> {
  const { page, close } = await openHeadlessPage('bench/webgpu.html', {
    beforeGoto: async (p) => {
      if (process.env.UNMASK_DEBUG) p.on('console', (m) => process.stderr.write(`[page] ${m.text()}\n`));
    },
  });
  try {
    await page.waitForFunction(() => window.__unmaskReady === true, undefined, { timeout: 60_000 });
    let adapter: string;
    try {
      adapter = await page.evaluate(() => window.__unmaskCheck());
    } catch (e) {
      throw new Error(`WebGPU is not usable in Chromium: ${(e as Error).message}`, { cause: e });
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
