import { MAX_TPS_LEVELS, maxTpsAt } from './metrics';
import { getStrategy, resolveParams, STRATEGIES } from './strategies';
import { SUITE_STRATEGIES, type SuiteSummary } from './suite';

/**
 * The leaderboard: Max TPS@80/75/70 of every strategy on our in-browser suite (oracle, a model)
 * beside ParallelBench's published leaderboard (src/data/parallelbench-leaderboard/*.json).
 * Pure data in, rows out: the CLI, bench/leaderboard.ts and the page's Leaderboard share it.
 */

/** Our strategy id -> the paper's strategy id (its CSV and leaderboard key). One place for both. */
export const PAPER_STRATEGY: Record<string, string> = {
  'topk-confidence': 'confidence-topk',
  'topk-random': 'random',
  'topk-margin': 'topk-margin',
  'topk-entropy': 'entropy-topk',
  'topk-l2r': 'l2r',
  threshold: 'confidence-threshold',
  factor: 'confidence-factor',
  eb: 'confidence-eb',
  klass: 'klass',
  wino: 'wino',
  slowfast: 'slowfast',
  dus: 'dus',
  'pc-sampler': 'confidence-pc-sampler',
  apd: 'apd',
};

/** The paper's models on the leaderboard, in its order. */
export const PAPER_MODELS = [
  { id: 'llada15', label: 'LLaDA-1.5' },
  { id: 'llada10', label: 'LLaDA' },
  { id: 'dream', label: 'Dream' },
  { id: 'diffucoder', label: 'DiffuCoder' },
] as const;

/**
 * What the published averages cover. The files do not name their task set, and their numbers are
 * not those of the published per-task curves' 17-task average (test/node/metrics.test.ts).
 */
export const PAPER_TASK_SET = 'ParallelBench leaderboard average (its own runs and task set; not stated in the files, not the 17-task average of the published curves)';

export type Levels = Record<string, number>;

export interface LeaderboardSource {
  id: string;
  label: string;
  kind: 'ours' | 'paper';
  /** Which tasks the average behind every number of this column covers. */
  taskSet: string;
  /** Keyed by row id (the paper's strategy id where there is one, else ours). */
  results: Record<string, Levels>;
}

export interface LeaderboardRow {
  id: string;
  /** Our strategy id (null for a strategy only the paper ran). */
  ours: string | null;
  paper: string | null;
  cells: Record<string, Levels | null>;
}

export const rowId = (ourId: string): string => PAPER_STRATEGY[ourId] ?? ourId;

export function paperSource(model: (typeof PAPER_MODELS)[number], file: { results: Record<string, Levels> }): LeaderboardSource {
  return { id: model.id, label: `${model.label} (paper)`, kind: 'paper', taskSet: PAPER_TASK_SET, results: file.results };
}

export function suiteSource(id: string, label: string, summary: Pick<SuiteSummary, 'tasks' | 'maxTps'>): LeaderboardSource {
  return {
    id,
    label,
    kind: 'ours',
    taskSet: `in-browser suite, mean of ${summary.tasks.length} tasks: ${summary.tasks.join(', ')}`,
    results: Object.fromEntries(Object.entries(summary.maxTps).map(([s, v]) => [rowId(s), v])),
  };
}

/** One row per strategy any source has; a cell is null where that source did not run it. */
export function leaderboardRows(sources: readonly LeaderboardSource[]): LeaderboardRow[] {
  const ourOf = new Map(Object.entries(PAPER_STRATEGY).map(([ours, paper]) => [paper, ours]));
  const ids = [...new Set(sources.flatMap((s) => Object.keys(s.results)))];
  return ids.map((id) => {
    const ours = ourOf.get(id) ?? (STRATEGIES.some((s) => s.id === id) ? id : null);
    return {
      id,
      ours,
      paper: ourOf.has(id) || !ours ? id : null,
      cells: Object.fromEntries(sources.map((s) => [s.id, s.results[id] ?? null])),
    };
  });
}

export type SortKey = { by: 'name' } | { by: 'cell'; source: string; level: number };

/** Sorted copy: by name ascending, or by one cell descending (missing cells last), ties by name. */
export function sortRows(rows: readonly LeaderboardRow[], key: SortKey, descending = key.by === 'cell'): LeaderboardRow[] {
  const name = (r: LeaderboardRow) => r.ours ?? r.id;
  const value = (r: LeaderboardRow) => (key.by === 'cell' ? r.cells[key.source]?.[String(key.level)] : undefined);
  return [...rows].sort((a, b) => {
    if (key.by === 'cell') {
      const va = value(a);
      const vb = value(b);
      if (va === undefined || vb === undefined) {
        if (va !== vb) return va === undefined ? 1 : -1;
      } else if (va !== vb) return descending ? vb - va : va - vb;
      return name(a).localeCompare(name(b));
    }
    return descending ? name(b).localeCompare(name(a)) : name(a).localeCompare(name(b));
  });
}

export const rowLabel = (r: LeaderboardRow): string => (r.ours && r.paper && r.ours !== r.paper ? `${r.ours} (${r.paper})` : (r.ours ?? r.id));

/** A Markdown table (also readable as plain text): one column group per source. */
export function leaderboardMarkdown(rows: readonly LeaderboardRow[], sources: readonly LeaderboardSource[], levels: readonly number[] = MAX_TPS_LEVELS): string {
  const head = ['strategy', ...sources.flatMap((s) => levels.map((x) => (levels.length > 1 ? `${s.label} @${x}` : s.label)))];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const r of rows) {
    const cells = sources.flatMap((s) => levels.map((x) => (r.cells[s.id] ? r.cells[s.id]![String(x)].toFixed(2) : '—')));
    lines.push(`| ${[rowLabel(r), ...cells].join(' | ')} |`);
  }
  lines.push('', 'Task sets:', ...sources.map((s) => `- ${s.label}: ${s.taskSet}`));
  return lines.join('\n') + '\n';
}

/**
 * The parameter grid each strategy is swept over for the leaderboard. The suite's own grids
 * first; then the first of a strategy's parameters named below (so strategies merged later get a
 * curve without an entry here); else its defaults alone (one point).
 */
const GRID_BY_PARAM: [string, number[]][] = [
  ['k', [1, 2, 4, 8, 16, 32]],
  ['threshold', [1.0, 0.9, 0.8, 0.7, 0.6, 0.5]],
  ['factor', [0.7, 1.0, 1.3, 1.6, 1.9]],
  ['gamma', [0.001, 0.01, 0.1, 1]],
  ['epsilon', [0.001, 0.01, 0.1, 0.5]],
  ['tauIn', [0.9, 0.8, 0.7, 0.6, 0.5]],
  ['confThreshold', [0.95, 0.9, 0.8, 0.7, 0.6]],
  ['steps', [32, 16, 8, 4]],
  // One point makes no curve: DUS over its dilation base, SlowFast over its reveal threshold,
  // APD over its mixing weight R (the dLLM's share of the target).
  ['base', [2, 4, 8, 16, 32]],
  ['highThreshold', [0.95, 0.9, 0.8, 0.7, 0.6]],
  ['r', [0.9, 0.7, 0.5, 0.3]],
];

export function leaderboardStrategies(opts: { oracle: boolean }): typeof SUITE_STRATEGIES {
  const out: typeof SUITE_STRATEGIES = [];
  for (const def of STRATEGIES) {
    if (def.oracleOnly && !opts.oracle) continue;
    const fixed = SUITE_STRATEGIES.find((s) => s.strategy === def.id);
    if (fixed) {
      out.push(fixed);
      continue;
    }
    // KLASS has a fallback k; its curve is over its confidence threshold.
    const names = def.params.map((p) => p.name).filter((n) => !(def.id === 'klass' && n === 'k'));
    const entry = GRID_BY_PARAM.find(([name]) => names.includes(name));
    const params = entry ? entry[1].map((v) => ({ [entry[0]]: v })) : [{}];
    // Keep only settings the strategy accepts (ranges differ).
    const valid = params.filter((p) => {
      try {
        resolveParams(getStrategy(def.id), p);
        return true;
      } catch {
        return false;
      }
    });
    out.push({ strategy: def.id, params: valid.length > 0 ? valid : [{}] });
  }
  return out;
}

/** Dense ranks (equal values share a rank, highest first) of the rows that `source` has at `level`. */
export function denseRanks(rows: readonly LeaderboardRow[], source: string, level: number): Map<string, number> {
  const has = rows.filter((r) => r.cells[source]);
  const distinct = [...new Set(has.map((r) => r.cells[source]![String(level)]))].sort((a, b) => b - a);
  return new Map(has.map((r) => [r.id, distinct.indexOf(r.cells[source]![String(level)]) + 1]));
}

/** Pairs of rows (both sources have both) that `a` ranks strictly one way and `b` strictly the other; ties never count. */
export function orderSwaps(rows: readonly LeaderboardRow[], a: string, b: string, level: number): { ahead: LeaderboardRow; behind: LeaderboardRow }[] {
  const shared = rows.filter((r) => r.cells[a] && r.cells[b]);
  const ra = denseRanks(shared, a, level);
  const rb = denseRanks(shared, b, level);
  const out: { ahead: LeaderboardRow; behind: LeaderboardRow }[] = [];
  for (const x of shared) {
    for (const y of shared) {
      // x ahead of y in a (smaller rank), behind it in b.
      if (ra.get(x.id)! < ra.get(y.id)! && rb.get(x.id)! > rb.get(y.id)!) out.push({ ahead: x, behind: y });
    }
  }
  return out;
}

/**
 * Monte-Carlo standard error of one average-curve point: the tasks' scores are independent
 * binomial means, averaged with equal weights, so SE = sqrt(Σ p_t(1 − p_t)/n_t) / T.
 */
export function averageScoreSe(perTask: readonly { score: number; samples: number }[]): number {
  const v = perTask.reduce((s, t) => s + (t.score * (1 - t.score)) / t.samples, 0);
  return Math.sqrt(v) / perTask.length;
}

/**
 * Max TPS@x cells that more samples could change: some point whose score lies within `z`
 * standard errors of x and whose crossing x would move the maximum (a point at or above the
 * current Max TPS). Each entry names that point.
 */
export function fragileMaxTps(
  curves: Readonly<Record<string, readonly { tps: number; score: number; se: number; params: Record<string, number> }[]>>,
  levels: readonly number[],
  z = 2,
): { strategy: string; level: number; point: { tps: number; score: number; se: number; params: Record<string, number> } }[] {
  const out: ReturnType<typeof fragileMaxTps> = [];
  for (const [strategy, pts] of Object.entries(curves)) {
    for (const level of levels) {
      const best = maxTpsAt(pts, level);
      const point = pts
        .filter((p) => p.tps >= best && Math.abs(p.score - level / 100) < z * p.se)
        .sort((p, q) => q.tps - p.tps)[0];
      if (point) out.push({ strategy, level, point });
    }
  }
  return out;
}
