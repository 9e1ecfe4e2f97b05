import type { Conditional } from '../distribution';
import type { Purpose } from '../rng';
import type { PositionStats } from '../stats';
import type { TaskSample } from '../tasks/types';

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
  /** Sampling temperature of the decode (0 = greedy). */
  temperature?: number;
  /**
   * Leave-one-out row of a revealed position: p(x_i | prompt, every other revealed token), from
   * one extra input row with only that position masked (strategies with `verify: 'loo'`; the
   * positions are the revealed ones of the current block).
   */
  loo?(position: number): Float32Array;
  /** Probability row k of the rows the instance asked for with `verifyRows` (APD's verifier). */
  verifier?(k: number): Float32Array;
}

/** An extra input row: the model's prediction at `position` given `canvas`. */
export interface VerifyRow {
  canvas: Int32Array;
  position: number;
}

export interface Selection {
  /** Masked positions to reveal with their x0 token. */
  reveal: number[];
  /** Revealed positions to mask again (remasking strategies). */
  remask?: number[];
  /** Score of each revealed position, as the strategy ranked it (for the trace). */
  scores?: number[];
  /** Revealed positions rewritten to another token (token-to-token edits). */
  edit?: { position: number; token: number }[];
}

export interface StrategyInstance {
  select(view: StepView): Selection;
  /** Remasking strategies decode for a fixed number of steps; others stop when nothing is masked. */
  finished?(view: { step: number; maskedCount: number }): boolean;
  /**
   * Extra rows this step needs after seeing the step's predictions (one further forward call,
   * not counted in NFE: it is reported beside it). Read back with view.verifier(k).
   */
  verifyRows?(view: StepView): VerifyRow[];
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
  /** 'loo': the step's forward call also carries one row per revealed position of the block, that position masked. */
  verify?: 'loo';
  /** `sample`: the batch's first sample (its task and size), for rules that read task statistics. */
  create(params: StrategyParams, ctx: { canvasLength: number; blockLength: number; sample?: TaskSample }): StrategyInstance;
  /** How it runs on the GPU; without one, the GPU backend refuses it (GpuUnsupportedError). */
  gpu?: GpuStrategy;
}

// ---------------------------------------------------------------------------------------------
// GPU descriptor: what src/gpu needs to run a strategy, declared beside its CPU rule. Plain data
// and functions (no WebGPU types), so the engine stays free of the GPU layer.

export type WgslScalar = 'u32' | 'i32' | 'f32';

/** One binding of a GPU program: a WGSL variable, its address space and type. */
export interface GpuBinding {
  /** The WGSL variable name. */
  name: string;
  access: 'uniform' | 'read' | 'read_write';
  /** WGSL type: 'array<u32>', 'array<atomic<u32>>', or a uniform struct's name. */
  type: string;
  /** The decoder buffer bound to it, when not the variable's own name. */
  buffer?: string;
}

/** The sizes a GPU descriptor may depend on. */
export interface GpuPlanContext {
  batch: number;
  canvasLength: number;
  blockLength: number;
  blockCount: number;
  /** Support members over the whole batch (oracle decodes). */
  totalMembers: number;
}

/**
 * A kernel a strategy runs before the shared selection kernel each step (KLASS's history,
 * tc-bound's set size). Its WGSL file is shaders/strategies/<shader>.wgsl; it gets the decode
 * prelude, the strategy's uniform struct `S`, and the bindings listed here.
 */
export interface GpuPrepass {
  shader: string;
  bindings: GpuBinding[];
  /** One thread per position, or one workgroup per sequence. */
  dispatch: 'positions' | 'sequences';
  /** Prepends shaders/pred_row.wgsl (the prediction row reader; needs a `pred` binding). */
  predRow?: boolean;
  /** Prepends shaders/rank.wgsl (the shared ranking). */
  rank?: boolean;
  /** Scratch buffers it owns: name → u32 words (zero-filled at upload). */
  scratch?: Record<string, (ctx: GpuPlanContext) => number>;
}

/** A per-step table of two f32 per step, computed on the host exactly as the CPU rule does. */
export interface GpuSchedule {
  steps: number;
  table: Float32Array;
}

/**
 * How a strategy runs on the GPU. The selection WGSL file (shaders/strategies/<shader>.wgsl)
 * defines `strategy_score` and `strategy_rule`, the two hooks of shaders/select.wgsl; members of a
 * family that share the file differ by `constants` (WGSL overrides) and uniform values.
 */
export interface GpuStrategy {
  shader: string;
  /** Override constants of this member (part of the pipeline cache key). */
  constants?: Record<string, number>;
  /** The uniform struct `S` its WGSL reads (field order = layout); omitted: none. */
  uniforms?: readonly (readonly [string, WgslScalar])[];
  /** Values of `S`, by field name. */
  uniformValues?(params: StrategyParams, ctx: GpuPlanContext): Record<string, number>;
  /** The per-step table `sched` (e.g. Dream's fractions); its steps also stop remasking rules. */
  schedule?(params: StrategyParams, ctx: GpuPlanContext): GpuSchedule;
  /**
   * A read-only f32 table per sample (e.g. PC-sampler's background token weights), computed on the
   * host from the sample as the CPU rule's create() sees it; every sample's table has the same
   * length, and the decoder binds them one after another as `table` (sample b at b × length).
   */
  sampleTable?(params: StrategyParams, sample: TaskSample, ctx: GpuPlanContext): Float32Array;
  /** Scratch `aux` (u32 words and fill value) the selection and prepass kernels share. */
  aux?(ctx: GpuPlanContext): { words: number; fill: number };
  /** Remasks revealed positions and runs a fixed number of steps (the schedule's). */
  remasks?: boolean;
  /** Whether traces carry the strategy's scores (default true; as its CPU rule reports them). */
  scores?: boolean;
  /** Its rule rewrites revealed tokens (`edit_token` in select.wgsl); traces carry `edited` every step. */
  edits?: boolean;
  /** Its rule decides when the decode ends (sets `rule_done` in select.wgsl), not the mask count. */
  stops?: boolean;
  prepass?: GpuPrepass;
  /**
   * Left-to-right draft verification (APD's verifier rows, the GPU side of `verifyRows`): the
   * most masked positions drafted per step (the first ones, left to right). For the k-th of them
   * (k >= 1) the oracle also computes its row given the canvas plus the step's x0 at the drafted
   * positions before it (shaders/oracle_draft*.wgsl, rows `vhist`, exact oracle only); 0: none.
   * Present at all, traces carry the verification fields as the CPU engine records them.
   */
  draftRows?(params: StrategyParams): number;
  /** Forward passes a decode takes when the rule fixes it (benchmarks size their first chunk). */
  expectedSteps?(params: StrategyParams, ctx: GpuPlanContext): number;
}
