import { MODEL_INPUT_NAME, MODEL_OUTPUT_NAME, MODEL_SEQUENCE_LENGTH } from '../engine/model-format';
import { ModelError } from './errors';
import { checkIds, rowRange, sliceRows, type ModelRuntime, type RowSelection } from './runtime';

/**
 * onnxruntime-web runtimes: 'ort-wasm' (the wasm execution provider; also works in Node) and
 * 'ort-webgpu' (the WebGPU execution provider; browsers only). The library is imported on first
 * use so the other runtimes never load it.
 *
 * Browsers fetch ORT's .wasm from the app itself, never from a CDN. The browser build of
 * 'onnxruntime-web' (dist/ort.bundle.min.mjs) runs both providers on one binary,
 * ort-wasm-simd-threaded.jsep.wasm, with its JavaScript glue bundled in; we import that file's
 * URL through Vite's asset pipeline (`?url`), so Vite serves it in development and emits it once,
 * content-hashed, beside the app's chunks in a build, and we hand that URL to
 * ort.env.wasm.wasmPaths. Nothing is copied or committed. `setOrtAssetBase` overrides it (a
 * folder URL ending in '/' holding ort-wasm-simd-threaded.jsep.{wasm,mjs}).
 */

type Ort = typeof import('onnxruntime-web');
let ortPromise: Promise<Ort> | null = null;
let assetBase: string | null = null;

export function setOrtAssetBase(url: string | null): void {
  assetBase = url;
  ortPromise = null;
}

const isNode = () => typeof process !== 'undefined' && !!process.versions?.node && typeof (globalThis as { window?: unknown }).window === 'undefined' && typeof (globalThis as { importScripts?: unknown }).importScripts === 'undefined';

/** What ort.env.wasm.wasmPaths is set to (null in Node, where ORT finds its own files). */
export async function ortWasmPaths(): Promise<string | { wasm: string } | null> {
  if (assetBase) return assetBase;
  if (isNode()) return null;
  const { default: wasm } = await import('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url');
  const here = (globalThis as { location?: { href: string } }).location?.href;
  return { wasm: here ? new URL(wasm, here).href : wasm };
}

export async function loadOrt(): Promise<Ort> {
  ortPromise ??= Promise.all([import('onnxruntime-web'), ortWasmPaths()]).then(([ort, paths]) => {
    if (paths) ort.env.wasm.wasmPaths = paths;
    // Threads need cross-origin isolation (SharedArrayBuffer); without it ORT would warn.
    if (!(globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated && !isNode()) ort.env.wasm.numThreads = 1;
    return ort;
  });
  ortPromise.catch(() => (ortPromise = null));
  return ortPromise;
}

export class OrtModelRuntime implements ModelRuntime {
  private constructor(
    readonly name: 'ort-wasm' | 'ort-webgpu',
    readonly vocab: number,
    readonly rows: RowSelection,
    private readonly ort: Ort,
    private readonly session: import('onnxruntime-web').InferenceSession,
  ) {}

  static async create(bytes: Uint8Array, vocab: number, provider: 'wasm' | 'webgpu', rows: RowSelection = 'canvas'): Promise<OrtModelRuntime> {
    const ort = await loadOrt();
    if (provider === 'webgpu' && !(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) {
      throw new ModelError('onnxruntime-web WebGPU needs a browser with WebGPU (navigator.gpu is missing); use ort-wasm or cpu', 'runtime');
    }
    let session: import('onnxruntime-web').InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, { executionProviders: [provider], graphOptimizationLevel: 'all' });
    } catch (e) {
      throw new ModelError(`onnxruntime-web (${provider}) could not load the model: ${(e as Error).message}`, 'runtime');
    }
    return new OrtModelRuntime(provider === 'wasm' ? 'ort-wasm' : 'ort-webgpu', vocab, rows, ort, session);
  }

  async forward(ids: Int32Array, batch: number): Promise<Float32Array> {
    checkIds(ids, batch, this.vocab);
    const big = new BigInt64Array(ids.length);
    for (let i = 0; i < ids.length; i++) big[i] = BigInt(ids[i]);
    const input = new this.ort.Tensor('int64', big, [batch, MODEL_SEQUENCE_LENGTH]);
    const result = await this.session.run({ [MODEL_INPUT_NAME]: input });
    const t = result[MODEL_OUTPUT_NAME];
    const data = (t.location === 'cpu' ? t.data : await t.getData()) as Float32Array;
    input.dispose?.();
    const { start, count } = rowRange(this.rows);
    const out = sliceRows(data, batch, this.vocab, start, count);
    if (out !== data) t.dispose?.();
    return out === data ? data.slice() : out;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
