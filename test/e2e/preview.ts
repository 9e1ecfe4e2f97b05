import { resolve } from 'node:path';
import { build, preview, type PreviewServer } from 'vite';

/**
 * A production build served by `vite preview`, for the end-to-end tests. Each test file builds
 * into its own folder (vitest runs files in parallel) and gets its own port.
 */
export const root = resolve(__dirname, '../..');

export async function startPreview(name: string, port: number): Promise<{ base: string; close(): Promise<void> }> {
  const outDir = resolve(root, `node_modules/.unmask-e2e/${name}`);
  await build({ root, configFile: resolve(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
  const server: PreviewServer = await preview({ root, configFile: resolve(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir }, preview: { port, strictPort: false, open: false } });
  return {
    base: server.resolvedUrls!.local[0],
    close: () => new Promise<void>((r) => server.httpServer.close(() => r())),
  };
}
