import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBatch } from '../../src/engine/decode';
import { generateSample } from '../../src/engine/tasks';
import { VOCAB_SIZE, vocabularyJson } from '../../src/engine/vocab';
import { tinyTransformerOnnx } from '../../src/model/build';
import { denoiserFor, loadModelFromBytes, runtimeFor, type ModelHandle } from '../../src/model/load';
import { loadFixture, maxRelativeError, maxRowRelativeError, TOLERANCE } from './model-fixture';

// Parity of our TypeScript twin engine and onnxruntime-web (wasm, in Node): against each other
// on a random model built in TypeScript, against PyTorch's logits for the trained model, and
// token for token in seeded decodes.

function synthetic(): ModelHandle {
  const bytes = tinyTransformerOnnx({ vocab: VOCAB_SIZE, d: 32, heads: 2, ff: 64, layers: 2, seed: 11 });
  const r = loadModelFromBytes(bytes, vocabularyJson(), 'synthetic');
  if (!r.ok) throw new Error(r.error);
  return r.handle;
}

const TRAINED = 'models/tiny-mdm.onnx';
const CARD = 'models/tiny-mdm.json';

function trained(): ModelHandle {
  const r = loadModelFromBytes(readFileSync(TRAINED), readFileSync(CARD, 'utf8'), 'tiny');
  if (!r.ok) throw new Error(r.error);
  return r.handle;
}

function randomIds(batch: number, vocab: number, seed: number): Int32Array {
  let s = seed >>> 0;
  return new Int32Array(batch * 64).map(() => ((s = (s * 1664525 + 1013904223) >>> 0) >>> 8) % vocab);
}

describe('model parity (Node)', () => {
  it(`TS twin and onnxruntime-web wasm agree on a random transformer (all 64 rows, rel. error < ${TOLERANCE})`, async () => {
    const h = synthetic();
    const cpu = await runtimeFor(h, 'cpu', 'all');
    const ort = await runtimeFor(h, 'ort-wasm', 'all');
    const ids = randomIds(5, VOCAB_SIZE, 1);
    const a = await cpu.forward(ids, 5);
    const b = await ort.forward(ids, 5);
    expect(a.length).toBe(5 * 64 * VOCAB_SIZE);
    expect(maxRelativeError(a, b)).toBeLessThan(TOLERANCE);
    // Canvas rows only (the decode path) are the same numbers.
    const cpuCanvas = await runtimeFor(h, 'cpu', 'canvas');
    const c = await cpuCanvas.forward(ids, 5);
    for (let s = 0; s < 5; s++) expect(Array.from(c.subarray(s * 32 * VOCAB_SIZE, (s + 1) * 32 * VOCAB_SIZE))).toEqual(Array.from(a.subarray((s * 64 + 32) * VOCAB_SIZE, (s + 1) * 64 * VOCAB_SIZE)));
    await ort.dispose();
  });

  it('an opset-14 graph (layer norm as the ReduceMean chain) compiles onto the layernorm kernel and matches ORT wasm', async () => {
    const bytes = tinyTransformerOnnx({ vocab: VOCAB_SIZE, d: 32, heads: 2, ff: 64, layers: 2, seed: 12, decomposedNorm: true });
    const r = loadModelFromBytes(bytes, vocabularyJson(), 'opset14');
    if (!r.ok) throw new Error(r.error);
    expect(r.handle.info.operators.ReduceMean).toBe('layernorm');
    expect(r.handle.program!.ops.filter((o) => o.kind === 'layernorm')).toHaveLength(5);
    const ids = randomIds(3, VOCAB_SIZE, 4);
    const a = await (await runtimeFor(r.handle, 'cpu', 'all')).forward(ids, 3);
    const ort = await runtimeFor(r.handle, 'ort-wasm', 'all');
    expect(maxRelativeError(a, await ort.forward(ids, 3))).toBeLessThan(TOLERANCE);
    await ort.dispose();
  });

  it(`trained model: TS twin and ORT wasm match the PyTorch fixture (rel. error < ${TOLERANCE})`, async () => {
    const h = trained();
    const fx = loadFixture();
    expect(fx).not.toBeNull();
    const { ids, batch, logits } = fx!;
    const cpu = await runtimeFor(h, 'cpu', 'all');
    const ort = await runtimeFor(h, 'ort-wasm', 'all');
    const a = await cpu.forward(ids, batch);
    const b = await ort.forward(ids, batch);
    const V = h.vocab.size;
    const ea = maxRowRelativeError(a, logits, V);
    const eb = maxRowRelativeError(b, logits, V);
    console.log(
      `PyTorch fixture (${batch} inputs), worst row max|diff|/max|logit|: TS twin ${ea.toExponential(2)}, ORT wasm ${eb.toExponential(2)}; ` +
        `whole-tensor: ${maxRelativeError(a, logits).toExponential(2)}, ${maxRelativeError(b, logits).toExponential(2)}`,
    );
    expect(ea).toBeLessThan(TOLERANCE);
    expect(eb).toBeLessThan(TOLERANCE);
    await ort.dispose();
  }, 120_000);

  async function sameTokens(h: ModelHandle, prompts: number, batch: number) {
    const tasks = ['letters/copy', 'letters/reverse', 'letters/shuffle', 'letters/sort'];
    const cpu = await denoiserFor(h, 'cpu');
    const ort = await denoiserFor(h, 'ort-wasm');
    let compared = 0;
    for (let start = 0; start < prompts; start += batch) {
      const task = tasks[(start / batch) % tasks.length];
      const n = 3 + ((start / batch) % 4);
      const samples = Array.from({ length: Math.min(batch, prompts - start) }, (_, i) => generateSample(task, { n }, 7, start + i));
      const opts = { seed: 7, record: 'summary' as const };
      const a = await decodeBatch(samples, cpu, 'topk-confidence', { k: 2 }, opts);
      const b = await decodeBatch(samples, ort, 'topk-confidence', { k: 2 }, opts);
      a.forEach((t, i) => {
        expect(Array.from(t.output)).toEqual(Array.from(b[i].output));
        expect(Array.from(t.revealStep)).toEqual(Array.from(b[i].revealStep));
      });
      compared += samples.length;
    }
    await ort.dispose();
    return compared;
  }

  it('seeded decodes give identical tokens on the TS twin and ORT wasm (240 prompts, random model)', async () => {
    expect(await sameTokens(synthetic(), 240, 24)).toBe(240);
  }, 120_000);

  it('seeded decodes give identical tokens on the TS twin and ORT wasm (64 prompts, trained model)', async () => {
    expect(await sameTokens(trained(), 64, 16)).toBe(64);
  }, 180_000);
});

describe('the trained model on the dependency dial (ORT wasm, sampled at T = 1)', () => {
  // At rho = +-1 only two of the four pairs are valid. One token per step is valid only if the
  // model reads rho from the prompt (its rho=... token) and conditions the second word on the
  // first; a model blind to either scores about 50%. Two at once draw each word from its own
  // marginal (about 50/50), so about half fail whatever the model: the paper's effect.
  const SAMPLES = 200;
  async function validShare(rho: number, k: number): Promise<number> {
    const d = await denoiserFor(trained(), 'ort-wasm');
    const samples = Array.from({ length: SAMPLES }, (_, i) => generateSample('dial', { rho }, 3, i));
    const traces = await decodeBatch(samples, d, 'topk-random', { k }, { seed: 5, temperature: 1 });
    return traces.filter((t) => t.score.ok).length / SAMPLES;
  }

  it('one token per step follows rho (>= 90% valid at rho = 1 and at rho = -1)', async () => {
    expect(await validShare(1, 1)).toBeGreaterThanOrEqual(0.9);
    expect(await validShare(-1, 1)).toBeGreaterThanOrEqual(0.9);
  }, 60_000);

  it('both at once: about half are valid at rho = 1', async () => {
    // 3.3 sigma of a fair binomial, plus 0.1 because the model's marginals are not exactly 1/2.
    expect(Math.abs((await validShare(1, 2)) - 0.5)).toBeLessThan(3.3 * Math.sqrt(0.25 / SAMPLES) + 0.1);
  }, 60_000);
});
