import { refreshBackend, setSettings, useApp, verifyAgainstCpu } from '../store';
import type { EngineChoice } from '../settings';
import { RUNTIME_LABELS, autoNote } from './ModelControls';

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
        {m ? ` · model ${m.name} on ${RUNTIME_LABELS[m.runtime]}${m.resident ? ', GPU-resident' : ''}, ${m.msPerForward.toFixed(1)} ms per ${m.resident ? 'step' : 'forward'}` : a ? ` · last decode ${(a.ms / Math.max(1, a.trace.nfe)).toFixed(2)} ms/step` : ''}
      </summary>
      <dl>
        <div><dt>engine in use</dt><dd>{info?.backend ?? 'starting…'}</dd></div>
        <div><dt>WebGPU in this browser</dt><dd>{info ? (info.webgpu ? 'yes' : 'no') : '…'}</dd></div>
        <div><dt>adapter</dt><dd>{info?.adapter ?? 'none'}</dd></div>
        {info?.ortThreads && <div><dt>ORT wasm threads</dt><dd data-testid="ort-threads">{info.ortThreads.threads} with SIMD: {info.ortThreads.reason}</dd></div>}
        {m && <div><dt>model of decode A</dt><dd data-testid="model-runtime">{m.name} on {RUNTIME_LABELS[m.runtime]}{autoNote(m)}</dd></div>}
        {m && !m.resident && <div><dt>ms per forward</dt><dd data-testid="ms-per-forward">{m.msPerForward.toFixed(2)} ms ({m.forwards} forwards)</dd></div>}
        {m?.resident && (
          <div>
            <dt>GPU-resident decode</dt>
            <dd data-testid="model-resident">
              forward, selection and commit on the GPU: {m.msPerForward.toFixed(2)} ms per step, {m.resident.readbacks} read-backs for {m.resident.steps} steps
            </dd>
          </div>
        )}
        {m?.fallback && <div><dt>not GPU-resident</dt><dd data-testid="model-fallback">the CPU unmasking loop ran with our engine&apos;s forward pass: {m.fallback}</dd></div>}
        {a && <div><dt>decode A</dt><dd>{a.ms.toFixed(1)} ms for {a.trace.nfe} steps ({(a.ms / Math.max(1, a.trace.nfe)).toFixed(2)} ms/step) on {a.backend}</dd></div>}
      </dl>
      {info?.note && <p className="hint">{info.note}</p>}
      {!!info?.calibrations?.length && (
        <table className="results" data-testid="calibration">
          <caption>
            Auto measured (ms per decode; the fastest is chosen). Override: “CPU engine only” below for the oracle, a runtime in the decode&apos;s model menu for a model.
          </caption>
          <thead><tr><th scope="col">for</th><th scope="col">task family</th><th scope="col">measured</th><th scope="col">choice</th></tr></thead>
          <tbody>
            {info.calibrations.filter((c) => c.model || engine === 'auto').map((c) => {
              const label = (n: string) => (c.model ? (RUNTIME_LABELS[n as keyof typeof RUNTIME_LABELS] ?? n) : n);
              return (
                <tr key={`${c.model ?? ''}|${c.family}`}>
                  <td>{c.model ? `model ${c.model}` : 'oracle'}</td>
                  <td>{c.family}{c.cached ? ' (cached)' : ''}</td>
                  <td>
                    {Object.entries(c.times).map(([n, ms]) => `${label(n)} ${ms.toFixed(1)}${n === c.choice ? ' ✓' : ''}`).join(' · ')}
                    {Object.entries(c.skipped ?? {}).map(([n, why]) => ` · ${label(n)} not measured (${why})`).join('')}
                  </td>
                  <td><strong>{label(c.choice)}</strong></td>
                </tr>
              );
            })}
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
