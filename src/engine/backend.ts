import { decodeBatch, type DecodeOptions, type DecodeTrace } from './decode';
import { OracleDenoiser, type Denoiser } from './denoiser';
import type { StrategyParams } from './strategies';
import type { TaskSample } from './tasks';

/** Which model produces the predictions. Models from models/ join this union later. */
export type DenoiserSpec = { kind: 'oracle'; noise: number };

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
  return new OracleDenoiser(spec.noise, seed);
}

export const cpuBackend: DecodeBackend = {
  name: 'cpu',
  decode: (r) => decodeBatch(r.samples, makeDenoiser(r.denoiser, r.options.seed), r.strategy, r.params, r.options),
};
