import { describe, expect } from 'vitest';
import { decodeBatch } from '../../src/engine/decode';
import { generateSample } from '../../src/engine/tasks';
import { VOCAB_SIZE, vocabularyJson } from '../../src/engine/vocab';
import { cachedPipelineCount } from '../../src/gpu/device';
import { GpuModelRuntime } from '../../src/model/nn/engine';
import { tinyTransformerOnnx } from '../../src/model/build';
import { CpuModelRuntime } from '../../src/model/cpu-engine';
import { ModelDenoiser } from '../../src/model/denoiser';
import { loadBundledModel, loadModelFromBytes, recommendRuntime, runtimeFor, type ModelHandle } from '../../src/model/load';
import { maxRelativeError, maxRowRelativeError, TOLERANCE } from '../logit-error';
import { gpuTest } from './gpu-fixture';

// The whole model on our WGSL engine and on onnxruntime-web (WebGPU and wasm execution
// providers, its .wasm served by the app through Vite) against the TypeScript twin, the PyTorch
// fixture when the trained model is committed, and token-identical seeded decodes.
// Tolerance: max |x - reference| / max |reference| < 1e-4.
function synthetic(): ModelHandle {
  const r = loadModelFromBytes(tinyTransformerOnnx({ vocab: VOCAB_SIZE, d: 32, heads: 2, ff: 64, layers: 2, seed: 11 }), vocabularyJson(), 'synthetic');
  if (!r.ok) throw new Error(r.error);
  return r.handle;
}

function ids(batch: number, seed: number): Int32Array {
  let s = seed >>> 0;
  return new Int32Array(batch * 64).map(() => ((s = (s * 1664525 + 1013904223) >>> 0) >>> 8) % VOCAB_SIZE);
}

// PyTorch fixture of the trained model, if committed (models/fixtures/*.json).
const fixtures = import.meta.glob('../../models/fixtures/*.json', { import: 'default' });

describe('model engines in the browser', () => {
  gpuTest('our WGSL engine matches the TS twin on a random transformer; no pipelines created per forward', async ({ gpu: { device } }) => {
    const h = synthetic();
    const twin = new CpuModelRuntime(h.program!, 'all');
    const gpu = GpuModelRuntime.onDevice(device, h.program!, 'all');
    await gpu.ready;
    const x = ids(3, 5);
    const a = await gpu.forward(x, 3);
    const before = cachedPipelineCount(device);
    const b = await gpu.forward(ids(2, 6), 2);
    expect(cachedPipelineCount(device)).toBe(before);
    expect(maxRelativeError(a, await twin.forward(x, 3))).toBeLessThan(TOLERANCE);
    expect(maxRelativeError(b, await twin.forward(ids(2, 6), 2))).toBeLessThan(TOLERANCE);
    // Fusions: Linear+GELU and Linear+residual each run as one dispatch.
    expect(gpu.labels).toContain('linear+gelu');
    expect(gpu.labels).toContain('linear+residual');
    // Canvas rows only: the output logits kernel computes 32 of the 64 rows.
    const canvas = GpuModelRuntime.onDevice(device, h.program!, 'canvas');
    const c = await canvas.forward(x, 3);
    for (let s = 0; s < 3; s++) expect(maxRelativeError(c.subarray(s * 32 * VOCAB_SIZE, (s + 1) * 32 * VOCAB_SIZE), a.subarray((s * 64 + 32) * VOCAB_SIZE, (s + 1) * 64 * VOCAB_SIZE))).toBeLessThan(1e-6);
    await gpu.dispose();
    await canvas.dispose();
  });

  gpuTest('GPU-resident forward for the unmasking core: prompts and canvases in GPU buffers, logits written in place', async ({ gpu: { device } }) => {
    const h = synthetic();
    const samples = Array.from({ length: 3 }, (_, i) => generateSample('letters/copy', { n: 5 }, 5, i));
    const L = samples[0].canvasLength;
    const canvases = new Int32Array(3 * L).map((_, i) => (i % 3 === 0 ? 0 : 20 + (i % 9)));
    const prompts = new Int32Array(3 * 32).fill(3);
    samples.forEach((s, b) => prompts.set(s.prompt, b * 32));
    const buf = (data: Int32Array | number) => {
      const b = device.createBuffer({ size: typeof data === 'number' ? data : data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      if (typeof data !== 'number') device.queue.writeBuffer(b, 0, data);
      return b;
    };
    const logits = buf(3 * L * VOCAB_SIZE * 4);
    const gpu = GpuModelRuntime.onDevice(device, h.program!, 'canvas');
    await gpu.ready;
    const fwd = gpu.gpuForward({ batch: 3, canvasLength: L, prompts: buf(prompts), canvases: buf(canvases), logits, padId: 3 });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    fwd.encode(pass);
    pass.end();
    device.queue.submit([enc.finish()]);
    const { readBuffer } = await import('../../src/gpu/device');
    const got = new Float32Array(await readBuffer(device, logits));
    const twin = new ModelDenoiser(new CpuModelRuntime(h.program!, 'canvas'), h.vocab, h.name);
    const want = await twin.forward({ samples, canvases, canvasLength: L, steps: [0, 0, 0] });
    expect(maxRelativeError(got, want.data)).toBeLessThan(TOLERANCE);
    fwd.dispose();
    await gpu.dispose();
  });

  gpuTest('recommendRuntime picks ORT wasm on a software adapter (SwiftShader) and ours on a hardware GPU', async ({ gpu }) => {
    const software = /swiftshader|llvmpipe|lavapipe/i.test(gpu.description);
    expect(await recommendRuntime(synthetic())).toBe(software ? 'ort-wasm' : 'webgpu');
  });

  gpuTest('onnxruntime-web (WebGPU and wasm EPs, its .wasm served by the app) matches the TS twin', async () => {
    const h = synthetic();
    const twin = new CpuModelRuntime(h.program!, 'all');
    const x = ids(2, 7);
    const ref = await twin.forward(x, 2);
    for (const rt of ['ort-webgpu', 'ort-wasm'] as const) {
      const r = await runtimeFor(h, rt, 'all');
      expect(maxRelativeError(await r.forward(x, 2), ref)).toBeLessThan(TOLERANCE);
      await r.dispose();
    }
  });

  gpuTest('trained model: WGSL engine, ORT WebGPU and ORT wasm match the PyTorch fixture', async ({ gpu: { device } }) => {
    const paths = Object.keys(fixtures).sort();
    const bundled = await loadBundledModel('tiny');
    expect(paths.length, 'models/fixtures/*.json is committed').toBeGreaterThan(0);
    if (!bundled.ok) throw new Error(`models/tiny-mdm.onnx does not load: ${bundled.error}`);
    const doc = (await fixtures[paths[0]]()) as Record<string, unknown>;
    const flat = (v: unknown) => (v as unknown[]).flat(Infinity as 1) as number[];
    const x = Int32Array.from(flat(doc.input_ids ?? doc.inputIds ?? doc.ids));
    const lg = doc.logits as { file?: string } | unknown[];
    const ref = !Array.isArray(lg) && lg.file
      ? new Float32Array(await (await fetch(new URL(`/models/fixtures/${lg.file}`, location.href))).arrayBuffer())
      : Float32Array.from(flat(lg));
    const batch = x.length / 64;
    const h = bundled.handle;
    const V = h.vocab.size;
    const gpu = GpuModelRuntime.onDevice(device, h.program!, 'all');
    const errs: Record<string, number> = { webgpu: maxRowRelativeError(await gpu.forward(x, batch), ref, V) };
    await gpu.dispose();
    for (const rt of ['ort-webgpu', 'ort-wasm', 'cpu'] as const) {
      const r = await runtimeFor(h, rt, 'all');
      errs[rt] = maxRowRelativeError(await r.forward(x, batch), ref, V);
      await r.dispose();
    }
    console.log('PyTorch fixture, worst row max |diff| / max |logit|:', JSON.stringify(errs));
    for (const e of Object.values(errs)) expect(e).toBeLessThan(TOLERANCE);
  }, 300_000);

  gpuTest('seeded decodes give identical tokens on WGSL, ORT WebGPU and the TS twin', async ({ gpu: { device } }) => {
    const bundled = await loadBundledModel('tiny');
    const h = bundled.ok ? bundled.handle : synthetic();
    const denoisers = [
      new ModelDenoiser(new CpuModelRuntime(h.program!, 'canvas'), h.vocab, h.name),
      new ModelDenoiser(GpuModelRuntime.onDevice(device, h.program!, 'canvas'), h.vocab, h.name),
      new ModelDenoiser(await runtimeFor(h, 'ort-webgpu', 'canvas'), h.vocab, h.name),
    ];
    for (const [task, n] of [['letters/copy', 5], ['letters/shuffle', 4]] as const) {
      // SwiftShader runs ORT WebGPU at about a second per sample for the trained model's size.
      const samples = Array.from({ length: bundled.ok ? 6 : 12 }, (_, i) => generateSample(task, { n }, 3, i));
      const outs = [];
      for (const d of denoisers) outs.push(await decodeBatch(samples, d, 'topk-confidence', { k: 2 }, { seed: 3 }));
      for (let i = 0; i < samples.length; i++) {
        for (const o of outs.slice(1)) {
          expect(Array.from(o[i].output)).toEqual(Array.from(outs[0][i].output));
          expect(Array.from(o[i].revealStep)).toEqual(Array.from(outs[0][i].revealStep));
        }
      }
    }
    for (const d of denoisers) await d.dispose();
  }, 300_000);
});
