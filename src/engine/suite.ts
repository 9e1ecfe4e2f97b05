import { aup, maxTpsLevels, oracleStar, type CurvePoint, type SampleOutcome } from './metrics';
import type { SweepConfig, SweepRecord } from './sweep';

/**
 * The in-browser ParallelBench suite: the paper's 17 tasks at its sizes and budgets, waiting line
 * (n = 3..6, the per-task samples split evenly over the four sizes: 25 each of 100), text and
 * puzzles (100 each), over the paper's strategy grid. Text tasks, summarization included, use
 * the toy language of tasks/grammar.ts in place of English.
 */
export const SUITE_TASKS = [
  ...['copy', 'sort', 'reverse', 'shuffle', 'insert-index', 'insert-random', 'remove-index', 'remove-random', 'replace-index', 'replace-random'].map(
    (op) => `waiting-line/${op}`,
  ),
  'text/paraphrase',
  'text/summarize',
  'text/w2s-easy',
  'text/w2s-medium',
  'text/w2s-hard',
  'puzzles/latin-square',
  'puzzles/sudoku',
];

/** The 10 tasks the paper's trade-off figure averages (App. G.2): five waiting-line, all text. */
export const PAPER_SUBSET = [
  'waiting-line/copy', 'waiting-line/reverse', 'waiting-line/shuffle', 'waiting-line/replace-index', 'waiting-line/replace-random',
  'text/paraphrase', 'text/summarize', 'text/w2s-easy', 'text/w2s-medium', 'text/w2s-hard',
];

/** ParallelBench's canvas budgets by family: with them top-k gives TPS = k on every task. */
export const PAPER_BUDGETS: Readonly<Record<string, number>> = { 'waiting-line': 32, text: 64, puzzles: 64 };

const WAITING_LINE_SIZES = [3, 4, 5, 6];
const KS = [1, 2, 4, 8, 16, 32];
export const SUITE_STRATEGIES: { strategy: string; params: Record<string, number>[] }[] = [
  { strategy: 'topk-confidence', params: KS.map((k) => ({ k })) },
  { strategy: 'topk-random', params: KS.map((k) => ({ k })) },
  { strategy: 'topk-l2r', params: KS.map((k) => ({ k })) },
  { strategy: 'threshold', params: [1.0, 0.9, 0.8, 0.7, 0.6, 0.5].map((threshold) => ({ threshold })) },
  { strategy: 'factor', params: [0.7, 1.0, 1.3, 1.6, 1.9].map((factor) => ({ factor })) },
];

/**
 * The paper's order-preference sweep (semi-AR block length 2..32 at k = 2, confidence within a
 * block), run with --task-map; its records have block > 0 and stay out of the average curves.
 */
export const ORDER_SWEEP = { strategy: 'topk-confidence', params: { k: 2 }, blocks: [2, 4, 8, 16, 32] };

export interface SuiteOptions {
  /** Samples per task (default 100); the waiting line splits them over its four sizes. */
  samplesPerTask?: number;
  temperature?: number;
  noise?: number;
  /** Strategies and their settings (default SUITE_STRATEGIES). */
  strategies?: { strategy: string; params: Record<string, number>[] }[];
  /** A neural model instead of the oracle. */
  model?: SweepConfig['model'];
  /** The longest canvas the denoiser holds (a model's input); budgets are capped to it. */
  maxCanvas?: number;
  /** Add the order-preference sweep (ORDER_SWEEP) for the task map. */
  orderSweep?: boolean;
}

/** Each suite task's budget: the paper's, capped at what the denoiser holds. */
export function suiteBudgets(maxCanvas = Infinity): Record<string, number> {
  return Object.fromEntries(SUITE_TASKS.map((t) => [t, Math.min(PAPER_BUDGETS[t.split('/')[0]], maxCanvas)]));
}

/** Config list and per-config sample counts (waiting-line splits its samples over four sizes). */
export function suiteConfigs(opts: SuiteOptions = {}): {
  configs: SweepConfig[];
  samples: number[];
  budgets: Record<string, number>;
} {
  const perTask = opts.samplesPerTask ?? 100;
  const budgets = suiteBudgets(opts.maxCanvas);
  const configs: SweepConfig[] = [];
  const samples: number[] = [];
  const settings: { strategy: string; params: Record<string, number>; block: number }[] = [
    ...(opts.strategies ?? SUITE_STRATEGIES).flatMap((s) => s.params.map((params) => ({ strategy: s.strategy, params, block: 0 }))),
    ...(opts.orderSweep ? ORDER_SWEEP.blocks.map((block) => ({ strategy: ORDER_SWEEP.strategy, params: ORDER_SWEEP.params, block })) : []),
  ];
  for (const task of SUITE_TASKS) {
    const sizes = task.startsWith('waiting-line/') ? WAITING_LINE_SIZES : [undefined];
    for (const n of sizes) {
      for (const { strategy, params, block } of settings) {
        configs.push({
          task,
          n,
          taskParams: { budget: budgets[task] },
          strategy,
          params,
          temperature: opts.temperature ?? 0,
          block,
          noise: opts.noise ?? 0,
          ...(opts.model ? { model: opts.model } : {}),
        });
        samples.push(Math.max(1, Math.round(perTask / sizes.length)));
      }
    }
  }
  return { configs, samples, budgets };
}

export interface SuiteSummary {
  tasks: string[];
  /** Per strategy: the average curve over tasks, one point per parameter setting. */
  curves: Record<string, (CurvePoint & { params: Record<string, number> })[]>;
  /** Per strategy: Max TPS@x for x in MAX_TPS_LEVELS, keyed "80", "75", "70" (metrics.ts). */
  maxTps: Record<string, Record<string, number>>;
  /**
   * Per strategy: AUP as its source's leaderboard takes it, per task then averaged over tasks;
   * each task's ymax is the best score of any strategy on that task (metrics.ts aup).
   */
  aup: Record<string, number>;
  /** ParallelBench's oracle star over the confidence-threshold grid (null without per-sample records). */
  oracleStar: ReturnType<typeof oracleStar>;
  /** Per task and strategy setting: score (fraction) and TPS. */
  perTask: { task: string; strategy: string; params: Record<string, number>; score: number; tps: number; samples: number }[];
}

const settingKey = (strategy: string, params: Record<string, number>) =>
  `${strategy}|${Object.entries(params).filter(([k]) => !['temperature', 'block', 'noise'].includes(k)).map(([k, v]) => `${k}=${v}`).join(',')}`;

/** Averages suite records: sizes pool into tasks (sample-weighted), tasks average equally. */
export function summarizeSuite(records: readonly SweepRecord[]): SuiteSummary {
  const byTask = new Map<string, { task: string; strategy: string; params: Record<string, number>; correct: number; samples: number; nfe: number; tokens: number }>();
  for (const r of records) {
    const key = `${r.task}|${settingKey(r.strategy, r.params)}`;
    const e = byTask.get(key) ?? { task: r.task, strategy: r.strategy, params: r.params, correct: 0, samples: 0, nfe: 0, tokens: 0 };
    e.correct += r.correct;
    e.samples += r.samples;
    e.nfe += r.nfe * r.samples;
    e.tokens += r.canvasLength * r.samples;
    byTask.set(key, e);
  }
  const perTask = [...byTask.values()].map((e) => ({
    task: e.task,
    strategy: e.strategy,
    params: e.params,
    score: e.correct / e.samples,
    tps: e.tokens / e.nfe,
    samples: e.samples,
  }));
  const bySetting = new Map<string, typeof perTask>();
  for (const p of perTask) {
    const key = settingKey(p.strategy, p.params);
    bySetting.set(key, [...(bySetting.get(key) ?? []), p]);
  }
  const curves: SuiteSummary['curves'] = {};
  for (const list of bySetting.values()) {
    const { strategy, params } = list[0];
    const point = {
      params,
      score: list.reduce((s, p) => s + p.score, 0) / list.length,
      tps: list.reduce((s, p) => s + p.tps, 0) / list.length,
    };
    (curves[strategy] ??= []).push(point);
  }
  const maxTps: SuiteSummary['maxTps'] = {};
  for (const [strategy, pts] of Object.entries(curves)) {
    pts.sort((a, b) => a.tps - b.tps);
    maxTps[strategy] = maxTpsLevels(pts);
  }
  return { tasks: [...new Set(perTask.map((p) => p.task))], curves, maxTps, aup: suiteAup(perTask), oracleStar: oracleStar(sampleOutcomes(records, 'threshold')), perTask };
}

function suiteAup(perTask: SuiteSummary['perTask']): Record<string, number> {
  const tasks = [...new Set(perTask.map((p) => p.task))];
  const sums: Record<string, { total: number; tasks: number }> = {};
  for (const task of tasks) {
    const here = perTask.filter((p) => p.task === task);
    const yMax = Math.max(...here.map((p) => p.score));
    for (const strategy of new Set(here.map((p) => p.strategy))) {
      const e = (sums[strategy] ??= { total: 0, tasks: 0 });
      e.total += aup(here.filter((p) => p.strategy === strategy), yMax);
      e.tasks++;
    }
  }
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v.total / v.tasks]));
}

/** One outcome per sample of every record of `strategy` that kept its per-sample records. */
export function sampleOutcomes(records: readonly SweepRecord[], strategy: string): SampleOutcome[] {
  return records
    // Only complete per-sample records: index i must be sample i.
    .filter((r) => r.strategy === strategy && r.perSample?.correct.length === r.samples && r.perSample.nfe.length === r.samples)
    .flatMap((r) =>
      r.perSample!.correct.map((c, i) => ({
        // The same seed and index give the same prompt under every setting (sweep.ts).
        sample: `${r.task}|${r.n}|${Object.entries(r.taskParams ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')}|${r.seed}|${i}`,
        task: r.task,
        setting: settingKey(r.strategy, r.params),
        correct: c === 1,
        nfe: r.perSample!.nfe[i],
        canvasLength: r.canvasLength,
      })),
    );
}

/** One task of the paper's task map (parallelizability against order preference). */
export interface TaskMapPoint {
  task: string;
  /**
   * Centre of mass of score over k (top-k confidence, k = 1..32), in log2 k: sum s_k log2 k /
   * sum s_k, from 0 (only k = 1 scores) to 5 (only k = 32). Higher: the task tolerates parallelism.
   */
  parallelizability: number;
  /**
   * Least-squares slope of score (fraction) against log2 of the semi-AR block length (2..32 at
   * k = 2): score gained per doubling of the block. Negative: the task prefers left-to-right order.
   */
  orderPreference: number;
}

/** Sample-weighted score of a task's records that pass `keep`, by `key` (sizes pooled). */
function pooledScores(records: readonly SweepRecord[], keep: (r: SweepRecord) => boolean, key: (r: SweepRecord) => number): Map<number, number> {
  const acc = new Map<number, { correct: number; samples: number }>();
  for (const r of records) {
    if (!keep(r)) continue;
    const e = acc.get(key(r)) ?? { correct: 0, samples: 0 };
    e.correct += r.correct;
    e.samples += r.samples;
    acc.set(key(r), e);
  }
  return new Map([...acc].map(([k, e]) => [k, e.correct / e.samples]));
}

/**
 * The task map from suite records: needs top-k confidence at several k (block 0) and the
 * order sweep (ORDER_SWEEP, run with --task-map). Tasks missing either are left out.
 */
export function taskMap(records: readonly SweepRecord[]): TaskMapPoint[] {
  const out: TaskMapPoint[] = [];
  for (const task of [...new Set(records.map((r) => r.task))]) {
    const mine = records.filter((r) => r.task === task && r.strategy === ORDER_SWEEP.strategy);
    const byK = pooledScores(mine, (r) => r.params.block === 0 && r.params.k !== undefined, (r) => r.params.k);
    const byBlock = pooledScores(mine, (r) => r.params.block > 0 && r.params.k === ORDER_SWEEP.params.k, (r) => r.params.block);
    if (byK.size < 2 || byBlock.size < 2) continue;
    let mass = 0;
    let moment = 0;
    for (const [k, s] of byK) {
      mass += s;
      moment += s * Math.log2(k);
    }
    const xs = [...byBlock.keys()].map(Math.log2);
    const ys = [...byBlock.values()];
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    const sxy = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0);
    out.push({ task, parallelizability: mass > 0 ? moment / mass : 0, orderPreference: sxy / sxx });
  }
  return out;
}
