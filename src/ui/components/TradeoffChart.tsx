import { useMemo, useRef } from 'react';
import { CartesianGrid, ErrorBar, Legend, ResponsiveContainer, Scatter, ScatterChart, Symbols, Tooltip, XAxis, YAxis, type SymbolsProps } from 'recharts';
import { MAX_TPS_LEVELS, aup, maxTpsAt, type CurvePoint } from '../../engine/metrics';
import type { SweepRecord } from '../../engine/sweep';
import type { PageRecord } from '../../worker/protocol';
import { curveKey, formatParams, taskKey, type BenchRun } from '../bench';
import { closedFormCurves } from '../closedForms';
import { SERIES, SHAPES } from '../colors';
import { oracleStarPoints } from '../oracleStar';
import { MODEL_NAMES, PAPER_STRATEGY, paperCurves, paperTask } from '../paperCurves';
import { notify, openDecodeOf, setChartView, useApp } from '../store';
import { chartPng, chartSvg } from '../chartExport';
import { download } from './BenchResults';

interface Series {
  name: string;
  kind: 'ours' | 'paper' | 'theory' | 'oracle-star';
  colour: string;
  shape: (typeof SHAPES)[number];
  points: (CurvePoint & { err?: [number, number]; samples?: number; record?: PageRecord })[];
  dash?: string;
}

const pct = (v: number) => `${Math.round(v * 100)}%`;

/**
 * A measured point the keyboard reaches: a button in the tab order (Enter or Space opens its first
 * decode, as a click does; the results table's "open" buttons are the other route). One shape
 * function per symbol, made once, so recharts does not redraw the points for a new function.
 */
const MEASURED_SHAPES = new Map(
  SHAPES.map((type) => [
    type,
    (props: SymbolsProps & { payload?: { record?: PageRecord } }) => {
      const r = props.payload?.record;
      const { payload: _payload, ...symbol } = props;
      if (!r) return <Symbols {...symbol} type={type} />;
      const open = (e: React.KeyboardEvent) => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        e.preventDefault();
        openDecodeOf(r);
      };
      return (
        <g className="point" tabIndex={0} role="button" aria-label={`open the first decode of ${r.strategy} ${formatParams(r.params)}: ${r.tps.toFixed(2)} tokens per step, score ${pct(r.score)}`} onKeyDown={open}>
          <Symbols {...symbol} type={type} />
          {/* Shown only with keyboard focus (styles.css): a ring in the text colour, not a colour change. */}
          <circle className="focus-ring" cx={symbol.cx} cy={symbol.cy} r={10} />
        </g>
      );
    },
  ]),
);
const runLabel = (r: BenchRun, i: number) => `run ${i + 1}${r.shared ? ' (shared)' : ''}`;

/** Score against tokens per step: one curve per strategy, drawn as records arrive, with overlays. */
export function TradeoffChart() {
  const runs = useApp((s) => s.runs);
  const view = useApp((s) => s.bench.chart);
  // Compare mode: the chosen runs, each with its own curves; otherwise every run's records together.
  const compared = useMemo(() => runs.filter((r) => view.runs.includes(r.id)), [runs, view.runs]);
  const records = useMemo(
    () => (compared.length ? compared.flatMap((r) => r.records.map((x) => ({ ...x, run: compared.length > 1 ? runLabel(r, runs.indexOf(r)) : undefined }))) : runs.flatMap((r) => r.records.map((x) => ({ ...x, run: undefined })))),
    [runs, compared],
  );
  const keys = useMemo(() => [...new Set(records.map(taskKey))], [records]);
  // The running run's id only: progress updates must not redraw the chart.
  const running = useApp((s) => s.sweep?.runId ?? null);
  const runningKey = useMemo(() => {
    const run = running ? runs.find((r) => r.id === running) : undefined;
    const last = run?.records[run.records.length - 1];
    return last ? taskKey(last) : null;
  }, [running, runs]);
  const picked = view.task;
  // Follow the sweep's current task unless the user picked one.
  const key = picked && keys.includes(picked) ? picked : (runningKey ?? keys[0] ?? null);
  const mine = useMemo(() => records.filter((r) => key !== null && taskKey(r) === key), [records, key]);
  const series = useMemo(() => buildSeries(mine, view.paper, view.theory), [mine, view.paper, view.theory]);
  const all = series.flatMap((s) => s.points.map((p) => p.tps)).filter((x) => x > 0);
  const lo = all.length ? Math.min(...all) : 1;
  const hi = all.length ? Math.max(...all) : 32;
  const log = view.x === 'log';
  const ticks = [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128].filter((t) => t >= lo / 1.5 && t <= hi * 1.5);
  const domain: [number, number] = log ? [Math.min(lo, ticks[0] ?? lo), Math.max(hi, ticks[ticks.length - 1] ?? hi)] : [0, Math.max(hi, ticks[ticks.length - 1] ?? hi)];
  const measured = series.filter((s) => s.kind === 'ours').reduce((a, s) => a + s.points.length, 0);
  const box = useRef<HTMLDivElement>(null);
  const fileBase = `unmask-tradeoff-${(key ?? 'chart').replace(/[^a-z0-9]+/gi, '-')}`;
  const exportAs = async (kind: 'svg' | 'png') => {
    const svg = box.current?.querySelector<SVGSVGElement>('.recharts-wrapper > svg.recharts-surface');
    if (!svg) return;
    const legend = series.map((s) => ({ name: s.name, colour: s.colour, dash: s.dash }));
    try {
      const text = chartSvg(svg, legend, `Score vs tokens per step: ${key ?? ''}`);
      if (kind === 'svg') download(`${fileBase}.svg`, text, 'image/svg+xml');
      else download(`${fileBase}.png`, await chartPng(text), 'image/png');
    } catch (e) {
      notify('error', `Could not export the chart: ${(e as Error).message}. Export CSV/JSON still works.`);
    }
  };

  return (
    <section className="panel chart" aria-labelledby="chart-title">
      <h2 id="chart-title">Trade-off: score vs tokens per step</h2>
      <div className="chart-controls">
        <label>
          task{' '}
          <select value={key ?? ''} onChange={(e) => setChartView({ task: e.target.value })} disabled={keys.length === 0}>
            {keys.length === 0 && <option value="">no results yet</option>}
            {keys.map((k) => (
              <option key={k} value={k}>{k}</option>
            ))}
          </select>
        </label>
        <label>
          x axis{' '}
          <select value={view.x} onChange={(e) => setChartView({ x: e.target.value === 'linear' ? 'linear' : 'log' })}>
            <option value="log">log</option>
            <option value="linear">linear</option>
          </select>
        </label>
        {(['llada15', 'dream'] as const).map((m) => (
          <label key={m} className="check">
            <input type="checkbox" checked={view.paper[m]} onChange={(e) => setChartView({ paper: { ...view.paper, [m]: e.target.checked } })} /> paper: {MODEL_NAMES[m]}
          </label>
        ))}
        <label className="check">
          <input type="checkbox" checked={view.theory} onChange={(e) => setChartView({ theory: e.target.checked })} /> closed form
        </label>
      </div>
      {runs.length > 1 && (
        <fieldset className="compare-runs">
          <legend>Compare runs (tick two or more to overlay their curves; none = all results together)</legend>
          {runs.map((r, i) => (
            <label key={r.id} className="check">
              <input type="checkbox" checked={view.runs.includes(r.id)}
                onChange={(e) => setChartView({ runs: e.target.checked ? [...view.runs, r.id] : view.runs.filter((x) => x !== r.id) })} />
              {runLabel(r, i)}: {new Date(r.created).toLocaleString()}, {r.records.length} results
            </label>
          ))}
        </fieldset>
      )}
      <p className="hint" data-testid="chart-count">
        {measured} measured point{measured === 1 ? '' : 's'}
        {key ? ` for ${key}` : ''}; error bars are 95% Wilson intervals. Paper curves are dashed, closed forms dotted. Click a measured point, or Tab to it and press Enter, to open its first decode.
      </p>
      <div className="chart-box" data-testid="chart" ref={box}>
        <ResponsiveContainer width="100%" height={380}>
          <ScatterChart margin={{ top: 12, right: 20, bottom: 8, left: 10 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
            <XAxis type="number" dataKey="tps" name="tokens per step" scale={log ? 'log' : 'linear'} domain={domain} ticks={log ? ticks : undefined} allowDataOverflow height={48}
              label={{ value: `tokens per step (${log ? 'log' : 'linear'} scale)`, position: 'insideBottom', offset: 4, fill: 'var(--fg)' }} stroke="var(--fg-dim)" />
            <YAxis type="number" dataKey="score" name="score" domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} tickFormatter={pct} stroke="var(--fg-dim)"
              label={{ value: 'score', angle: -90, position: 'insideLeft', fill: 'var(--fg)' }} />
            <Tooltip formatter={(v: unknown) => (typeof v === 'number' ? v.toFixed(3) : String(v))} contentStyle={{ background: 'var(--bg)', color: 'var(--fg)' }} />
            {/* Below the axes, outside the plot: it never covers a point or the 100% tick. */}
            <Legend verticalAlign="bottom" align="center" wrapperStyle={{ fontSize: 12, paddingTop: 8 }} />
            {series.map((s) => (
              <Scatter key={s.name} name={s.name} data={s.points} fill={s.colour} fillOpacity={s.kind === 'ours' ? 1 : 0.5} stroke={s.colour}
                shape={s.kind === 'ours' ? MEASURED_SHAPES.get(s.shape) : s.shape} line={{ stroke: s.colour, strokeDasharray: s.dash, strokeWidth: s.kind === 'ours' ? 2 : 1.5 }}
                isAnimationActive={false} legendType={s.shape}
                {...(s.kind === 'ours' ? { onClick: (p: { payload?: { record?: PageRecord } }) => p?.payload?.record && openDecodeOf(p.payload.record), cursor: 'pointer', className: 'measured' } : {})}>
                {s.kind === 'ours' && <ErrorBar dataKey="err" direction="y" width={4} stroke={s.colour} isAnimationActive={false} />}
              </Scatter>
            ))}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      <div className="buttons">
        <button type="button" disabled={measured === 0} onClick={() => void exportAs('png')}>Export PNG</button>
        <button type="button" disabled={measured === 0} onClick={() => void exportAs('svg')}>Export SVG</button>
      </div>
      <MaxTpsTable series={series} />
    </section>
  );
}

/**
 * The record a chart point carries (to open its decode), without its per-sample arrays: recharts
 * keeps its data in an immer store that walks and freezes every value it is given, and with
 * 10,000 samples per record that walk cost each redraw about 100 ms of the main thread (one
 * redraw per record arriving during a sweep).
 */
function pointRecord(r: SweepRecord): PageRecord {
  const { perSample: _perSample, ...rest } = r as PageRecord;
  return rest;
}

function buildSeries(records: (SweepRecord & { run?: string })[], showPaper: { llada15: boolean; dream: boolean }, showTheory: boolean): Series[] {
  const out: Series[] = [];
  const groups = new Map<string, SweepRecord[]>();
  for (const r of records) {
    const k = r.run ? `${curveKey(r)} · ${r.run}` : curveKey(r);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  let i = 0;
  const colourOf = new Map<string, string>();
  for (const [name, rs] of groups) {
    const colour = SERIES[i % SERIES.length];
    colourOf.set(rs[0].strategy, colourOf.get(rs[0].strategy) ?? colour);
    out.push({
      name,
      kind: 'ours',
      colour,
      shape: SHAPES[i % SHAPES.length],
      points: rs
        .map((r) => ({ tps: r.tps, score: r.score, err: [r.score - r.ci95[0], r.ci95[1] - r.score] as [number, number], samples: r.samples, record: pointRecord(r) }))
        .sort((a, b) => a.tps - b.tps),
    });
    i++;
  }
  // --- Oracle star (issue 10, App. G.2): one star per threshold curve with per-sample records. ---
  for (const star of oracleStarPoints(records)) {
    out.push({ name: star.name, kind: 'oracle-star', colour: '#D55E00', shape: 'star', points: [{ ...star.point, samples: star.samples }] });
  }
  // --- end of oracle star ---
  const first = records[0];
  if (first) {
    const pt = paperTask(first.task);
    if (pt) {
      for (const model of ['llada15', 'dream'] as const) {
        if (!showPaper[model]) continue;
        for (const strategy of new Set(records.map((r) => r.strategy))) {
          const file = PAPER_STRATEGY[strategy];
          const c = file && paperCurves().find((p) => p.model === model && p.strategy === file && p.task === pt);
          if (c) out.push({ name: `${strategy}, ${MODEL_NAMES[model]} (paper)`, kind: 'paper', colour: colourOf.get(strategy) ?? '#888', shape: model === 'dream' ? 'diamond' : 'cross', points: c.points, dash: model === 'dream' ? '8 3 2 3' : '6 4' });
        }
      }
    }
    if (showTheory) {
      for (const c of closedFormCurves(first.task, first.n ?? 0)) out.push({ name: c.label, kind: 'theory', colour: 'var(--fg)', shape: 'triangle', points: c.points, dash: '2 3' });
    }
  }
  return out;
}

/** Max TPS@x and AUP of each curve on the chart. */
function MaxTpsTable({ series }: { series: Series[] }) {
  if (series.length === 0) return <p className="hint">Run a sweep (or import results) to draw curves.</p>;
  const yMax = Math.max(...series.flatMap((s) => s.points.map((p) => p.score)));
  return (
    <table className="max-tps">
      <caption>Max TPS@x: the largest measured tokens per step whose score is ≥ x% (no interpolation; 0 = none). AUP: hao-ai-lab&apos;s accuracy under parallelism, ymax = the best score on this chart</caption>
      <thead>
        <tr>
          <th scope="col" className="curve">curve</th>
          {MAX_TPS_LEVELS.map((x) => (
            <th key={x} scope="col">Max TPS@{x}</th>
          ))}
          <th scope="col">AUP</th>
        </tr>
      </thead>
      <tbody>
        {series.map((s) => (
          <tr key={s.name}>
            <th scope="row">{s.name}</th>
            {MAX_TPS_LEVELS.map((x) => (
              <td key={x}>{maxTpsAt(s.points, x).toFixed(2)}</td>
            ))}
            <td>{aup(s.points.filter((p) => p.tps > 0), yMax).toFixed(0)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
