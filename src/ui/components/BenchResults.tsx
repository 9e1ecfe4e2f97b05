import { useMemo, useRef, useState } from 'react';
import { getStrategy } from '../../engine/strategies';
import { recordsToCsv } from '../../engine/sweep';
import type { PageRecord } from '../../worker/protocol';
import { exportJson, formatParams, parseImport, taskKey, type BenchRun } from '../bench';
import { SHARE_KEY, SHARE_LIMIT, encodeShare } from '../benchUrl';
import { addRuns, deleteRun, importSharedRun, notify, openDecodeOf, startRun, useApp } from '../store';
import { wilson95 } from '../../engine/metrics';

export function download(name: string, data: string | Blob, type: string): void {
  const url = URL.createObjectURL(typeof data === 'string' ? new Blob([data], { type }) : data);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * One column of the results table. Add a column by adding an entry: the header, sorting,
 * alignment and units all follow from it.
 */
export interface ResultColumn {
  key: string;
  label: string;
  /** Shown after numbers in the header, e.g. "%". */
  unit?: string;
  numeric: boolean;
  value(r: PageRecord): number | string;
  text(r: PageRecord): string;
  title?: string;
}

const pct = (v: number) => (v * 100).toFixed(1);

export const RESULT_COLUMNS: ResultColumn[] = [
  { key: 'task', label: 'task', numeric: false, value: (r) => r.task, text: (r) => r.task },
  { key: 'n', label: 'n / task params', numeric: true, value: (r) => r.n ?? Object.values(r.taskParams ?? {})[0] ?? 0, text: (r) => taskKey(r).slice(r.task.length + 1) },
  { key: 'strategy', label: 'strategy', numeric: false, value: (r) => r.strategy, text: (r) => r.strategy },
  { key: 'params', label: 'params', numeric: false, value: (r) => formatParams(r.params), text: (r) => formatParams(r.params) },
  { key: 'score', label: 'score', unit: '%', numeric: true, value: (r) => r.score, text: (r) => pct(r.score) },
  { key: 'ci', label: '95% CI', unit: '%', numeric: true, value: (r) => r.ci95[0], text: (r) => `${pct(r.ci95[0])}–${pct(r.ci95[1])}`, title: 'Wilson 95% interval' },
  { key: 'tps', label: 'tokens/step', numeric: true, value: (r) => r.tps, text: (r) => r.tps.toFixed(2) },
  { key: 'nfe', label: 'NFE', unit: 'passes', numeric: true, value: (r) => r.nfe, text: (r) => r.nfe.toFixed(1), title: 'mean forward passes per decode' },
  // Decode order, as the CLI records it (kendall, kendall_ignore_pad). Undefined τ (every decode in one step) sorts below −1.
  { key: 'order', label: 'order τ (with pad)', numeric: true, value: (r) => r.order?.kendall ?? -2, text: (r) => r.order?.kendall?.toFixed(2) ?? '—', title: 'Decode order: mean Kendall τ between reveal step and position over every position, padding included (1 = strictly left to right, −1 = right to left; — when every decode revealed everything in one step)' },
  { key: 'orderNoPad', label: 'order τ (no pad)', numeric: true, value: (r) => r.order?.kendallIgnorePad ?? -2, text: (r) => r.order?.kendallIgnorePad?.toFixed(2) ?? '—', title: 'Decode order: mean Kendall τ between reveal step and position, leaving out the positions that end as padding ([EOS]) (1 = strictly left to right; — when undefined)' },
  { key: 'samples', label: 'samples', numeric: true, value: (r) => r.samples, text: (r) => String(r.samples) },
  { key: 'seconds', label: 'time', unit: 's', numeric: true, value: (r) => r.seconds ?? 0, text: (r) => (r.seconds === undefined ? '—' : r.seconds.toFixed(2)) },
  { key: 'backend', label: 'backend / model', numeric: false, value: (r) => r.model ?? r.backend, text: (r) => r.model ?? r.backend },
];

interface Sort {
  key: string;
  dir: 1 | -1;
}

/** Export, import, share, and every run's results (full width, below the chart and the form). */
export function BenchResults() {
  const runs = useApp((s) => s.runs);
  const fileRef = useRef<HTMLInputElement>(null);
  const [share, setShare] = useState<{ link: string | null; text: string } | null>(null);
  const [taskFilter, setTaskFilter] = useState('');
  const [strategyFilter, setStrategyFilter] = useState('');
  const [sort, setSort] = useState<Sort | null>(null);
  const tasks = useMemo(() => [...new Set(runs.flatMap((r) => r.records.map((x) => x.task)))].sort(), [runs]);
  const strategies = useMemo(() => [...new Set(runs.flatMap((r) => r.records.map((x) => x.strategy)))].sort(), [runs]);
  const finished = runs.filter((r) => r.records.length > 0);

  const copyShare = async () => {
    try {
      const packed = await encodeShare(finished);
      if (packed.fragment === null) {
        setShare({ link: null, text: `These results are too big for a link (${packed.chars} characters; a link holds up to ${SHARE_LIMIT}). Use Export JSON and send the file instead.` });
        return;
      }
      const link = `${window.location.origin}${window.location.pathname}${window.location.search}#${SHARE_KEY}=${packed.fragment}`;
      let copied = false;
      try {
        await navigator.clipboard.writeText(link);
        copied = true;
      } catch {
        // No clipboard permission (or not a secure page): the link is shown to copy by hand.
      }
      setShare({ link, text: copied ? `Link copied (${link.length} characters): it holds ${finished.reduce((a, r) => a + r.records.length, 0)} results.` : 'Copy this link (the clipboard is not available here):' });
    } catch (e) {
      setShare({ link: null, text: `Could not make a link: ${(e as Error).message}. Use Export JSON instead.` });
    }
  };

  return (
    <section className="panel bench-results" aria-labelledby="results-title">
      <h2 id="results-title">Results</h2>
      <div className="buttons results-actions">
        <button type="button" disabled={runs.length === 0} onClick={() => download('unmask-results.csv', recordsToCsv(runs.flatMap((r) => r.records)), 'text/csv')}>Export CSV</button>
        <button type="button" disabled={runs.length === 0} onClick={() => download('unmask-results.json', exportJson(runs), 'application/json')}>Export JSON</button>
        <button type="button" onClick={() => fileRef.current?.click()}>Import JSON…</button>
        <button type="button" disabled={finished.length === 0} onClick={() => void copyShare()}>Copy share link</button>
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
      {share && (
        <div className="share" role="status">
          <p>{share.text}</p>
          {share.link && <input type="text" readOnly value={share.link} aria-label="share link" data-testid="share-link" onFocus={(e) => e.target.select()} />}
        </div>
      )}
      {runs.length === 0 ? (
        <p className="hint">No results yet. Results are saved in this browser (IndexedDB) and survive a reload.</p>
      ) : (
        <>
          <div className="filters">
            <label>task{' '}
              <select value={taskFilter} onChange={(e) => setTaskFilter(e.target.value)}>
                <option value="">all tasks</option>
                {tasks.map((t) => <option key={t} value={t}>{t}</option>)}
              </select>
            </label>
            <label>strategy{' '}
              <select value={strategyFilter} onChange={(e) => setStrategyFilter(e.target.value)}>
                <option value="">all strategies</option>
                {strategies.map((t) => <option key={t} value={t}>{t}</option>)}
              </select>
            </label>
          </div>
          <div className="runs">
            {[...runs].reverse().map((run) => (
              <RunView key={run.id} run={run} open={run === runs[runs.length - 1]} filter={{ task: taskFilter, strategy: strategyFilter }} sort={sort} setSort={setSort} />
            ))}
          </div>
        </>
      )}
    </section>
  );
}

function RunView({ run, open, filter, sort, setSort }: { run: BenchRun; open: boolean; filter: { task: string; strategy: string }; sort: Sort | null; setSort(s: Sort | null): void }) {
  const sweepRun = useApp((s) => s.sweep?.runId ?? null);
  const rows = useMemo(() => {
    const kept = run.records.filter((r) => (!filter.task || r.task === filter.task) && (!filter.strategy || r.strategy === filter.strategy));
    const col = sort && RESULT_COLUMNS.find((c) => c.key === sort.key);
    if (!col || !sort) return kept;
    return [...kept].sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * sort.dir;
    });
  }, [run.records, filter.task, filter.strategy, sort]);
  const p = run.partial;
  const canResume = !run.shared && (run.status === 'interrupted' || run.status === 'cancelled' || run.status === 'error') && run.records.length < run.spec.configs.length;
  return (
    <details open={open} className="run" data-testid="run" data-shared={run.shared ? '1' : undefined}>
      <summary>
        {new Date(run.created).toLocaleString()} · {run.shared ? 'shared (read-only)' : run.status} · {run.records.length}
        {run.spec.configs.length ? ` of ${run.spec.configs.length}` : ''} configurations
        {p ? ` + ${p.done} samples of configuration ${p.configIndex + 1}` : ''}
      </summary>
      <div className="buttons">
        {run.shared && <button type="button" onClick={() => importSharedRun(run.id)}>Import into my runs</button>}
        {canResume && (
          <button type="button" disabled={sweepRun !== null} onClick={() => startRun(run)}>Resume (from configuration {run.records.length + 1}{p ? `, sample ${p.done + 1}` : ''})</button>
        )}
        <button type="button" disabled={sweepRun === run.id} onClick={() => deleteRun(run.id)}>{run.shared ? 'Close this shared run' : 'Delete this run'}</button>
      </div>
      {run.error && <p className="error">{run.error}</p>}
      <table className="results">
        <thead>
          <tr>
            {RESULT_COLUMNS.map((c) => {
              const dir = sort?.key === c.key ? sort.dir : 0;
              return (
                <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined} aria-sort={dir === 1 ? 'ascending' : dir === -1 ? 'descending' : 'none'} title={c.title}>
                  <button type="button" className="sort" onClick={() => setSort(dir === -1 ? null : { key: c.key, dir: dir === 1 ? -1 : 1 })}>
                    {c.label}{c.unit ? ` (${c.unit})` : ''}<span aria-hidden="true">{dir === 1 ? ' ▲' : dir === -1 ? ' ▼' : ''}</span>
                  </button>
                </th>
              );
            })}
            <th scope="col">decode</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i} data-testid="result-row">
              {RESULT_COLUMNS.map((c) => (
                <td key={c.key} className={c.numeric ? 'num' : undefined} title={c.key === 'strategy' ? safeTitle(r.strategy) : undefined}>{c.text(r)}</td>
              ))}
              <td><button type="button" className="link" aria-label={`open the first decode of ${r.strategy} ${formatParams(r.params)} on ${r.task}`} onClick={() => openDecodeOf(r)}>open</button></td>
            </tr>
          ))}
          {p && run.spec.configs[p.configIndex] && <PartialRow run={run} />}
        </tbody>
      </table>
    </details>
  );
}

/** The configuration a cancel or reload cut short: what its finished samples say so far. */
function PartialRow({ run }: { run: BenchRun }) {
  const p = run.partial!;
  const c = run.spec.configs[p.configIndex];
  const ci = wilson95(p.totals.correct, p.done);
  return (
    <tr className="partial" data-testid="partial-row">
      <td colSpan={RESULT_COLUMNS.length + 1}>
        Configuration {p.configIndex + 1} ({c.task}{c.n !== undefined ? ` n=${c.n}` : ''}, {c.strategy} {formatParams(c.params)}) stopped after {p.done} of {run.spec.samples} samples:
        {' '}score so far {p.done ? pct(p.totals.correct / p.done) : '–'}% (95% CI {pct(ci[0])}–{pct(ci[1])}%). Resume continues from sample {p.done + 1}.
      </td>
    </tr>
  );
}

function safeTitle(id: string): string {
  try {
    return getStrategy(id).title;
  } catch {
    return id;
  }
}
