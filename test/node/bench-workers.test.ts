import { describe, expect, it } from 'vitest';
import { DEFAULT_FORM, buildSpec } from '../../src/ui/bench';
import { DEFAULT_BENCH_FORM, DEFAULT_CHART, benchFromQuery, benchToQuery } from '../../src/ui/benchUrl';

/** The bench form's Web Workers setting (src/worker/pool.ts): its URL form and its checks. */
describe('bench form: workers', () => {
  it('round-trips through the URL; absent means every core', () => {
    expect(benchToQuery(DEFAULT_BENCH_FORM, DEFAULT_CHART)).not.toContain('b.workers');
    const q = benchToQuery({ ...DEFAULT_BENCH_FORM, workers: 3 }, DEFAULT_CHART);
    expect(q).toContain('b.workers=3');
    const parsed = benchFromQuery(q);
    expect(parsed.form.workers).toBe(3);
    expect(parsed.messages).toEqual([]);
  });

  it('a bad value becomes the default with a message naming it', () => {
    for (const bad of ['0', '33', '1.5', 'two', '-2']) {
      const parsed = benchFromQuery(`b.workers=${bad}`);
      expect(parsed.form.workers).toBeUndefined();
      expect(parsed.messages.join()).toContain('b.workers');
    }
  });

  it('the form refuses a workers count outside 1..32', () => {
    expect(() => buildSpec({ ...DEFAULT_BENCH_FORM, workers: 2 })).not.toThrow();
    expect(() => buildSpec({ ...DEFAULT_BENCH_FORM, workers: 0 })).toThrow(/Workers must be a whole number from 1 to 32/);
    expect(() => buildSpec({ ...DEFAULT_BENCH_FORM, workers: 40 })).toThrow(/Workers/);
  });
});

/** Configurations that would repeat (k beyond the canvas reveals everything in one step) run once. */
describe('bench form: repeated configurations', () => {
  it('k beyond a 3-token canvas runs as k = 3, once per strategy, and the notes say so', () => {
    const built = buildSpec({ ...DEFAULT_FORM, tasks: ['letters/shuffle'], sizes: { letters: '3' } });
    // Default grid k = 1, 2, 4, 8, 16, 32 for each of the two default strategies: 4..32 all become
    // k = 3, so each strategy keeps k = 1, 2, 3 and 3 of its 6 configurations repeat.
    expect(DEFAULT_FORM.strategies).toHaveLength(2);
    expect(built.spec.configs).toHaveLength(6);
    expect(built.merged).toBe(6);
    for (const strategy of DEFAULT_FORM.strategies) {
      expect(built.spec.configs.filter((c) => c.strategy === strategy).map((c) => c.params.k)).toEqual([1, 2, 3]);
    }
    expect(built.notes).toEqual([
      expect.stringMatching(/^letters\/shuffle n=3: k = 4, 8, 16, 32 are beyond its 3-token canvas and run as k = 3\.$/),
      expect.stringMatching(/^6 repeated configurations merged\.$/),
    ]);
  });

  it('nothing beyond the canvas: nothing merged, no note', () => {
    const k = { k: '1, 2, 3' };
    const built = buildSpec({ ...DEFAULT_FORM, tasks: ['letters/shuffle'], sizes: { letters: '3' }, grids: { 'topk-confidence': k, 'topk-random': k } });
    expect(built.spec.configs).toHaveLength(6);
    expect(built.merged).toBe(0);
    expect(built.notes.join(' ')).not.toMatch(/beyond its|merged/);
  });
});
