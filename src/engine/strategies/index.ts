import { DREAM_ORIGIN, DREAM_RANKED } from './dream';
import { EB_SAMPLER } from './eb';
import { FACTOR } from './factor';
import { KLASS } from './klass';
import { MASKGIT_COSINE } from './maskgit';
import { REMDM_STRATEGIES } from './remdm';
import { TC_BOUND } from './tc-bound';
import { THRESHOLD } from './threshold';
import { TOPK_STRATEGIES } from './topk';
import type { StrategyDefinition, StrategyParams } from './types';
import { WINO } from './wino';
import { APD } from './apd';
import { DUS } from './dus';
import { RCR } from './rcr';
import { DINFER_HIERARCHY } from './dinfer-hierarchy';
import { JOINT_THRESHOLD } from './joint-threshold';
import { SLOWFAST } from './slowfast';
import { PC_SAMPLER } from './pc-sampler';
import { PROPHET } from './prophet';

/**
 * Every unmasking strategy, by its fixed id: the one registry line a new strategy adds. Each
 * module holds the strategy's id, help, parameters, CPU rule and GPU descriptor.
 */
export const STRATEGIES: readonly StrategyDefinition[] = [
  ...TOPK_STRATEGIES,
  THRESHOLD,
  FACTOR,
  EB_SAMPLER,
  DREAM_ORIGIN,
  ...DREAM_RANKED,
  MASKGIT_COSINE,
  TC_BOUND,
  KLASS,
  ...REMDM_STRATEGIES,
  WINO,
  APD,
  DUS,
  RCR,
  DINFER_HIERARCHY,
  JOINT_THRESHOLD,
  SLOWFAST,
  PC_SAMPLER,
  PROPHET,
];

const BY_ID = new Map(STRATEGIES.map((s) => [s.id, s]));

export function strategyIds(): string[] {
  return STRATEGIES.map((s) => s.id);
}

export function getStrategy(id: string): StrategyDefinition {
  const s = BY_ID.get(id);
  if (!s) throw new RangeError(`unknown strategy "${id}"; known: ${strategyIds().join(', ')}`);
  return s;
}

/** Fills defaults and checks every parameter against its range; throws a message naming it. */
export function resolveParams(def: StrategyDefinition, given: Partial<StrategyParams>): StrategyParams {
  const out: StrategyParams = {};
  for (const spec of def.params) {
    const v = given[spec.name] ?? spec.default;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${spec.name} must be a number`);
    if (spec.integer && !Number.isInteger(v)) throw new RangeError(`${spec.name} must be an integer, got ${v}`);
    if (v < spec.min || v > spec.max) throw new RangeError(`${spec.name} must be in [${spec.min}, ${spec.max}], got ${v}`);
    out[spec.name] = v;
  }
  for (const name of Object.keys(given)) {
    if (given[name] !== undefined && !def.params.some((p) => p.name === name)) {
      throw new RangeError(`strategy ${def.id} has no parameter "${name}"`);
    }
  }
  return out;
}

/** Strategies the GPU backend runs (those whose module declares a GPU descriptor). */
export function gpuStrategies(): StrategyDefinition[] {
  return STRATEGIES.filter((s) => s.gpu !== undefined);
}

export type { GpuStrategy, StrategyDefinition, StrategyParams } from './types';
