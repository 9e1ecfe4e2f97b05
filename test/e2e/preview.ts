import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { CHROMIUM_ARGS, chromiumPath } from '../../src/cli/headless';

/**
 * The set-up every end-to-end file shares: a production build served by `vite preview` and
 * Debian's Chromium driven by playwright-core. Each file builds into its own folder (`name`), so
 * files running in parallel never overwrite each other's build.
 */
export const root = resolve(__dirname, '../..');
export const shots = resolve(__dirname, 'screenshots');

export interface App {
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startApp(name: string, port: number): Promise<App> {
  mkdirSync(shots, { recursive: true });
  const outDir = resolve(root, `node_modules/.unmask-e2e/${name}`);
  await build({ root, configFile: resolve(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
  const server: PreviewServer = await preview({ root, configFile: resolve(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir }, preview: { port, strictPort: false, open: false } });
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  return {
    base: server.resolvedUrls!.local[0],
    browser,
    close: async () => {
      await browser.close();
      await new Promise<void>((r) => server.httpServer.close(() => r()));
    },
  };
}
