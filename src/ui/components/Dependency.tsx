import { memo, useEffect, useRef } from 'react';
import type { DecodeTrace } from '../../engine/decode';
import { MASK_ID, tokenText } from '../../engine/vocab';
import { viridisRgb } from '../colors';
import { frameView, MI_SCALE, stepLinks } from '../traceView';
import { Term } from './Glossary';
import { ColourBar, shortToken } from './TokenCanvas';

const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '–');
/** Links drawn in the arc diagram; the rest are counted ("and N more"). */
const MAX_LINKS = 8;

/**
 * Where dependencies broke (oracle decodes): the pairwise mutual information among the masked
 * positions when the shown step was decided, the links between the positions it revealed
 * together, and the step's exact total correlation and probability of a valid combination.
 * Memoised: it depends only on the trace and the frame.
 */
export const Dependency = memo(function Dependency({ trace, frame, exact, model }: { trace: DecodeTrace; frame: number; exact: boolean; model?: string }) {
  if (model) {
    const step = frameView(trace, frame).step;
    return (
      <div className="dep" data-testid="dep-model">
        <p className="hint">
          <strong>Exact only with the oracle.</strong> Mutual information, total correlation and P(valid combination) are computed from the task's
          true distribution; {model} has its own errors on top of the parallel-decoding error, so there is no exact theory for its decodes. The
          canvas, heat, candidates, score and reason above are the model's own.
        </p>
        {step && frame > 0 && (
          <p className="hint">
            Step {step.step + 1}: {step.revealed.length} position{step.revealed.length === 1 ? '' : 's'} revealed together ({step.revealed.join(', ')}).
          </p>
        )}
      </div>
    );
  }
  if (!exact) {
    return <p className="hint">The dependency view needs the exact oracle: set noise σ to 0 to see mutual information and total correlation.</p>;
  }
  const v = frameView(trace, frame);
  const step = v.step;
  const th = step?.theory;
  if (!step || !th) return <p className="hint">No theory was recorded for this decode.</p>;
  const L = trace.canvasLength;
  const masked: number[] = [];
  for (let p = 0; p < L; p++) if (step.canvasBefore?.[p] === MASK_ID) masked.push(p);
  const mi = th.pairwiseMI;
  const together = new Set(frame > 0 ? step.revealed : []);
  const links = frame > 0 ? stepLinks(step, L) : [];
  const stepNo = step.step + 1;
  // The step whose reveal left the support (from the trace's report, or its per-step theory).
  const left = trace.bound ? trace.bound.leftSupportAt : leftSupportStep(trace);
  const realisedTo = (t: number) => trace.steps.slice(0, t + 1).reduce((a, st) => a + (st.theory?.totalCorrelation ?? 0), 0);
  return (
    <div className="dep">
      <dl className="theory" aria-label={`theory of step ${stepNo}`}>
        <div><dt>step</dt><dd>{frame === 0 ? `${stepNo} (next)` : stepNo}</dd></div>
        <div><dt>revealed together</dt><dd>{step.revealed.length}</dd></div>
        <div><dt><Term id="tc">total correlation</Term></dt><dd>{fmt(th.totalCorrelation)} bits</dd></div>
        <div><dt><Term id="pvalid">P(valid combination)</Term></dt><dd>{fmt(th.validProbability)}</dd></div>
        {/* Two different quantities, labelled apart (engine/theory.ts BoundReport): what this decode realised while on the support, and Theorem 1's expectation for its partition. */}
        <div><dt><Term id="bound">realised Σ C(S_t), this decode</Term></dt><dd>{left !== null && step.step > left ? `${fmt(realisedTo(left))} bits (left the support at step ${left + 1}; no longer counted)` : `${fmt(th.bound)} bits`}</dd></div>
        {trace.bound && <div><dt title="E over the true distribution of Σ_t C(S_t | X, S_<t) for this decode's partition: Theorem 1's L_T = KL(P ‖ Q), a property of the partition, not of the drawn tokens">expected L_T of this partition (Theorem 1)</dt><dd>{fmt(trace.bound.expected)} bits{trace.bound.method === 'monte-carlo' ? ` ± ${fmt(trace.bound.expectedError)} (Monte Carlo)` : ' (exact)'}</dd></div>}
        <div><dt>still consistent before</dt><dd>{th.consistentBefore ? 'yes' : 'no ✗'}</dd></div>
      </dl>
      {mi && masked.length > 1 ? (
        <MiHeatmap L={L} masked={masked} mi={mi} together={together} />
      ) : (
        <p className="hint">Fewer than two masked positions: no pairwise dependence left.</p>
      )}
      {frame > 0 && links.length > 0 && <Links links={links} revealed={step.revealed} tokens={step.tokens} />}
      {frame > 0 && links.length === 0 && <p className="hint">One position revealed in this step: nothing revealed together, nothing lost.</p>}
    </div>
  );
});

let colours: { theme: string; fg: string; dim: string; diag: string } | null = null;
/** The theme's colours for the canvas, read once per theme (reading styles per step forces a style recalc). */
function themeColours() {
  const theme = document.documentElement.dataset.theme ?? '';
  if (colours?.theme !== theme) {
    const css = getComputedStyle(document.documentElement);
    const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
    colours = { theme, fg: v('--fg', '#000'), dim: v('--fg-dim', '#666'), diag: v('--diag', '#ddd') };
  }
  return colours;
}

/**
 * Pairwise mutual information among the masked positions on the fixed bits scale (MI_SCALE),
 * drawn on a canvas: up to 32×32 cells in one paint instead of a thousand SVG nodes.
 */
function MiHeatmap({ L, masked, mi, together }: { L: number; masked: number[]; mi: Float32Array; together: Set<number> }) {
  const n = masked.length;
  const cell = Math.max(6, Math.min(18, Math.floor(260 / n)));
  const pad = 26;
  const size = pad + n * cell + 4;
  const ref = useRef<HTMLCanvasElement>(null);
  let strongest = { a: -1, b: -1, v: 0 };
  for (const a of masked) for (const b of masked) if (a < b && mi[a * L + b] > strongest.v) strongest = { a, b, v: mi[a * L + b] };
  const hotPairs = masked.filter((p) => together.has(p)).length;
  useEffect(() => {
    const cv = ref.current;
    const ctx = cv?.getContext('2d');
    if (!cv || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    cv.width = size * dpr;
    cv.height = size * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const { fg, dim, diag } = themeColours();
    ctx.clearRect(0, 0, size, size);
    ctx.font = `${Math.min(10, cell)}px system-ui, sans-serif`;
    masked.forEach((p, i) => {
      if (!(n <= 20 || i % 2 === 0)) return;
      ctx.fillStyle = together.has(p) ? fg : dim;
      ctx.textAlign = 'center';
      ctx.fillText(String(p), pad + i * cell + cell / 2, pad - 4);
      ctx.textAlign = 'right';
      ctx.fillText(String(p), pad - 3, pad + i * cell + cell * 0.75);
    });
    masked.forEach((a, i) =>
      masked.forEach((b, j) => {
        if (a === b) ctx.fillStyle = diag;
        else {
          const [r, g, bl] = viridisRgb(mi[a * L + b] / MI_SCALE.max);
          ctx.fillStyle = `rgb(${r},${g},${bl})`;
        }
        ctx.fillRect(pad + j * cell, pad + i * cell, cell - 1, cell - 1);
      }),
    );
    // Pairs revealed together: outlined.
    ctx.strokeStyle = fg;
    ctx.lineWidth = 2;
    masked.forEach((a, i) =>
      masked.forEach((b, j) => {
        if (a !== b && together.has(a) && together.has(b)) ctx.strokeRect(pad + j * cell + 1, pad + i * cell + 1, cell - 3, cell - 3);
      }),
    );
  }, [L, masked, mi, together, n, cell, size]);
  return (
    <figure className="mi">
      <canvas
        ref={ref}
        style={{ width: size, height: size }}
        role="img"
        aria-label={`Pairwise mutual information among ${n} masked positions; strongest ${strongest.a >= 0 ? `between ${strongest.a} and ${strongest.b}: ${strongest.v.toFixed(2)} bits` : 'zero'}${hotPairs > 1 ? `; ${hotPairs} of them revealed together at this step` : ''}`}
      />
      <figcaption>
        <Term id="mi">Mutual information</Term> between masked positions, on a fixed scale:
        <ColourBar ticks={MI_SCALE.ticks} unit="bits" above="+" label={`mutual information colour scale, 0 to ${MI_SCALE.max} bits or more`} />
        Outlined cells and bold labels: positions revealed together at this step.
      </figcaption>
    </figure>
  );
}

function Links({ links, revealed, tokens }: { links: { a: number; b: number; mi: number }[]; revealed: number[]; tokens: number[] }) {
  // The strongest links only (links come sorted by MI); nodes are the positions they join, evenly
  // spaced in canvas order (not at their canvas x), so adjacent positions stay apart.
  const shown = links.slice(0, MAX_LINKS);
  const more = links.length - shown.length;
  const order = [...new Set(shown.flatMap((l) => [l.a, l.b]))].sort((a, b) => a - b);
  const max = Math.max(MI_SCALE.max / 2, shown[0]?.mi ?? 0);
  const width = Math.max(200, Math.min(360, 46 * order.length));
  const xs = new Map(order.map((p, i) => [p, order.length === 1 ? width / 2 : 24 + (i * (width - 48)) / (order.length - 1)]));
  const tok = new Map(revealed.map((p, i) => [p, tokens[i]]));
  const base = 70;
  return (
    <figure className="links">
      <svg width={width} height={104} role="img" aria-label={`Links between the ${revealed.length} positions revealed together, weighted by mutual information${more > 0 ? `; the ${shown.length} strongest of ${links.length} drawn` : ''}`}>
        {shown.map(({ a, b, mi }) => {
          const xa = xs.get(a)!, xb = xs.get(b)!;
          const h = Math.min(60, 10 + Math.abs(xb - xa) / 3);
          return (
            <path key={`${a}-${b}`} d={`M ${xa} ${base} Q ${(xa + xb) / 2} ${base - 2 * h} ${xb} ${base}`} fill="none"
              className={mi > 1e-6 ? 'link' : 'link link-zero'} strokeWidth={1 + 6 * Math.min(1, mi / max)}>
              <title>{`${a} "${tokenText(tok.get(a)!)}" and ${b} "${tokenText(tok.get(b)!)}": ${mi.toFixed(3)} bits`}</title>
            </path>
          );
        })}
        {order.map((p) => (
          <g key={p}>
            <circle cx={xs.get(p)} cy={base} r={4} className="link-node" />
            <text x={xs.get(p)} y={base + 14} fontSize={10} textAnchor="middle" className="axis">{`${p}`}</text>
            <text x={xs.get(p)} y={base + 26} fontSize={10} textAnchor="middle" className="axis-tok">{shortToken(tok.get(p)!)}</text>
          </g>
        ))}
      </svg>
      <figcaption>
        Revealed together, linked by dependence (thicker = more bits; dashed = independent):{' '}
        {shown.filter((l) => l.mi > 1e-6).slice(0, 4).map((l) => `${l.a} "${shortToken(tok.get(l.a)!)}"–${l.b} "${shortToken(tok.get(l.b)!)}" ${l.mi.toFixed(2)} bits`).join('; ') || 'all pairs independent'}
        {more > 0 ? `; and ${more} more ${more === 1 ? 'link' : 'links'} not drawn` : ''}.
      </figcaption>
    </figure>
  );
}

/** First step after which the canvas is off the support, read from the per-step theory (GPU traces). */
function leftSupportStep(trace: DecodeTrace): number | null {
  for (let t = 0; t + 1 < trace.steps.length; t++) if (trace.steps[t + 1].theory?.consistentBefore === false) return t;
  return null;
}
