import { decodeBatch, type DecodeOptions, type DecodeTrace } from './decode';
import { OracleDenoiser, type Denoiser } from './denoiser';
import type { StrategyParams } from './strategies';
import type { TaskSample } from './tasks';

/** Runtimes of a neural model (src/model/runtime.ts MODEL_RUNTIMES). */
export type ModelRuntimeId = 'webgpu' | 'ort-webgpu' | 'ort-wasm' | 'cpu';

/**
 * Which model produces the predictions: the oracle (optionally noisy), or a neural model ('tiny'
 * = the bundled models/tiny-mdm.onnx, or a path/URL of an .onnx with its vocabulary JSON) on one
 * runtime. Model specs carry noise 0 so code reading the oracle's dial still type-checks; only
 * backends that check `kind` run them (src/model/backend.ts), makeDenoiser refuses them.
 */
export type DenoiserSpec =
  | { kind: 'oracle'; noise: number }
  | { kind: 'model'; model: string; vocab?: string; runtime: ModelRuntimeId; noise: 0 };

export interface BatchRequest {
  samples: readonly TaskSample[];
  denoiser: DenoiserSpec;
  strategy: string;
  params: Partial<StrategyParams>;
  options: DecodeOptions;
}

/**
 * A way to run decodes: the CPU engine here, WebGPU in src/gpu. Every backend returns the same
 * traces (in 'summary' mode steps may carry less detail), so sweeps and the page do not care.
 */
export interface DecodeBackend {
  readonly name: string;
  decode(request: BatchRequest): Promise<DecodeTrace[]>;
}

export function makeDenoiser(spec: DenoiserSpec, seed: number): Denoiser {
  if (spec.kind === 'model') {
    throw new RangeError(`model denoisers load asynchronously: decode "${spec.model}" through src/model/backend.ts (modelBackend), not this backend`);
  }
  return new OracleDenoiser(spec.noise, seed);
}

export const cpuBackend: DecodeBackend = {
  name: 'cpu',
  decode: (r) => decodeBatch(r.samples, makeDenoiser(r.denoiser, r.options.seed), r.strategy, r.params, r.options),
};
