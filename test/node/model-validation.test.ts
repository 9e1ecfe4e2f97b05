import { describe, expect, it } from 'vitest';
import { VOCAB_SIZE, vocabularyJson } from '../../src/engine/vocab';
import { tinyTransformerModel } from '../../src/model/build';
import { denoiserFor, loadModelFromBytes, recommendRuntime, type LoadResult } from '../../src/model/load';
import { DT, encodeModelProto, type ModelMsg } from '../../src/model/onnx-proto';
import { valueInfo } from '../../src/model/build';

// Bring-your-own validation: every bad file gives { ok: false, error } naming the problem;
// nothing throws.

const spec = { vocab: VOCAB_SIZE, d: 16, heads: 2, ff: 32, layers: 1, seed: 3 };
const good = () => tinyTransformerModel(spec);
const vocab = vocabularyJson();

function load(model: ModelMsg | Uint8Array, v: unknown = vocab): LoadResult {
  const bytes = model instanceof Uint8Array ? model : encodeModelProto(model);
  let r: LoadResult | undefined;
  expect(() => (r = loadModelFromBytes(bytes, v))).not.toThrow();
  return r!;
}

function error(r: LoadResult): string {
  if (r.ok) throw new Error('expected a validation error, the model loaded');
  return r.error;
}

describe('bring-your-own model validation', () => {
  it('accepts a well-formed model and maps its operators onto our kernels', () => {
    const r = load(good());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.handle.program).not.toBeNull();
    expect(r.handle.runtimes).toEqual(['webgpu', 'ort-webgpu', 'ort-wasm', 'cpu']);
    expect(r.handle.info.operators.Softmax).toBe('attention');
    expect(r.handle.info.operators.Erf).toBe('gelu');
    expect(r.handle.program!.ops.map((o) => o.kind)).toContain('attention');
  });

  it('runs a model with a larger, reordered vocabulary through the engine vocabulary', async () => {
    // The engine's tokens with two swapped, plus one the engine does not use.
    const tokens = [...vocab.tokens, '<extra>'];
    [tokens[40], tokens[41]] = [tokens[41], tokens[40]];
    const r = load(tinyTransformerModel({ ...spec, vocab: VOCAB_SIZE + 1 }), { ...vocab, tokens });
    if (!r.ok) throw new Error(r.error);
    const d = await denoiserFor(r.handle, 'cpu');
    const { generateSample } = await import('../../src/engine/tasks');
    const sample = generateSample('letters/copy', { n: 3 }, 1, 0);
    const L = sample.canvasLength;
    const canvases = new Int32Array(L).fill(0);
    canvases[0] = 41; // engine id 41 is model id 40
    const pred = await d.forward({ samples: [sample], canvases, canvasLength: L, steps: [0] });
    expect(pred.data.length).toBe(L * VOCAB_SIZE);
    // Same logits as the raw runtime, columns mapped back to engine ids.
    const raw = await d.runtime.forward(
      (() => {
        const ids = new Int32Array(64).fill(3);
        ids.set(Array.from(sample.prompt).map((t) => r.handle.vocab.engineToModel![t]));
        for (let i = 0; i < L; i++) ids[32 + i] = r.handle.vocab.engineToModel![canvases[i]];
        return ids;
      })(),
      1,
    );
    for (let i = 0; i < L; i++) {
      expect(pred.data[i * VOCAB_SIZE + 41]).toBe(raw[i * (VOCAB_SIZE + 1) + 40]);
      expect(pred.data[i * VOCAB_SIZE + 40]).toBe(raw[i * (VOCAB_SIZE + 1) + 41]);
      expect(pred.data[i * VOCAB_SIZE + 7]).toBe(raw[i * (VOCAB_SIZE + 1) + 7]);
    }
  });

  it('recommends ORT wasm where there is no WebGPU (Node)', async () => {
    const r = load(good());
    if (!r.ok) throw new Error(r.error);
    expect(await recommendRuntime(r.handle)).toBe('ort-wasm');
  });

  it('rejects random bytes, JSON, a ZIP and a truncated model as "not an ONNX model"', () => {
    let s = 12345;
    const random = new Uint8Array(4096).map(() => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24));
    expect(error(load(random))).toMatch(/^not an ONNX model/);
    expect(error(load(new TextEncoder().encode(JSON.stringify(vocab))))).toMatch(/JSON text/);
    expect(error(load(new Uint8Array([0x50, 0x4b, 3, 4, ...new Array(40).fill(0)])))).toMatch(/ZIP archive/);
    const bytes = encodeModelProto(good());
    expect(error(load(bytes.subarray(0, Math.floor(bytes.length / 2))))).toMatch(/not an ONNX model|truncated/);
    expect(error(load(new Uint8Array(0)))).toMatch(/not an ONNX model/);
  });

  it('names a missing or misnamed input', () => {
    const m = good();
    m.graph!.input = [valueInfo('tokens', DT.INT64, ['batch', 64])];
    for (const n of m.graph!.node!) n.input = n.input!.map((i) => (i === 'input_ids' ? 'tokens' : i));
    expect(error(load(m))).toMatch(/no input named "input_ids".*"tokens"/);
  });

  it('names a missing logits output', () => {
    const m = good();
    m.graph!.output = [valueInfo('scores', DT.FLOAT, ['batch', 64, VOCAB_SIZE])];
    m.graph!.node![m.graph!.node!.length - 1].output = ['scores'];
    expect(error(load(m))).toMatch(/no output named "logits".*"scores"/);
  });

  it('names wrong dimensions: sequence length, fixed batch, float input', () => {
    const m = good();
    m.graph!.input = [valueInfo('input_ids', DT.INT64, ['batch', 32])];
    expect(error(load(m))).toMatch(/32 positions.*64/);
    const f = good();
    f.graph!.input = [valueInfo('input_ids', DT.INT64, [1, 64])];
    expect(error(load(f))).toMatch(/fixed batch of 1.*dynamic_axes/);
    const t = good();
    t.graph!.input = [valueInfo('input_ids', DT.FLOAT, ['batch', 64])];
    expect(error(load(t))).toMatch(/element type float32.*int64/);
  });

  it('names an unsupported operator, offers onnxruntime-web, and still loads for the ORT runtimes', async () => {
    const m = good();
    const erf = m.graph!.node!.find((n) => n.opType === 'Erf')!;
    erf.opType = 'Sin';
    const r = load(m);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.handle.program).toBeNull();
    expect(r.handle.runtimes).toEqual(['ort-webgpu', 'ort-wasm']);
    expect(r.warnings[0]).toMatch(/unsupported operator Sin.*ort-wasm or ort-webgpu/);
    await expect(denoiserFor(r.handle, 'cpu')).rejects.toThrow(/unsupported operator Sin/);
  });

  it('names a vocabulary that does not match the logits width or lacks mask/eos ids', () => {
    expect(error(load(good(), { ...vocab, tokens: vocab.tokens.slice(0, 100) }))).toMatch(new RegExp(`100 tokens but the model's logits are ${VOCAB_SIZE} wide`));
    const { mask: _m, ...noMask } = vocab;
    expect(error(load(good(), noMask))).toMatch(/mask token id/);
    const { eos: _e, ...noEos } = vocab;
    expect(error(load(good(), noEos))).toMatch(/end-of-sequence token id/);
    expect(error(load(good(), '{"tokens": ['))).toMatch(/not valid JSON/);
    expect(error(load(good(), [1, 2, 3]))).toMatch(/must be an object/);
    const renamed = { ...vocab, tokens: vocab.tokens.map((t) => (t === 'A' ? 'alpha' : t)) };
    expect(error(load(good(), renamed))).toMatch(new RegExp(`lacks 1 of the engine's ${VOCAB_SIZE} tokens \\("A"\\)`));
    expect(error(load(good(), { ...vocab, mask: 500 }))).toMatch(/mask id 500 is outside/);
  });

  it('accepts the vocabulary inside a model card and a reordered vocabulary (mapped by token)', () => {
    const card = { name: 'x', vocabulary: vocab };
    expect(load(good(), card).ok).toBe(true);
    const swapped = vocab.tokens.slice();
    [swapped[10], swapped[11]] = [swapped[11], swapped[10]];
    const r = load(good(), { ...vocab, tokens: swapped });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.handle.vocab.engineToModel![10]).toBe(11);
      expect(r.handle.vocab.engineToModel![11]).toBe(10);
    }
  });
});
