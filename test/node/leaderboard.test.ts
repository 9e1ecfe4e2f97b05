import { describe, expect, it } from 'vitest';
import { averageScoreSe, denseRanks, fragileMaxTps, leaderboardRows, leaderboardStrategies, orderSwaps, type LeaderboardSource } from '../../src/engine/leaderboard';
import { maxTpsAt } from '../../src/engine/metrics';
import { STRATEGIES } from '../../src/engine/strategies';

// The leaderboard benchmark's helpers (bench/leaderboard.ts writes docs/RESULTS.md with them).

const source = (id: string, results: Record<string, number>): LeaderboardSource => ({
  id,
  label: id,
  kind: id === 'paper' ? 'paper' : 'ours',
  taskSet: 'test',
  results: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { '80': v, '75': v, '70': v }])),
});

describe('ordering beside the paper', () => {
  const rows = leaderboardRows([source('ours', { a: 9, b: 5, c: 5, d: 1 }), source('paper', { a: 1, b: 4, c: 2, d: 3, e: 7 })]);

  it('dense ranks: equal values share a rank, the next value takes the next rank', () => {
    const r = denseRanks(rows, 'ours', 80);
    expect(Object.fromEntries(r)).toEqual({ a: 1, b: 2, c: 2, d: 3 });
    // Rows the source lacks get no rank.
    expect(r.has('e')).toBe(false);
  });

  it('lists exactly the pairs ordered strictly one way here and strictly the other way there', () => {
    const swaps = orderSwaps(rows, 'ours', 'paper', 80).map(({ ahead, behind }) => `${ahead.id}>${behind.id}`).sort();
    // Brute force over the shared rows a..d: sign(ours) and sign(paper) strictly opposite.
    const v = { ours: { a: 9, b: 5, c: 5, d: 1 }, paper: { a: 1, b: 4, c: 2, d: 3 } } as const;
    const ids = ['a', 'b', 'c', 'd'] as const;
    const expected = ids.flatMap((x) => ids.filter((y) => v.ours[x] > v.ours[y] && v.paper[x] < v.paper[y]).map((y) => `${x}>${y}`)).sort();
    expect(swaps).toEqual(expected);
    expect(swaps).toEqual(['a>b', 'a>c', 'a>d', 'c>d']);
    // b and c tie here: never a swap, whatever the paper says.
    expect(swaps.some((s) => s === 'b>c' || s === 'c>b')).toBe(false);
  });
});

describe('Monte-Carlo error', () => {
  it('the SE of an equal-weight task average is sqrt(sum p(1-p)/n) / T', () => {
    expect(averageScoreSe([{ score: 0.5, samples: 100 }])).toBeCloseTo(0.05, 12);
    expect(averageScoreSe([{ score: 1, samples: 10 }, { score: 0, samples: 10 }])).toBe(0);
    const t = [{ score: 0.9, samples: 40 }, { score: 0.6, samples: 20 }, { score: 0.25, samples: 8 }];
    expect(averageScoreSe(t)).toBeCloseTo(Math.sqrt(0.9 * 0.1 / 40 + 0.6 * 0.4 / 20 + 0.25 * 0.75 / 8) / 3, 12);
  });

  it('flags a Max TPS cell only where a point near the level would move the maximum', () => {
    const pt = (tps: number, score: number, se: number) => ({ tps, score, se, params: { k: tps } });
    const curves = {
      // Max TPS@80 = 4 (0.85 at 4); the 8-point (0.78 ± 0.02) could cross 80%: fragile.
      near: [pt(1, 0.99, 0.01), pt(4, 0.85, 0.02), pt(8, 0.78, 0.02)],
      // The point at the maximum itself (0.81 ± 0.01) could drop below: fragile.
      edge: [pt(1, 0.99, 0.01), pt(2, 0.81, 0.01)],
      // A slower point near 80% cannot move the maximum (a faster one is well above): not fragile.
      safe: [pt(1, 0.79, 0.01), pt(2, 0.95, 0.01), pt(4, 0.5, 0.01)],
    };
    const f = fragileMaxTps(curves, [80]);
    expect(f.map((x) => x.strategy).sort()).toEqual(['edge', 'near']);
    expect(f.find((x) => x.strategy === 'near')!.point.tps).toBe(8);
    expect(maxTpsAt(curves.safe, 80)).toBe(2);
    // At 70% the 8-point (0.78) is 4 SE above: nothing is fragile.
    expect(fragileMaxTps(curves, [70])).toEqual([]);
  });
});

describe('leaderboard grids', () => {
  it('every strategy with a knob the grid table names is swept over more than one valid setting', () => {
    const all = leaderboardStrategies({ oracle: true });
    expect(all.map((s) => s.strategy).sort()).toEqual(STRATEGIES.map((s) => s.id).sort());
    // The frontier strategies the paper ranks get a curve, not one point.
    for (const id of ['wino', 'slowfast', 'dus', 'apd', 'pc-sampler']) expect(all.find((s) => s.strategy === id)!.params.length, id).toBeGreaterThan(2);
    expect(all.find((s) => s.strategy === 'dus')!.params).toEqual([2, 4, 8, 16, 32].map((base) => ({ base })));
    expect(all.find((s) => s.strategy === 'slowfast')!.params.every((p) => 'highThreshold' in p)).toBe(true);
    expect(all.find((s) => s.strategy === 'apd')!.params.every((p) => 'r' in p && p.r < 1)).toBe(true);
  });
});
