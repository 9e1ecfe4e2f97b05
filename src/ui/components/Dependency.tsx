import type { DecodeTrace } from '../../engine/decode';
import { MASK_ID, tokenText } from '../../engine/vocab';
import { viridis } from '../colors';
import { frameView, stepLinks } from '../traceView';
import { shortToken } from './TokenCanvas';

const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '–');

/**
 * Where dependencies broke (oracle decodes): the pairwise mutual information among the masked
 * positions when the shown step was decided, the links between the positions it revealed
 * together, and the step's exact total correlation and probability of a valid combination.
 */
export function Dependency({ trace, frame, exact, model }: { trace: DecodeTrace; frame: number; exact: boolean; model?: string }) {
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
  let maxMi = 0;
  if (mi) for (const a of masked) for (const b of masked) if (a !== b) maxMi = Math.max(maxMi, mi[a * L + b]);
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
        <div><dt title="C(S_t | X, S_<t): bits lost by revealing these positions independently">total correlation</dt><dd>{fmt(th.totalCorrelation)} bits</dd></div>
        <div><dt title="probability that independent draws give a valid combination">P(valid combination)</dt><dd>{fmt(th.validProbability)}</dd></div>
        {/* Two different quantities, labelled apart (engine/theory.ts BoundReport): what this decode realised while on the support, and Theorem 1's expectation for its partition. */}
        <div><dt title="sum of C(S_t) over this decode's steps so far, counted only while the decode is on the support (after it leaves, the conditionals are over nearest outputs)">realised Σ C(S_t), this decode</dt><dd>{left !== null && step.step > left ? `${fmt(realisedTo(left))} bits (left the support at step ${left + 1}; no longer counted)` : `${fmt(th.bound)} bits`}</dd></div>
        {trace.bound && <div><dt title="E over the true distribution of Σ_t C(S_t | X, S_<t) for this decode's partition: Theorem 1's L_T = KL(P ‖ Q), a property of the partition, not of the drawn tokens">expected L_T of this partition (Theorem 1)</dt><dd>{fmt(trace.bound.expected)} bits{trace.bound.method === 'monte-carlo' ? ` ± ${fmt(trace.bound.expectedError)} (Monte Carlo)` : ' (exact)'}</dd></div>}
        <div><dt>still consistent before</dt><dd>{th.consistentBefore ? 'yes' : 'no ✗'}</dd></div>
      </dl>
      {mi && masked.length > 1 ? (
        <MiHeatmap L={L} masked={masked} mi={mi} max={maxMi} together={together} />
      ) : (
        <p className="hint">Fewer than two masked positions: no pairwise dependence left.</p>
      )}
      {frame > 0 && links.length > 0 && <Links links={links} revealed={step.revealed} tokens={step.tokens} max={Math.max(maxMi, 1e-9)} />}
      {frame > 0 && links.length === 0 && <p className="hint">One position revealed in this step: nothing revealed together, nothing lost.</p>}
    </div>
  );
}

function MiHeatmap({ L, masked, mi, max, together }: { L: number; masked: number[]; mi: Float32Array; max: number; together: Set<number> }) {
  const n = masked.length;
  const cell = Math.max(6, Math.min(18, Math.floor(260 / n)));
  const pad = 26;
  const size = pad + n * cell;
  const strongest = (() => {
    let best = { a: -1, b: -1, v: 0 };
    for (const a of masked) for (const b of masked) if (a < b && mi[a * L + b] > best.v) best = { a, b, v: mi[a * L + b] };
    return best;
  })();
  return (
    <figure className="mi">
      <svg width={size + 8} height={size + 8} role="img" aria-label={`Pairwise mutual information among ${n} masked positions; strongest ${strongest.a >= 0 ? `between ${strongest.a} and ${strongest.b}: ${strongest.v.toFixed(2)} bits` : 'zero'}`}>
        {masked.map((p, i) => (
          <g key={p}>
            <text x={pad + i * cell + cell / 2} y={pad - 4} fontSize={Math.min(10, cell)} textAnchor="middle" className={together.has(p) ? 'axis-hot' : 'axis'}>
              {n <= 20 || i % 2 === 0 ? p : ''}
            </text>
            <text x={pad - 3} y={pad + i * cell + cell * 0.75} fontSize={Math.min(10, cell)} textAnchor="end" className={together.has(p) ? 'axis-hot' : 'axis'}>
              {n <= 20 || i % 2 === 0 ? p : ''}
            </text>
          </g>
        ))}
        {masked.map((a, i) =>
          masked.map((b, j) => {
            const v = a === b ? 0 : mi[a * L + b];
            const hot = together.has(a) && together.has(b) && a !== b;
            return (
              <rect key={`${a}-${b}`} x={pad + j * cell} y={pad + i * cell} width={cell - 1} height={cell - 1}
                fill={a === b ? 'var(--diag)' : viridis(max > 0 ? v / max : 0)} className={hot ? 'mi-hot' : undefined}>
                <title>{`positions ${a} and ${b}: ${v.toFixed(3)} bits${hot ? ' (revealed together)' : ''}`}</title>
              </rect>
            );
          }),
        )}
      </svg>
      <figcaption>
        Mutual information (bits) between masked positions, 0 (dark) to {max.toFixed(2)} (bright). Outlined cells and bold labels: positions revealed together at this step.
      </figcaption>
    </figure>
  );
}

function Links({ links, revealed, tokens, max }: { links: { a: number; b: number; mi: number }[]; revealed: number[]; tokens: number[]; max: number }) {
  // Nodes evenly spaced in canvas order (not at their canvas x), so adjacent positions stay apart.
  const order = [...revealed].sort((a, b) => a - b).slice(0, 12);
  const width = Math.max(200, Math.min(360, 60 * order.length));
  const xs = new Map(order.map((p, i) => [p, order.length === 1 ? width / 2 : 24 + (i * (width - 48)) / (order.length - 1)]));
  const tok = new Map(revealed.map((p, i) => [p, tokens[i]]));
  const shown = links.filter((l) => xs.has(l.a) && xs.has(l.b));
  const base = 70;
  return (
    <figure className="links">
      <svg width={width} height={104} role="img" aria-label={`Links between the ${revealed.length} positions revealed together, weighted by mutual information`}>
        {shown.map(({ a, b, mi }) => {
          const xa = xs.get(a)!, xb = xs.get(b)!;
          const h = Math.min(60, 10 + Math.abs(xb - xa) / 3);
          return (
            <path key={`${a}-${b}`} d={`M ${xa} ${base} Q ${(xa + xb) / 2} ${base - 2 * h} ${xb} ${base}`} fill="none"
              className={mi > 1e-6 ? 'link' : 'link link-zero'} strokeWidth={1 + 6 * (mi / max)}>
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
        {shown.filter((l) => l.mi > 1e-6).slice(0, 4).map((l) => `${l.a} "${shortToken(tok.get(l.a)!)}"–${l.b} "${shortToken(tok.get(l.b)!)}" ${l.mi.toFixed(2)} bits`).join('; ') || 'all pairs independent'}.
      </figcaption>
    </figure>
  );
}

/** First step after which the canvas is off the support, read from the per-step theory (GPU traces). */
function leftSupportStep(trace: DecodeTrace): number | null {
  for (let t = 0; t + 1 < trace.steps.length; t++) if (trace.steps[t + 1].theory?.consistentBefore === false) return t;
  return null;
}
