import { getStrategy, resolveParams, type StrategyDefinition, type StrategyParams } from './strategies';

export interface DecodeOptions {
  /** Keys every random draw of the decode (with the sample's index). */
  seed: number;
  /** 0 = greedy argmax; > 0 = Gumbel-max sampling at this temperature. */
  temperature?: number;
  /** Semi-AR block length; 0 or undefined = the whole canvas is one block. */
  block?: number;
  /** 'full' keeps per-position statistics and candidates for every step (step-through). */
  record?: 'summary' | 'full';
  /** Compute exact theory per step (oracle only). Defaults to record === 'full'. */
  theory?: boolean;
  /** Safety stop for strategies that may reveal nothing in a step. */
  maxSteps?: number;
}

/** Everything a decode needs to know about its settings, checked once. */
export interface ResolvedDecode {
  strategy: StrategyDefinition;
  /** The strategy's parameters with defaults filled, each in range. */
  params: StrategyParams;
  seed: number;
  temperature: number;
  canvasLength: number;
  /** Semi-AR block length (the canvas length when blocks are off). */
  blockLength: number;
  blockCount: number;
  record: 'summary' | 'full';
  /** Exact theory per step: asked for (default: record 'full') and possible (exact oracle). */
  theory: boolean;
  maxSteps: number;
}

/** The settings of a decode, before its canvas length is known (e.g. the page, a sweep's config). */
export interface DecodeSettings {
  strategy: string;
  params: Partial<StrategyParams>;
  /** Seed, temperature, block, record, theory, maxSteps (all optional for a check). */
  options: Partial<DecodeOptions>;
  /** Whether the predictions are the exact oracle (no noise, no model): oracle-only rules need it. */
  exact: boolean;
}

/** Settings checked without a canvas: the strategy and its parameters, temperature, block, exactness. */
export interface ResolvedSettings {
  strategy: StrategyDefinition;
  params: StrategyParams;
  temperature: number;
  /** 0 = no semi-AR blocks. */
  block: number;
}

/**
 * The one validation of decode settings, for callers that do not know the canvas yet (the
 * page's settings, sweep configs): throws a RangeError naming the bad setting.
 */
export function resolveSettings(s: DecodeSettings): ResolvedSettings {
  const def = getStrategy(s.strategy);
  const params = resolveParams(def, s.params);
  const temperature = s.options.temperature ?? 0;
  if (!(temperature >= 0 && Number.isFinite(temperature))) throw new RangeError(`temperature must be >= 0, got ${temperature}`);
  const block = s.options.block ?? 0;
  if (!(Number.isInteger(block) && block >= 0)) throw new RangeError(`block must be a whole number >= 0, got ${s.options.block}`);
  if (block > 0 && !def.blocks) throw new RangeError(`${def.title} does not use semi-AR blocks: set the block length to 0`);
  if (def.oracleOnly && !s.exact) throw new RangeError(`${def.title} reads the exact oracle: it cannot run with noise or a neural model`);
  return { strategy: def, params, temperature, block };
}

/** The one rule between the two denoiser settings: noise is the oracle's (a model brings its own errors). */
export function checkDenoiser(model: boolean, noise: number): void {
  if (!(noise >= 0 && Number.isFinite(noise))) throw new RangeError(`noise must be >= 0, got ${noise}`);
  if (model && noise !== 0) throw new RangeError('noise applies to the oracle only, not to a neural model: set noise to 0');
}

/**
 * resolveSettings plus what depends on the canvas: used once per decode by the CPU engine
 * (decode.ts) and the GPU backend (gpu/decoder.ts plan).
 */
export function resolveDecode(s: DecodeSettings & { canvasLength: number }): ResolvedDecode {
  const { strategy, params, temperature, block } = resolveSettings(s);
  const { options } = s;
  const L = s.canvasLength;
  const blockLength = block > 0 ? block : L;
  const record = options.record ?? 'summary';
  const maxSteps = options.maxSteps ?? Math.max(1024, 8 * L);
  if (!(Number.isInteger(maxSteps) && maxSteps >= 1)) throw new RangeError(`maxSteps must be a whole number >= 1, got ${maxSteps}`);
  return {
    strategy,
    params,
    seed: options.seed ?? 0,
    temperature,
    canvasLength: L,
    blockLength,
    blockCount: Math.ceil(L / blockLength),
    record,
    theory: (options.theory ?? record === 'full') && s.exact,
    maxSteps,
  };
}
