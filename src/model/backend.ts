import { cpuBackend, type DecodeBackend, type DenoiserSpec } from '../engine/backend';
import { decodeBatch } from '../engine/decode';
import type { ModelDenoiser } from './denoiser';
import { ModelError } from './errors';
import { denoiserFor, loadBundledModel, loadModelFromUrls, type LoadResult, type ModelHandle } from './load';

type ModelSpec = Extract<DenoiserSpec, { kind: 'model' }>;

/**
 * A DecodeBackend for neural models: requests whose denoiser is { kind: 'model' } decode with
 * the CPU unmasking engine (src/engine/decode.ts) and the model's forward pass on the chosen
 * runtime; oracle requests go to the CPU backend. Models load once and stay loaded per
 * (model, runtime) until dispose().
 *
 * spec.model: 'tiny' (the bundled model) or a URL of an .onnx file (file: URLs in Node); its
 * vocabulary comes from spec.vocab, else from the same URL with .json instead of .onnx.
 */
export interface ModelBackend extends DecodeBackend {
  handle(spec: ModelSpec): Promise<ModelHandle>;
  denoiser(spec: ModelSpec): Promise<ModelDenoiser>;
  dispose(): Promise<void>;
}

export function vocabUrlFor(model: string): string {
  return model.replace(/\.onnx$/i, '') + '.json';
}

export function createModelBackend(name = 'model'): ModelBackend {
  const handles = new Map<string, Promise<ModelHandle>>();
  const denoisers = new Map<string, Promise<ModelDenoiser>>();

  const handle = (spec: ModelSpec) => {
    const key = `${spec.model}|${spec.vocab ?? ''}`;
    let h = handles.get(key);
    if (!h) {
      const load: Promise<LoadResult> = spec.model === 'tiny' ? loadBundledModel('tiny') : loadModelFromUrls(spec.model, spec.vocab ?? vocabUrlFor(spec.model));
      h = load.then((r) => {
        if (!r.ok) throw new ModelError(`${spec.model}: ${r.error}`, r.code as ModelError['code']);
        return r.handle;
      });
      h.catch(() => handles.delete(key));
      handles.set(key, h);
    }
    return h;
  };

  const denoiser = (spec: ModelSpec) => {
    const key = `${spec.model}|${spec.vocab ?? ''}|${spec.runtime}`;
    let d = denoisers.get(key);
    if (!d) {
      d = handle(spec).then((h) => denoiserFor(h, spec.runtime));
      d.catch(() => denoisers.delete(key));
      denoisers.set(key, d);
    }
    return d;
  };

  return {
    name,
    handle,
    denoiser,
    async decode(r) {
      if (r.denoiser.kind !== 'model') return cpuBackend.decode(r);
      const d = await denoiser(r.denoiser);
      return decodeBatch(r.samples, d, r.strategy, r.params, r.options);
    },
    async dispose() {
      const all = [...denoisers.values()];
      denoisers.clear();
      handles.clear();
      for (const d of all) await (await d.catch(() => null))?.dispose();
    },
  };
}
