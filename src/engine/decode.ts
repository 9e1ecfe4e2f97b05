import { leaveOneOutCanvas, type Conditional } from './distribution';
import type { Denoiser, Predictions } from './denoiser';
import { randomU32, type Purpose } from './rng';
import { allocStats, computeStats, rowProbabilities, temperedProbabilities, type PositionStats } from './stats';
import { resolveDecode, type DecodeOptions } from './options';
import type { StrategyParams } from './strategies';
import type { StepView, StrategyInstance, VerifyRow } from './strategies/types';
import { getTask, type ScoreResult, type TaskSample } from './tasks';
import { boundReport, totalCorrelation, type BoundReport } from './theory';
import { MASK_ID, VOCAB_SIZE } from './vocab';

export type { DecodeOptions } from './options';

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
  /** Token-to-token edits: revealed positions rewritten this step (strategies that edit). */
  edited?: number[];
  /** The tokens the edited positions received. */
  editedTokens?: number[];
  /** Revealed positions verified this step by their leave-one-out conditional, and that probability of their token. */
  checked?: number[];
  checkedProbabilities?: number[];
  /**
   * Input rows beyond the canvas row this step used (leave-one-out rows, APD's verifier rows).
   * NFE counts forward calls, as the papers count WINO; these rows are reported beside it.
   */
  extraRows?: number;
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
  strategy: StrategyInstance;
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
  const opts = resolveDecode({ strategy: strategyId, params: strategyParams, options, canvasLength: L, exact: denoiser.exact });
  return new BatchDecode(samples, denoiser, opts, options.seed).run();
}

type ResolvedDecode = ReturnType<typeof resolveDecode>;

/**
 * One batch decode's shared state and its steps. Methods of a class, not closures made per
 * call: V8 holds a closure's optimised code only while some closure of it lives, so closures
 * made per batch were recompiled after every full GC (each eleven times in one suite run).
 */
class BatchDecode {
  private readonly L: number;
  private readonly states: SeqState[];
  private readonly stats: PositionStats;
  private readonly marks: Uint8Array;
  private canvasScratch = new Int32Array(0);
  // Prediction scratch reused from step to step (DenoiserBatch.out): the step's rows, and the
  // verifier rows that a step reads beside them.
  private readonly scratch = { pred: new Float32Array(0), verify: new Float32Array(0) };

  constructor(
    samples: readonly TaskSample[],
    private readonly denoiser: Denoiser,
    private readonly opts: ResolvedDecode,
    private readonly seed: number,
  ) {
    const L = (this.L = samples[0].canvasLength);
    const { strategy: def, params, blockLength } = opts;
    this.states = samples.map((sample) => ({
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
      strategy: def.create(params, { canvasLength: L, blockLength, sample }),
    }));
    this.stats = allocStats(L);
    this.marks = new Uint8Array(L);
  }

  private scratchOf(which: 'pred' | 'verify', rows: number): Float32Array {
    if (this.scratch[which].length < rows * this.L * VOCAB_SIZE) this.scratch[which] = new Float32Array(rows * this.L * VOCAB_SIZE);
    return this.scratch[which];
  }

  async run(): Promise<DecodeTrace[]> {
    const { L, states, denoiser, opts } = this;
    const def = opts.strategy;
    for (;;) {
      const active = states.filter((s) => !s.done);
      if (active.length === 0) break;
      // Leave-one-out rows ride in the same forward call, after the canvas rows (one per revealed
      // position of the current block, that position masked).
      const looRows = def.verify === 'loo' ? active.map((s) => this.looPositions(s)) : null;
      const rows = active.length + (looRows?.reduce((n, r) => n + r.length, 0) ?? 0);
      if (this.canvasScratch.length < rows * L) this.canvasScratch = new Int32Array(rows * L);
      const canvases = this.canvasScratch.subarray(0, rows * L);
      const rowSamples = active.map((s) => s.sample);
      const rowSteps = active.map((s) => s.step);
      active.forEach((s, b) => canvases.set(s.canvas, b * L));
      const looIndex = active.map((s, b) => {
        if (!looRows) return NO_LOO_ROWS;
        const index = new Map<number, number>();
        for (const p of looRows[b]) {
          index.set(p, rowSamples.length);
          canvases.set(leaveOneOutCanvas(s.canvas, p), rowSamples.length * L);
          rowSamples.push(s.sample);
          rowSteps.push(s.step);
        }
        return index;
      });
      const pred = await denoiser.forward({ samples: rowSamples, canvases, canvasLength: L, steps: rowSteps, out: this.scratchOf('pred', rowSamples.length) });
      for (let b = 0; b < active.length; b++) {
        const pending = this.stepSequence(active[b], b, pred, looIndex[b]);
        if (pending) await pending;
      }
    }
    const header = { seed: this.seed, strategy: def.id, strategyParams: opts.params, denoiser: denoiser.id, temperature: opts.temperature, blockLength: opts.blockLength };
    return states.map((s) => assembleTrace(s.sample, header, { steps: s.steps, output: s.canvas.slice(), revealStep: s.revealStep, nfe: s.step }));
  }

  /** Moves a sequence to the first block that still has a masked position (remasking strategies
   * may step a canvas with none masked: the block then stays); returns its masked positions. */
  private advanceBlock(s: SeqState): number[] {
    const { L } = this;
    const { blockLength } = this.opts;
    const masked: number[] = [];
    for (let i = 0; i < L; i++) if (s.canvas[i] === MASK_ID) masked.push(i);
    const firstBlock = masked.length > 0 ? Math.floor(masked[0] / blockLength) : Math.max(0, s.blockIndex);
    if (firstBlock !== s.blockIndex) {
      s.blockIndex = firstBlock;
      s.blockStep = 0;
      let n = 0;
      for (const p of masked) if (Math.floor(p / blockLength) === firstBlock) n++;
      s.blockMaskedAtStart = n;
    }
    return masked;
  }

  /** Revealed positions of the current block: the ones a 'loo' strategy verifies. */
  private looPositions(s: SeqState): number[] {
    this.advanceBlock(s);
    const { blockLength } = this.opts;
    const start = s.blockIndex * blockLength;
    const out: number[] = [];
    for (let i = start; i < Math.min(this.L, start + blockLength); i++) if (s.canvas[i] !== MASK_ID) out.push(i);
    return out;
  }

  private stepSequence(s: SeqState, b: number, pred: Predictions, looIndex: ReadonlyMap<number, number>): Promise<void> | void {
    const { L, opts, stats } = this;
    const masked = this.advanceBlock(s);
    const start = s.blockIndex * opts.blockLength;
    const end = Math.min(L, start + opts.blockLength);
    const candidates: number[] = [];
    for (const p of masked) if (p >= start && p < end) candidates.push(p);

    computeStats(pred, b * L, masked, opts.temperature, { seed: this.seed, sample: s.sample.index, step: s.step }, stats);
    const view = new SequenceStep(s, {
      canvasLength: L,
      candidates,
      masked,
      stats,
      block: { start, end, index: s.blockIndex, count: opts.blockCount, step: s.blockStep, maskedAtStart: s.blockMaskedAtStart },
      temperature: opts.temperature,
      seed: this.seed,
      exact: this.denoiser.exact,
      strategyId: opts.strategy.id,
      pred,
      row: b,
      looIndex,
    });
    // APD-style verification: rows that depend on this step's draft take one further call.
    // Only then is the step asynchronous: an async function per step costs a sweep its promises.
    const extra = s.strategy.verifyRows?.(view) ?? [];
    if (extra.length === 0) return this.finishStep(s, view, looIndex, 0);
    return this.verify(s, view, extra).then(() => this.finishStep(s, view, looIndex, extra.length));
  }

  private async verify(s: SeqState, view: SequenceStep, extra: VerifyRow[]): Promise<void> {
    const { L } = this;
    const canv = new Int32Array(extra.length * L);
    extra.forEach((r, k) => canv.set(r.canvas, k * L));
    const vp = await this.denoiser.forward({
      samples: extra.map(() => s.sample),
      canvases: canv,
      canvasLength: L,
      steps: extra.map(() => s.step),
      out: this.scratchOf('verify', extra.length),
    });
    view.verifierRows = extra.map((r, k) => {
      const row = new Float32Array(VOCAB_SIZE);
      rowProbabilities(vp, k * L + r.position, row);
      return row;
    });
  }

  private finishStep(s: SeqState, view: SequenceStep, looIndex: ReadonlyMap<number, number>, extraRows: number): void {
    const { L, marks, stats, opts } = this;
    const { strategy: def, record, temperature } = opts;
    const { candidates, masked } = view;
    const { start, end } = view.block;
    const sel = s.strategy.select(view);
    // Marks, not Sets (a step of a sweep allocates as little as it can): 1 = candidate, 2 = chosen.
    for (const p of candidates) marks[p] = 1;
    const remask = sel.remask ?? [];
    try {
      for (const p of sel.reveal) {
        if (marks[p] !== 1) throw new Error(`strategy ${def.id} chose position ${p}, which is not a distinct candidate`);
        marks[p] = 2;
      }
      for (const p of remask) {
        if (s.canvas[p] === MASK_ID || marks[p] === 2) throw new Error(`strategy ${def.id} remasked position ${p}, which is not revealed`);
      }
    } finally {
      for (const p of candidates) marks[p] = 0;
    }
    const edits = sel.edit ?? [];
    for (const e of edits) {
      if (s.canvas[e.position] === MASK_ID || remask.includes(e.position) || !(e.token >= 0 && e.token < VOCAB_SIZE && e.token !== MASK_ID)) {
        throw new Error(`strategy ${def.id} edited position ${e.position}, which is not a revealed position`);
      }
    }

    const tokens: number[] = [];
    const probabilities: number[] = [];
    for (const p of sel.reveal) {
      tokens.push(stats.x0[p]);
      probabilities.push(stats.confidence[p]);
    }
    const trace: StepTrace = {
      step: s.step,
      nfe: s.step + 1,
      revealed: sel.reveal.slice(),
      tokens,
      probabilities,
      remasked: remask.slice(),
      scores: sel.scores ? Array.from(sel.scores, Math.fround) : [],
      block: [start, end],
    };
    if (edits.length > 0 || sel.edit) {
      trace.edited = edits.map((e) => e.position);
      trace.editedTokens = edits.map((e) => e.token);
    }
    if (def.verify === 'loo' || s.strategy.verifyRows) {
      trace.checked = [...looIndex.keys()];
      trace.checkedProbabilities = trace.checked.map((p) => view.loo(p)[s.canvas[p]]);
      trace.extraRows = looIndex.size + extraRows;
    }
    if (record === 'full') {
      recordStepDetail(trace, s.canvas, masked, (p) => ({ x0: stats.x0[p], confidence: stats.confidence[p], margin: stats.margin[p], entropy: stats.entropy[p] }), (p) => view.probabilities(p), temperature);
    }
    if (opts.theory) {
      trace.theory = hostTheory(view.truth()!, sel.reveal, masked, L, s.bound, record === 'full');
      s.bound = trace.theory.bound;
    }

    for (const p of sel.reveal) {
      s.canvas[p] = stats.x0[p];
      s.revealStep[p] = s.step;
    }
    for (const p of remask) {
      s.canvas[p] = MASK_ID;
      s.revealStep[p] = -1;
    }
    for (const e of edits) {
      s.canvas[e.position] = e.token;
      s.revealStep[e.position] = s.step;
    }
    s.steps.push(trace);
    s.step++;
    s.blockStep++;
    const maskedCount = masked.length - sel.reveal.length + remask.length;
    const finished = s.strategy.finished
      ? s.strategy.finished({ step: s.step, maskedCount })
      : maskedCount === 0;
    if (finished || s.step >= opts.maxSteps) s.done = true;
  }
}

const NO_LOO_ROWS: ReadonlyMap<number, number> = new Map();

/** What a step's view holds besides the sequence. */
interface StepInputs {
  canvasLength: number;
  candidates: number[];
  masked: number[];
  stats: PositionStats;
  block: StepView['block'];
  temperature: number;
  seed: number;
  exact: boolean;
  strategyId: string;
  pred: Predictions;
  /** The sequence's row in `pred`. */
  row: number;
  /** Leave-one-out row in `pred` of each verified position. */
  looIndex: ReadonlyMap<number, number>;
}

/**
 * The StepView of one sequence's step. A class, not an object of closures: a step allocates one
 * object, and its caches only when a strategy asks (the CPU engine's sweeps make millions).
 */
class SequenceStep implements StepView {
  readonly step: number;
  readonly canvasLength: number;
  readonly canvas: Int32Array;
  readonly candidates: number[];
  readonly masked: number[];
  readonly stats: PositionStats;
  readonly block: StepView['block'];
  readonly temperature: number;
  /** APD's verifier rows, once computed. */
  verifierRows: Float32Array[] = [];
  private cond: Conditional | null | undefined;
  private rows: Map<number, Float32Array> | undefined;
  private looRows: Map<number, Float32Array> | undefined;

  constructor(
    private readonly seq: SeqState,
    private readonly inputs: StepInputs,
  ) {
    this.step = seq.step;
    this.canvas = seq.canvas;
    ({ canvasLength: this.canvasLength, candidates: this.candidates, masked: this.masked, stats: this.stats, block: this.block, temperature: this.temperature } = inputs);
  }

  random(position: number, purpose: Purpose, sub = 0): number {
    return randomU32(this.inputs.seed, this.seq.sample.index, this.step, position, purpose, sub);
  }

  probabilities(position: number): Float32Array {
    this.rows ??= new Map();
    return cachedRow(this.rows, this.inputs.pred, this.inputs.row * this.canvasLength + position, position);
  }

  truth(): Conditional | null {
    if (this.cond === undefined) this.cond = this.inputs.exact ? this.seq.sample.truth.condition(this.canvas) : null;
    return this.cond;
  }

  loo(position: number): Float32Array {
    const r = this.inputs.looIndex.get(position);
    if (r === undefined) throw new Error(`strategy ${this.inputs.strategyId} asked for the leave-one-out row of position ${position}, which it did not verify`);
    this.looRows ??= new Map();
    return cachedRow(this.looRows, this.inputs.pred, r * this.canvasLength + position, position);
  }

  verifier(k: number): Float32Array {
    if (!(k >= 0 && k < this.verifierRows.length)) throw new Error(`strategy ${this.inputs.strategyId} read verifier row ${k} of ${this.verifierRows.length}`);
    return this.verifierRows[k];
  }
}

/** Row `row` of `pred` as probabilities, computed once per key. */
function cachedRow(cache: Map<number, Float32Array>, pred: Predictions, row: number, key: number): Float32Array {
  let out = cache.get(key);
  if (!out) {
    out = new Float32Array(VOCAB_SIZE);
    rowProbabilities(pred, row, out);
    cache.set(key, out);
  }
  return out;
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

/** What every trace of one decode shares. */
export interface TraceHeader {
  seed: number;
  strategy: string;
  strategyParams: StrategyParams;
  denoiser: string;
  temperature: number;
  blockLength: number;
}

/**
 * The trace of one finished decode, from its steps and final canvas: the one assembly for every
 * backend (CPU engine, GPU decoder). A canvas with masks left scores as a failure.
 */
export function assembleTrace(
  sample: TaskSample,
  h: TraceHeader,
  run: { steps: StepTrace[]; output: Int32Array; revealStep: Int32Array; nfe: number },
): DecodeTrace {
  const L = sample.canvasLength;
  const score: ScoreResult = run.output.includes(MASK_ID)
    ? { ok: false, reason: `decode stopped after ${run.nfe} steps with masked positions left`, culprits: [] }
    : getTask(sample.task).score(sample, run.output);
  return {
    task: sample.task,
    index: sample.index,
    seed: h.seed,
    strategy: h.strategy,
    strategyParams: h.strategyParams,
    denoiser: h.denoiser,
    temperature: h.temperature,
    block: h.blockLength === L ? 0 : h.blockLength,
    prompt: sample.prompt,
    canvasLength: L,
    steps: run.steps,
    output: run.output,
    revealStep: run.revealStep,
    nfe: run.nfe,
    tps: L / run.nfe,
    score,
    // The honest bound, for CPU and GPU traces alike, whenever the steps carry exact theory.
    ...(run.steps.some((st) => st.theory) ? { bound: boundReport(sample.truth, run.steps, run.revealStep, run.output) } : {}),
  };
}

/**
 * Step-through detail of one step (record 'full'), for every backend: the canvas before it and,
 * at each masked position, its statistics and its top candidates before and after temperature.
 */
export function recordStepDetail(
  trace: StepTrace,
  canvasBefore: Int32Array,
  masked: readonly number[],
  stat: (p: number) => { x0: number; confidence: number; margin: number; entropy: number },
  row: (p: number) => Float32Array,
  temperature: number,
): void {
  const L = canvasBefore.length;
  trace.canvasBefore = canvasBefore.slice();
  trace.x0 = new Int32Array(L).fill(-1);
  trace.confidence = new Float32Array(L);
  trace.margin = new Float32Array(L);
  trace.entropy = new Float32Array(L);
  const tempered = new Float32Array(VOCAB_SIZE);
  for (const p of masked) {
    const st = stat(p);
    trace.x0[p] = st.x0;
    trace.confidence[p] = st.confidence;
    trace.margin[p] = st.margin;
    trace.entropy[p] = st.entropy;
    recordCandidates(trace, L, p, row(p), temperature, tempered);
  }
}

/** Exact theory of one step from the true conditional before it (CPU engine, GPU host fallback). */
export function hostTheory(c: Conditional, revealed: readonly number[], masked: readonly number[], L: number, boundBefore: number, pairwise: boolean): StepTheory {
  const tc = totalCorrelation(c, revealed);
  const theory: StepTheory = {
    totalCorrelation: tc,
    validProbability: revealed.length > 0 ? c.productValidProbability(revealed) : 1,
    bound: boundBefore + tc,
    consistentBefore: c.consistent,
  };
  if (pairwise) theory.pairwiseMI = pairwiseMI(c, masked, L);
  return theory;
}
