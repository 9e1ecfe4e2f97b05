import { memo, useEffect, useId, useRef } from 'react';
import type { DecodeTrace } from '../../engine/decode';
import { getStrategy } from '../../engine/strategies';
import { MASK_ID, tokenText } from '../../engine/vocab';
import { viridisRgb } from '../colors';
import { frameView, MI_SCALE, stepLinks, verifiedAt, type VerifiedToken } from '../traceView';
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
export const Dependency = memo(function Dependency(props: { trace: DecodeTrace; frame: number; exact: boolean; model?: string }) {
  // Verification comes first and for every decode (oracle or model, exact or not): the trace
  // records it whatever the denoiser.
  return (
    <>
      <Verified trace={props.trace} frame={props.frame} />
      <Theory {...props} />
    </>
  );
});

const OUTCOME_TEXT = { kept: 'kept', remasked: 'remasked ↺', edited: 'edited ✎' } as const;

/**
 * The revealed tokens the shown step verified (WINO, LLaDA 2.1's edits): each one's leave-one-out
 * probability and what the step did with it, from the trace's `checked`, `checkedProbabilities`,
 * `remasked`, `edited` and `extraRows`. Nothing for steps that checked no token.
 */
function Verified({ trace, frame }: { trace: DecodeTrace; frame: number }) {
  const id = `verified-${useId()}`;
  const v = verifiedAt(trace, frame);
  if (!v) return null;
  const stepNo = v.step.step + 1;
  const counts = { kept: 0, remasked: 0, edited: 0 };
  for (const r of v.rows) counts[r.outcome]++;
  const tauOut = trace.strategyParams.tauOut;
  const changed = [counts.remasked > 0 && `${counts.remasked} remasked ↺`, counts.edited > 0 && `${counts.edited} edited ✎`].filter(Boolean).join(', ');
  return (
    <section className="verified" aria-labelledby={id} data-testid="verified">
      <h3 id={id}>Verified this step</h3>
      <p className="hint">
        Step {stepNo} checked {v.rows.length} revealed {v.rows.length === 1 ? 'token' : 'tokens'} by their{' '}
        <Term id="loo">leave-one-out probability</Term>: p(xᵢ | prompt, every other revealed token), the token's probability with its own
        position masked again and every other revealed token kept.
        {typeof tauOut === 'number' && ` ${getStrategy(trace.strategy).title} remasks a checked token below τ_out = ${pct(tauOut)}, lowest first, up to its cap.`}
        {' '}{changed ? `Outcome: ${changed}, ${counts.kept} kept.` : 'All kept.'}
      </p>
      {v.extraRows !== undefined && v.extraRows > 0 && (
        <p className="hint" data-testid="extra-rows">
          Extra forward rows: {v.extraRows} beside the canvas row (one per checked position, with only that position masked
          {v.extraRows !== v.rows.length ? ', plus verifier rows' : ''}). A model runs them in the step's one forward call, so NFE counts the step once.
        </p>
      )}
      <div className="table-scroll">
        <table className="verified-table">
          <caption>Step {stepNo}: revealed tokens checked by leave-one-out probability</caption>
          <thead>
            <tr>
              <th scope="col">position</th>
              <th scope="col">token</th>
              <th scope="col" className="num">{/* non-breaking hyphens: the header wraps between words only */}leave‑one‑out probability</th>
              <th scope="col">outcome</th>
            </tr>
          </thead>
          <tbody>
            {foldRuns(v.rows).map(({ first, last, row: r }) => (
              <tr key={first} data-pos={first} data-last={last} data-outcome={r.outcome} className={r.outcome === 'kept' ? undefined : 'changed'}>
                <th scope="row">
                  {first === last ? first : <><span aria-hidden="true">{first}–{last}</span><span className="sr-only">positions {first} to {last}</span></>}
                </th>
                <td>{tokenText(r.token)}{first !== last && <span className="fold"> ×{last - first + 1}</span>}</td>
                <td className="num">{pct(r.probability)}</td>
                <td>
                  {OUTCOME_TEXT[r.outcome]}
                  {r.outcome === 'edited' && r.newToken !== undefined ? ` → ${tokenText(r.newToken)}` : ''}
                  {r.outcome === 'kept' && typeof tauOut === 'number' && r.probability < Math.fround(tauOut) && <span className="note"> (below τ_out; cap reached)</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * Runs of at least FOLD consecutive positions that were kept with the same token and the same
 * shown probability (the [EOS] padding a verifier confirms at 100% step after step) share one row,
 * "8–31"; every other checked position has its own.
 */
const FOLD = 3;
function foldRuns(rows: VerifiedToken[]): { first: number; last: number; row: VerifiedToken }[] {
  const out: { first: number; last: number; row: VerifiedToken }[] = [];
  for (let i = 0; i < rows.length; ) {
    let j = i + 1;
    const same = (a: VerifiedToken, b: VerifiedToken) =>
      a.outcome === 'kept' && b.outcome === 'kept' && b.position === a.position + 1 && a.token === b.token && pct(a.probability) === pct(b.probability);
    while (j < rows.length && same(rows[j - 1], rows[j])) j++;
    if (j - i >= FOLD) out.push({ first: rows[i].position, last: rows[j - 1].position, row: rows[i] });
    else for (let k = i; k < j; k++) out.push({ first: rows[k].position, last: rows[k].position, row: rows[k] });
    i = j;
  }
  return out;
}

/** A probability as a percentage: one decimal, two below 1% so small ones do not read as zero. */
function pct(p: number): string {
  if (!Number.isFinite(p)) return '–';
  const x = p * 100;
  return `${x > 0 && x < 1 ? x.toFixed(2) : x.toFixed(1)}%`;
}

function Theory({ trace, frame, exact, model }: { trace: DecodeTrace; frame: number; exact: boolean; model?: string }) {
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
}

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
