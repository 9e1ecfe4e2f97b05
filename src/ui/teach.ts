import { create } from 'zustand';
import type { DecodeTrace } from '../engine/decode';
import { currentFrame, setFrame, useApp, type Side } from './store';
import { nextContentFrame, nextFrame } from './traceView';

/**
 * View state for teaching, kept out of the URL: skip padding while stepping, fold revealed
 * padding away, presenter mode, and which glossary entry is open. Its own small store so the main
 * one (store.ts) stays as it is.
 */
export interface TeachState {
  /** Stepping and playing pass over steps that reveal only padding or separators. */
  skipPadding: boolean;
  /** Revealed padding cells are folded into one "… N padding" cell. */
  foldPadding: boolean;
  presenter: boolean;
  /** The glossary entry whose explanation is open beside a term (its id), or null. */
  term: string | null;
}

export const useTeach = create<TeachState>(() => ({ skipPadding: false, foldPadding: false, presenter: false, term: null }));

/** The decodes on screen (A, and B when comparing), in order. */
export function shownTraces(): DecodeTrace[] {
  const s = useApp.getState();
  const sides: Side[] = s.settings.compare ? ['a', 'b'] : ['a'];
  return sides.map((k) => s.sides[k].result?.trace).filter((t): t is DecodeTrace => !!t);
}

/** One press forward or back, passing over padding-only steps when skip padding is on. */
export function stepBy(dir: 1 | -1): void {
  const f = currentFrame(useApp.getState());
  setFrame(nextFrame(shownTraces(), f, dir, useTeach.getState().skipPadding));
}

/** Jumps to the next step that reveals content in one decode (A or B). */
export function nextContent(side: Side): void {
  const t = useApp.getState().sides[side].result?.trace;
  if (t) setFrame(nextContentFrame(t, currentFrame(useApp.getState())));
}
