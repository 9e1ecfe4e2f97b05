import { create } from 'zustand';
import type { DecodeTrace } from '../engine/decode';
import { LESSONS, lessonSettings } from './lessons';
import { shownSides } from './settings';
import { currentFrame, setFrame, setSettings, totalFrames, useApp, type Side } from './store';
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
  return shownSides(s.settings).map((k) => s.sides[k].result?.trace).filter((t): t is DecodeTrace => !!t);
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

// ---- lessons and presenter mode ---------------------------------------------------------------

/** Opens lesson n (1-based) at its preset, or with its "try this" change; skip padding turns on. */
export function openLesson(n: number, tryIt = false): void {
  if (!(n >= 1 && n <= LESSONS.length)) return;
  const { settings } = lessonSettings(n, tryIt);
  useApp.setState({ settings, playing: false });
  useTeach.setState({ skipPadding: true });
}

export function closeLessons(): void {
  setSettings({ lesson: undefined });
}

export function setPresenter(on: boolean): void {
  useTeach.setState({ presenter: on });
  // Focus leaves the toggle, so a clicker's space or Enter steps instead of leaving the mode.
  if (on) document.getElementById('main')?.focus();
  // Full screen where the browser allows it (it needs a click or key press; failing is fine).
  try {
    if (on && !document.fullscreenElement) void document.documentElement.requestFullscreen?.().catch(() => undefined);
    if (!on && document.fullscreenElement) void document.exitFullscreen?.().catch(() => undefined);
  } catch {
    /* no full screen here: presenter mode still enlarges everything */
  }
}

/**
 * A clicker's "next" (PageDown, or space in presenter mode): the next step, and at the end of the
 * decode the next lesson. "Previous" (PageUp) mirrors it. Returns false when there is nowhere to go.
 */
export function clicker(dir: 1 | -1): boolean {
  const s = useApp.getState();
  const f = currentFrame(s);
  const T = totalFrames(s);
  const lesson = s.settings.lesson ?? 0;
  if (dir > 0 ? f < T : f > 0) {
    stepBy(dir);
    return true;
  }
  if (lesson && lesson + dir >= 1 && lesson + dir <= LESSONS.length) {
    openLesson(lesson + dir);
    // Going back lands on the previous lesson's last step, going forward on its first.
    if (dir < 0) setSettings({ step: -1 });
    return true;
  }
  return false;
}
