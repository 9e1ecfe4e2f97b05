import { resolve } from 'node:path';
import { build } from 'vite';
import { outDir, root } from './preview';

/** globalSetup of the e2e project: one production build for every end-to-end file. */
export default async function setup(): Promise<void> {
  await build({ root, configFile: resolve(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
}
