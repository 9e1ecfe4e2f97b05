import { useMemo } from 'react';
import { CartesianGrid, LabelList, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { ORDER_SWEEP, taskMap } from '../../engine/suite';
import { useApp } from '../store';

/**
 * The paper's task map from the results on this page: per task, parallelizability (centre of mass
 * of score over log2 k, top-k confidence) against order preference (slope of score per doubling
 * of the semi-AR block, k = 2). Computed by engine/suite.ts taskMap, as the CLI's --task-map.
 */
export function TaskMap() {
  const runs = useApp((s) => s.runs);
  const points = useMemo(() => taskMap(runs.flatMap((r) => r.records)), [runs]);
  const blocks = ORDER_SWEEP.blocks.join(', ');
  return (
    <section className="panel chart" aria-labelledby="taskmap-title">
      <h2 id="taskmap-title">Task map: parallelizability × order preference</h2>
      {points.length === 0 ? (
        <p className="hint">
          Needs, per task, top-k confidence at several k and the semi-AR sweep (block {blocks} at k = 2, top-k confidence):
          run <code>npm run bench -- --suite parallelbench --task-map --json &gt; suite.json</code> and import the file below.
        </p>
      ) : (
        <>
          <ResponsiveContainer width="100%" height={320}>
            <ScatterChart margin={{ top: 16, right: 24, bottom: 36, left: 16 }}>
              <CartesianGrid stroke="var(--grid)" />
              <XAxis type="number" dataKey="parallelizability" domain={[0, 5]} ticks={[0, 1, 2, 3, 4, 5]} stroke="var(--fg-dim)"
                label={{ value: 'parallelizability', position: 'insideBottom', offset: -18, fill: 'var(--fg)' }} />
              <YAxis type="number" dataKey="orderPreference" stroke="var(--fg-dim)" tickFormatter={(v: number) => v.toFixed(2)}
                label={{ value: 'order preference', angle: -90, position: 'insideLeft', fill: 'var(--fg)' }} />
              <ReferenceLine y={0} stroke="var(--fg-dim)" strokeDasharray="3 3" />
              <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : String(v))} />
              <Scatter name="tasks" data={points} fill="var(--accent, #3b6fb6)" shape="circle" isAnimationActive={false}>
                <LabelList dataKey="task" position="right" fontSize={10} fill="var(--fg)" formatter={(t) => String(t).split('/').pop()} />
              </Scatter>
            </ScatterChart>
          </ResponsiveContainer>
          <table className="results">
            <caption>Per task: parallelizability (centre of mass of score over log2 k: 0 = only one token per step scores, 5 = k = 32 scores) and order preference (score per doubling of the semi-AR block; negative: prefers left-to-right)</caption>
            <thead>
              <tr><th scope="col">task</th><th scope="col">parallelizability</th><th scope="col">order preference</th></tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={p.task}><td>{p.task}</td><td>{p.parallelizability.toFixed(2)}</td><td>{p.orderPreference.toFixed(3)}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
