import type { Conditional } from '../distribution';
import type { Purpose } from '../rng';
import type { PositionStats } from '../stats';

/** A numeric strategy parameter: its range is checked before any decode starts. */
export interface ParamSpec {
  name: string;
  label: string;
  default: number;
  min: number;
  max: number;
  integer?: boolean;
  help: string;
}

export type StrategyParams = Record<string, number>;

/** What a strategy sees at one step of one sequence. */
export interface StepView {
  /** 0-based step (= forward passes so far). */
  step: number;
  canvasLength: number;
  /** Current tokens, MASK_ID where masked. */
  canvas: Int32Array;
  /** Masked positions this step may reveal (inside the current block), ascending. */
  candidates: number[];
  /** All masked positions of the canvas, ascending. */
  masked: number[];
  /** Statistics at every masked position. */
  stats: PositionStats;
  /** Current semi-AR block: [start, end), its index, its step and its mask count at its start. */
  block: { start: number; end: number; index: number; count: number; step: number; maskedAtStart: number };
  /** A u32 from the shared generator for (this sample, this step, position, purpose). */
  random(position: number, purpose: Purpose, sub?: number): number;
  /** The probability row of a position (length VOCAB_SIZE); for strategies that compare steps. */
  probabilities(position: number): Float32Array;
  /** The exact conditional of the true distribution given the canvas (oracle decodes only). */
  truth(): Conditional | null;
}

export interface Selection {
  /** Masked positions to reveal with their x0 token. */
  reveal: number[];
  /** Revealed positions to mask again (remasking strategies). */
  remask?: number[];
  /** Score of each revealed position, as the strategy ranked it (for the trace). */
  scores?: number[];
}

export interface StrategyInstance {
  select(view: StepView): Selection;
  /** Remasking strategies decode for a fixed number of steps; others stop when nothing is masked. */
  finished?(view: { step: number; maskedCount: number }): boolean;
}

export type StrategyFamily = 'fixed' | 'adaptive' | 'schedule' | 'remask' | 'oracle';

export interface StrategyDefinition {
  id: string;
  title: string;
  family: StrategyFamily;
  /** The rule in one or two sentences (shown in the UI and --help). */
  rule: string;
  params: ParamSpec[];
  /** Whether semi-AR blocks (--block) apply. */
  blocks: boolean;
  /** Needs the exact oracle (reads the true conditional). */
  oracleOnly?: boolean;
  create(params: StrategyParams, ctx: { canvasLength: number; blockLength: number }): StrategyInstance;
}
