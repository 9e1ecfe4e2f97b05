import { useMemo, useState } from 'react';
import { CartesianGrid, ErrorBar, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { pbx, type CurvePoint } from '../../engine/metrics';
import type { SweepRecord } from '../../engine/sweep';
import { curveKey, taskKey } from '../bench';
import { closedFormCurves } from '../closedForms';
import { SERIES, SHAPES } from '../colors';
import { MODEL_NAMES, PAPER_STRATEGY, paperCurves, paperTask } from '../paperCurves';
import { useApp } from '../store';

interface Series {
  name: string;
  kind: 'ours' | 'paper' | 'theory';
  colour: string;
  shape: (typeof SHAPES)[number];
  points: (CurvePoint & { err?: [number, number]; samples?: number })[];
  dash?: string;
}

const pct = (v: number) => `${Math.round(v * 100)}%`;
const PBX = [0.9, 0.8, 0.7, 0.6];

/** Score against tokens per step: one curve per strategy, drawn as records arrive, with overlays. */
export function TradeoffChart() {
  const runs = useApp((s) => s.runs);
  const records = useMemo(() => runs.flatMap((r) => r.records), [runs]);
  const keys = useMemo(() => [...new Set(records.map(taskKey))], [records]);
  // The running run's id only: progress updates must not redraw the chart.
  const running = useApp((s) => s.sweep?.runId ?? null);
  const runningKey = useMemo(() => {
    const run = running ? runs.find((r) => r.id === running) : undefined;
    const last = run?.records[run.records.length - 1];
    return last ? taskKey(last) : null;
  }, [running, runs]);
  const [picked, setPicked] = useState<string | null>(null);
  const [showPaper, setShowPaper] = useState({ llada15: true, dream: false });
  const [showTheory, setShowTheory] = useState(true);
  // Follow the sweep's current task unless the user picked one.
  const key = picked && keys.includes(picked) ? picked : (runningKey ?? keys[0] ?? null);
  const mine = records.filter((r) => key !== null && taskKey(r) === key);
  const series = useMemo(() => buildSeries(mine, showPaper, showTheory), [mine, showPaper, showTheory]);
  const all = series.flatMap((s) => s.points.map((p) => p.tps)).filter((x) => x > 0);
  const lo = all.length ? Math.min(...all) : 1;
  const hi = all.length ? Math.max(...all) : 32;
  const ticks = [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128].filter((t) => t >= lo / 1.5 && t <= hi * 1.5);
  const measured = series.filter((s) => s.kind === 'ours').reduce((a, s) => a + s.points.length, 0);

  return (
    <section className="panel chart" aria-labelledby="chart-title">
      <h2 id="chart-title">Trade-off: score vs tokens per step</h2>
      <div className="chart-controls">
        <label>
          task{' '}
          <select value={key ?? ''} onChange={(e) => setPicked(e.target.value)} disabled={keys.length === 0}>
            {keys.length === 0 && <option value="">no results yet</option>}
            {keys.map((k) => (
              <option key={k} value={k}>{k}</option>
            ))}
          </select>
        </label>
        {(['llada15', 'dream'] as const).map((m) => (
          <label key={m} className="check">
            <input type="checkbox" checked={showPaper[m]} onChange={(e) => setShowPaper({ ...showPaper, [m]: e.target.checked })} /> paper: {MODEL_NAMES[m]}
          </label>
        ))}
        <label className="check">
          <input type="checkbox" checked={showTheory} onChange={(e) => setShowTheory(e.target.checked)} /> closed form
        </label>
      </div>
      <p className="hint" data-testid="chart-count">
        {measured} measured point{measured === 1 ? '' : 's'}
        {key ? ` for ${key}` : ''}; error bars are 95% Wilson intervals. Paper curves are dashed, closed forms dotted.
      </p>
      <div className="chart-box" data-testid="chart">
        <ResponsiveContainer width="100%" height={340}>
          <ScatterChart margin={{ top: 10, right: 20, bottom: 30, left: 10 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
            <XAxis type="number" dataKey="tps" name="tokens per step" scale="log" domain={[Math.min(lo, ticks[0] ?? lo), Math.max(hi, ticks[ticks.length - 1] ?? hi)]} ticks={ticks} allowDataOverflow
              label={{ value: 'tokens per step (log scale)', position: 'insideBottom', offset: -18, fill: 'var(--fg)' }} stroke="var(--fg-dim)" />
            <YAxis type="number" dataKey="score" name="score" domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} tickFormatter={pct} stroke="var(--fg-dim)"
              label={{ value: 'score', angle: -90, position: 'insideLeft', fill: 'var(--fg)' }} />
            <Tooltip formatter={(v: unknown) => (typeof v === 'number' ? v.toFixed(3) : String(v))} contentStyle={{ background: 'var(--bg)', color: 'var(--fg)' }} />
            <Legend verticalAlign="top" wrapperStyle={{ fontSize: 12 }} />
            {series.map((s) => (
              <Scatter key={s.name} name={s.name} data={s.points} fill={s.colour} fillOpacity={s.kind === 'ours' ? 1 : 0.5} stroke={s.colour}
                shape={s.shape} line={{ stroke: s.colour, strokeDasharray: s.dash, strokeWidth: s.kind === 'ours' ? 2 : 1.5 }}
                isAnimationActive={false} legendType={s.shape}>
                {s.kind === 'ours' && <ErrorBar dataKey="err" direction="y" width={4} stroke={s.colour} isAnimationActive={false} />}
              </Scatter>
            ))}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      <PbxTable series={series} />
    </section>
  );
}

function buildSeries(records: SweepRecord[], showPaper: { llada15: boolean; dream: boolean }, showTheory: boolean): Series[] {
  const out: Series[] = [];
  const groups = new Map<string, SweepRecord[]>();
  for (const r of records) {
    const k = curveKey(r);
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
        .map((r) => ({ tps: r.tps, score: r.score, err: [r.score - r.ci95[0], r.ci95[1] - r.score] as [number, number], samples: r.samples }))
        .sort((a, b) => a.tps - b.tps),
    });
    i++;
  }
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
      for (const c of closedFormCurves(first.task, first.n)) out.push({ name: c.label, kind: 'theory', colour: 'var(--fg)', shape: 'triangle', points: c.points, dash: '2 3' });
    }
  }
  return out;
}

function PbxTable({ series }: { series: Series[] }) {
  if (series.length === 0) return <p className="hint">Run a sweep (or import results) to draw curves.</p>;
  return (
    <table className="pbx">
      <caption>PBx: the largest tokens per step whose score is still ≥ x (linear between points; 0 = never)</caption>
      <thead>
        <tr>
          <th scope="col">curve</th>
          {PBX.map((x) => (
            <th key={x} scope="col">PB{Math.round(x * 100)}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {series.map((s) => (
          <tr key={s.name}>
            <th scope="row">{s.name}</th>
            {PBX.map((x) => (
              <td key={x}>{pbx(s.points, x).toFixed(2)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
