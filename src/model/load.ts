import { compile, checkInterface } from './compile';
import { CpuModelRuntime } from './cpu-engine';
import { ModelDenoiser } from './denoiser';
import { ModelError } from './errors';
import { parseOnnx } from './graph';
import type { Program } from './program';
import { MODEL_RUNTIMES, type ModelRuntime, type ModelRuntimeName, type RowSelection } from './runtime';
import { parseModelVocab, type ModelVocab } from './vocab-map';

/**
 * The model API for the page, its worker and the CLI.
 *
 *   const r = await loadBundledModel('tiny');            // or loadModelFromBytes(onnx, vocabJson)
 *   if (!r.ok) show(r.error);                            // a sentence naming what is wrong
 *   const d = await denoiserFor(r.handle, 'webgpu');     // 'webgpu' | 'ort-webgpu' | 'ort-wasm' | 'cpu'
 *   const traces = await decodeBatch(samples, d, 'topk-confidence', { k: 1 }, { seed });
 *   await d.dispose();
 *
 * Nothing here throws for a bad file: loaders resolve to { ok: false, error }.
 */
export interface ModelHandle {
  /** 'tiny' for the bundled model, else the file name given. */
  name: string;
  bytes: Uint8Array;
  vocab: ModelVocab;
  /** Compiled program for our engines (webgpu, cpu), or null with the reason in engineError. */
  program: Program | null;
  /** Why our engine cannot run this model (an unsupported operator); the ORT runtimes still can. */
  engineError: string | null;
  /** Runtimes this model can use (the ORT ones always; ours when the graph compiled). */
  runtimes: ModelRuntimeName[];
  /** The JSON card or vocabulary file as given. */
  card: unknown;
  info: { opset: number; producer: string; parameters: number; operators: Record<string, string> };
}

export type LoadResult = { ok: true; handle: ModelHandle; warnings: string[] } | { ok: false; error: string; code: string };

function fail(e: unknown): LoadResult {
  if (e instanceof ModelError) return { ok: false, error: e.message, code: e.code };
  return { ok: false, error: `could not read the model: ${(e as Error)?.message ?? String(e)}`, code: 'io' };
}

/** Validates an ONNX model plus its vocabulary JSON (object or text). Never throws. */
export function loadModelFromBytes(onnx: Uint8Array | ArrayBuffer, vocabJson: unknown, name = 'custom'): LoadResult {
  try {
    const bytes = onnx instanceof Uint8Array ? onnx : new Uint8Array(onnx);
    const graph = parseOnnx(bytes);
    const { vocab: width } = checkInterface(graph);
    const vocab = parseModelVocab(vocabJson, width);
    let program: Program | null = null;
    let engineError: string | null = null;
    try {
      program = compile(graph);
    } catch (e) {
      if (!(e instanceof ModelError) || e.code !== 'operator') throw e;
      engineError = e.message;
    }
    let parameters = 0;
    for (const t of graph.consts.values()) if (t.type === 'float') parameters += t.f!.length;
    const handle: ModelHandle = {
      name,
      bytes,
      vocab,
      program,
      engineError,
      runtimes: MODEL_RUNTIMES.filter((r) => program || r.startsWith('ort-')),
      card: typeof vocabJson === 'string' ? safeParse(vocabJson) : vocabJson,
      info: { opset: graph.opset, producer: graph.producer, parameters, operators: program?.mapping ?? {} },
    };
    return { ok: true, handle, warnings: engineError ? [engineError] : [] };
  } catch (e) {
    return fail(e);
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Where the bundled models live (resolved by Vite in the page, by file URL in Node). */
export const BUNDLED_MODELS = {
  tiny: {
    onnx: () => new URL('../../models/tiny-mdm.onnx', import.meta.url),
    card: () => new URL('../../models/tiny-mdm.json', import.meta.url),
  },
} as const;
export type BundledModelName = keyof typeof BUNDLED_MODELS;

async function fetchBytes(url: URL): Promise<Uint8Array> {
  if (url.protocol === 'file:') {
    const { readFile } = await import(/* @vite-ignore */ 'node:fs/promises');
    return new Uint8Array(await readFile(url));
  }
  const res = await fetch(url);
  if (!res.ok) throw new ModelError(`could not fetch ${url.href}: HTTP ${res.status}`, 'io');
  return new Uint8Array(await res.arrayBuffer());
}

/** Loads a model and vocabulary from URLs (the page's "from a URL" option) or file: URLs. */
export async function loadModelFromUrls(onnxUrl: string | URL, vocabUrl: string | URL, name?: string): Promise<LoadResult> {
  try {
    const base = (globalThis as { location?: { href: string } }).location?.href;
    const o = new URL(onnxUrl, base);
    const v = new URL(vocabUrl, base);
    const [bytes, vocab] = await Promise.all([fetchBytes(o), fetchBytes(v)]);
    return loadModelFromBytes(bytes, new TextDecoder().decode(vocab), name ?? o.pathname.split('/').pop() ?? 'custom');
  } catch (e) {
    return fail(e);
  }
}

/** Loads a model that ships with the app ('tiny': models/tiny-mdm.onnx + its card). */
export async function loadBundledModel(name: BundledModelName = 'tiny'): Promise<LoadResult> {
  const m = BUNDLED_MODELS[name];
  if (!m) return { ok: false, error: `no bundled model named "${name}" (have: ${Object.keys(BUNDLED_MODELS).join(', ')})`, code: 'io' };
  const r = await loadModelFromUrls(m.onnx(), m.card(), name);
  if (!r.ok && /ENOENT|HTTP 404|HTML\/XML text/.test(r.error)) {
    return { ok: false, code: r.code, error: `the bundled model "${name}" (models/tiny-mdm.onnx and models/tiny-mdm.json) is not in this build or checkout (${r.error})` };
  }
  return r;
}

/** Creates a runtime for a handle. Throws ModelError (runtime/operator) when it cannot. */
export async function runtimeFor(handle: ModelHandle, runtime: ModelRuntimeName, rows: RowSelection = 'canvas'): Promise<ModelRuntime> {
  const width = handle.vocab.size;
  switch (runtime) {
    case 'cpu':
    case 'webgpu': {
      if (!handle.program) throw new ModelError(handle.engineError ?? 'the model did not compile for our engine', 'operator');
      if (runtime === 'cpu') return new CpuModelRuntime(handle.program, rows);
      const { GpuModelRuntime } = await import('./nn/engine');
      return GpuModelRuntime.create(handle.program, rows);
    }
    case 'ort-wasm':
    case 'ort-webgpu': {
      const { OrtModelRuntime } = await import('./ort-engine');
      return OrtModelRuntime.create(handle.bytes, width, runtime === 'ort-wasm' ? 'wasm' : 'webgpu', rows);
    }
    default:
      throw new ModelError(`unknown runtime "${runtime as string}" (choose ${MODEL_RUNTIMES.join(', ')})`, 'runtime');
  }
}

/** A Denoiser (src/engine/denoiser.ts) running the model on one runtime; dispose() when done. */
export async function denoiserFor(handle: ModelHandle, runtime: ModelRuntimeName): Promise<ModelDenoiser> {
  return new ModelDenoiser(await runtimeFor(handle, runtime, 'canvas'), handle.vocab, handle.name);
}

/**
 * The runtime to offer first: our WGSL engine on a hardware GPU; onnxruntime-web wasm where
 * WebGPU is missing or is a software adapter (SwiftShader runs GPU code on the CPU, where ORT's
 * SIMD wasm is much faster: docs/PERFORMANCE.md). If ORT then fails to load (its .wasm not
 * served), fall back to 'cpu', the TS twin, which needs nothing but JavaScript.
 */
export async function recommendRuntime(handle: ModelHandle): Promise<ModelRuntimeName> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu || !handle.program) return 'ort-wasm';
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return 'ort-wasm';
    const info = adapter.info;
    if (/swiftshader|llvmpipe|lavapipe|software/i.test(`${info?.architecture ?? ''} ${info?.description ?? ''} ${info?.device ?? ''}`)) return 'ort-wasm';
    return 'webgpu';
  } catch {
    return 'ort-wasm';
  }
}

export { MODEL_RUNTIMES };
export type { ModelRuntimeName };
