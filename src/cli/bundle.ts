/**
 * esbuild for our Node entry points: Vite's `?raw` (a file's text) and `?url` (browser asset
 * URLs, unused in Node) imports, and the one form of `import.meta.glob` we use, expanded as the
 * Dawn hooks do (src/cli/dawn-raw-hooks.mjs). Used by the CLI's sweep pool (its worker, bundled
 * once per run) and by bench/gpu-machine-prepare.ts (self-contained benchmarks).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { expandGlobs } from './dawn-raw-hooks.mjs';

export const viteQueries: Plugin = {
  name: 'vite-queries',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (a) => ({ path: resolve(a.resolveDir, a.path.slice(0, -4)), namespace: 'raw' }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (a) => ({ contents: readFileSync(a.path, 'utf8'), loader: 'text' }));
    b.onResolve({ filter: /\?url$/ }, (a) => ({ path: a.path, namespace: 'url' }));
    b.onLoad({ filter: /.*/, namespace: 'url' }, () => ({ contents: 'export default "";', loader: 'js' }));
    b.onLoad({ filter: /\.ts$/ }, async (a) => {
      const source = readFileSync(a.path, 'utf8');
      if (!source.includes('import.meta.glob')) return undefined;
      return { contents: await expandGlobs(source, pathToFileURL(a.path).href), loader: 'ts' };
    });
  },
};
