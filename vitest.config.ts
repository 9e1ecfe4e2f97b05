import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import react from '@vitejs/plugin-react';
import { CHROMIUM_ARGS, MODEL_PREBUNDLE, chromiumPath } from './src/cli/headless.ts';

// Vitest 5's reporter calls Map.groupBy, which Node 20 (our machines) lacks.
if (!('groupBy' in Map)) {
  Object.defineProperty(Map, 'groupBy', {
    value<K, V>(items: Iterable<V>, key: (item: V, index: number) => K): Map<K, V[]> {
      const out = new Map<K, V[]>();
      let i = 0;
      for (const item of items) {
        const k = key(item, i++);
        const list = out.get(k);
        if (list) list.push(item);
        else out.set(k, [item]);
      }
      return out;
    },
  });
}


export default defineConfig({
  plugins: [react()],
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/node/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        // Pre-bundled up front: discovering them mid-run makes Vite reload the test page.
        optimizeDeps: { include: MODEL_PREBUNDLE },
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.{ts,tsx}'],
          testTimeout: 120_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            instances: [{ browser: 'chromium' }],
            provider: playwright({
              launchOptions: {
                // Debian's Chromium; WebGPU runs on its built-in SwiftShader.
                executablePath: chromiumPath(),
                args: CHROMIUM_ARGS,
              },
            }),
          },
        },
      },
      {
        extends: true,
        test: {
          // The page end to end: vite build + vite preview driven by playwright-core (test/e2e).
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          // One production build for every e2e file (each serves it on its own port).
          globalSetup: ['test/e2e/build.ts'],
          testTimeout: 150_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
