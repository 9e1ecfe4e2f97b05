import { useMemo } from 'react';
import type { DecodeTrace } from '../../engine/decode';
import { getStrategy } from '../../engine/strategies';
import { detokenize, EOS_ID } from '../../engine/vocab';
import { SIDE_KEYS, modelOf, shownSides, type SideSettings } from '../settings';
import { currentFrame, customMissing, removeSide, setFrame, setSettings, useApp, type Side } from '../store';
import { useTeach } from '../teach';
import { culprits, decodeOrder, frameView } from '../traceView';
import { Term } from './Glossary';
import { Candidates } from './Candidates';
import { SideSettingsForm } from './DecodeSettings';
import { Dependency } from './Dependency';
import { ranOn } from './ModelControls';
import { TokenCanvas } from './TokenCanvas';

/** Stable across renders, so the canvas cells (memoised) do not re-render for a new callback. */
const selectPos = (pos: number) => setSettings({ pos });

function outputText(tokens: ArrayLike<number>): string {
  const words: number[] = [];
  for (let i = 0; i < tokens.length; i++) if (tokens[i] !== EOS_ID) words.push(tokens[i]);
  return detokenize(words);
}

/** One decode: its settings, the canvas at the shown step, the outcome, candidates and dependencies. */
export function DecodePanel({ side }: { side: Side }) {
  // C and D exist only while shown: a removed side may be asked to render once more.
  const d = useApp((s) => s.settings[side]);
  return d ? <ShownPanel side={side} d={d} /> : null;
}

function ShownPanel({ side, d }: { side: Side; d: SideSettings }) {
  const st = useApp((s) => s.sides[side]);
  const heat = useApp((s) => s.settings.heat);
  const pos = useApp((s) => s.settings.pos);
  const frame = useApp(currentFrame);
  // Built once per side: the settings form reads the store itself and must not re-render per step.
  const form = useMemo(() => <SideSettingsForm side={side} />, [side]);
  const r = st.result;
  const missing = useApp((s) => customMissing(s, side));
  const model = modelOf(d);
  const who = model === 'tiny' ? ' · Tiny MDM' : model === 'custom' ? (missing ? ' · oracle (your model not loaded)' : ' · your model') : d.noise > 0 ? ` · oracle + noise σ=${d.noise}` : '';
  const fold = useTeach((t) => t.foldPadding);
  const count = useApp((s) => shownSides(s.settings).length);
  const stale = st.status === 'loading' && !!r;
  const title = `${side.toUpperCase()}: ${getStrategy(d.strategy).title}${d.params.k !== undefined ? `, k = ${d.params.k}` : ''}${who}`;
  return (
    <section className={`panel decode-panel${stale ? ' stale' : ''}`} aria-labelledby={`title-${side}`} aria-busy={stale} data-side={side} id={`decode-${side}`}>
      <div className="panel-head">
        <h2 id={`title-${side}`}>
          {title}
          {st.status === 'loading' && <span className="busy" role="status"> decoding…</span>}
        </h2>
        {count > 1 && (
          <button type="button" className="remove-side" onClick={() => removeSide(side)} aria-label={`Remove decode ${side.toUpperCase()}`} title={`Remove decode ${side.toUpperCase()} (the decodes after it move up a letter)`}>
            <span aria-hidden="true">✕ </span>Remove
          </button>
        )}
      </div>
      <details className="side-settings-wrap">
        <summary>Settings of decode {side.toUpperCase()}</summary>
        {form}
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
          <TokenCanvas trace={r.trace} frame={frame} heat={heat} selected={pos} onSelect={selectPos} label={`decode ${side.toUpperCase()}`} fold={fold} />
          <details open className="sub">
            <summary>Candidates {pos >= 0 ? `at position ${pos}` : ''}</summary>
            <Candidates trace={r.trace} frame={frame} pos={pos} />
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
  const bad = culprits(t);
  return (
    <div className={`outcome ${done ? (t.score.ok ? 'ok' : 'bad') : 'pending'}`} data-testid={`outcome-${side}`}>
      <p>
        <strong>{done ? (t.score.ok ? '✓ valid' : '✗ invalid') : `step ${Math.min(frame, v.frames)} of ${v.frames}`}</strong>
        {' · '}
        {t.nfe} {t.nfe === 1 ? 'step' : 'steps'} (<Term id="nfe">NFE</Term>), {t.tps.toFixed(2)} <Term id="tps">tokens per step</Term> on a {t.canvasLength}-token canvas (budget)
        {' · '}
        <OrderTau trace={t} />
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
          {bad && bad.positions.length > 0 && ` (culprits: ${bad.positions.length === 1 ? 'position' : 'positions'} ${bad.positions.join(', ')}, revealed together at step ${bad.frame}, marked ✗)`}
        </p>
      )}
      {done && !t.score.ok && t.score.culprits.length > 0 && t.score.culprits.join() !== bad?.positions.join() && (
        <p className="hint" data-testid={`nearest-${side}`}>Differs from the nearest valid answer at {t.score.culprits.length === 1 ? 'position' : 'positions'} {t.score.culprits.join(', ')}.</p>
      )}
      {bad && (
        <button type="button" onClick={() => setFrame(bad.frame)}>
          Show step {bad.frame}, where the answer stopped being valid
        </button>
      )}
      {!done && <p className="hint">The verdict appears at the last step (End).</p>}
    </div>
  );
}

const tauText = (v: number | null) => (v === null ? '—' : v.toFixed(2));

/** The decode's order τ, with padding and without (what the CLI records as kendall and kendall_ignore_pad). */
function OrderTau({ trace }: { trace: DecodeTrace }) {
  // Once per trace, not per frame: the summary re-renders as the player steps.
  const tau = useMemo(() => decodeOrder(trace), [trace]);
  return (
    <span className="order-tau" data-testid="order-tau">
      <Term id="order">order τ</Term> {tauText(tau.withPad)} ({tauText(tau.withoutPad)} without padding)
    </span>
  );
}

/**
 * Every verdict in one line at the top of the decode view (on a phone the panels stack, and the
 * last verdict would be a long scroll away); each links to its panel.
 */
export function VerdictBar() {
  const count = useApp((s) => shownSides(s.settings).length);
  const all = useApp((s) => s.sides);
  const items = SIDE_KEYS.slice(0, count).map((k) => [k, all[k]] as const);
  return (
    <p className="verdict-bar" data-testid="verdict-bar">
      {items.map(([side, st]) => {
        const t = st.result?.trace;
        const bad = t ? culprits(t) : null;
        const text = !t ? 'decoding…' : t.score.ok ? `✓ valid, ${t.tps.toFixed(2)} tokens/step` : `✗ invalid, ${t.tps.toFixed(2)} tokens/step${bad ? `, broke at step ${bad.frame}` : ''}`;
        return (
          <a key={side} href={`#decode-${side}`} className={`verdict ${!t ? '' : t.score.ok ? 'v-ok' : 'v-bad'}${st.status === 'loading' ? ' stale' : ''}`} data-testid={`verdict-${side}`}>
            <strong>{side.toUpperCase()}</strong> {text}
            {st.status === 'loading' && t ? ' (decoding…)' : ''}
          </a>
        );
      })}
    </p>
  );
}
