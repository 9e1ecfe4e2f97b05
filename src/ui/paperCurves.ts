import type { CurvePoint } from '../engine/metrics';

/**
 * The paper's measured curves (ParallelBench, LLaDA-1.5 and Dream), bundled from
 * src/data/parallelbench-curves/{model}/{strategy}.csv: task,tps,accuracy (accuracy in %).
 */
const files = import.meta.glob<string>('../data/parallelbench-curves/*/*.csv', { query: '?raw', import: 'default', eager: true });

export interface PaperCurve {
  model: 'llada15' | 'dream';
  strategy: string;
  task: string;
  points: CurvePoint[];
}

export const MODEL_NAMES = { llada15: 'LLaDA-1.5', dream: 'Dream' } as const;

function parse(): PaperCurve[] {
  const out = new Map<string, PaperCurve>();
  for (const [path, text] of Object.entries(files)) {
    const m = /parallelbench-curves\/(\w+)\/([\w-]+)\.csv$/.exec(path);
    if (!m) continue;
    const model = m[1] as PaperCurve['model'];
    for (const line of text.split('\n').slice(1)) {
      const [task, tps, acc] = line.split(',');
      if (!task || tps === undefined || acc === undefined) continue;
      const key = `${model}|${m[2]}|${task}`;
      let c = out.get(key);
      if (!c) out.set(key, (c = { model, strategy: m[2], task, points: [] }));
      c.points.push({ tps: Number(tps), score: Number(acc) / 100 });
    }
  }
  for (const c of out.values()) c.points.sort((a, b) => a.tps - b.tps);
  return [...out.values()];
}

let cache: PaperCurve[] | null = null;
export function paperCurves(): PaperCurve[] {
  return (cache ??= parse());
}

/** Our task id -> the paper's task name (null when the paper has no such task). */
export function paperTask(task: string): string | null {
  const m = /^waiting-line\/(.+)$/.exec(task);
  if (m) return `waitingline-${m[1].replace('-', '_')}`;
  const table: Record<string, string> = {
    'puzzles/latin-square': 'puzzles-latin_square',
    'puzzles/sudoku': 'puzzles-sudoku',
    'text/w2s-easy': 'textwriting-w2s_easy',
    'text/w2s-medium': 'textwriting-w2s_medium',
    'text/w2s-hard': 'textwriting-w2s_hard',
    'text/paraphrase': 'textwriting-paraphrasing',
    'text/summarize': 'textwriting-summarization',
  };
  return table[task] ?? null;
}

/**
 * Our strategy id -> the paper's strategy file name (one table, in the engine, shared with the
 * leaderboard). WINO, SlowFast, DUS and PC-sampler have LLaDA-1.5 curves, APD has Dream curves:
 * they overlay as soon as records of those strategies are on the chart.
 */
export { PAPER_STRATEGY } from '../engine/leaderboard';
