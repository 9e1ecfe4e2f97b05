import { memo } from 'react';
import type { DecodeTrace } from '../../engine/decode';
import { tokenText } from '../../engine/vocab';
import { candidatesAt, frameView, hadStats } from '../traceView';

/** Probability bars for the selected position at the shown step: the model's, and after temperature. */
export const Candidates = memo(function Candidates({ trace, frame, pos }: { trace: DecodeTrace; frame: number; pos: number }) {
  if (pos < 0 || pos >= trace.canvasLength) {
    return <p className="hint">Select a position on the canvas to see its candidate tokens.</p>;
  }
  const v = frameView(trace, frame);
  if (!hadStats(v.step, pos)) {
    return <p className="hint">Position {pos} was already revealed before this step; the model made no prediction for it here.</p>;
  }
  const cands = candidatesAt(v.step, pos);
  const chosen = v.step?.x0?.[pos];
  const tempLabel = trace.temperature > 0 ? `after temperature ${trace.temperature}` : 'greedy (temperature 0)';
  return (
    <div className="cands">
      <p className="cands-title">
        Position {pos}, step {v.step ? v.step.step + 1 : 1}: top candidates. <span className="swatch solid" aria-hidden="true" /> model probability,{' '}
        <span className="swatch hatched" aria-hidden="true" /> {tempLabel}.
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">token</th>
            <th scope="col">probability</th>
            <th scope="col">{trace.temperature > 0 ? `at T = ${trace.temperature}` : 'greedy'}</th>
          </tr>
        </thead>
        <tbody>
          {cands.map((c) => (
            <tr key={c.token} className={c.token === chosen ? 'chosen' : undefined}>
              <th scope="row">
                {tokenText(c.token)}
                {c.token === chosen && <span className="tag"> ← x₀</span>}
              </th>
              <td>
                <span className="bar solid" style={{ width: `${Math.max(1, c.p * 100)}%` }} />
                <span className="num">{c.p.toFixed(3)}</span>
              </td>
              <td>
                <span className="bar hatched" style={{ width: `${Math.max(1, c.q * 100)}%` }} />
                <span className="num">{c.q.toFixed(3)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
});
