import type { Conditional } from './distribution';
import type { Denoiser, Predictions } from './denoiser';
import { randomU32, type Purpose } from './rng';
import { allocStats, computeStats, rowProbabilities, temperedProbabilities, type PositionStats } from './stats';
import { getStrategy, resolveParams, type StrategyParams } from './strategies';
import type { StepView } from './strategies/types';
import { getTask, type ScoreResult, type TaskSample } from './tasks';
import { boundReport, totalCorrelation, type BoundReport } from './theory';
import { MASK_ID, VOCAB_SIZE } from './vocab';

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

/** Exact information quantities of one step of an oracle decode. */
export interface StepTheory {
  /** C(S_t | X, S_<t) in bits: what revealing these positions together loses. */
  totalCorrelation: number;
  /** Probability that independent draws from the marginals give a valid combination. */
  validProbability: number;
  /**
   * Running sum of the total correlations so far. It is this decode's realised part of L_T only
   * up to the step that leaves the support (DecodeTrace.bound.leftSupportAt); after that the
   * conditionals are over the nearest outputs. DecodeTrace.bound reports both honestly.
   */
  bound: number;
  /** Whether the revealed tokens were still consistent with some valid output before the step. */
  consistentBefore: boolean;
  /** Pairwise mutual information (bits) among masked positions, L x L (record 'full'). */
  pairwiseMI?: Float32Array;
}

export interface StepTrace {
  step: number;
  /** Forward passes so far, this step's included. */
  nfe: number;
  revealed: number[];
  tokens: number[];
  /** Probability of each revealed token under the model (its confidence). */
  probabilities: number[];
  remasked: number[];
  scores: number[];
  /** Block in force: [start, end). */
  block: [number, number];
  /** record 'full': canvas before the step and per-position statistics (masked positions). */
  canvasBefore?: Int32Array;
  x0?: Int32Array;
  confidence?: Float32Array;
  margin?: Float32Array;
  entropy?: Float32Array;
  /** record 'full': top CANDIDATES tokens and probabilities per position (L x CANDIDATES). */
  candidateTokens?: Int32Array;
  candidateProbs?: Float32Array;
  /** record 'full': the same candidates' probabilities after temperature (over the whole vocabulary). */
  candidateTempered?: Float32Array;
  theory?: StepTheory;
}

export const CANDIDATES = 5;

export interface DecodeTrace {
  task: string;
  index: number;
  seed: number;
  strategy: string;
  strategyParams: StrategyParams;
  denoiser: string;
  temperature: number;
  block: number;
  prompt: Int32Array;
  canvasLength: number;
  steps: StepTrace[];
  output: Int32Array;
  /** Step at which each position was (last) revealed; -1 if still masked. */
  revealStep: Int32Array;
  nfe: number;
  /** canvas length / NFE */
  tps: number;
  score: ScoreResult;
  /** With theory: realised sum while on the support, where it left it, expected L_T (theory.ts). */
  bound?: BoundReport;
}

interface SeqState {
  sample: TaskSample;
  canvas: Int32Array;
  revealStep: Int32Array;
  steps: StepTrace[];
  step: number;
  done: boolean;
  blockIndex: number;
  blockStep: number;
  blockMaskedAtStart: number;
  bound: number;
  strategy: ReturnType<ReturnType<typeof getStrategy>['create']>;
}

/**
 * Decodes a batch of samples of one task and size (one canvas length) in lockstep: every active
 * sequence takes one forward pass per iteration; each stops when nothing is masked.
 */
export async function decodeBatch(
  samples: readonly TaskSample[],
  denoiser: Denoiser,
  strategyId: string,
  strategyParams: Partial<StrategyParams>,
  options: DecodeOptions,
): Promise<DecodeTrace[]> {
  if (samples.length === 0) return [];
  const L = samples[0].canvasLength;
  if (samples.some((s) => s.canvasLength !== L)) throw new Error('a batch must share one canvas length');
  const def = getStrategy(strategyId);
  const params = resolveParams(def, strategyParams);
  const temperature = options.temperature ?? 0;
  if (!(temperature >= 0 && Number.isFinite(temperature))) throw new RangeError(`temperature must be >= 0, got ${temperature}`);
  const blockLength = options.block && options.block > 0 ? options.block : L;
  if (!Number.isInteger(blockLength)) throw new RangeError(`block must be an integer, got ${options.block}`);
  if (blockLength !== L && !def.blocks) throw new RangeError(`strategy ${def.id} does not use semi-AR blocks; drop --block`);
  if (def.oracleOnly && !denoiser.exact) throw new RangeError(`strategy ${def.id} needs the exact oracle (no noise, no model)`);
  const record = options.record ?? 'summary';
  const theory = (options.theory ?? record === 'full') && denoiser.exact;
  const maxSteps = options.maxSteps ?? Math.max(1024, 8 * L);
  const blockCount = Math.ceil(L / blockLength);
  const V = VOCAB_SIZE;

  const states: SeqState[] = samples.map((sample) => ({
    sample,
    canvas: new Int32Array(L).fill(MASK_ID),
    revealStep: new Int32Array(L).fill(-1),
    steps: [],
    step: 0,
    done: false,
    blockIndex: -1,
    blockStep: 0,
    blockMaskedAtStart: 0,
    bound: 0,
    strategy: def.create(params, { canvasLength: L, blockLength }),
  }));
  const stats: PositionStats = allocStats(L);

  for (;;) {
    const active = states.filter((s) => !s.done);
    if (active.length === 0) break;
    const canvases = new Int32Array(active.length * L);
    active.forEach((s, b) => canvases.set(s.canvas, b * L));
    const pred = await denoiser.forward({
      samples: active.map((s) => s.sample),
      canvases,
      canvasLength: L,
      steps: active.map((s) => s.step),
    });
    active.forEach((s, b) => stepSequence(s, b, pred));
  }

  function stepSequence(s: SeqState, b: number, pred: Predictions): void {
    const masked: number[] = [];
    for (let i = 0; i < L; i++) if (s.canvas[i] === MASK_ID) masked.push(i);
    // Advance to the first block that still has a masked position (remasking strategies may
    // step a canvas with none masked: the block then stays).
    const firstBlock = masked.length > 0 ? Math.floor(masked[0] / blockLength) : Math.max(0, s.blockIndex);
    if (firstBlock !== s.blockIndex) {
      s.blockIndex = firstBlock;
      s.blockStep = 0;
      s.blockMaskedAtStart = masked.filter((p) => Math.floor(p / blockLength) === firstBlock).length;
    }
    const start = s.blockIndex * blockLength;
    const end = Math.min(L, start + blockLength);
    const candidates = masked.filter((p) => p >= start && p < end);

    computeStats(pred, b * L, masked, temperature, { seed: options.seed, sample: s.sample.index, step: s.step }, stats);
    let cond: Conditional | null | undefined;
    const truth = () => {
      if (cond === undefined) cond = denoiser.exact ? s.sample.truth.condition(s.canvas) : null;
      return cond;
    };
    const rowCache = new Map<number, Float32Array>();
    const view: StepView = {
      step: s.step,
      canvasLength: L,
      canvas: s.canvas,
      candidates,
      masked,
      stats,
      block: { start, end, index: s.blockIndex, count: blockCount, step: s.blockStep, maskedAtStart: s.blockMaskedAtStart },
      random: (position: number, purpose: Purpose, sub = 0) =>
        randomU32(options.seed, s.sample.index, s.step, position, purpose, sub),
      probabilities: (position: number) => {
        let row = rowCache.get(position);
        if (!row) {
          row = new Float32Array(V);
          rowProbabilities(pred, b * L + position, row);
          rowCache.set(position, row);
        }
        return row;
      },
      truth,
    };
    const sel = s.strategy.select(view);
    const candidateSet = new Set(candidates);
    const seen = new Set<number>();
    for (const p of sel.reveal) {
      if (!candidateSet.has(p) || seen.has(p)) throw new Error(`strategy ${def.id} chose position ${p}, which is not a distinct candidate`);
      seen.add(p);
    }
    const remask = sel.remask ?? [];
    for (const p of remask) {
      if (s.canvas[p] === MASK_ID || seen.has(p)) throw new Error(`strategy ${def.id} remasked position ${p}, which is not revealed`);
    }

    const trace: StepTrace = {
      step: s.step,
      nfe: s.step + 1,
      revealed: sel.reveal.slice(),
      tokens: sel.reveal.map((p) => stats.x0[p]),
      probabilities: sel.reveal.map((p) => stats.confidence[p]),
      remasked: remask.slice(),
      scores: sel.scores ? Array.from(sel.scores, Math.fround) : [],
      block: [start, end],
    };
    if (record === 'full') {
      trace.canvasBefore = s.canvas.slice();
      trace.x0 = new Int32Array(L).fill(-1);
      trace.confidence = new Float32Array(L);
      trace.margin = new Float32Array(L);
      trace.entropy = new Float32Array(L);
      const tempered = new Float32Array(V);
      for (const p of masked) {
        trace.x0[p] = stats.x0[p];
        trace.confidence[p] = stats.confidence[p];
        trace.margin[p] = stats.margin[p];
        trace.entropy[p] = stats.entropy[p];
        recordCandidates(trace, L, p, view.probabilities(p), temperature, tempered);
      }
    }
    if (theory) {
      const c = truth()!;
      const tc = totalCorrelation(c, sel.reveal);
      s.bound += tc;
      trace.theory = {
        totalCorrelation: tc,
        validProbability: sel.reveal.length > 0 ? c.productValidProbability(sel.reveal) : 1,
        bound: s.bound,
        consistentBefore: c.consistent,
      };
      if (record === 'full') trace.theory.pairwiseMI = pairwiseMI(c, masked, L);
    }

    for (const p of sel.reveal) {
      s.canvas[p] = stats.x0[p];
      s.revealStep[p] = s.step;
    }
    for (const p of remask) {
      s.canvas[p] = MASK_ID;
      s.revealStep[p] = -1;
    }
    s.steps.push(trace);
    s.step++;
    s.blockStep++;
    const maskedCount = masked.length - sel.reveal.length + remask.length;
    const finished = s.strategy.finished
      ? s.strategy.finished({ step: s.step, maskedCount })
      : maskedCount === 0;
    if (finished || s.step >= maxSteps) s.done = true;
  }

  return states.map((s) => {
    const task = getTask(s.sample.task);
    const output = s.canvas.slice();
    const score: ScoreResult = output.includes(MASK_ID)
      ? { ok: false, reason: `decode stopped after ${s.step} steps with masked positions left`, culprits: [] }
      : task.score(s.sample, output);
    return {
      task: s.sample.task,
      index: s.sample.index,
      seed: options.seed,
      strategy: def.id,
      strategyParams: params,
      denoiser: denoiser.id,
      temperature,
      block: blockLength === L ? 0 : blockLength,
      prompt: s.sample.prompt,
      canvasLength: L,
      steps: s.steps,
      output,
      revealStep: s.revealStep,
      nfe: s.step,
      tps: L / s.step,
      score,
      ...(theory ? { bound: boundReport(s.sample.truth, s.steps, s.revealStep, output) } : {}),
    };
  });
}

/** Decodes one sample. */
export async function decode(
  sample: TaskSample,
  denoiser: Denoiser,
  strategyId: string,
  strategyParams: Partial<StrategyParams>,
  options: DecodeOptions,
): Promise<DecodeTrace> {
  return (await decodeBatch([sample], denoiser, strategyId, strategyParams, options))[0];
}

/** C(S | revealed) = sum_i H(y_i) - H(y_S), in bits. */
/** Re-exported: the one definition lives in theory.ts. */
export { totalCorrelation };

export function pairwiseMI(cond: Conditional, masked: readonly number[], L: number): Float32Array {
  const mi = new Float32Array(L * L);
  for (let a = 0; a < masked.length; a++) {
    for (let b = a + 1; b < masked.length; b++) {
      const v = cond.mutualInformation(masked[a], masked[b]);
      mi[masked[a] * L + masked[b]] = v;
      mi[masked[b] * L + masked[a]] = v;
    }
  }
  return mi;
}

function topTokens(row: Float32Array, k: number): number[] {
  const idx: number[] = [];
  for (let v = 0; v < row.length; v++) if (row[v] > 0) idx.push(v);
  idx.sort((a, b) => row[b] - row[a] || a - b);
  return idx.slice(0, k);
}

/**
 * Records position p's top CANDIDATES tokens with their probabilities before and after
 * temperature (allocating the trace's arrays on first use). Shared by every backend's
 * step-through traces. `scratch` is a VOCAB_SIZE buffer.
 */
export function recordCandidates(trace: StepTrace, L: number, p: number, row: Float32Array, temperature: number, scratch: Float32Array): void {
  trace.candidateTokens ??= new Int32Array(L * CANDIDATES).fill(-1);
  trace.candidateProbs ??= new Float32Array(L * CANDIDATES);
  trace.candidateTempered ??= new Float32Array(L * CANDIDATES);
  temperedProbabilities(row, temperature, scratch);
  topTokens(row, CANDIDATES).forEach((t, k) => {
    trace.candidateTokens![p * CANDIDATES + k] = t;
    trace.candidateProbs![p * CANDIDATES + k] = row[t];
    trace.candidateTempered![p * CANDIDATES + k] = scratch[t];
  });
}
