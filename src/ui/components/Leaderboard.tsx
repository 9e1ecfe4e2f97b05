import { useMemo, useState } from 'react';
import { PAPER_SOURCES } from '../../data/leaderboard';
import { leaderboardRows, rowLabel, sortRows, suiteSource, type LeaderboardSource, type SortKey } from '../../engine/leaderboard';
import { MAX_TPS_LEVELS } from '../../engine/metrics';
import { SUITE_TASKS, summarizeSuite } from '../../engine/suite';
import type { PageRecord } from '../../worker/protocol';
import { useApp } from '../store';

/** Who predicted a record: the oracle (with its noise) or the model's name. */
function denoiserOf(r: PageRecord): string {
  if (r.model) return r.model;
  return r.params?.noise ? `oracle + noise σ=${r.params.noise}` : 'oracle';
}

/**
 * ParallelBench's leaderboard metric, Max TPS@x, for every strategy the page has measured (the
 * oracle and one chosen model, each averaged over the tasks it ran) beside the paper's LLaDA-1.5,
 * LLaDA, Dream and DiffuCoder. Sortable by any column; the task set of every average is named.
 */
export function Leaderboard() {
  const runs = useApp((s) => s.runs);
  const groups = useMemo(() => {
    const by = new Map<string, PageRecord[]>();
    for (const r of runs.flatMap((run) => run.records as PageRecord[])) by.set(denoiserOf(r), [...(by.get(denoiserOf(r)) ?? []), r]);
    return by;
  }, [runs]);
  const models = [...groups.keys()].filter((k) => k !== 'oracle');
  const [picked, setPicked] = useState<string | null>(null);
  const model = picked && groups.has(picked) ? picked : (models[0] ?? null);
  const [level, setLevel] = useState<number>(80);
  const [sort, setSort] = useState<SortKey>({ by: 'cell', source: 'llada15', level: 80 });

  const sources = useMemo(() => {
    const ours: LeaderboardSource[] = [];
    for (const [id, label] of [['oracle', 'Unmask oracle'], [model, `Unmask ${model}`]] as const) {
      const recs = id ? groups.get(id) : undefined;
      if (recs && recs.length > 0) ours.push(suiteSource(id!, label, summarizeSuite(recs)));
    }
    return [...ours, ...PAPER_SOURCES];
  }, [groups, model]);
  // Sorting follows the level shown.
  const key: SortKey = sort.by === 'cell' ? { ...sort, level } : sort;
  const rows = useMemo(() => sortRows(leaderboardRows(sources), sort.by === 'cell' ? { ...sort, level } : sort), [sources, sort, level]);
  const sortedBy = (id: string) => key.by === 'cell' && key.source === id;

  return (
    <section className="panel leaderboard" aria-labelledby="leaderboard-title">
      <h2 id="leaderboard-title">Leaderboard: Max TPS@{level}</h2>
      <p className="hint">
        The largest measured tokens per step whose average score is ≥ {level}% (no interpolation; 0 = never reached; — = not run).
        Our columns average the tasks this page has run; the full suite ({SUITE_TASKS.length} tasks) comes from{' '}
        <code>npm run bench -- --suite parallelbench --leaderboard</code> or a sweep here over those tasks.
      </p>
      <div className="chart-controls">
        <fieldset className="levels">
          <legend>accuracy level</legend>
          {MAX_TPS_LEVELS.map((x) => (
            <label key={x} className="check">
              <input type="radio" name="leaderboard-level" checked={level === x} onChange={() => setLevel(x)} /> {x}%
            </label>
          ))}
        </fieldset>
        {models.length > 0 && (
          <label>
            model{' '}
            <select value={model ?? ''} onChange={(e) => setPicked(e.target.value)}>
              {models.map((m) => (
                <option key={m} value={m}>{m}</option>
              ))}
            </select>
          </label>
        )}
      </div>
      <div className="table-scroll">
        <table className="results leaderboard-table">
          <thead>
            <tr>
              <th scope="col" aria-sort={key.by === 'name' ? 'ascending' : 'none'}>
                <button type="button" className="sort" onClick={() => setSort({ by: 'name' })}>strategy{key.by === 'name' ? ' ▲' : ''}</button>
              </th>
              {sources.map((s) => (
                <th key={s.id} scope="col" aria-sort={sortedBy(s.id) ? 'descending' : 'none'}>
                  <button type="button" className="sort" title={`Sort by ${s.label}, highest first`} onClick={() => setSort({ by: 'cell', source: s.id, level })}>
                    {s.label}{sortedBy(s.id) ? ' ▼' : ''}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <th scope="row">{rowLabel(r)}</th>
                {sources.map((s) => {
                  const v = r.cells[s.id]?.[String(level)];
                  return <td key={s.id}>{v === undefined ? '—' : v.toFixed(2)}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <details>
        <summary>Task set of every average</summary>
        <ul className="task-sets">
          {sources.map((s) => (
            <li key={s.id}>
              <strong>{s.label}</strong>: {s.taskSet}
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}
