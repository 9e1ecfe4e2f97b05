import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterAll, describe, expect, it } from 'vitest';
import { until, useMountedApp } from './ui-fixture';
import { generateSample } from '../../src/engine/tasks';
import { decode } from '../../src/engine/decode';
import { OracleDenoiser } from '../../src/engine/denoiser';
import { VOCAB_SIZE, vocabularyJson } from '../../src/engine/vocab';
import { encodeModelProto, tinyTransformerModel, tinyTransformerOnnx } from '../../src/model/build';
import { buildSpec, curveKey, DEFAULT_FORM } from '../../src/ui/bench';
import { Dependency } from '../../src/ui/components/Dependency';
import { loadErrorTitle } from '../../src/ui/components/ModelControls';
import { WorkerError } from '../../src/ui/engineClient';
import { PRESET, cloneSettings, fromQuery, modelOf, runtimeOf, sideProblem, toQuery } from '../../src/ui/settings';
import { decodeRequest, getEngine, loadCustomModel, setEngine, setSide, useApp } from '../../src/ui/store';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// A small random transformer of the model format (random weights: its decodes are nonsense, but
// every path of the page runs on it), and the trained model that models/ ships.
const smallOnnx = () => tinyTransformerOnnx({ vocab: VOCAB_SIZE, d: 16, heads: 2, ff: 32, layers: 1, seed: 5 });
const vocabText = JSON.stringify(vocabularyJson());


describe('model settings', () => {
  it('puts the bundled model and runtime in the URL and validates them', () => {
    const s = cloneSettings(PRESET);
    s.a = { ...s.a, model: 'tiny', runtime: 'ort-wasm' };
    const q = toQuery(s);
    expect(q).toContain('a.model=tiny');
    expect(q).toContain('a.runtime=ort-wasm');
    expect(q).toContain('b.model=oracle');
    const back = fromQuery(q);
    expect(back.messages).toEqual([]);
    expect(back.settings.a).toMatchObject({ model: 'tiny', runtime: 'ort-wasm' });

    const bad = fromQuery('a.model=gpt5&b.runtime=tpu&b.model=tiny&b.sigma=2');
    expect(modelOf(bad.settings.a)).toBe('oracle');
    expect(runtimeOf(bad.settings.b)).toBe('auto');
    expect(bad.settings.b.noise).toBe(0);
    const text = bad.messages.join(' ');
    expect(text).toContain('"a.model=gpt5"');
    expect(text).toContain('"b.runtime=tpu"');
    expect(text).toMatch(/noise applies to the oracle only/);
  });

  it('keeps model=custom in the link and decodes with the oracle until the model is loaded', () => {
    const { settings } = fromQuery('a.model=custom');
    expect(settings.a.model).toBe('custom');
    expect(decodeRequest(settings, 'a', null)).not.toHaveProperty('model');
    expect(decodeRequest(settings, 'a', 7).model).toEqual({ model: 'custom', runtime: 'auto', loadId: 7 });
    expect(decodeRequest({ ...settings, a: { ...settings.a, model: 'tiny' } }, 'a', null).model).toEqual({ model: 'tiny', runtime: 'auto' });
  });

  it('refuses oracle-only strategies and noise with a model', () => {
    expect(sideProblem({ ...PRESET.a, model: 'tiny', noise: 1 })).toMatch(/oracle only/);
    expect(sideProblem({ ...PRESET.a, model: 'tiny', strategy: 'tc-bound', params: {} })).toMatch(/exact oracle/);
  });

  it('builds model sweeps whose records label their curves by model and runtime', () => {
    const { spec, notes } = buildSpec({ ...DEFAULT_FORM, model: 'tiny', strategies: ['topk-confidence', 'tc-bound'], noises: '1' }, 'webgpu');
    expect(spec.configs.length).toBeGreaterThan(0);
    for (const c of spec.configs) expect(c).toMatchObject({ noise: 0, model: { kind: 'model', model: 'tiny', runtime: 'webgpu', noise: 0 } });
    expect(spec.configs.some((c) => c.strategy === 'tc-bound')).toBe(false);
    expect(notes.join(' ')).toMatch(/skipped/);
    const rec = { task: 't', n: 3, strategy: 'topk-confidence', params: { k: 1 }, samples: 1, correct: 1, score: 1, ci95: [0, 1] as [number, number], tps: 1, nfe: 3, canvasLength: 3, seconds: 0, backend: 'cpu', seed: 1 };
    expect(curveKey({ ...rec, model: 'tiny/webgpu' })).toBe('topk-confidence · tiny/webgpu');
    expect(curveKey(rec)).toBe('topk-confidence');
  });
});

describe('models in the engine worker', () => {
  afterAll(() => {
    getEngine().terminate();
    setEngine(null);
  });

  it('rejects a file that is not ONNX with a message naming the problem, and keeps decoding', async () => {
    const e = await getEngine()
      .loadModel('custom', { kind: 'bytes', onnx: new TextEncoder().encode('hello, not a model').buffer as ArrayBuffer, vocab: vocabText, name: 'garbage.onnx' })
      .then(() => null, (err: WorkerError) => err);
    expect(e).toBeInstanceOf(WorkerError);
    expect(e!.code).toBe('not-onnx');
    expect(e!.message).toMatch(/not an ONNX model/);
    const ok = await getEngine().decode(decodeRequest({ ...PRESET, engine: 'cpu' }, 'a', null));
    expect(ok.trace.score.ok).toBe(true);
    // A mismatched vocabulary names it.
    const v = await getEngine()
      .loadModel('custom', { kind: 'bytes', onnx: smallOnnx().slice().buffer, vocab: JSON.stringify({ tokens: ['a', 'b'], mask: 0, eos: 1 }), name: 'm.onnx' })
      .then(() => null, (err: WorkerError) => err);
    expect(v!.code).toBe('vocab');
    expect(v!.message).toMatch(/must match/);
  });

  it('loads a model from bytes, decodes on the CPU twin and ORT wasm, and verifies against the CPU twin', async () => {
    const info = await getEngine().loadModel('custom', { kind: 'bytes', onnx: smallOnnx().slice().buffer, vocab: vocabText, name: 'small.onnx' });
    expect(info.name).toBe('small.onnx');
    expect(info.runtimes).toContain('cpu');
    const base = { ...decodeRequest({ ...PRESET, engine: 'cpu' }, 'a', info.loadId) };
    const twin = await getEngine().decode({ ...base, model: { model: 'custom', runtime: 'cpu', loadId: info.loadId } });
    expect(twin.model).toMatchObject({ name: 'small.onnx', runtime: 'cpu', asked: 'cpu' });
    expect(twin.model!.forwards).toBe(twin.trace.nfe);
    expect(twin.model!.msPerForward).toBeGreaterThan(0);
    expect(twin.trace.steps.length).toBeGreaterThan(0);
    expect(twin.trace.steps[0].theory).toBeUndefined();
    const ort = await getEngine().decode({ ...base, model: { model: 'custom', runtime: 'ort-wasm', loadId: info.loadId } });
    expect(ort.model!.runtime).toBe('ort-wasm');
    expect(ort.backend).toBe('small.onnx/ort-wasm');
    const v = await getEngine().verify({ ...base, model: { model: 'custom', runtime: 'ort-wasm', loadId: info.loadId } });
    expect(v.reference).toBe('CPU twin');
    expect(v.subject).toMatch(/ORT wasm/);
    expect(v.same || /step \d+/.test(v.difference!)).toBe(true);
    // A garbage file later does not unload the good model.
    await getEngine().loadModel('custom', { kind: 'bytes', onnx: new Uint8Array([1, 2, 3]).buffer, vocab: vocabText, name: 'x.onnx' }).catch(() => null);
    const again = await getEngine().decode({ ...base, model: { model: 'custom', runtime: 'cpu', loadId: info.loadId } });
    expect(again.model!.name).toBe('small.onnx');
  });

  it('runs a sweep with a model and labels its records with the model and runtime', async () => {
    const { spec } = buildSpec({ ...DEFAULT_FORM, model: 'custom', strategies: ['topk-confidence'], grids: { 'topk-confidence': { k: '1, 4' } }, samples: 2 }, 'cpu');
    const records = await new Promise<{ model?: string; backend: string }[]>((resolve, reject) => {
      const out: { model?: string; backend: string }[] = [];
      getEngine().sweep(spec, 0, 'cpu', { onRecord: (_, r) => out.push(r), onProgress: () => {}, onDone: () => resolve(out), onError: (m) => reject(new Error(m)) });
    });
    expect(records.map((r) => r.model)).toEqual(['small.onnx/cpu', 'small.onnx/cpu']);
  });

  it('loads a model with an operator our engine lacks for ORT only, and says why the CPU twin cannot run it', async () => {
    const m = tinyTransformerModel({ vocab: VOCAB_SIZE, d: 16, heads: 2, ff: 32, layers: 1, seed: 5 });
    m.graph!.node!.find((n) => n.opType === 'Erf')!.opType = 'Sin';
    const info = await getEngine().loadModel('custom', { kind: 'bytes', onnx: encodeModelProto(m).slice().buffer, vocab: vocabText, name: 'sin.onnx' });
    expect(info.engineError).toMatch(/unsupported operator Sin/);
    expect(info.runtimes).toEqual(['ort-webgpu', 'ort-wasm']);
    expect(info.recommended).toBe('ort-wasm');
    const req = decodeRequest({ ...PRESET, engine: 'cpu' }, 'a', info.loadId);
    const e = await getEngine().decode({ ...req, model: { model: 'custom', runtime: 'cpu', loadId: info.loadId } }).then(() => null, (err: Error) => err);
    expect(e!.message).toMatch(/CPU twin cannot run sin\.onnx: .*Sin.*Choose ORT wasm/);
  });

  it('names a network error for a URL that cannot be fetched', async () => {
    const e = await getEngine()
      .loadModel('custom', { kind: 'urls', onnx: 'http://127.0.0.1:9/nothing.onnx', vocab: 'http://127.0.0.1:9/nothing.json' })
      .then(() => null, (err: WorkerError) => err);
    expect(e!.code).toBe('io');
    expect(loadErrorTitle({ message: e!.message, code: e!.code! })).toBe('Network error');
  });

  it('loads the trained model, or explains clearly why it cannot', async () => {
    const r = await getEngine().loadModel('tiny', { kind: 'bundled' }).then((info) => ({ info }), (err: WorkerError) => ({ err }));
    if ('info' in r) expect(r.info.name).toBe('tiny');
    else expect(r.err.message).toMatch(/trained model could not be loaded.*models\/tiny-mdm\.onnx/);
  });

  it('decodes with the bundled trained model (models/tiny-mdm.onnx)', async () => {
    const info = await getEngine().loadModel('tiny', { kind: 'bundled' });
    expect(info.runtimes).toContain('cpu');
    const r = await getEngine().decode({ ...decodeRequest({ ...PRESET, task: 'letters/copy', n: 4 }, 'a', null), model: { model: 'tiny', runtime: 'cpu' } });
    expect(r.model!.name).toBe('tiny');
    expect(r.trace.output.length).toBeGreaterThan(0);
  });

  it('the trained model on the dial at rho = 1, through the worker: one word per step is a real city, both at once is not', async () => {
    const run = async (k: number) => {
      const settings = { ...PRESET, task: 'dial' as const, taskParams: { rho: 1 } };
      const req = decodeRequest(settings, 'a', null);
      return getEngine().decode({ ...req, strategy: 'topk-confidence', params: { k }, temperature: 0, model: { model: 'tiny', runtime: 'cpu' } });
    };
    const one = await run(1);
    expect(one.trace.score.ok).toBe(true);
    expect(one.trace.nfe).toBe(2);
    const both = await run(2);
    // Greedy: each word is its own marginal's argmax, which is a mixed pair for this model.
    expect(both.trace.nfe).toBe(1);
    expect(both.trace.score.ok).toBe(false);
    expect(both.trace.score.reason).toMatch(/impossible when rho = 1/);
  });
});

describe('model views', () => {
  const app = useMountedApp();
  const { q } = app;

  it('explains that theory is exact only with the oracle for model decodes, and still shows the step', async () => {
    const sample = generateSample('waiting-line/shuffle', { n: 3 }, 1, 0);
    const t = await decode(sample, new OracleDenoiser(0.5, 1), 'topk-confidence', { k: 3 }, { seed: 1, record: 'full' });
    const el = document.createElement('div');
    document.body.append(el);
    const r = createRoot(el);
    await act(async () => r.render(<Dependency trace={t} frame={1} exact={false} model="tiny" />));
    expect(el.textContent).toMatch(/Exact only with the oracle/);
    expect(el.textContent).toMatch(/revealed together/);
    expect(el.querySelector('dl.theory')).toBeNull();
    await act(async () => r.unmount());
    el.remove();
  });

  it('shows a clear message near the inputs for a garbage upload; the page keeps working; a good model then decodes', async () => {
    await until(() => !!q('[data-testid=reason-b]'));
    await act(async () => setSide('a', { model: 'custom', runtime: 'cpu' }));
    // No model loaded: the side says so and decodes with the oracle.
    await until(() => !!q('[data-testid=custom-missing-a]'));
    const details = q<HTMLDetailsElement>('[data-side=a] details.side-settings-wrap')!;
    details.open = true;
    await act(async () => {});
    const byLabel = (text: string) => [...details.querySelectorAll('label')].find((l) => l.textContent === text)!.control as HTMLInputElement;
    const setFile = async (input: HTMLInputElement, file: File) =>
      act(async () => {
        const dt = new DataTransfer();
        dt.items.add(file);
        input.files = dt.files;
        input.dispatchEvent(new Event('change', { bubbles: true }));
      });
    await setFile(byLabel('ONNX model file (.onnx)'), new File(['this is not a model'], 'garbage.onnx'));
    await setFile(byLabel('vocabulary JSON file'), new File([vocabText], 'vocab.json'));
    const load = [...details.querySelectorAll('button')].find((b) => b.textContent === 'Load model files')!;
    expect(load.disabled).toBe(false);
    await act(async () => load.click());
    await until(() => !!details.querySelector('[data-testid=model-error]'));
    const msg = details.querySelector('[data-testid=model-error]')!;
    expect(msg.getAttribute('role')).toBe('alert');
    expect(msg.textContent).toMatch(/Not an ONNX model/);
    // The page keeps working: both decodes are still on screen.
    expect(q('[data-testid=outcome-a]')).not.toBeNull();
    expect(q('[data-testid=reason-b]')).not.toBeNull();

    await setFile(byLabel('ONNX model file (.onnx)'), new File([smallOnnx().slice().buffer], 'small.onnx'));
    await act(async () => load.click());
    await until(() => !!details.querySelector('[data-testid=model-loaded]'));
    expect(details.querySelector('[data-testid=model-error]')).toBeNull();
    await until(() => !!q('[data-testid=ran-on-a]'));
    expect(q('[data-testid=ran-on-a]')!.textContent).toMatch(/small\.onnx ran on CPU twin, [\d.]+ ms per forward/);
    expect(q('[data-testid=custom-missing-a]')).toBeNull();
    expect(q('[data-side=a] [data-testid=dep-model]')).not.toBeNull();
    // The backend panel reports the runtime and verifies it against the CPU twin.
    expect(q('[data-testid=model-runtime]')!.textContent).toMatch(/small\.onnx on CPU twin/);
    const verify = [...app.host.querySelectorAll('button')].find((b) => b.textContent === 'Verify against CPU')!;
    expect(verify.disabled).toBe(false);
    await act(async () => verify.click());
    await until(() => !!q('[data-testid=verify-result]'));
    expect(q('[data-testid=verify-result]')!.textContent).toMatch(/identical/);
  });

  it('offers onnxruntime-web for a model with an operator our engine lacks', async () => {
    const m = tinyTransformerModel({ vocab: VOCAB_SIZE, d: 16, heads: 2, ff: 32, layers: 1, seed: 5 });
    m.graph!.node!.find((n) => n.opType === 'Erf')!.opType = 'Sin';
    await act(async () => {
      await loadCustomModel({ kind: 'bytes', onnx: encodeModelProto(m).slice().buffer, vocab: vocabText, name: 'sin.onnx' });
    });
    const details = q<HTMLDetailsElement>('[data-side=a] details.side-settings-wrap')!;
    await until(() => details.querySelector('[data-testid=model-loaded]')?.textContent?.includes('sin.onnx') ?? false);
    expect(details.textContent).toMatch(/Our engine cannot run it: .*Sin/);
    // The runtime in force (CPU twin) cannot run it: the decode says so, the last good decode stays.
    await until(() => !!q('[data-side=a] .error'));
    expect(q('[data-side=a] .error')!.textContent).toMatch(/CPU twin cannot run sin\.onnx/);
    expect(q('[data-testid=outcome-a]')).not.toBeNull();
    const runtime = [...details.querySelectorAll('label')].find((l) => l.textContent === 'runtime')!.control as HTMLSelectElement;
    expect([...runtime.options].find((o) => o.value === 'cpu')!.textContent).toMatch(/cannot run this model/);
    const use = [...details.querySelectorAll('button')].find((b) => b.textContent === 'Use ORT wasm')!;
    await act(async () => use.click());
    expect(useApp.getState().settings.a.runtime).toBe('ort-wasm');
    await until(() => q('[data-testid=ran-on-a]')?.textContent?.startsWith('sin.onnx ran on ORT wasm') ?? false);
    expect(q('[data-side=a] .error')).toBeNull();
  });
});
