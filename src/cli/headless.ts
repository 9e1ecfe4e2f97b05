/**
 * A page of this repository in headless Chromium, for the sweep runners, the benchmarks and the
 * tests: a Vite dev server on a free localhost port (WebGPU needs a secure origin) and Debian's
 * Chromium driven by playwright-core. The one place that knows the browser's path and flags.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** WebGPU on Chromium's built-in SwiftShader needs only --enable-unsafe-webgpu; the rest keep it quiet. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** Pre-bundled for pages that load models: discovering them mid-run makes Vite reload the page. */
export const MODEL_PREBUNDLE = ['protobufjs/light.js', 'onnxruntime-web'];

/**
 * Cross-origin isolation (crossOriginIsolated = true, hence SharedArrayBuffer and ORT's wasm
 * threads): sent by the dev server, `vite preview` (vite.config.ts) and these headless pages.
 * Static hosts must send the same two headers (public/_headers, README).
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export interface HeadlessPage {
  page: Page;
  /** The server's base URL, ending in '/'. */
  base: string;
  /** Stops the browser and the server; safe to call twice. */
  close: () => Promise<void>;
}

/**
 * Serves the repository, opens `path` (relative to its root) and returns the page. `beforeGoto`
 * runs on the blank page first (listeners, exposed functions). On any error everything is closed.
 */
export async function openHeadlessPage(
  path: string,
  opts: { prebundle?: string[]; beforeGoto?: (page: Page) => Promise<void> } = {},
): Promise<HeadlessPage> {
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
    server: { host: 'localhost', port: 0, strictPort: false, hmr: false, watch: null, fs: { strict: true }, headers: ISOLATION_HEADERS },
    optimizeDeps: opts.prebundle ? { include: opts.prebundle } : { noDiscovery: true, include: [] },
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
    const base = `http://localhost:${address.port}/`;
    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    await opts.beforeGoto?.(page);
    await page.goto(base + path);
    return { page, base, close };
  } catch (e) {
    await close();
    throw e;
  }
}
