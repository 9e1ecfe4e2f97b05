import { CANDIDATES, type DecodeTrace, type StepTrace } from '../engine/decode';
import { decodeOrderTau } from '../engine/metrics';
import { EOS_ID, MASK_ID, PAD_ID, SEP_ID, tokenId } from '../engine/vocab';

/**
 * What one frame of a recorded decode shows. Frame 0 is the fully masked canvas; frame t >= 1 is
 * the canvas after step t, with the statistics the model had when it chose step t's reveals.
 * Everything is derived from the recorded trace: scrubbing never re-runs the model.
 */
export type CellState = 'masked' | 'new' | 'earlier' | 'remasked' | 'edited';

export interface FrameView {
  frame: number;
  frames: number;
  /** The step whose decision this frame shows (the one just taken, or the first at frame 0). */
  step: StepTrace | null;
  tokens: Int32Array;
  states: CellState[];
  /** 1-based step at which each position was revealed by this frame (0 = masked now). */
  order: Int32Array;
  /** Positions revealed in this frame's step. */
  revealed: number[];
  remasked: number[];
  /** Revealed positions rewritten to another token in this frame's step (token-to-token edits). */
  edited: number[];
  final: boolean;
}

export function frameCount(trace: DecodeTrace): number {
  return trace.steps.length;
}

/**
 * Frames are built once per trace and kept (a trace is immutable once recorded), so stepping and
 * playing only look them up: every panel of every side asks for the same frame object.
 */
const frameCache = new WeakMap<DecodeTrace, FrameView[]>();

export function frameView(trace: DecodeTrace, frame: number): FrameView {
  const f = Math.max(0, Math.min(trace.steps.length, Number.isFinite(frame) ? Math.round(frame) : 0));
  let frames = frameCache.get(trace);
  if (!frames) frameCache.set(trace, (frames = []));
  return (frames[f] ??= buildFrame(trace, f));
}

function buildFrame(trace: DecodeTrace, f: number): FrameView {
  const T = trace.steps.length;
  const L = trace.canvasLength;
  const tokens = new Int32Array(L).fill(MASK_ID);
  const order = new Int32Array(L);
  const remaskedEver = new Set<number>();
  for (let t = 0; t < f; t++) {
    const s = trace.steps[t];
    s.revealed.forEach((p, i) => {
      tokens[p] = s.tokens[i];
      order[p] = t + 1;
      remaskedEver.delete(p);
    });
    for (const p of s.remasked) {
      tokens[p] = MASK_ID;
      order[p] = 0;
      remaskedEver.add(p);
    }
    (s.edited ?? []).forEach((p, i) => {
      tokens[p] = s.editedTokens![i];
      order[p] = t + 1;
    });
  }
  const cur = f > 0 ? trace.steps[f - 1] : null;
  const now = new Set(cur?.revealed ?? []);
  const remaskedNow = new Set(cur?.remasked ?? []);
  const editedNow = new Set(cur?.edited ?? []);
  const states: CellState[] = [];
  for (let p = 0; p < L; p++) {
    if (tokens[p] === MASK_ID) states.push(remaskedNow.has(p) || remaskedEver.has(p) ? 'remasked' : 'masked');
    else states.push(now.has(p) ? 'new' : editedNow.has(p) ? 'edited' : 'earlier');
  }
  return {
    frame: f,
    frames: T,
    step: cur ?? trace.steps[0] ?? null,
    tokens,
    states,
    order,
    revealed: cur?.revealed ?? [],
    remasked: cur?.remasked ?? [],
    edited: cur?.edited ?? [],
    final: f === T,
  };
}

/** Was position p masked when the frame's step was decided (so its statistics exist)? */
export function hadStats(step: StepTrace | null, p: number): boolean {
  return !!step?.canvasBefore && step.canvasBefore[p] === MASK_ID;
}

export interface Candidate {
  token: number;
  /** The model's probability. */
  p: number;
  /** After temperature T, over the whole vocabulary (greedy = one-hot; exact ties share it). */
  q: number;
}

/** The top candidates of a position at a step, before and after temperature. */
export function candidatesAt(step: StepTrace | null, p: number): Candidate[] {
  if (!step?.candidateTokens || !step.candidateProbs || !step.candidateTempered || !hadStats(step, p)) return [];
  const out: Candidate[] = [];
  for (let k = 0; k < CANDIDATES; k++) {
    const i = p * CANDIDATES + k;
    const token = step.candidateTokens[i];
    if (token >= 0) out.push({ token, p: step.candidateProbs[i], q: step.candidateTempered[i] });
  }
  return out;
}

export function heatValue(step: StepTrace | null, p: number, heat: 'confidence' | 'margin' | 'entropy'): number | null {
  if (!step || !hadStats(step, p)) return null;
  const arr = step[heat];
  return arr ? arr[p] : null;
}

/** Links between positions revealed together at a step, weighted by their mutual information. */
export function stepLinks(step: StepTrace | null, L: number): { a: number; b: number; mi: number }[] {
  const mi = step?.theory?.pairwiseMI;
  if (!step || !mi) return [];
  const out: { a: number; b: number; mi: number }[] = [];
  const r = step.revealed;
  for (let i = 0; i < r.length; i++)
    for (let j = i + 1; j < r.length; j++) out.push({ a: r[i], b: r[j], mi: mi[r[i] * L + r[j]] });
  return out.sort((x, y) => y.mi - x.mi);
}

/**
 * The frame whose step made the output impossible: the first step after which the canvas was no
 * longer consistent with any valid answer (oracle theory), or the last step when only the final
 * score tells. null for valid outputs.
 */
export function breakingFrame(trace: DecodeTrace): number | null {
  if (trace.score.ok) return null;
  const steps = trace.steps;
  if (steps.some((s) => s.theory)) {
    for (let t = 0; t + 1 < steps.length; t++) {
      const next = steps[t + 1].theory;
      if (next && !next.consistentBefore) return t + 1;
    }
    return steps.length;
  }
  // No theory (a neural model): the step that revealed the last of the scorer's culprits, the
  // earliest step after which the scorer's reason holds.
  let f = 0;
  for (const p of trace.score.culprits) if (p >= 0 && p < trace.revealStep.length) f = Math.max(f, trace.revealStep[p] + 1);
  return f > 0 ? f : steps.length;
}

/**
 * The culprits: the positions revealed together in the step that first made the answer invalid
 * (what the dependency view shows for that step), sorted. null for valid outputs.
 */
export function culprits(trace: DecodeTrace): { frame: number; positions: number[] } | null {
  const frame = breakingFrame(trace);
  if (frame === null || frame < 1) return null;
  return { frame, positions: [...trace.steps[frame - 1].revealed].sort((a, b) => a - b) };
}

// ---- verification (leave-one-out) --------------------------------------------------------------

/** One revealed token a step verified, and what the step did with it. */
export interface VerifiedToken {
  position: number;
  /** The token it held before the step (the one verified). */
  token: number;
  /** p(token | prompt, every other revealed token), as the trace recorded it. */
  probability: number;
  outcome: 'kept' | 'remasked' | 'edited';
  /** The token an edit wrote (outcome 'edited'). */
  newToken?: number;
}

/**
 * The revealed tokens that frame f's step (steps[f - 1]) verified by their leave-one-out
 * probability, in the trace's order, with the step's verdict on each, and the extra input rows the
 * step used; null at frame 0 and for steps that checked nothing.
 */
export function verifiedAt(trace: DecodeTrace, frame: number): { step: StepTrace; rows: VerifiedToken[]; extraRows?: number } | null {
  const f = Math.round(frame);
  const step = f >= 1 ? trace.steps[f - 1] : undefined;
  if (!step?.checked?.length) return null;
  const before = frameView(trace, f - 1).tokens;
  const remasked = new Set(step.remasked);
  const edits = new Map((step.edited ?? []).map((p, i) => [p, step.editedTokens![i]]));
  const rows = step.checked.map((position, i): VerifiedToken => {
    const row: VerifiedToken = { position, token: step.canvasBefore?.[position] ?? before[position], probability: step.checkedProbabilities![i], outcome: 'kept' };
    if (remasked.has(position)) row.outcome = 'remasked';
    else if (edits.has(position)) {
      row.outcome = 'edited';
      row.newToken = edits.get(position);
    }
    return row;
  });
  return { step, rows, ...(step.extraRows !== undefined ? { extraRows: step.extraRows } : {}) };
}

// ---- decode order -------------------------------------------------------------------------------

/**
 * The decode's left-to-rightness as the CLI records it (engine/metrics.ts decodeOrderTau, over the
 * trace's reveal steps and output): Kendall τ-b between reveal step and position, with padding and
 * without the positions that end as [EOS]; null where τ is undefined (every position revealed, or
 * last rewritten, in the same step).
 */
export function decodeOrder(trace: DecodeTrace): { withPad: number | null; withoutPad: number | null } {
  const tau = (ignorePad: boolean) => {
    const v = decodeOrderTau(trace.revealStep, trace.output, EOS_ID, ignorePad);
    return Number.isFinite(v) ? v : null;
  };
  return { withPad: tau(false), withoutPad: tau(true) };
}

// ---- skipping padding -------------------------------------------------------------------------

/** Tokens that only pad or separate: a step that reveals nothing else teaches nothing. */
const PADDING = new Set([EOS_ID, PAD_ID, SEP_ID, tokenId(','), tokenId('/')]);
export const isPadding = (token: number): boolean => PADDING.has(token);

/** Does frame f's step (steps[f - 1]) reveal at least one token that is not padding? */
export function revealsContent(trace: DecodeTrace, f: number): boolean {
  const s = f >= 1 ? trace.steps[f - 1] : undefined;
  return !!s && s.tokens.some((t) => !PADDING.has(t));
}

/**
 * The frame one press away from `frame` in direction `dir`, over the decodes on screen (they
 * share the frame number). With `skip`, frames whose step reveals only padding on every decode
 * are passed over; the first and last frames always stop.
 */
export function nextFrame(traces: readonly DecodeTrace[], frame: number, dir: 1 | -1, skip: boolean): number {
  const T = Math.max(0, ...traces.map((t) => t.steps.length));
  let f = Math.max(0, Math.min(T, frame + dir));
  if (skip) while (f > 0 && f < T && !traces.some((t) => revealsContent(t, f))) f += dir;
  return f;
}

/** The next frame after `frame` whose step reveals content in this decode (its last frame if none). */
export function nextContentFrame(trace: DecodeTrace, frame: number): number {
  const T = trace.steps.length;
  for (let f = Math.max(1, frame + 1); f <= T; f++) if (revealsContent(trace, f)) return f;
  return T;
}

// ---- layout -----------------------------------------------------------------------------------

/**
 * How a task's canvas is drawn: puzzles as their 4×4 grid (a row of four cells, then the "/"
 * separator), the dial as its two words, text as a sentence, lists as a strip of cells.
 */
export type CanvasLayout = { kind: 'strip' } | { kind: 'sentence' } | { kind: 'words' } | { kind: 'grid'; columns: number; rows: number[][] };

export function canvasLayout(taskId: string, L: number): CanvasLayout {
  if (taskId.startsWith('puzzles/')) {
    // Row r holds positions r*5 .. r*5+3, and r*5+4 is the "/" before the next row.
    const rows: number[][] = [];
    for (let start = 0; start < L; start += 5) rows.push(Array.from({ length: Math.min(5, L - start) }, (_, i) => start + i));
    return { kind: 'grid', columns: 5, rows };
  }
  if (taskId === 'dial') return { kind: 'words' };
  if (taskId.startsWith('text/')) return { kind: 'sentence' };
  return { kind: 'strip' };
}

// ---- fixed heat scales ------------------------------------------------------------------------

/**
 * One fixed scale per metric (never rescaled per view, so a colour always means the same value):
 * confidence and margin in [0, 1]; entropy in nats on [0, 3] (above 3 shows as 3); pairwise mutual
 * information in bits on [0, 2].
 */
export const HEAT_SCALE = {
  confidence: { max: 1, unit: '', ticks: [0, 0.25, 0.5, 0.75, 1] },
  margin: { max: 1, unit: '', ticks: [0, 0.25, 0.5, 0.75, 1] },
  entropy: { max: 3, unit: 'nats', ticks: [0, 0.75, 1.5, 2.25, 3] },
} as const;
export const MI_SCALE = { max: 2, unit: 'bits', ticks: [0, 0.5, 1, 1.5, 2] } as const;

/** Position on the colour scale, 0..1: "bright = sure" for every metric (entropy flipped). */
export function heatT(heat: 'confidence' | 'margin' | 'entropy', value: number): number {
  const x = Math.max(0, Math.min(1, value / HEAT_SCALE[heat].max));
  return heat === 'entropy' ? 1 - x : x;
}
