import { refreshBackend, setSettings, useApp, verifyAgainstCpu } from '../store';
import type { EngineChoice } from '../settings';
import { RUNTIME_LABELS } from './ModelControls';

/** Which engine decodes, on which adapter, how fast; and a check of the GPU against the CPU. */
export function BackendPanel() {
  const info = useApp((s) => s.backend);
  const engine = useApp((s) => s.settings.engine);
  const verify = useApp((s) => s.verify);
  const a = useApp((s) => s.sides.a.result);
  // Auto may have measured the CPU engine faster; the GPU is still there to verify.
  const gpuReady = !!info && (info.backend !== 'cpu' || (engine === 'auto' && !!info.calibrations?.length));
  const m = a?.model;
  // A model decode compares its runtime with the CPU twin; an oracle decode the GPU with the CPU engine.
  const canVerify = !!m || gpuReady;
  return (
    <details className="panel backend" onToggle={(e) => { if (e.currentTarget.open) void refreshBackend(); }}>
      <summary>
        Backend: <strong data-testid="backend-name">{info ? info.backend : '…'}</strong>
        {m ? ` · model ${m.name} on ${RUNTIME_LABELS[m.runtime]}, ${m.msPerForward.toFixed(1)} ms per forward` : a ? ` · last decode ${(a.ms / Math.max(1, a.trace.nfe)).toFixed(2)} ms/step` : ''}
      </summary>
      <dl>
        <div><dt>engine in use</dt><dd>{info?.backend ?? 'starting…'}</dd></div>
        <div><dt>WebGPU in this browser</dt><dd>{info ? (info.webgpu ? 'yes' : 'no') : '…'}</dd></div>
        <div><dt>adapter</dt><dd>{info?.adapter ?? 'none'}</dd></div>
        {info?.ortThreads && <div><dt>ORT wasm threads</dt><dd data-testid="ort-threads">{info.ortThreads.threads} with SIMD: {info.ortThreads.reason}</dd></div>}
        {m && <div><dt>model of decode A</dt><dd data-testid="model-runtime">{m.name} on {RUNTIME_LABELS[m.runtime]}{m.asked === 'auto' ? ' (chosen by Auto)' : ''}</dd></div>}
        {m && <div><dt>ms per forward</dt><dd data-testid="ms-per-forward">{m.msPerForward.toFixed(2)} ms ({m.forwards} forwards)</dd></div>}
        {a && <div><dt>decode A</dt><dd>{a.ms.toFixed(1)} ms for {a.trace.nfe} steps ({(a.ms / Math.max(1, a.trace.nfe)).toFixed(2)} ms/step) on {a.backend}</dd></div>}
      </dl>
      {info?.note && <p className="hint">{info.note}</p>}
      {engine === 'auto' && !!info?.calibrations?.length && (
        <table className="results" data-testid="calibration">
          <caption>Auto measured (ms per decode; the fastest is chosen; choose “CPU engine only” to override)</caption>
          <thead><tr><th scope="col">task family</th>{Object.keys(info.calibrations[0].times).map((n) => <th scope="col" key={n}>{n}</th>)}<th scope="col">choice</th></tr></thead>
          <tbody>
            {info.calibrations.map((c) => (
              <tr key={c.family}>
                <td>{c.family}{c.cached ? ' (cached)' : ''}</td>
                {Object.entries(c.times).map(([n, ms]) => <td key={n}>{ms.toFixed(1)}{n === c.choice ? ' ✓' : ''}</td>)}
                <td><strong>{c.choice}</strong></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <label>
        engine{' '}
        <select value={engine} onChange={(e) => { setSettings({ engine: e.target.value as EngineChoice }); void refreshBackend(); }}>
          <option value="auto">automatic (the faster engine, measured)</option>
          <option value="cpu">CPU engine only</option>
        </select>
      </label>{' '}
      <button type="button" onClick={() => void verifyAgainstCpu()} disabled={!canVerify || verify.status === 'running'}
        title={m ? `Run decode A on ${RUNTIME_LABELS[m.runtime]} and on the CPU twin and compare` : gpuReady ? 'Run decode A on the GPU and on the CPU and compare' : 'Needs the WebGPU backend or a model decode'}>
        {verify.status === 'running' ? 'verifying…' : 'Verify against CPU'}
      </button>
      {!canVerify && <span className="hint"> (needs the WebGPU backend, or a model in decode A)</span>}
      {verify.status === 'done' && verify.result && <VerifyLine r={verify.result} />}
      {verify.status === 'error' && <p className="error" role="alert">Verification failed: {verify.error}</p>}
    </details>
  );
}

function VerifyLine({ r }: { r: NonNullable<ReturnType<typeof useApp.getState>['verify']['result']> }) {
  const ref = r.reference ?? 'CPU';
  const sub = r.subject ?? 'GPU';
  return (
    <p className={r.same ? 'ok' : 'error'} role="status" data-testid="verify-result">
      {r.same ? `✓ identical: ${sub} and the ${ref} revealed the same tokens at every step` : `✗ first difference (${sub} vs ${ref}): ${r.difference}`} ({ref} {r.cpuMs.toFixed(0)} ms,{' '}
      {sub} {r.gpuMs.toFixed(0)} ms){r.note ? `. ${r.note}` : ''}
    </p>
  );
}
