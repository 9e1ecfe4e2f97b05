import { refreshBackend, setSettings, useApp, verifyAgainstCpu } from '../store';
import type { EngineChoice } from '../settings';

/** Which engine decodes, on which adapter, how fast; and a check of the GPU against the CPU. */
export function BackendPanel() {
  const info = useApp((s) => s.backend);
  const engine = useApp((s) => s.settings.engine);
  const verify = useApp((s) => s.verify);
  const a = useApp((s) => s.sides.a.result);
  const gpuReady = !!info && info.backend !== 'cpu';
  return (
    <details className="panel backend">
      <summary>
        Backend: <strong data-testid="backend-name">{info ? info.backend : '…'}</strong>
        {a ? ` · last decode ${(a.ms / Math.max(1, a.trace.nfe)).toFixed(2)} ms/step` : ''}
      </summary>
      <dl>
        <div><dt>engine in use</dt><dd>{info?.backend ?? 'starting…'}</dd></div>
        <div><dt>WebGPU in this browser</dt><dd>{info ? (info.webgpu ? 'yes' : 'no') : '…'}</dd></div>
        <div><dt>adapter</dt><dd>{info?.adapter ?? 'none'}</dd></div>
        <div><dt>GPU backend in this build</dt><dd>{info ? (info.gpuModule ? 'yes' : 'not yet') : '…'}</dd></div>
        {a && <div><dt>decode A</dt><dd>{a.ms.toFixed(1)} ms for {a.trace.nfe} steps ({(a.ms / Math.max(1, a.trace.nfe)).toFixed(2)} ms/step) on {a.backend}</dd></div>}
      </dl>
      {info?.note && <p className="hint">{info.note}</p>}
      <label>
        engine{' '}
        <select value={engine} onChange={(e) => { setSettings({ engine: e.target.value as EngineChoice }); void refreshBackend(); }}>
          <option value="auto">automatic (GPU when available)</option>
          <option value="cpu">CPU engine only</option>
        </select>
      </label>{' '}
      <button type="button" onClick={() => void verifyAgainstCpu()} disabled={!gpuReady || verify.status === 'running'} title={gpuReady ? 'Run decode A on the GPU and on the CPU and compare' : 'Needs the WebGPU backend'}>
        {verify.status === 'running' ? 'verifying…' : 'Verify against CPU'}
      </button>
      {!gpuReady && <span className="hint"> (needs the WebGPU backend)</span>}
      {verify.status === 'done' && verify.result && (
        <p className={verify.result.same ? 'ok' : 'error'} role="status">
          {verify.result.same ? '✓ GPU and CPU revealed the same tokens at every step' : `✗ first difference: ${verify.result.difference}`} (CPU {verify.result.cpuMs.toFixed(0)} ms, GPU {verify.result.gpuMs.toFixed(0)} ms)
        </p>
      )}
      {verify.status === 'error' && <p className="error" role="alert">Verification failed: {verify.error}</p>}
    </details>
  );
}
