import { getStrategy } from '../../engine/strategies';
import { detokenize, EOS_ID } from '../../engine/vocab';
import { modelOf } from '../settings';
import { currentFrame, customMissing, setFrame, setSettings, useApp, type Side } from '../store';
import { breakingFrame, frameView } from '../traceView';
import { Candidates } from './Candidates';
import { SideSettingsForm } from './DecodeSettings';
import { Dependency } from './Dependency';
import { ranOn } from './ModelControls';
import { TokenCanvas } from './TokenCanvas';

function outputText(tokens: ArrayLike<number>): string {
  const words: number[] = [];
  for (let i = 0; i < tokens.length; i++) if (tokens[i] !== EOS_ID) words.push(tokens[i]);
  return detokenize(words);
}

/** One decode: its settings, the canvas at the shown step, the outcome, candidates and dependencies. */
export function DecodePanel({ side }: { side: Side }) {
  const st = useApp((s) => s.sides[side]);
  const settings = useApp((s) => s.settings);
  const frame = useApp(currentFrame);
  const d = settings[side];
  const r = st.result;
  const missing = useApp((s) => customMissing(s, side));
  const model = modelOf(d);
  const who = model === 'tiny' ? ' · Tiny MDM' : model === 'custom' ? (missing ? ' · oracle (your model not loaded)' : ' · your model') : d.noise > 0 ? ` · oracle + noise σ=${d.noise}` : '';
  const title = `${side.toUpperCase()}: ${getStrategy(d.strategy).title}${d.params.k !== undefined ? `, k = ${d.params.k}` : ''}${who}`;
  return (
    <section className="panel decode-panel" aria-labelledby={`title-${side}`} data-side={side}>
      <h2 id={`title-${side}`}>
        {title}
        {st.status === 'loading' && <span className="busy" role="status"> decoding…</span>}
      </h2>
      <details className="side-settings-wrap">
        <summary>Settings of decode {side.toUpperCase()}</summary>
        <SideSettingsForm side={side} />
      </details>
      {missing && (
        <p className="warn-box" role="status" data-testid={`custom-missing-${side}`}>
          <span aria-hidden="true">⚠ </span>Decode {side.toUpperCase()} is set to your own model (model=custom in the link), but a model file cannot be
          kept in a link: load the .onnx and its vocabulary again under “Settings of decode {side.toUpperCase()}”. Meanwhile it decodes with the exact oracle.
        </p>
      )}
      {st.error && (
        <p className="error" role="alert">
          Decode {side.toUpperCase()} could not run: {st.error}
          {r ? ' The last good decode stays on screen.' : ''}
        </p>
      )}
      {r && (
        <>
          <Outcome side={side} />
          <TokenCanvas trace={r.trace} frame={frame} heat={settings.heat} selected={settings.pos} onSelect={(pos) => setSettings({ pos })} label={`decode ${side.toUpperCase()}`} />
          <details open className="sub">
            <summary>Candidates {settings.pos >= 0 ? `at position ${settings.pos}` : ''}</summary>
            <Candidates trace={r.trace} frame={frame} pos={settings.pos} />
          </details>
          <details open className="sub">
            <summary>Where dependencies broke</summary>
            <Dependency trace={r.trace} frame={frame} exact={!r.model && d.noise === 0} model={r.model?.name} />
          </details>
        </>
      )}
      {!r && !st.error && <p className="hint">Decoding in the engine worker…</p>}
    </section>
  );
}

function Outcome({ side }: { side: Side }) {
  const r = useApp((s) => s.sides[side].result)!;
  const frame = useApp(currentFrame);
  const t = r.trace;
  const v = frameView(t, frame);
  const done = v.final;
  return (
    <div className={`outcome ${done ? (t.score.ok ? 'ok' : 'bad') : 'pending'}`} data-testid={`outcome-${side}`}>
      <p>
        <strong>{done ? (t.score.ok ? '✓ valid' : '✗ invalid') : `step ${Math.min(frame, v.frames)} of ${v.frames}`}</strong>
        {' · '}
        {t.nfe} {t.nfe === 1 ? 'step' : 'steps'}, {t.tps.toFixed(2)} tokens per step on a {t.canvasLength}-token canvas (budget)
        {r.ms > 0 && !r.model && ` · ${r.ms.toFixed(0)} ms on ${r.backend} (${(r.ms / Math.max(1, t.nfe)).toFixed(1)} ms/step)`}
        {r.model && ` · ${r.ms.toFixed(0)} ms`}
      </p>
      {r.model && (
        <p className="ran-on" data-testid={`ran-on-${side}`}>
          {ranOn(r.model)}
        </p>
      )}
      <p className="output">
        output: <q>{outputText(done ? t.output : v.tokens).replace(/\[MASK\]/g, '▒')}</q>
      </p>
      {done && !t.score.ok && (
        <p className="reason" data-testid={`reason-${side}`}>
          <span aria-hidden="true">✗ </span>Why: {t.score.reason}
          {t.score.culprits.length > 0 && ` (culprit positions ${t.score.culprits.join(', ')}, marked ✗)`}
        </p>
      )}
      {!t.score.ok && breakingFrame(t) !== null && (
        <button type="button" onClick={() => setFrame(breakingFrame(t)!)}>
          Show step {breakingFrame(t)}, where the answer stopped being valid
        </button>
      )}
      {!done && <p className="hint">The verdict appears at the last step (End).</p>}
    </div>
  );
}
