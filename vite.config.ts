import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// WGSL files are imported as text (`import src from '../../shaders/x.wgsl?raw'`), as webgpu-samples do.
export default defineConfig({
  plugins: [react()],
  base: './',
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  server: { port: 5173 },
  preview: { port: 4173 },
});
