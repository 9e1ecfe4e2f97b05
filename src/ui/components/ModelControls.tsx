import { useId, useState } from 'react';
import type { ModelInfo, ModelRuntimeName, ModelRun, RuntimeChoice } from '../../worker/protocol';
import { loadCustomModel, useApp, type ModelSlot } from '../store';
import { SelectField } from './fields';

/** The page's model menu, runtime choice and bring-your-own loader (decode sides and the benchmark runner). */

export type MenuModel = 'oracle' | 'noise' | 'tiny' | 'custom';

export const MODEL_MENU: readonly { value: MenuModel; label: string }[] = [
  { value: 'oracle', label: 'Oracle (exact)' },
  { value: 'noise', label: 'Oracle + noise σ' },
  { value: 'tiny', label: 'Tiny MDM (trained here)' },
  { value: 'custom', label: 'Your model…' },
];

export const RUNTIME_LABELS: Record<RuntimeChoice, string> = {
  auto: 'Auto (recommended)',
  webgpu: 'our WebGPU engine',
  'ort-webgpu': 'ORT WebGPU',
  'ort-wasm': 'ORT wasm',
  cpu: 'CPU twin',
};

const RUNTIME_ORDER: RuntimeChoice[] = ['auto', 'webgpu', 'ort-webgpu', 'ort-wasm', 'cpu'];

/** Runtime select: options a loaded model cannot use say so (our engine needs every operator mapped). */
export function RuntimeField({ value, info, onChange }: { value: RuntimeChoice; info: ModelInfo | null; onChange(v: RuntimeChoice): void }) {
  const options = RUNTIME_ORDER.map((r) => {
    let label = RUNTIME_LABELS[r];
    if (r === 'auto' && info) label = 'Auto (the fastest, measured here)';
    else if (r !== 'auto' && info && !info.runtimes.includes(r as ModelRuntimeName)) label += ' — cannot run this model';
    return { value: r, label };
  });
  return (
    <SelectField<RuntimeChoice>
      label="runtime"
      value={value}
      options={options}
      onChange={onChange}
      help="Where the model's forward pass runs. Auto: on the first decode of a task family, each runtime decodes it a few times and the fastest is kept (remembered per adapter; the backend panel shows the times)."
    />
  );
}

/** "ran on ORT wasm (Auto), 3.1 ms per forward" for a finished model decode. */
export function ranOn(run: ModelRun): string {
  const per = run.resident ? `GPU-resident, ${run.msPerForward.toFixed(1)} ms per step × ${run.resident.steps}` : `${run.msPerForward.toFixed(1)} ms per forward × ${run.forwards}`;
  return `${run.name} ran on ${RUNTIME_LABELS[run.runtime]}${autoNote(run)}, ${per}`;
}

/** How Auto picked the runtime, when it did. */
export function autoNote(run: ModelRun): string {
  if (run.asked !== 'auto') return '';
  return run.autoGuess ? " (Auto's first pick for this adapter; it is measuring every runtime in the background)" : ' (chosen by Auto, measured)';
}

const CODE_TITLES: Record<string, string> = {
  'not-onnx': 'Not an ONNX model',
  io: 'Inputs/outputs do not fit',
  dims: 'Wrong dimensions',
  operator: 'Unsupported operator',
  vocab: 'Vocabulary does not match',
  weights: 'Unreadable weights',
  runtime: 'Runtime problem',
};

export function loadErrorTitle(e: { message: string; code: string }): string {
  if (/fetch|network|HTTP \d/i.test(e.message)) return 'Network error';
  return CODE_TITLES[e.code] ?? 'Could not load the model';
}

/** The message without a repeat of its title ("Not an ONNX model: not an ONNX model: …"). */
export function loadErrorText(e: { message: string; code: string }): string {
  const title = loadErrorTitle(e).toLowerCase();
  const m = e.message;
  return m.toLowerCase().startsWith(`${title}: `) ? m.slice(title.length + 2) : m;
}

/** The trained model's state, for the side or bench form that chose it. */
export function TinyStatus({ slot }: { slot: ModelSlot }) {
  if (slot.error)
    return (
      <p className="error" role="alert" data-testid="tiny-error">
        <span aria-hidden="true">✗ </span>
        {slot.error.message}. The oracle choices keep working.
      </p>
    );
  if (slot.loading) return <p className="hint" role="status">Loading the trained model…</p>;
  return null;
}

/**
 * Bring your own model: an .onnx file plus its vocabulary JSON, from files or URLs. Validation
 * runs in the worker; every problem shows here, next to the inputs, and the page keeps working.
 */
export function ModelLoader({ onUseRuntime }: { onUseRuntime?(r: RuntimeChoice): void }) {
  const id = useId();
  const slot = useApp((s) => s.models.custom);
  const [onnxFile, setOnnxFile] = useState<File | null>(null);
  const [vocabFile, setVocabFile] = useState<File | null>(null);
  const [onnxUrl, setOnnxUrl] = useState('');
  const [vocabUrl, setVocabUrl] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);

  const loadFiles = async () => {
    if (!onnxFile || !vocabFile) return;
    setLocalError(null);
    let onnx: ArrayBuffer, vocab: string;
    try {
      [onnx, vocab] = await Promise.all([onnxFile.arrayBuffer(), vocabFile.text()]);
    } catch (e) {
      setLocalError(`Could not read the files: ${(e as Error).message}`);
      return;
    }
    await loadCustomModel({ kind: 'bytes', onnx, vocab, name: onnxFile.name });
  };
  const loadUrls = async () => {
    setLocalError(null);
    if (!onnxUrl.trim() || !vocabUrl.trim()) {
      setLocalError('Enter both URLs: the .onnx model and its vocabulary JSON.');
      return;
    }
    await loadCustomModel({ kind: 'urls', onnx: onnxUrl.trim(), vocab: vocabUrl.trim() });
  };

  return (
    <fieldset className="model-loader" data-testid="model-loader">
      <legend>Your model: ONNX + vocabulary JSON</legend>
      <p className="hint">
        A masked-diffusion model with input <code>input_ids</code> [batch, 64] and output <code>logits</code> [batch, 64, vocab]; the JSON
        gives <code>tokens</code>, <code>mask</code> and <code>eos</code>. It stays in this tab (a link cannot carry it).
      </p>
      <div className="loader-row">
        <div className="field">
          <label htmlFor={`${id}-onnx`}>ONNX model file (.onnx)</label>
          <input id={`${id}-onnx`} type="file" accept=".onnx,application/octet-stream" onChange={(e) => setOnnxFile(e.target.files?.[0] ?? null)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-vocab`}>vocabulary JSON file</label>
          <input id={`${id}-vocab`} type="file" accept=".json,application/json" onChange={(e) => setVocabFile(e.target.files?.[0] ?? null)} />
        </div>
        <button type="button" disabled={!onnxFile || !vocabFile || slot.loading} onClick={() => void loadFiles()}>
          Load model files
        </button>
      </div>
      <div className="loader-row">
        <div className="field">
          <label htmlFor={`${id}-ourl`}>ONNX model URL</label>
          <input id={`${id}-ourl`} type="url" placeholder="https://…/model.onnx" value={onnxUrl} onChange={(e) => setOnnxUrl(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-vurl`}>vocabulary JSON URL</label>
          <input id={`${id}-vurl`} type="url" placeholder="https://…/model.json" value={vocabUrl} onChange={(e) => setVocabUrl(e.target.value)} />
        </div>
        <button type="button" disabled={slot.loading} onClick={() => void loadUrls()}>
          Load from URLs
        </button>
      </div>
      {slot.loading && (
        <p className="hint" role="status">
          Checking the model…
        </p>
      )}
      {(localError || slot.error) && (
        <div className="error" role="alert" data-testid="model-error">
          <p>
            <strong><span aria-hidden="true">✗ </span>{localError ? 'Missing input' : loadErrorTitle(slot.error!)}:</strong> {localError ?? loadErrorText(slot.error!)}
          </p>
          <p className="hint">
            {slot.info ? `${slot.info.name} stays loaded; ` : ''}the rest of the page keeps working{slot.info ? '' : ' with the oracle'}.
          </p>
        </div>
      )}
      {slot.info && <Loaded info={slot.info} onUseRuntime={onUseRuntime} />}
    </fieldset>
  );
}

function Loaded({ info, onUseRuntime }: { info: ModelInfo; onUseRuntime?(r: RuntimeChoice): void }) {
  return (
    <div className="ok-box" role="status" data-testid="model-loaded">
      <p>
        <span aria-hidden="true">✓ </span>Loaded <strong>{info.name}</strong>: {info.parameters.toLocaleString('en')} parameters, opset {info.opset}
        {info.producer ? `, from ${info.producer}` : ''}. Runs on: {info.runtimes.map((r) => RUNTIME_LABELS[r]).join(', ')}.
      </p>
      {info.engineError && (
        <p className="warn">
          <span aria-hidden="true">⚠ </span>Our engine cannot run it: {info.engineError}. onnxruntime-web can.{' '}
          {onUseRuntime && (
            <button type="button" onClick={() => onUseRuntime('ort-wasm')}>
              Use ORT wasm
            </button>
          )}
        </p>
      )}
    </div>
  );
}
