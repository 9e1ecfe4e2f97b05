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
export function Dependency({ trace, frame, exact }: { trace: DecodeTrace; frame: number; exact: boolean }) {
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
  return (
    <div className="dep">
      <dl className="theory" aria-label={`theory of step ${stepNo}`}>
        <div><dt>step</dt><dd>{frame === 0 ? `${stepNo} (next)` : stepNo}</dd></div>
        <div><dt>revealed together</dt><dd>{step.revealed.length}</dd></div>
        <div><dt title="C(S_t | X, S_<t): bits lost by revealing these positions independently">total correlation</dt><dd>{fmt(th.totalCorrelation)} bits</dd></div>
        <div><dt title="probability that independent draws give a valid combination">P(valid combination)</dt><dd>{fmt(th.validProbability)}</dd></div>
        <div><dt title="sum of total correlations so far (this decode's part of L_T)">running bound</dt><dd>{fmt(th.bound)} bits</dd></div>
        <div><dt>still consistent before</dt><dd>{th.consistentBefore ? 'yes' : 'no ✗'}</dd></div>
      </dl>
      {mi && masked.length > 1 ? (
        <MiHeatmap L={L} masked={masked} mi={mi} max={maxMi} together={together} />
      ) : (
        <p className="hint">Fewer than two masked positions: no pairwise dependence left.</p>
      )}
      {frame > 0 && links.length > 0 && <Links trace={trace} links={links} revealed={step.revealed} tokens={step.tokens} max={Math.max(maxMi, 1e-9)} />}
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

function Links({ trace, links, revealed, tokens, max }: { trace: DecodeTrace; links: { a: number; b: number; mi: number }[]; revealed: number[]; tokens: number[]; max: number }) {
  const L = trace.canvasLength;
  const width = 320;
  const x = (p: number) => 10 + (p / Math.max(1, L - 1)) * (width - 20);
  const tok = new Map(revealed.map((p, i) => [p, tokens[i]]));
  const shown = links.slice(0, 40);
  return (
    <figure className="links">
      <svg width={width} height={96} role="img" aria-label={`Links between the ${revealed.length} positions revealed together`}>
        <line x1={10} x2={width - 10} y1={78} y2={78} className="axis-line" />
        {shown.map(({ a, b, mi }) => {
          const xa = x(a), xb = x(b);
          const h = Math.min(70, 12 + Math.abs(xb - xa) / 2);
          return (
            <path key={`${a}-${b}`} d={`M ${xa} 78 Q ${(xa + xb) / 2} ${78 - 2 * h} ${xb} 78`} fill="none"
              className={mi > 1e-6 ? 'link' : 'link link-zero'} strokeWidth={1 + 6 * (mi / max)}>
              <title>{`${a} "${tokenText(tok.get(a)!)}" and ${b} "${tokenText(tok.get(b)!)}": ${mi.toFixed(3)} bits`}</title>
            </path>
          );
        })}
        {revealed.map((p) => (
          <g key={p}>
            <circle cx={x(p)} cy={78} r={4} className="link-node" />
            <text x={x(p)} y={92} fontSize={9} textAnchor="middle" className="axis">{p}</text>
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
