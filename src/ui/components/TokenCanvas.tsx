import { memo, useRef, useState, type KeyboardEvent } from 'react';
import { tokenText, EOS_ID, MASK_ID } from '../../engine/vocab';
import type { DecodeTrace } from '../../engine/decode';
import { inkOn, viridis } from '../colors';
import type { Heat } from '../settings';
import { canvasLayout, culprits, frameView, HEAT_SCALE, heatT, heatValue, isPadding, type CellState } from '../traceView';
import { Term } from './Glossary';

const STATE_TEXT: Record<CellState, string> = {
  masked: 'masked',
  new: 'revealed this step',
  earlier: 'revealed earlier',
  remasked: 'masked again',
  edited: 'rewritten this step (edit)',
};
/** A glyph per state, so states never depend on colour. */
export const STATE_GLYPH: Record<CellState, string> = { masked: '?', new: '★', earlier: '', remasked: '↺', edited: '✎' };

export function shortToken(id: number): string {
  if (id === EOS_ID) return 'EOS';
  if (id === MASK_ID) return '?';
  return tokenText(id);
}

interface Props {
  trace: DecodeTrace;
  frame: number;
  heat: Heat;
  selected: number;
  onSelect(pos: number): void;
  label: string;
  /** Fold revealed padding cells away (one "… N padding" marker instead). */
  fold?: boolean;
}

interface CellProps {
  p: number;
  tok: number;
  state: CellState;
  order: number;
  heatVal: number | null;
  heat: Heat;
  culprit: boolean;
  selected: boolean;
  tabStop: boolean;
  onSelect(pos: number): void;
}

/** One position; memoised so a step re-renders only the cells whose look changed. */
const Cell = memo(function Cell({ p, tok, state, order, heatVal, heat, culprit, selected, tabStop, onSelect }: CellProps) {
  const t = heatVal === null ? null : heatT(heat, heatVal);
  const style = t === null ? undefined : ({ '--heat': viridis(t), '--heat-ink': inkOn(t) } as React.CSSProperties);
  const hidden = state === 'masked' || state === 'remasked';
  const tokShown = hidden ? '▒' : shortToken(tok);
  // The accessible name starts with the text a sighted person sees, then says what it means.
  const visible = [String(p), hidden ? '' : tokShown, order > 0 ? `s${order}` : '', culprit ? '✗' : ''].filter(Boolean).join(' ');
  const meaning = hidden ? STATE_TEXT[state] : `"${tokenText(tok)}", ${STATE_TEXT[state]} at step ${order}`;
  const heatText = heatVal === null ? '' : `, ${heat} ${heatVal.toFixed(2)}`;
  return (
    <button
      type="button"
      className={`cell cell-${state}${t !== null ? ' has-heat' : ''}${culprit ? ' culprit' : ''}${selected ? ' selected' : ''}${tok === EOS_ID ? ' eos' : ''}`}
      style={style}
      tabIndex={tabStop ? 0 : -1}
      aria-pressed={selected}
      data-pos={p}
      data-state={state}
      data-culprit={culprit || undefined}
      onClick={() => onSelect(selected ? -1 : p)}
    >
      {/* The name comes from this text (not aria-label), starting with what a sighted person sees. */}
      <span className="sr-only">{`${visible}: position ${p}, ${meaning}${heatText}${culprit ? ', revealed in the step that made the output invalid' : ''}`}</span>
      <span className="cell-pos" aria-hidden="true">{p}</span>
      {STATE_GLYPH[state] && <span className="cell-glyph" aria-hidden="true">{STATE_GLYPH[state]}</span>}
      <span className="cell-tok" aria-hidden="true">{tokShown}</span>
      {order > 0 && <span className="cell-order" aria-hidden="true">s{order}</span>}
      {culprit && <span className="cell-culprit" aria-hidden="true">✗</span>}
    </button>
  );
});

/**
 * The output canvas at one frame, laid out as the task reads (a puzzle's 4×4 grid, the dial's
 * two words, a sentence, a list). One tab stop: arrow keys move between cells (roving tabindex);
 * a cell is a button that selects it for the candidate bars.
 */
export const TokenCanvas = memo(function TokenCanvas({ trace, frame, heat, selected, onSelect, label, fold = false }: Props) {
  const v = frameView(trace, frame);
  const bad = culprits(trace);
  const culpritSet = new Set(bad && frame >= bad.frame ? bad.positions : []);
  const layout = canvasLayout(trace.task, trace.canvasLength);
  const [focus, setFocus] = useState(-1);
  const box = useRef<HTMLDivElement>(null);
  const isFolded = (p: number) => fold && v.states[p] === 'earlier' && isPadding(v.tokens[p]);
  const shown: number[] = [];
  for (let p = 0; p < trace.canvasLength; p++) if (!isFolded(p)) shown.push(p);
  const folded = trace.canvasLength - shown.length;
  const stop = shown.includes(focus) ? focus : shown.includes(selected) ? selected : shown[0];

  const move = (e: KeyboardEvent<HTMLDivElement>) => {
    const cells = [...(box.current?.querySelectorAll<HTMLButtonElement>('button.cell') ?? [])];
    const i = cells.indexOf(document.activeElement as HTMLButtonElement);
    if (i < 0) return;
    let j: number;
    if (e.key === 'ArrowRight') j = i + 1;
    else if (e.key === 'ArrowLeft') j = i - 1;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = cells.length - 1;
    else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      // The nearest cell in the next row up or down, as drawn (any layout).
      const r = cells[i].getBoundingClientRect();
      const down = e.key === 'ArrowDown';
      let best = -1;
      let bestScore = Infinity;
      cells.forEach((c, k) => {
        const q = c.getBoundingClientRect();
        const dy = down ? q.top - r.bottom : r.top - q.bottom;
        if (dy < -2) return;
        const score = dy * 1000 + Math.abs(q.left - r.left);
        if (score < bestScore) [best, bestScore] = [k, score];
      });
      if (best < 0) return;
      j = best;
    } else return;
    e.preventDefault();
    e.stopPropagation();
    j = Math.max(0, Math.min(cells.length - 1, j));
    cells[j].focus();
    setFocus(Number(cells[j].dataset.pos));
  };

  const masked = v.states.filter((s) => s === 'masked' || s === 'remasked').length;
  const cell = (p: number) => (
    <Cell
      key={p}
      p={p}
      tok={v.tokens[p]}
      state={v.states[p]}
      order={v.order[p]}
      heatVal={v.states[p] === 'earlier' ? null : heatValue(v.step, p, heat)}
      heat={heat}
      culprit={culpritSet.has(p)}
      selected={selected === p}
      tabStop={p === stop}
      onSelect={onSelect}
    />
  );
  const foldNote = folded > 0 && (
    <span className="fold-note" data-testid="fold-note">
      … {folded} padding {folded === 1 ? 'cell' : 'cells'} folded
    </span>
  );
  return (
    <div
      ref={box}
      className={`canvas canvas-${layout.kind}`}
      role="group"
      aria-label={`${label}: output canvas, ${masked} of ${trace.canvasLength} positions masked; arrow keys move between cells`}
      onKeyDown={move}
      onFocus={(e) => {
        const p = (e.target as HTMLElement).dataset.pos;
        if (p !== undefined) setFocus(Number(p));
      }}
      style={layout.kind === 'grid' ? ({ '--cols': layout.columns } as React.CSSProperties) : undefined}
    >
      {layout.kind === 'grid'
        ? layout.rows.map((row, r) => (
            <div className="grid-row" key={r}>
              {row.map((p) => (isFolded(p) ? <span key={p} className="cell-gap" aria-hidden="true" /> : cell(p)))}
            </div>
          ))
        : shown.map(cell)}
      {layout.kind !== 'grid' && foldNote}
    </div>
  );
});

/** The fixed colour scale of a heat metric, with numbered ticks. */
export function HeatBar({ heat }: { heat: Heat }) {
  const sc = HEAT_SCALE[heat];
  // Entropy is drawn flipped (bright = sure), so its numbers run from high to low.
  const ticks = heat === 'entropy' ? [...sc.ticks].reverse() : sc.ticks;
  return <ColourBar ticks={ticks} unit={sc.unit} label={`${heat} colour scale, ${ticks[0]} to ${ticks[ticks.length - 1]}${sc.unit ? ` ${sc.unit}` : ''}`} />;
}

/** A colour bar from dark to bright with numbered ticks under it. */
export function ColourBar({ ticks, unit, label, above }: { ticks: readonly number[]; unit: string; label: string; above?: string }) {
  const stops = Array.from({ length: 11 }, (_, i) => viridis(i / 10)).join(', ');
  return (
    <span className="colour-bar" role="img" aria-label={label}>
      <span className="cb-col">
        <span className="heat-bar" style={{ background: `linear-gradient(to right, ${stops})` }} />
        <span className="ticks" aria-hidden="true">
          {ticks.map((t, i) => (
            <span key={i}>{`${t}${i === ticks.length - 1 && above ? above : ''}`}</span>
          ))}
        </span>
      </span>
      {unit && <span className="unit" aria-hidden="true">{unit}</span>}
    </span>
  );
}

export function CanvasLegend({ heat }: { heat: Heat }) {
  return (
    <div className="legend" aria-label="legend">
      <span className="legend-item"><span className="cell cell-masked mini" aria-hidden="true"><span className="cell-tok">▒</span></span> masked (dashed, ?)</span>
      <span className="legend-item"><span className="cell cell-new mini" aria-hidden="true"><span className="cell-tok">A</span></span> revealed this step (thick, ★)</span>
      <span className="legend-item"><span className="cell cell-earlier mini" aria-hidden="true"><span className="cell-tok">A</span></span> revealed earlier (thin)</span>
      <span className="legend-item"><span className="cell cell-remasked mini" aria-hidden="true"><span className="cell-tok">▒</span></span> masked again (dotted, ↺)</span>
      <span className="legend-item"><span className="cell cell-edited mini" aria-hidden="true"><span className="cell-tok">A</span></span> rewritten this step (double, ✎)</span>
      <span className="legend-item"><span className="cell cell-earlier culprit mini" aria-hidden="true"><span className="cell-tok">A</span></span> <Term id="culprit">revealed in the step that broke it (✗)</Term></span>
      <span className="legend-item">s3 = revealed at step 3</span>
      <span className="legend-item heat-legend">
        <Term id={heat}>{heat === 'entropy' ? 'entropy (bright = low)' : heat}</Term>
        <HeatBar heat={heat} />
      </span>
    </div>
  );
}
