import { aup, maxTpsLevels, oracleStar, type CurvePoint, type SampleOutcome } from './metrics';
import type { SweepConfig, SweepRecord } from './sweep';

/**
 * The in-browser ParallelBench suite at the paper's sizes: waiting line (n = 3..6, 25 samples
 * each, 100 per task), text and puzzles (100 each), over the paper's strategy grid. The paper
 * has 17 tasks; summarization has no toy-language equivalent here, so ours has 16.
 */
export const SUITE_TASKS = [
  ...['copy', 'sort', 'reverse', 'shuffle', 'insert-index', 'insert-random', 'remove-index', 'remove-random', 'replace-index', 'replace-random'].map(
    (op) => `waiting-line/${op}`,
  ),
  'text/paraphrase',
  'text/w2s-easy',
  'text/w2s-medium',
  'text/w2s-hard',
  'puzzles/latin-square',
  'puzzles/sudoku',
];

const KS = [1, 2, 4, 8, 16, 32];
export const SUITE_STRATEGIES: { strategy: string; params: Record<string, number>[] }[] = [
  { strategy: 'topk-confidence', params: KS.map((k) => ({ k })) },
  { strategy: 'topk-random', params: KS.map((k) => ({ k })) },
  { strategy: 'topk-l2r', params: KS.map((k) => ({ k })) },
  { strategy: 'threshold', params: [1.0, 0.9, 0.8, 0.7, 0.6, 0.5].map((threshold) => ({ threshold })) },
  { strategy: 'factor', params: [0.7, 1.0, 1.3, 1.6, 1.9].map((factor) => ({ factor })) },
];

/** Config list and per-config sample counts (waiting-line splits its 100 over four sizes). */
export function suiteConfigs(opts: { samplesPerTask?: number; noise?: number; temperature?: number; strategies?: typeof SUITE_STRATEGIES } = {}): {
  configs: SweepConfig[];
  samples: number[];
} {
  const perTask = opts.samplesPerTask ?? 100;
  const configs: SweepConfig[] = [];
  const samples: number[] = [];
  for (const task of SUITE_TASKS) {
    const sizes = task.startsWith('waiting-line/') ? [3, 4, 5, 6] : [undefined];
    for (const n of sizes) {
      for (const s of opts.strategies ?? SUITE_STRATEGIES) {
        for (const params of s.params) {
          configs.push({ task, n, strategy: s.strategy, params, temperature: opts.temperature ?? 0, block: 0, noise: opts.noise ?? 0 });
          samples.push(Math.max(1, Math.round(perTask / sizes.length)));
        }
      }
    }
  }
  return { configs, samples };
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
        sample: `${r.task}|${r.n}|${r.rho ?? ''}|${r.seed}|${i}`,
        task: r.task,
        setting: settingKey(r.strategy, r.params),
        correct: c === 1,
        nfe: r.perSample!.nfe[i],
        canvasLength: r.canvasLength,
      })),
    );
}
