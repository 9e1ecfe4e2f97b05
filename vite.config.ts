import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { ISOLATION_HEADERS } from './src/cli/headless.ts';

// WGSL files are imported as text (`import src from '../../shaders/x.wgsl?raw'`), as webgpu-samples do.
export default defineConfig({
  plugins: [react()],
  base: './',
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  // COOP/COEP: the page is cross-origin isolated, so ORT's wasm runs multi-threaded (ort-engine.ts).
  server: { port: 5173, headers: ISOLATION_HEADERS },
  preview: { port: 4173, headers: ISOLATION_HEADERS },
});
