#!/usr/bin/env node
/* global console, process */
/**
 * Copies onnxruntime-web's WebAssembly files from node_modules into public/ort/ so that the app
 * serves them itself (ort.env.wasm.wasmPaths = '<base>ort/', src/model/ort-engine.ts); never
 * from a CDN. Run by npm predev / prebuild / pretest (package.json). public/ort/ is git-ignored:
 * the binaries (28 MB) come from the installed package, not from the repository.
 *
 * The browser entry of 'onnxruntime-web' (dist/ort.bundle.min.mjs) runs both the wasm and the
 * WebGPU execution providers on the JSEP build, so only that build's files are needed.
 */
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'node_modules', 'onnxruntime-web', 'dist');
const dst = join(root, 'public', 'ort');
const FILES = ['ort-wasm-simd-threaded.jsep.wasm', 'ort-wasm-simd-threaded.jsep.mjs'];

if (!existsSync(src)) {
  console.error(`copy-ort-assets: ${src} is missing; run npm install first`);
  process.exit(1);
}
mkdirSync(dst, { recursive: true });
for (const f of FILES) {
  const from = join(src, f);
  const to = join(dst, f);
  if (existsSync(to) && statSync(to).size === statSync(from).size && statSync(to).mtimeMs >= statSync(from).mtimeMs) continue;
  copyFileSync(from, to);
  console.log(`copy-ort-assets: ${f} -> public/ort/`);
}
