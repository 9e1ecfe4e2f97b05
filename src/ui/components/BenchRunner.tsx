import { useState } from 'react';
import { STRATEGIES } from '../../engine/strategies';
import { TASKS } from '../../engine/tasks';
import { FORM_LIMITS, SIZED_FAMILIES, buildSpec, gridText, sizesText, type BenchForm } from '../bench';
import { cancelSweep, ensureTiny, setBenchForm, startRun, useApp } from '../store';
import { SelectField } from './fields';
import { MODEL_MENU, ModelLoader, RuntimeField, TinyStatus, type MenuModel } from './ModelControls';

const FAMILIES = [...new Set(TASKS.map((t) => t.family))];
const FAMILY_TITLES: Record<string, string> = { letters: 'letters', 'waiting-line': 'waiting line' };

/** "3 tasks: A, B, C" (the first few, then how many more). */
function summary(one: string, many: string, titles: string[]): string {
  if (titles.length === 0) return `No ${many} ticked.`;
  const shown = titles.slice(0, 4).join(', ');
  return `${titles.length} ${titles.length === 1 ? one : many}: ${shown}${titles.length > 4 ? `, and ${titles.length - 4} more` : ''}.`;
}

/** Tasks x strategies x grids x samples: runs in the worker, results kept in IndexedDB. */
export function BenchRunner() {
  const form = useApp((s) => s.bench.form);
  const setForm = (f: BenchForm) => setBenchForm(f);
  const bm = form.model ?? 'oracle';
  const neural = bm === 'tiny' || bm === 'custom';
  const slot = useApp((s) => (neural ? s.models[bm] : null));
  const [starting, setStarting] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  // Only whether a sweep runs: progress updates re-render the Progress line, not the form.
  const sweep = useApp((s) => s.sweep !== null);

  let preview: string;
  let notes: string[] = [];
  try {
    const built = buildSpec(form);
    notes = built.notes;
    preview = `${built.spec.configs.length} configurations × ${built.spec.samples} samples = ${built.spec.configs.length * built.spec.samples} decodes.`;
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
  const taskTitles = TASKS.filter((t) => form.tasks.includes(t.id)).map((t) => t.title);
  const strategyTitles = STRATEGIES.filter((s) => form.strategies.includes(s.id)).map((s) => s.title);
  const sizedFamilies = SIZED_FAMILIES.filter((f) => TASKS.some((t) => t.family === f.family && t.sizes && form.tasks.includes(t.id)));

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
            <p className="ticked" data-testid="task-summary">{summary('task', 'tasks', taskTitles)}</p>
            <div className="scroll-list">
              {FAMILIES.map((f) => (
                <div key={f} className="family">
                  {TASKS.filter((t) => t.family === f).map((t) => (
                    <label key={t.id} className="check">
                      <input type="checkbox" checked={form.tasks.includes(t.id)} onChange={(e) => setForm({ ...form, tasks: toggle(form.tasks, t.id, e.target.checked) })} /> {t.title}
                      {t.sizes ? <span className="range"> (n {t.sizes.min}–{t.sizes.max})</span> : null}
                    </label>
                  ))}
                </div>
              ))}
            </div>
          </fieldset>
          <fieldset className="strategy-list">
            <legend>Strategies and parameter grids</legend>
            <p className="ticked" data-testid="strategy-summary">{summary('strategy', 'strategies', strategyTitles)}</p>
            <div className="scroll-list">
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
                          <span>{p.label} values ({p.min}–{p.max})</span>
                          <input type="text" value={gridText(s.id, p.name, form)} title={`${p.help} Range ${p.min}–${p.max}; comma-separated.`}
                            onChange={(e) => setForm({ ...form, grids: { ...form.grids, [s.id]: { ...form.grids[s.id], [p.name]: e.target.value } } })} />
                        </label>
                      ))}
                  </div>
                );
              })}
            </div>
          </fieldset>
          <fieldset className="bench-settings">
            <legend>Settings</legend>
            {sizedFamilies.map((f) => (
              <label key={f.family} className="grid-field"><span>{FAMILY_TITLES[f.family] ?? f.family}: sizes n (comma-separated), {f.min}–{f.max}</span>
                <input type="text" value={sizesText(form, f.family)} onChange={(e) => setForm({ ...form, sizes: { ...form.sizes, [f.family]: e.target.value } })} /></label>
            ))}
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
              <input type="number" min={FORM_LIMITS.samples.min} max={FORM_LIMITS.samples.max} value={form.samples} onChange={(e) => setForm({ ...form, samples: Number(e.target.value) })} /></label>
            <label className="grid-field"><span>seed</span>
              <input type="number" min={FORM_LIMITS.seed.min} max={FORM_LIMITS.seed.max} value={form.seed} onChange={(e) => setForm({ ...form, seed: Number(e.target.value) })} /></label>
            <label className="grid-field"><span>Web Workers for CPU sweeps (empty: every core; GPU sweeps use one)</span>
              <input type="number" min={FORM_LIMITS.workers.min} max={FORM_LIMITS.workers.max} placeholder={String(navigator.hardwareConcurrency || 1)} value={form.workers ?? ''}
                onChange={(e) => setForm({ ...form, workers: e.target.value === '' ? undefined : Number(e.target.value) })} /></label>
            <div className="preview">
              <p className="hint" data-testid="bench-preview">{preview}</p>
              {notes.length > 0 && (
                <ul className="hint notes" data-testid="bench-notes">
                  {notes.map((n) => <li key={n}>{n}</li>)}
                </ul>
              )}
            </div>
            {formError && <p className="error" role="alert">{formError}</p>}
            <div className="buttons">
              <button type="submit" disabled={sweep || starting}>{starting ? 'Loading the model…' : 'Run sweep'}</button>
              <button type="button" onClick={cancelSweep} disabled={!sweep}>Cancel</button>
            </div>
          </fieldset>
        </div>
      </form>
      {bm === 'custom' && <ModelLoader onUseRuntime={(runtime) => setForm({ ...form, runtime })} />}
      <Progress />
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
        {sweep.workers ? ` on ${sweep.workers} Web Worker${sweep.workers === 1 ? '' : 's'}` : ''}
        {p ? `, configuration ${p.configIndex + 1} of ${p.configs}` : ''}
        {eta !== null ? `, about ${eta < 60 ? `${Math.ceil(eta)} s` : `${Math.ceil(eta / 60)} min`} left` : ''}
      </span>
    </div>
  );
}
