import { describe, expect, it } from 'vitest';
import { buildSpec } from '../../src/ui/bench';
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
