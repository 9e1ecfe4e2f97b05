import { CANDIDATES, type DecodeTrace, type StepTrace } from '../engine/decode';
import { MASK_ID } from '../engine/vocab';

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

export function frameView(trace: DecodeTrace, frame: number): FrameView {
  const T = trace.steps.length;
  const f = Math.max(0, Math.min(T, frame));
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

/** Largest entropy over a step's masked positions (to scale the entropy heat per step). */
export function heatMax(step: StepTrace | null, heat: 'confidence' | 'margin' | 'entropy'): number {
  if (heat !== 'entropy') return 1;
  if (!step?.entropy || !step.canvasBefore) return 1;
  let m = 0;
  for (let p = 0; p < step.entropy.length; p++) if (step.canvasBefore[p] === MASK_ID) m = Math.max(m, step.entropy[p]);
  return m > 0 ? m : 1;
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
  for (let t = 0; t + 1 < steps.length; t++) {
    const next = steps[t + 1].theory;
    if (next && !next.consistentBefore) return t + 1;
  }
  return steps.length;
}
