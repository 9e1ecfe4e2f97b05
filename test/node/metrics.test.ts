import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../../src/engine/backend';
import { MAX_TPS_LEVELS, aup, decodeOrderTau, kendallTauB, maxTpsAt, maxTpsLevels, oracleStar, type CurvePoint, type SampleOutcome } from '../../src/engine/metrics';
import { sampleOutcomes, summarizeSuite, suiteConfigs } from '../../src/engine/suite';
import { runConfig, type SweepRecord } from '../../src/engine/sweep';
import { EOS_ID } from '../../src/engine/vocab';

/**
 * The field's metrics, each checked against a separate straightforward implementation written
 * here (the "independent" one), on crafted curves and on the paper's own per-task CSVs.
 */

const DATA = join(__dirname, '../../src/data');

/** The paper's CSV: per task, points in file order (one per setting). */
function readCurves(model: string, strategy: string): Map<string, { tps: number; acc: number }[]> {
  const out = new Map<string, { tps: number; acc: number }[]>();
  for (const line of readFileSync(join(DATA, 'parallelbench-curves', model, `${strategy}.csv`), 'utf8').trim().split('\n').slice(1)) {
    const [task, tps, acc] = line.split(',');
    out.set(task, [...(out.get(task) ?? []), { tps: Number(tps), acc: Number(acc) }]);
  }
  return out;
}

/** Independent Max TPS@x: accuracies in percent, rounded to the CSV's precision before comparing. */
function referenceMaxTps(points: { tps: number; acc: number }[], x: number): number {
  let best = 0;
  for (const p of points) if (Math.round(p.acc * 1e6) >= x * 1e6 && p.tps > best) best = p.tps;
  return best;
}

const asCurve = (pts: { tps: number; acc: number }[]): CurvePoint[] => pts.map((p) => ({ tps: p.tps, score: p.acc / 100 }));

describe('Max TPS@x', () => {
  it('is the largest measured TPS at or above x, 0 when none, never interpolated', () => {
    const curve = [{ tps: 1, score: 0.9 }, { tps: 2.5, score: 0.81 }, { tps: 4, score: 0.72 }, { tps: 8, score: 0.3 }];
    expect(MAX_TPS_LEVELS).toEqual([80, 75, 70]);
    expect(maxTpsLevels(curve)).toEqual({ '80': 2.5, '75': 2.5, '70': 4 });
    // A linear interpolation would give 2.5 + (81 - 75)/(81 - 72)·1.5 = 3.5 at 75.
    expect(maxTpsAt(curve, 75)).toBe(2.5);
    expect(maxTpsAt([{ tps: 1, score: 0.69 }], 70)).toBe(0);
    expect(maxTpsAt([], 70)).toBe(0);
    // Non-monotone curves: a faster point that recovers above x counts.
    expect(maxTpsAt([{ tps: 1, score: 0.9 }, { tps: 2, score: 0.6 }, { tps: 6.4, score: 0.85 }], 80)).toBe(6.4);
  });

  it('counts a point exactly at x, including an average that lands one ulp below it', () => {
    expect(maxTpsAt([{ tps: 1, score: 1 }, { tps: 2, score: 0.8 }, { tps: 4, score: 0.79 }], 80)).toBe(2);
    // Three tasks at 2/5, 5/5, 5/5: exactly 80% in exact arithmetic, 0.7999999999999999 in floats.
    const avg = (2 / 5 + 5 / 5 + 5 / 5) / 3;
    expect(avg).toBeLessThan(0.8);
    expect(maxTpsAt([{ tps: 1, score: 1 }, { tps: 3, score: avg }], 80)).toBe(3);
    // ...but not a point genuinely below x.
    expect(maxTpsAt([{ tps: 1, score: 1 }, { tps: 3, score: 0.7999 }], 80)).toBe(1);
  });

  it("the paper's average curves are the plain mean of its 17 per-task curves, and Max TPS@x of them matches the independent one", () => {
    for (const model of ['llada15', 'dream']) {
      for (const file of readdirSync(join(DATA, 'parallelbench-curves', model))) {
        const curves = readCurves(model, file.replace(/\.csv$/, ''));
        const avg = curves.get('avg')!;
        const tasks = [...curves.keys()].filter((t) => t !== 'avg');
        expect(tasks).toHaveLength(17);
        // The avg row i is the mean over tasks of their row i (tasks with a 64-token k have one more row).
        avg.forEach((p, i) => {
          expect(tasks.reduce((s, t) => s + curves.get(t)![i].tps, 0) / 17).toBeCloseTo(p.tps, 3);
          expect(tasks.reduce((s, t) => s + curves.get(t)![i].acc, 0) / 17).toBeCloseTo(p.acc, 3);
        });
        for (const x of MAX_TPS_LEVELS) expect(maxTpsAt(asCurve(avg), x)).toBe(referenceMaxTps(avg, x));
      }
    }
    // Spot values, read off the CSVs by hand: LLaDA-1.5 threshold never reaches 80% on average
    // (79.42% at γ = 1.0), reaches 75% at 7.03 TPS and 70% at 8.80.
    expect(maxTpsLevels(asCurve(readCurves('llada15', 'confidence-threshold').get('avg')!))).toEqual({ '80': 0, '75': 7.0315, '70': 8.801 });
  });

  it("reproduces the leaderboard's numbers where its task set and runs match the published curves", () => {
    const board = JSON.parse(readFileSync(join(DATA, 'parallelbench-leaderboard/llada15.json'), 'utf8')) as { results: Record<string, Record<string, number>> };
    // LLaDA-1.5 random top-k: the 17-task average of the per-task CSV gives the leaderboard's row.
    const random = readCurves('llada15', 'random').get('avg')!;
    expect(maxTpsLevels(asCurve(random))).toEqual(board.results.random);
    // The other rows cannot be recomputed from the curves: the leaderboard comes from other runs
    // (or another task set). E.g. confidence threshold has 4.09 at 80% on the leaderboard, but no
    // point of the published average reaches 80%, nor of any average over a subset of the 17
    // tasks that also matches the other rows (checked by enumerating all 2^17 subsets); DUS's
    // 1.0826 = 118/109 is not a mean of per-task TPS values (1, 2, 2.67, 4, 6.4) over ≤ 17 tasks.
    const threshold = readCurves('llada15', 'confidence-threshold').get('avg')!;
    expect(maxTpsAt(asCurve(threshold), 80)).toBe(0);
    expect(board.results['confidence-threshold']['80']).toBeGreaterThan(4);
  });
});

/** Independent AUP: the d3LLM formula written out on percent pairs. */
function referenceAup(pairs: [number, number][], yMax: number): number {
  const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
  const yMin = sorted[0][1] - 5;
  const kept = sorted.filter(([, y]) => y >= yMin);
  const weighted = (y: number) => y * Math.min(1, Math.exp(-3 * (1 - y / yMax)));
  let area = kept[0][0] * kept[0][1];
  for (let i = 1; i < kept.length; i++) area += ((kept[i][0] - kept[i - 1][0]) * (weighted(kept[i][1]) + weighted(kept[i - 1][1]))) / 2;
  return area;
}

describe('AUP', () => {
  it('matches a value computed by hand and the independent formula', () => {
    // ρ1·y1 = 80; then ½·(2 − 1)·(78·e^(−3·(1 − 78/80)) + 80·1); the 70% point is below 80 − 5.
    const curve = [{ tps: 4, score: 0.7 }, { tps: 1, score: 0.8 }, { tps: 2, score: 0.78 }];
    const byHand = 80 + 0.5 * (78 * Math.exp(-3 * (1 - 78 / 80)) + 80);
    expect(aup(curve, 0.8)).toBeCloseTo(byHand, 10);
    expect(byHand).toBeCloseTo(156.18, 2);
    // ymax above the curve's own best penalises every point; at or below it, W = 1 and AUP is the plain trapezoid.
    expect(aup(curve, 0.9)).toBeLessThan(byHand);
    expect(aup([{ tps: 1, score: 0.9 }, { tps: 3, score: 0.9 }], 0.9)).toBeCloseTo(90 + 2 * 90, 10);
  });
  it('keeps only points within 5 of the lowest-TPS accuracy, wherever they lie', () => {
    const pts: [number, number][] = [[1, 90], [2, 80], [3, 88], [5, 86]];
    const curve = pts.map(([tps, y]) => ({ tps, score: y / 100 }));
    expect(aup(curve, 0.95)).toBeCloseTo(referenceAup(pts, 95), 10);
    // The 80% point is dropped: AUP equals that of the curve without it.
    expect(aup(curve, 0.95)).toBeCloseTo(aup(curve.filter((p) => p.tps !== 2), 0.95), 10);
    for (let seed = 1; seed <= 50; seed++) {
      const random: [number, number][] = Array.from({ length: 2 + (seed % 6) }, (_, i) => [0.5 + ((seed * 7 + i * 13) % 17), 40 + ((seed * 11 + i * 29) % 60)]);
      const yMax = Math.max(...random.map(([, y]) => y)) + (seed % 3);
      expect(aup(random.map(([tps, y]) => ({ tps, score: y / 100 })), yMax / 100)).toBeCloseTo(referenceAup(random, yMax), 8);
    }
  });
});

/** Independent τ-b: tie groups counted as Σ t(t−1)/2, as scipy does it. */
function referenceTauB(x: number[], y: number[]): number {
  const n = x.length;
  const pairs = (v: number[]) => [...new Map(v.map((a) => [a, v.filter((b) => b === a).length])).values()].reduce((s, t) => s + (t * (t - 1)) / 2, 0);
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i < j) s += Math.sign(x[i] - x[j]) * Math.sign(y[i] - y[j]);
  const n0 = (n * (n - 1)) / 2;
  return s / Math.sqrt((n0 - pairs(x)) * (n0 - pairs(y)));
}

describe('decode order (Kendall τ, as ParallelBench logs it)', () => {
  const none = new Int32Array(0);
  it('is 1 left to right, −1 right to left, also with several tokens per step, and NaN for one step', () => {
    expect(decodeOrderTau([0, 1, 2, 3], none, EOS_ID, false)).toBe(1);
    expect(decodeOrderTau([3, 2, 1, 0], none, EOS_ID, false)).toBe(-1);
    // Two per step in position order: the ties are shared by both sides, so τ-b is exactly 1.
    expect(decodeOrderTau([0, 0, 1, 1, 2, 2], none, EOS_ID, false)).toBe(1);
    expect(decodeOrderTau([0, 0, 0], none, EOS_ID, false)).toBeNaN();
    // [2, 0, 1]: one concordant pair, two discordant: (1 − 2) / 3.
    expect(decodeOrderTau([2, 0, 1], none, EOS_ID, false)).toBeCloseTo(-1 / 3, 12);
  });
  it('drops padding positions with ignorePad, and counts never-revealed positions as last', () => {
    // Padding revealed first (steps 0, 1), content left to right after it.
    const steps = [2, 3, 4, 0, 1];
    const output = [7, 8, 9, EOS_ID, EOS_ID];
    expect(decodeOrderTau(steps, output, EOS_ID, true)).toBe(1);
    expect(decodeOrderTau(steps, output, EOS_ID, false)).toBeLessThan(0.5);
    expect(decodeOrderTau([0, -1, 1], none, EOS_ID, false)).toBe(decodeOrderTau([0, 9, 1], none, EOS_ID, false));
  });
  it('equals the independent τ-b of sort(order) against order on random orders', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const order = Array.from({ length: 2 + (seed % 12) }, (_, i) => (seed * 31 + i * 17) % (1 + (seed % 7)));
      const expected = referenceTauB([...order].sort((a, b) => a - b), order);
      const got = decodeOrderTau(order, none, EOS_ID, false);
      if (Number.isNaN(expected)) expect(got).toBeNaN();
      else expect(got).toBeCloseTo(expected, 12);
      expect(kendallTauB(order, order)).toBe(new Set(order).size > 1 ? 1 : NaN);
    }
  });
});

/** Independent oracle star: per sample the best outcome, then its cheapest NFE; tasks equally weighted. */
function referenceStar(outcomes: SampleOutcome[]): { tps: number; score: number } {
  const tasks = [...new Set(outcomes.map((o) => o.task))];
  let score = 0;
  let tps = 0;
  for (const task of tasks) {
    const mine = outcomes.filter((o) => o.task === task);
    const samples = [...new Set(mine.map((o) => o.sample))];
    let ok = 0;
    let nfe = 0;
    let tokens = 0;
    for (const s of samples) {
      const runs = mine.filter((o) => o.sample === s).sort((a, b) => Number(b.correct) - Number(a.correct) || a.nfe - b.nfe);
      ok += runs[0].correct ? 1 : 0;
      nfe += runs[0].nfe;
      tokens += runs[0].canvasLength;
    }
    score += ok / samples.length / tasks.length;
    tps += tokens / nfe / tasks.length;
  }
  return { tps, score };
}

describe('oracle star', () => {
  it('takes per sample the fewest-NFE setting among those reaching its best outcome', () => {
    const o = (sample: string, task: string, setting: string, correct: boolean, nfe: number): SampleOutcome => ({ sample, task, setting, correct, nfe, canvasLength: 32 });
    const outcomes = [
      // a: right at γ=0.9 (4 NFE) and γ=0.5 (2 NFE) -> 2; b: wrong everywhere -> cheapest, 1 NFE.
      o('a', 'T', '0.9', true, 4), o('a', 'T', '0.5', true, 2), o('a', 'T', '1.0', true, 8),
      o('b', 'T', '0.9', false, 3), o('b', 'T', '0.5', false, 1), o('b', 'T', '1.0', false, 8),
      // c (task U): only the slow setting is right -> 16 NFE, not the cheaper wrong one.
      o('c', 'U', '0.9', false, 2), o('c', 'U', '1.0', true, 16),
    ];
    const star = oracleStar(outcomes)!;
    expect(star.score).toBeCloseTo((1 / 2 + 1) / 2, 12);
    expect(star.tps).toBeCloseTo((64 / 3 + 32 / 16) / 2, 12);
    expect(star).toMatchObject(referenceStar(outcomes));
    expect(star.samples).toBe(3);
    expect(oracleStar([])).toBeNull();
  });
});

describe('metrics recomputed independently from a real small suite run', () => {
  it('Max TPS@x, AUP and the oracle star of summarizeSuite equal a separate computation from the records', async () => {
    const tasks = new Set(['waiting-line/shuffle', 'waiting-line/replace-random', 'puzzles/latin-square']);
    const { configs, samples } = suiteConfigs({ samplesPerTask: 8 });
    const records: SweepRecord[] = [];
    for (let i = 0; i < configs.length; i++) if (tasks.has(configs[i].task)) records.push(await runConfig(configs[i], samples[i], 5, cpuBackend));
    const s = summarizeSuite(records);

    // Per-sample records agree with the record's totals.
    for (const r of records) {
      expect(r.perSample!.correct.reduce<number>((a, b) => a + b, 0)).toBe(r.correct);
      expect(r.perSample!.nfe.reduce((a, b) => a + b, 0) / r.samples).toBeCloseTo(r.nfe, 10);
      expect(r.perSample!.nfe).toHaveLength(r.samples);
    }
    // Per task and setting: pool sizes (correct / samples, canvas·samples / Σ NFE), then average tasks.
    const setting = (r: SweepRecord) => `${r.strategy}|${JSON.stringify(r.params)}`;
    const perTask = new Map<string, { task: string; strategy: string; ok: number; n: number; nfe: number; tokens: number }>();
    for (const r of records) {
      const k = `${r.task}#${setting(r)}`;
      const e = perTask.get(k) ?? { task: r.task, strategy: r.strategy, ok: 0, n: 0, nfe: 0, tokens: 0 };
      e.ok += r.perSample!.correct.filter((c) => c === 1).length;
      e.n += r.samples;
      e.nfe += r.perSample!.nfe.reduce((a, b) => a + b, 0);
      e.tokens += r.canvasLength * r.samples;
      perTask.set(k, e);
    }
    const points = [...perTask.entries()].map(([k, e]) => ({ setting: k.split('#')[1], task: e.task, strategy: e.strategy, score: e.ok / e.n, tps: e.tokens / e.nfe }));
    for (const strategy of Object.keys(s.curves)) {
      const settings = [...new Set(points.filter((p) => p.strategy === strategy).map((p) => p.setting))];
      const avg = settings.map((st) => {
        const mine = points.filter((p) => p.setting === st);
        return { tps: mine.reduce((a, p) => a + p.tps, 0) / mine.length, acc: (100 * mine.reduce((a, p) => a + p.score, 0)) / mine.length };
      });
      for (const x of MAX_TPS_LEVELS) {
        const ref = Math.max(0, ...avg.filter((p) => p.acc >= x - 1e-7).map((p) => p.tps));
        expect(s.maxTps[strategy][String(x)]).toBeCloseTo(ref, 10);
      }
      // AUP: per task, ymax = best score of any strategy on that task, then the mean over tasks.
      let total = 0;
      for (const task of tasks) {
        const yMax = 100 * Math.max(...points.filter((p) => p.task === task).map((p) => p.score));
        total += referenceAup(points.filter((p) => p.task === task && p.strategy === strategy).map((p) => [p.tps, 100 * p.score]), yMax);
      }
      expect(s.aup[strategy]).toBeCloseTo(total / tasks.size, 8);
    }
    // The oracle star from the threshold records' per-sample outcomes.
    const outcomes = sampleOutcomes(records, 'threshold');
    expect(outcomes).toHaveLength(records.filter((r) => r.strategy === 'threshold').reduce((a, r) => a + r.samples, 0));
    const ref = referenceStar(outcomes);
    expect(s.oracleStar!.score).toBeCloseTo(ref.score, 12);
    expect(s.oracleStar!.tps).toBeCloseTo(ref.tps, 10);
    expect(s.oracleStar!.tasks).toBe(3);
    // Per sample it is at least as good as every threshold setting, so on average too.
    for (const p of s.curves.threshold) expect(s.oracleStar!.score).toBeGreaterThanOrEqual(p.score - 1e-12);
  });
});

describe("the chart's oracle star", () => {
  it('draws one star per threshold curve from per-sample records, none from a single setting', async () => {
    const { oracleStarPoints } = await import('../../src/ui/oracleStar');
    const config = { task: 'waiting-line/replace-random', n: 4, strategy: 'threshold', temperature: 0, block: 0, noise: 0 };
    const records: SweepRecord[] = [];
    for (const threshold of [1, 0.7, 0.5]) records.push(await runConfig({ ...config, params: { threshold } }, 12, 2, cpuBackend));
    expect(oracleStarPoints(records.slice(0, 1))).toEqual([]);
    const [star] = oracleStarPoints(records);
    const ref = referenceStar(sampleOutcomes(records, 'threshold'));
    expect(star.point.score).toBeCloseTo(ref.score, 12);
    expect(star.point.tps).toBeCloseTo(ref.tps, 10);
    // At least as accurate as the best setting, and at least as fast as the slowest one.
    expect(star.point.score).toBeGreaterThanOrEqual(Math.max(...records.map((r) => r.score)));
    expect(star.point.tps).toBeGreaterThanOrEqual(Math.min(...records.map((r) => r.tps)) - 1e-12);
  });
});

describe('leaderboard table', () => {
  it("puts our suite beside the paper's four models, every average's task set named, sortable by any cell", async () => {
    const { PAPER_SOURCES } = await import('../../src/data/leaderboard');
    const { leaderboardMarkdown, leaderboardRows, leaderboardStrategies, sortRows, suiteSource } = await import('../../src/engine/leaderboard');
    expect(PAPER_SOURCES.map((s) => s.label)).toEqual(['LLaDA-1.5 (paper)', 'LLaDA (paper)', 'Dream (paper)', 'DiffuCoder (paper)']);
    const ours = suiteSource('ours', 'Unmask oracle', {
      tasks: ['waiting-line/copy', 'puzzles/sudoku'],
      maxTps: { threshold: { '80': 9, '75': 10, '70': 11 }, 'topk-random': { '80': 2, '75': 4, '70': 4 }, 'tc-bound': { '80': 12, '75': 12, '70': 12 } },
    });
    const sources = [ours, ...PAPER_SOURCES];
    const rows = leaderboardRows(sources);
    const threshold = rows.find((r) => r.id === 'confidence-threshold')!;
    expect(threshold.ours).toBe('threshold');
    expect(threshold.cells.ours).toEqual({ '80': 9, '75': 10, '70': 11 });
    expect(threshold.cells.llada15!['80']).toBeCloseTo(4.0874, 4);
    // Paper-only strategies (WINO on LLaDA-1.5) and ours-only (tc-bound) both get a row.
    expect(rows.find((r) => r.id === 'wino')!.cells.ours).toBeNull();
    expect(rows.find((r) => r.id === 'tc-bound')!.cells.llada15).toBeNull();
    const byOurs = sortRows(rows, { by: 'cell', source: 'ours', level: 80 });
    expect(byOurs.slice(0, 3).map((r) => r.id)).toEqual(['tc-bound', 'confidence-threshold', 'random']);
    const byPaper = sortRows(rows, { by: 'cell', source: 'llada15', level: 80 });
    expect(byPaper[0].id).toBe('wino');
    expect(sortRows(rows, { by: 'cell', source: 'llada15', level: 80 }, false)[0].cells.llada15!['80']).toBe(0);
    const md = leaderboardMarkdown(byOurs, sources);
    expect(md).toContain('| threshold (confidence-threshold) | 9.00 | 10.00 | 11.00 | 4.09 |');
    expect(md).toContain('Unmask oracle: in-browser suite, mean of 2 tasks: waiting-line/copy, puzzles/sudoku');
    expect(md).toContain('LLaDA-1.5 (paper): ParallelBench leaderboard average');
    // Every strategy of the table is swept, oracle-only ones only with the oracle; each over a valid grid.
    const all = leaderboardStrategies({ oracle: true });
    expect(all.find((s) => s.strategy === 'threshold')!.params).toHaveLength(6);
    expect(all.find((s) => s.strategy === 'klass')!.params.every((p) => 'confThreshold' in p)).toBe(true);
    expect(all.some((s) => s.strategy === 'tc-bound')).toBe(true);
    expect(leaderboardStrategies({ oracle: false }).some((s) => s.strategy === 'tc-bound')).toBe(false);
  });
});

describe("the paper's curves for the field's frontier", () => {
  it('WINO, SlowFast, DUS and PC-sampler (LLaDA-1.5) and APD (Dream) overlay our strategies of the same id on every task', async () => {
    const { PAPER_STRATEGY, paperCurves, paperTask } = await import('../../src/ui/paperCurves');
    const expected: [string, 'llada15' | 'dream'][] = [['wino', 'llada15'], ['slowfast', 'llada15'], ['dus', 'llada15'], ['pc-sampler', 'llada15'], ['apd', 'dream']];
    for (const [id, model] of expected) {
      for (const task of ['waiting-line/shuffle', 'waiting-line/copy', 'puzzles/sudoku', 'text/w2s-easy']) {
        const c = paperCurves().find((p) => p.model === model && p.strategy === PAPER_STRATEGY[id] && p.task === paperTask(task));
        expect(c, `${id} on ${task}`).toBeDefined();
        expect(c!.points.length).toBeGreaterThanOrEqual(5);
        // Sorted by TPS, scores as fractions.
        for (let i = 1; i < c!.points.length; i++) expect(c!.points[i].tps).toBeGreaterThanOrEqual(c!.points[i - 1].tps);
        for (const p of c!.points) expect(p.score).toBeLessThanOrEqual(1);
      }
    }
  });
});
