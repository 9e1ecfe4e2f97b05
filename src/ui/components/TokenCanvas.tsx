import { tokenText, EOS_ID, MASK_ID } from '../../engine/vocab';
import type { DecodeTrace } from '../../engine/decode';
import { inkOn, viridis } from '../colors';
import type { Heat } from '../settings';
import { frameView, heatMax, heatValue, type CellState } from '../traceView';

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
}

/** The output canvas at one frame: every position is a button that selects it for the candidate bars. */
export function TokenCanvas({ trace, frame, heat, selected, onSelect, label }: Props) {
  const v = frameView(trace, frame);
  const max = heatMax(v.step, heat);
  const culprits = new Set(v.final && !trace.score.ok ? trace.score.culprits : []);
  return (
    <div className="canvas" role="group" aria-label={`${label}: output canvas, ${v.states.filter((s) => s === 'masked' || s === 'remasked').length} of ${trace.canvasLength} positions masked`}>
      {Array.from(v.tokens, (tok, p) => {
        const state = v.states[p];
        const h = state === 'masked' || state === 'remasked' || state === 'new' ? heatValue(v.step, p, heat) : null;
        // Entropy: low is confident, so the scale is flipped to keep "bright = sure" for every metric.
        const t = h === null ? null : heat === 'entropy' ? 1 - h / max : h;
        const style = t === null ? undefined : ({ '--heat': viridis(t), '--heat-ink': inkOn(t) } as React.CSSProperties);
        const culprit = culprits.has(p);
        const heatText = h === null ? '' : `, ${heat} ${h.toFixed(2)}`;
        return (
          <button
            key={p}
            type="button"
            className={`cell cell-${state}${t !== null ? ' has-heat' : ''}${culprit ? ' culprit' : ''}${selected === p ? ' selected' : ''}${tok === EOS_ID ? ' eos' : ''}`}
            style={style}
            aria-pressed={selected === p}
            aria-label={`position ${p}: ${state === 'masked' || state === 'remasked' ? STATE_TEXT[state] : `"${tokenText(tok)}", ${STATE_TEXT[state]} at step ${v.order[p]}`}${heatText}${culprit ? ', made the output invalid' : ''}`}
            data-state={state}
            data-culprit={culprit || undefined}
            onClick={() => onSelect(selected === p ? -1 : p)}
          >
            <span className="cell-pos" aria-hidden="true">{p}</span>
            {STATE_GLYPH[state] && <span className="cell-glyph" aria-hidden="true">{STATE_GLYPH[state]}</span>}
            <span className="cell-tok" aria-hidden="true">{state === 'masked' || state === 'remasked' ? '▒' : shortToken(tok)}</span>
            {v.order[p] > 0 && <span className="cell-order" aria-hidden="true">s{v.order[p]}</span>}
            {culprit && <span className="cell-culprit" aria-hidden="true">✗</span>}
          </button>
        );
      })}
    </div>
  );
}

export function CanvasLegend({ heat }: { heat: Heat }) {
  const stops = Array.from({ length: 11 }, (_, i) => viridis(i / 10)).join(', ');
  return (
    <div className="legend" aria-label="legend">
      <span className="legend-item"><span className="cell cell-masked mini" aria-hidden="true"><span className="cell-tok">▒</span></span> masked (dashed, ?)</span>
      <span className="legend-item"><span className="cell cell-new mini" aria-hidden="true"><span className="cell-tok">A</span></span> revealed this step (thick, ★)</span>
      <span className="legend-item"><span className="cell cell-earlier mini" aria-hidden="true"><span className="cell-tok">A</span></span> revealed earlier (thin)</span>
      <span className="legend-item"><span className="cell cell-remasked mini" aria-hidden="true"><span className="cell-tok">▒</span></span> masked again (dotted, ↺)</span>
      <span className="legend-item"><span className="cell cell-edited mini" aria-hidden="true"><span className="cell-tok">A</span></span> rewritten this step (double, ✎)</span>
      <span className="legend-item"><span className="cell cell-earlier culprit mini" aria-hidden="true"><span className="cell-tok">A</span></span> made it invalid (✗)</span>
      <span className="legend-item">s3 = revealed at step 3</span>
      <span className="legend-item heat-legend">
        {heat === 'entropy' ? 'high entropy' : `low ${heat}`}
        <span className="heat-bar" style={{ background: `linear-gradient(to right, ${stops})` }} aria-hidden="true" />
        {heat === 'entropy' ? 'low entropy' : `high ${heat}`}
      </span>
    </div>
  );
}
