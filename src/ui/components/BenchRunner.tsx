import { useRef, useState } from 'react';
import { STRATEGIES, getStrategy } from '../../engine/strategies';
import { recordsToCsv } from '../../engine/sweep';
import { TASKS } from '../../engine/tasks';
import type { PageRecord } from '../../worker/protocol';
import { DEFAULT_FORM, buildSpec, exportJson, formatParams, gridText, parseImport, type BenchForm, type BenchRun } from '../bench';
import { addRuns, cancelSweep, deleteRun, ensureTiny, notify, startRun, useApp } from '../store';
import { SelectField } from './fields';
import { MODEL_MENU, ModelLoader, RuntimeField, TinyStatus, type MenuModel } from './ModelControls';

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const FAMILIES = [...new Set(TASKS.map((t) => t.family))];

/** Tasks x strategies x grids x samples: runs in the worker, results kept in IndexedDB. */
export function BenchRunner() {
  const [form, setForm] = useState<BenchForm>({ ...DEFAULT_FORM, model: 'oracle', runtime: 'auto' });
  const bm = form.model ?? 'oracle';
  const neural = bm === 'tiny' || bm === 'custom';
  const slot = useApp((s) => (neural ? s.models[bm] : null));
  const [starting, setStarting] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const sweep = useApp((s) => s.sweep);
  const runs = useApp((s) => s.runs);
  const fileRef = useRef<HTMLInputElement>(null);

  let preview: string;
  try {
    const { spec, notes } = buildSpec(form);
    preview = `${spec.configs.length} configurations × ${spec.samples} samples = ${spec.configs.length * spec.samples} decodes.${notes.length ? ' ' + notes.join(' ') : ''}`;
  } catch (e) {
    preview = `Not ready: ${(e as Error).message}`;
  }

  const run = async () => {
    try {
      buildSpec(form);
      let runtime = undefined;
      if (neural) {
        // Sweeps record a concrete runtime, so Auto is resolved here, with the model loaded.
        setStarting(true);
        const info = bm === 'tiny' ? await ensureTiny() : useApp.getState().models.custom.info;
        setStarting(false);
        if (!info) throw new Error(bm === 'tiny' ? `The trained model is not available: ${useApp.getState().models.tiny.error?.message ?? 'it did not load'}.` : 'Load your model first (below).');
        runtime = form.runtime && form.runtime !== 'auto' ? form.runtime : info.recommended;
      }
      const { spec } = buildSpec(form, runtime);
      setFormError(null);
      startRun({ id: `run-${Date.now()}`, created: Date.now(), spec, records: [], status: 'running' });
    } catch (e) {
      setStarting(false);
      setFormError((e as Error).message);
    }
  };

  const toggle = (list: string[], v: string, on: boolean) => (on ? [...list.filter((x) => x !== v), v] : list.filter((x) => x !== v));

  return (
    <section className="panel bench" aria-labelledby="bench-title">
      <h2 id="bench-title">Benchmark runner</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <div className="bench-grid">
          <fieldset className="task-list">
            <legend>Tasks</legend>
            {FAMILIES.map((f) => (
              <div key={f} className="family">
                {TASKS.filter((t) => t.family === f).map((t) => (
                  <label key={t.id} className="check">
                    <input type="checkbox" checked={form.tasks.includes(t.id)} onChange={(e) => setForm({ ...form, tasks: toggle(form.tasks, t.id, e.target.checked) })} /> {t.title}
                  </label>
                ))}
              </div>
            ))}
          </fieldset>
          <fieldset className="strategy-list">
            <legend>Strategies and parameter grids</legend>
            {STRATEGIES.map((s) => {
              const on = form.strategies.includes(s.id);
              return (
                <div key={s.id} className="strategy-row">
                  <label className="check">
                    <input type="checkbox" checked={on} onChange={(e) => setForm({ ...form, strategies: toggle(form.strategies, s.id, e.target.checked) })} /> {s.title}
                  </label>
                  {on &&
                    s.params.map((p) => (
                      <label key={p.name} className="grid-field">
                        <span>{p.label} values</span>
                        <input type="text" value={gridText(s.id, p.name, form)} title={`${p.help} Range ${p.min}–${p.max}; comma-separated.`}
                          onChange={(e) => setForm({ ...form, grids: { ...form.grids, [s.id]: { ...form.grids[s.id], [p.name]: e.target.value } } })} />
                      </label>
                    ))}
                </div>
              );
            })}
          </fieldset>
          <fieldset className="bench-settings">
            <legend>Settings</legend>
            <label className="grid-field"><span>sizes n (comma-separated)</span>
              <input type="text" value={form.sizes} onChange={(e) => setForm({ ...form, sizes: e.target.value })} /></label>
            <label className="grid-field"><span>temperatures</span>
              <input type="text" value={form.temperatures} onChange={(e) => setForm({ ...form, temperatures: e.target.value })} /></label>
            <SelectField<MenuModel> label="model" value={bm} options={MODEL_MENU}
              onChange={(model) => {
                setForm({ ...form, model, noises: model === 'noise' && form.noises.trim() === '0' ? '0.5, 1' : form.noises });
                if (model === 'tiny') void ensureTiny();
              }}
              help="Who predicts in the sweep: the exact oracle, the oracle with noise, the trained Tiny MDM, or your own model." />
            {neural && <RuntimeField value={form.runtime ?? 'auto'} info={slot?.info ?? null} onChange={(runtime) => setForm({ ...form, runtime })} />}
            {bm === 'tiny' && slot && <TinyStatus slot={slot} />}
            {bm === 'noise' && (
              <label className="grid-field"><span>noise σ values (0 = exact oracle)</span>
                <input type="text" value={form.noises} onChange={(e) => setForm({ ...form, noises: e.target.value })} /></label>
            )}
            <label className="grid-field"><span>samples per configuration</span>
              <input type="number" min={1} max={100000} value={form.samples} onChange={(e) => setForm({ ...form, samples: Number(e.target.value) })} /></label>
            <label className="grid-field"><span>seed</span>
              <input type="number" min={0} value={form.seed} onChange={(e) => setForm({ ...form, seed: Number(e.target.value) })} /></label>
            <p className="hint" data-testid="bench-preview">{preview}</p>
            {formError && <p className="error" role="alert">{formError}</p>}
            <div className="buttons">
              <button type="submit" disabled={!!sweep || starting}>{starting ? 'Loading the model…' : 'Run sweep'}</button>
              <button type="button" onClick={cancelSweep} disabled={!sweep}>Cancel</button>
            </div>
          </fieldset>
        </div>
      </form>
      {bm === 'custom' && <ModelLoader onUseRuntime={(runtime) => setForm({ ...form, runtime })} />}
      <Progress />
      <div className="buttons results-actions">
        <button type="button" disabled={runs.length === 0} onClick={() => download('unmask-results.csv', recordsToCsv(runs.flatMap((r) => r.records)), 'text/csv')}>Export CSV</button>
        <button type="button" disabled={runs.length === 0} onClick={() => download('unmask-results.json', exportJson(runs), 'application/json')}>Export JSON</button>
        <button type="button" onClick={() => fileRef.current?.click()}>Import JSON…</button>
        <input ref={fileRef} type="file" accept="application/json,.json" hidden aria-label="import results JSON"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (!file) return;
            try {
              const imported = parseImport(await file.text(), file.name);
              addRuns(imported);
              notify('info', `Imported ${imported.reduce((a, r) => a + r.records.length, 0)} results from ${file.name}.`);
            } catch (err) {
              notify('error', (err as Error).message);
            }
          }} />
      </div>
      <RunsTable runs={runs} />
    </section>
  );
}

function Progress() {
  const sweep = useApp((s) => s.sweep);
  if (!sweep) return null;
  const p = sweep.progress;
  const done = p?.done ?? sweep.doneAtStart;
  const total = p?.total ?? 0;
  const elapsed = (performance.now() - sweep.startedAt) / 1000;
  const rate = (done - sweep.doneAtStart) / Math.max(elapsed, 1e-3);
  const eta = rate > 0 && total > 0 ? (total - done) / rate : null;
  return (
    <div className="progress" role="status" aria-live="polite">
      <progress max={total || 1} value={done} aria-label="sweep progress" />
      <span>
        {done} / {total || '…'} decodes
        {p ? `, configuration ${p.configIndex + 1} of ${p.configs}` : ''}
        {eta !== null ? `, about ${eta < 60 ? `${Math.ceil(eta)} s` : `${Math.ceil(eta / 60)} min`} left` : ''}
      </span>
    </div>
  );
}

function RunsTable({ runs }: { runs: BenchRun[] }) {
  const sweep = useApp((s) => s.sweep);
  if (runs.length === 0) return <p className="hint">No results yet. Results are saved in this browser (IndexedDB) and survive a reload.</p>;
  return (
    <div className="runs">
      {[...runs].reverse().map((run) => (
        <details key={run.id} open={run === runs[runs.length - 1]} className="run" data-testid="run">
          <summary>
            {new Date(run.created).toLocaleString()} · {run.status} · {run.records.length}
            {run.spec.configs.length ? ` of ${run.spec.configs.length}` : ''} configurations
          </summary>
          <div className="buttons">
            {(run.status === 'interrupted' || run.status === 'cancelled' || run.status === 'error') && run.records.length < run.spec.configs.length && (
              <button type="button" disabled={!!sweep} onClick={() => startRun(run)}>Resume (from configuration {run.records.length + 1}{run.partial ? `, sample ${run.partial.done + 1}` : ''})</button>
            )}
            <button type="button" disabled={sweep?.runId === run.id} onClick={() => deleteRun(run.id)}>Delete this run</button>
          </div>
          {run.error && <p className="error">{run.error}</p>}
          <table className="results">
            <thead>
              <tr>
                <th scope="col">task</th><th scope="col">n</th><th scope="col">strategy</th><th scope="col">params</th>
                <th scope="col">score</th><th scope="col">95% CI</th><th scope="col">tokens/step</th><th scope="col">NFE</th><th scope="col">samples</th><th scope="col">s</th><th scope="col">backend / model</th>
              </tr>
            </thead>
            <tbody>
              {run.records.map((r, i) => (
                <tr key={i}>
                  <td>{r.task}</td><td>{r.rho ?? r.n}</td><td title={safeTitle(r.strategy)}>{r.strategy}</td><td>{formatParams(r.params)}</td>
                  <td>{(r.score * 100).toFixed(1)}%</td><td>{(r.ci95[0] * 100).toFixed(1)}–{(r.ci95[1] * 100).toFixed(1)}%</td>
                  <td>{r.tps.toFixed(2)}</td><td>{r.nfe.toFixed(1)}</td><td>{r.samples}</td><td>{r.seconds.toFixed(2)}</td><td>{(r as PageRecord).model ?? r.backend}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
    </div>
  );
}

function safeTitle(id: string): string {
  try {
    return getStrategy(id).title;
  } catch {
    return id;
  }
}
