import { useEffect } from 'react';
import { SIDE_KEYS, shownSides } from '../settings';
import { currentFrame, setFrame, totalFrames, useApp } from '../store';
import { clicker, nextContent, setPresenter, shownTraces, stepBy, useTeach } from '../teach';
import { frameView, nextFrame } from '../traceView';
import { Term } from './Glossary';

const SPEEDS = [0.5, 1, 2, 4, 8];

/** True when a key press belongs to a form control rather than to the player. */
function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || el.isContentEditable;
}

export function togglePlay(): void {
  const s = useApp.getState();
  const T = totalFrames(s);
  if (!s.playing && currentFrame(s) >= T) setFrame(0);
  useApp.setState({ playing: !s.playing });
}

/** Step, play/pause, speed and a scrubber over the recorded steps; arrows and space drive it too. */
export function Player() {
  const frames = useApp(totalFrames);
  const frame = useApp(currentFrame);
  const playing = useApp((s) => s.playing);
  const speed = useApp((s) => s.speed);
  const announce = useApp(announcement);
  const skip = useTeach((t) => t.skipPadding);
  const fold = useTeach((t) => t.foldPadding);
  const count = useApp((s) => shownSides(s.settings).length);

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      const s = useApp.getState();
      const f = currentFrame(s);
      if (f >= totalFrames(s)) useApp.setState({ playing: false });
      else setFrame(nextFrame(shownTraces(), f, 1, useTeach.getState().skipPadding));
    }, 1000 / speed);
    return () => clearInterval(timer);
  }, [playing, speed]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || typingIn(e.target)) return;
      if (useApp.getState().settings.tab !== 'decode') return;
      // A presentation clicker sends PageDown/PageUp; in presenter mode space is "next" too.
      const { presenter } = useTeach.getState();
      const teaching = presenter || !!useApp.getState().settings.lesson;
      if (teaching && (e.key === 'PageDown' || e.key === 'PageUp' || (presenter && e.key === ' ' && !(e.target instanceof HTMLButtonElement)))) {
        if (clicker(e.key === 'PageUp' ? -1 : 1)) e.preventDefault();
        return;
      }
      if (presenter && e.key === 'Escape') {
        setPresenter(false);
        return;
      }
      if (e.key === 'ArrowRight') stepBy(1);
      else if (e.key === 'ArrowLeft') stepBy(-1);
      else if (e.key === 'n' || e.key === 'N') nextContent(e.key === 'n' ? 'a' : 'b');
      else if (e.key === 'Home') setFrame(0);
      else if (e.key === 'End') setFrame(Number.MAX_SAFE_INTEGER);
      else if (e.key === ' ' && !(e.target instanceof HTMLButtonElement)) togglePlay();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="player" role="group" aria-label="step through the decode">
      <button type="button" onClick={() => setFrame(0)} disabled={frame <= 0} aria-label="first step" title="first step (Home)">|◀</button>
      <button type="button" onClick={() => stepBy(-1)} disabled={frame <= 0} aria-label="step back" title="step back (←)">◀</button>
      <button type="button" className="play" onClick={togglePlay} disabled={frames === 0} aria-label={playing ? 'pause' : 'play'} title="play / pause (space)">
        {playing ? '⏸ pause' : '▶ play'}
      </button>
      <button type="button" onClick={() => stepBy(1)} disabled={frame >= frames} aria-label="step forward" title="step forward (→)">▶</button>
      <button type="button" onClick={() => setFrame(frames)} disabled={frame >= frames} aria-label="last step" title="last step (End)">▶|</button>
      <label className="scrub">
        <span>step</span>
        <input type="range" min={0} max={frames} value={frame} aria-valuetext={`step ${frame} of ${frames}`} onChange={(e) => setFrame(Number(e.target.value))} />
        <output data-testid="step-readout">{frame} / {frames}</output>
      </label>
      <label className="speed">
        <span>speed</span>
        <select value={speed} onChange={(e) => useApp.setState({ speed: Number(e.target.value) })}>
          {SPEEDS.map((v) => (
            <option key={v} value={v}>{v} steps/s</option>
          ))}
        </select>
      </label>
      <span className="teach-controls">
        <label className="check">
          <input type="checkbox" checked={skip} onChange={(e) => useTeach.setState({ skipPadding: e.target.checked })} /> skip <Term id="padding">padding</Term> steps
        </label>
        <label className="check">
          <input type="checkbox" checked={fold} onChange={(e) => useTeach.setState({ foldPadding: e.target.checked })} /> fold padding cells
        </label>
        <button type="button" onClick={() => nextContent('a')} disabled={frame >= frames} title="next step that reveals content in A (N)">
          next content step of A
        </button>
        {SIDE_KEYS.slice(1, count).map((k) => (
          <button key={k} type="button" onClick={() => nextContent(k)} disabled={frame >= frames} title={`next step that reveals content in ${k.toUpperCase()}${k === 'b' ? ' (Shift+N)' : ''}`} aria-label={`next content step of ${k.toUpperCase()}`}>
            of {k.toUpperCase()}
          </button>
        ))}
      </span>
      <p className="sr-live" aria-live="polite" aria-atomic="true" data-testid="announce">{announce}</p>
    </div>
  );
}

function announcement(s: ReturnType<typeof useApp.getState>): string {
  const frame = currentFrame(s);
  const frames = totalFrames(s);
  if (frames === 0) return '';
  const parts = [`Step ${frame} of ${frames}.`];
  for (const side of shownSides(s.settings)) {
    const r = s.sides[side].result;
    if (!r) continue;
    const v = frameView(r.trace, frame);
    const name = side.toUpperCase();
    if (frame === 0) parts.push(`${name}: all masked.`);
    else if (frame > v.frames) parts.push(`${name}: finished.`);
    else parts.push(`${name} revealed ${v.revealed.length === 0 ? 'nothing' : `position${v.revealed.length > 1 ? 's' : ''} ${v.revealed.join(', ')}`}${v.final ? `; done, ${r.trace.score.ok ? 'valid' : 'invalid'}` : ''}.`);
  }
  return parts.join(' ');
}
