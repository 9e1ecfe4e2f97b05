import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { expandGrid, readGrid } from '../../src/cli/args';

const run = (args: string[]) =>
  spawnSync('npx', ['tsx', 'src/cli/bench.ts', ...args], { encoding: 'utf8', timeout: 60_000 });

describe('bench CLI', () => {
  it('--json prints exactly one JSON document with the documented fields', () => {
    const out = execFileSync(
      'npx',
      ['tsx', 'src/cli/bench.ts', '--task', 'letters/shuffle', '--n', '4', '--strategy', 'topk-random', '--k', '1,4', '--samples', '200', '--seed', '3', '--json'],
      { encoding: 'utf8' },
    );
    const doc = JSON.parse(out);
    expect(doc.results).toHaveLength(2);
    const [k1, k4] = doc.results;
    for (const r of doc.results) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['task', 'n', 'strategy', 'params', 'samples', 'score', 'ci95', 'tps', 'nfe']));
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(1);
      expect(r.ci95[0]).toBeLessThanOrEqual(r.score);
      expect(r.ci95[1]).toBeGreaterThanOrEqual(r.score);
    }
    // Decode order (Kendall τ of reveal step vs position, as ParallelBench logs it) and per-sample outcomes.
    for (const r of doc.results) expect(r.perSample.correct).toHaveLength(200);
    expect(Math.abs(k1.order.kendall)).toBeLessThan(0.2); // random order: no left-to-right trend
    expect(k4.order.kendall).toBeNull(); // k = 4 on 4 positions: one step, τ undefined (scipy: NaN)
    expect(k1.score).toBe(1);
    expect(k1.tps).toBe(1);
    expect(k4.tps).toBe(4);
    // 4!/4^4 = 9.4%; 200 samples keep it well under 25%
    expect(k4.score).toBeLessThan(0.25);
  });

  const bad: [string[], RegExp][] = [
    [['--task', 'letters/nope', '--strategy', 'topk-random'], /unknown task/],
    [['--task', 'letters/copy', '--strategy', 'top-nothing'], /unknown strategy/],
    [['--task', 'letters/copy', '--strategy', 'topk-random', '--k', '0'], /--k must be/],
    [['--task', 'letters/copy', '--n', '40', '--strategy', 'topk-random'], /--n must be/],
    [['--task', 'letters/copy', '--strategy', 'topk-random', '--k', '1,,2'], /--k: .*not a comma list/],
    [['--task', 'letters/copy', '--strategy', 'topk-random', '--threshold', '0.9'], /--threshold does not apply/],
    [['--task', 'letters/copy', '--strategy', 'topk-random', '--samples', 'x'], /--samples must be/],
    [['--task', 'letters/copy', '--strategy', 'topk-random', '--wat', '3'], /unknown flag --wat/],
    [['--task', 'letters/copy', '--strategy', 'topk-random', '--leaderboard'], /--leaderboard needs --suite parallelbench/],
    [['--task', 'letters/copy', '--strategy', 'topk-random', '--temperature', '-1'], /^error: --temperature must be >= 0, got -1$/],
    [['--suite', 'parallelbench', '--task', 'letters/copy'], /^error: --task cannot be used with --suite parallelbench/],
    [['--suite', 'parallelbench', '--temperature', '0,1'], /^error: --temperature takes one value with --suite/],
    [['--suite', 'parallelbench', '--strategy', 'topk-random', '--threshold', '0.9'], /^error: --threshold does not apply to strategy topk-random/],
    [['--task', 'text/w2s-easy', '--strategy', 'topk-random', '--budget', '64', '--model', 'tiny'], /^error: --budget must be at most 32 with a neural model/],
    [['--task', 'dial', '--strategy', 'topk-random', '--rho', '2'], /--rho must be a number in \[-1, 1\]/],
    [['--task', 'letters/copy', '--strategy', 'topk-random', '--rho', '0.5'], /--rho does not apply to task letters\/copy/],
  ];
  for (const [args, message] of bad) {
    it(`rejects ${args.join(' ')} with one line and exit 2`, () => {
      const r = run(args);
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
    });
  }

  it('the same command twice gives byte-identical --json; fixed-size tasks report n: null; --timings adds timings apart', () => {
    const args = ['--task', 'waiting-line/copy,puzzles/sudoku', '--strategy', 'topk-random', '--k', '2', '--temperature', '1', '--samples', '6', '--seed', '5', '--json'];
    const a = run(args);
    const b = run(args);
    expect(a.status).toBe(0);
    expect(a.stdout.length).toBeGreaterThan(100);
    expect(b.stdout).toBe(a.stdout);
    const doc = JSON.parse(a.stdout);
    expect(doc.timing).toBeUndefined();
    for (const r of doc.results) expect(r).not.toHaveProperty('seconds');
    expect(doc.results.map((r: { n: number | null }) => r.n)).toEqual([3, null]);
    const timed = JSON.parse(run([...args, '--timings']).stdout);
    expect(timed.results).toEqual(doc.results);
    expect(timed.timing.seconds).toHaveLength(2);
    expect(timed.timing.seconds.every((s: number) => s >= 0)).toBe(true);
  });

  it('--suite parallelbench honours --temperature, --noise and a strategy grid, at the paper budgets, and names what it ran', () => {
    const r = run(['--suite', 'parallelbench', '--strategy', 'topk-random', '--k', '2', '--temperature', '1', '--noise', '0.5', '--samples', '4', '--paper-subset', '--json']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(new Set(doc.results.map((x: { task: string }) => x.task)).size).toBe(17);
    for (const x of doc.results) {
      expect(x.strategy).toBe('topk-random');
      expect(x.params).toMatchObject({ k: 2, temperature: 1, noise: 0.5, block: 0 });
      const budget = x.task.startsWith('waiting-line/') ? 32 : 64;
      expect(x.canvasLength).toBe(budget);
      expect(x.taskParams).toEqual({ budget });
      expect(x.tps).toBe(2);
    }
    expect(doc.suite.about).toMatchObject({ taskSet: 'ParallelBench, all 17 tasks (text in the toy language)', samplesPerTask: 4, waitingLineSamplesPerSize: 1, temperature: 1, noise: 0.5 });
    expect(doc.suite.about.budgets['text/summarize']).toBe(64);
    expect(doc.suite.about.budgets['waiting-line/copy']).toBe(32);
    expect(doc.suite.paperSubset.tasks).toHaveLength(10);
    expect(doc.suite.tasks).toHaveLength(17);
  });

  it('expands grids into every combination, each strategy taking only its own parameters', () => {
    const configs = expandGrid(
      readGrid({ task: 'letters/copy,letters/sort', n: '3,5', strategy: 'topk-random,threshold', k: '1,2', threshold: '0.9' }),
    );
    // 2 tasks x 2 sizes x (2 k-values for topk-random + 1 threshold)
    expect(configs).toHaveLength(12);
    expect(configs.filter((c) => c.strategy === 'threshold').every((c) => !('k' in c.params))).toBe(true);
  });

  it('task parameter flags come from the task table and apply only to the tasks that declare them', () => {
    const configs = expandGrid(readGrid({ task: 'dial,letters/copy', strategy: 'topk-random', k: '1', rho: '0,1' }));
    expect(configs.filter((c) => c.task === 'dial').map((c) => c.taskParams)).toEqual([{ rho: 0 }, { rho: 1 }]);
    expect(configs.filter((c) => c.task === 'letters/copy').map((c) => c.taskParams)).toEqual([undefined]);
  });
});
