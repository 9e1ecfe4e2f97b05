import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordsToCsv, stableRecord, type SweepRecord } from '../../src/engine/sweep';
import { ImportError, curveKey, exportJson, formatParams, parseImport, recordProblem, taskKey, type BenchRun } from '../../src/ui/bench';
import { SHARE_LIMIT, benchFromQuery, benchToQuery, decodeShare, encodeShare, isBenchKey } from '../../src/ui/benchUrl';
import { migrateStored } from '../../src/ui/persist';

/**
 * Property tests of every parser of outside input on the benchmark page: a results file (any
 * bytes), the browser's store (whatever an older or newer version left), the URL (any string)
 * and a share link (any text). Each gives a valid result or its own typed error (ImportError),
 * never another exception, and never half a result.
 */

const record = fc.record({
  task: fc.constantFrom('waiting-line/shuffle', 'letters/copy', 'dial'),
  n: fc.integer({ min: 3, max: 6 }),
  strategy: fc.constantFrom('topk-random', 'topk-confidence', 'threshold'),
  params: fc.dictionary(fc.constantFrom('k', 'steps', 'temperature', 'noise', 'block'), fc.integer({ min: 0, max: 32 })),
  samples: fc.integer({ min: 1, max: 1000 }),
  correct: fc.nat(1000),
  score: fc.double({ min: 0, max: 1, noNaN: true }),
  ci95: fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
  tps: fc.double({ min: 0.5, max: 64, noNaN: true }),
  nfe: fc.double({ min: 1, max: 64, noNaN: true }),
  canvasLength: fc.integer({ min: 1, max: 64 }),
  seconds: fc.double({ min: 0, max: 100, noNaN: true }),
  backend: fc.constantFrom('cpu', 'webgpu'),
  seed: fc.nat(),
}) as fc.Arbitrary<SweepRecord>;

/** Breaks one field of one record: the import must then refuse the whole file. */
const brokenValue = fc.oneof(fc.string(), fc.constant(null), fc.constant(NaN), fc.object(), fc.array(fc.anything(), { maxLength: 2 }), fc.boolean());

/** Everything the page does with an imported record must work. */
function usable(runs: BenchRun[]): void {
  for (const run of runs) {
    expect(Array.isArray(run.records)).toBe(true);
    run.records.forEach((r, i) => expect(recordProblem(r, i)).toBeNull());
    for (const r of run.records) {
      curveKey(r);
      taskKey(r);
      formatParams(r.params);
      r.nfe.toFixed(1);
      (r.seconds ?? 0).toFixed(2); // imports carry no wall-clock seconds (exports are byte-stable)
    }
    recordsToCsv(run.records);
  }
  JSON.parse(exportJson(runs));
}

function onlyImportError(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    if (e instanceof ImportError) {
      expect(e.message.length).toBeGreaterThan(0);
      return undefined;
    }
    throw new Error(`threw ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
  }
}

describe('results import fuzz', () => {
  it('any text: an ImportError or usable runs', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json(), fc.uint8Array().map((b) => new TextDecoder().decode(b))), (text) => {
      const runs = onlyImportError(() => parseImport(text, 'f.json')) as BenchRun[] | undefined;
      if (runs) usable(runs);
    }), { numRuns: 300 });
  });

  it('any JSON value in our shapes: an ImportError or usable runs', () => {
    const shaped = fc.oneof(
      fc.anything(),
      fc.record({ runs: fc.array(fc.oneof(fc.anything(), fc.record({ records: fc.array(fc.oneof(record, fc.anything()), { maxLength: 3 }), spec: fc.anything(), created: fc.anything() })), { maxLength: 3 }) }),
      fc.record({ records: fc.array(fc.oneof(record, fc.anything()), { maxLength: 3 }) }),
      fc.array(fc.oneof(record, fc.anything()), { maxLength: 3 }),
    );
    fc.assert(fc.property(shaped, (data) => {
      const runs = onlyImportError(() => parseImport(JSON.stringify(data) ?? 'undefined', 'f.json')) as BenchRun[] | undefined;
      if (runs) usable(runs);
    }), { numRuns: 300 });
  });

  it('our export round-trips, and one broken field refuses the whole file (no half import)', () => {
    fc.assert(fc.property(fc.array(record, { minLength: 1, maxLength: 5 }), fc.nat(), fc.constantFrom('task', 'strategy', 'n', 'samples', 'score', 'tps', 'ci95', 'params', 'nfe', 'seconds'), brokenValue, (records, at, field, value) => {
      const run: BenchRun = { id: 'x', created: 1, spec: { configs: [], samples: 1, seed: 0 }, records, status: 'done' };
      const back = parseImport(exportJson([run]), 'f.json');
      // Exports are byte-stable: everything but the wall-clock seconds comes back.
      expect(back[0].records).toEqual(records.map(stableRecord));
      const broken = records.map((r, i) => (i === at % records.length ? { ...r, [field]: value } : r));
      const text = exportJson([{ ...run, records: broken as SweepRecord[] }]);
      const got = onlyImportError(() => parseImport(text, 'f.json')) as BenchRun[] | undefined;
      // Some values are still valid for a field (e.g. a string for an optional one is not): if accepted, usable.
      if (got) usable(got);
    }), { numRuns: 300 });
  });
});

describe('stored runs fuzz', () => {
  it('whatever the store holds: runs that work plus messages, never an exception', () => {
    const stored = fc.oneof(
      fc.anything(),
      fc.array(fc.oneof(fc.anything(), fc.record({ id: fc.string(), created: fc.anything(), status: fc.anything(), records: fc.array(record, { maxLength: 2 }), partial: fc.anything() })), { maxLength: 3 }),
      fc.record({ version: fc.integer({ min: 0, max: 5 }), runs: fc.anything() }),
    );
    fc.assert(fc.property(stored, (data) => {
      const { runs, problems } = migrateStored(data);
      usable(runs);
      for (const p of problems) expect(typeof p).toBe('string');
    }), { numRuns: 300 });
  });

  it('a store from a newer version is left alone with a message; an old bare array is read', () => {
    expect(migrateStored({ version: 99, runs: [] })).toMatchObject({ runs: [], newer: true });
    const old = [{ id: 'a', created: 1, status: 'running', spec: { configs: [], samples: 1, seed: 0 }, records: [] }];
    expect(migrateStored(old).runs[0]).toMatchObject({ id: 'a', status: 'interrupted' });
  });
});

describe('URL fuzz', () => {
  it('any query string: a valid form and chart plus messages, never an exception', () => {
    const key = fc.oneof(fc.string(), fc.constantFrom('b.tasks', 'b.strategies', 'b.n.letters', 'b.n.dial', 'b.g.topk-random.k', 'b.g.x.k', 'b.temps', 'b.noises', 'b.sigma', 'b.samples', 'b.seed', 'b.sweep-model', 'b.model', 'b.sweep-runtime', 'b.runtime', 'c.task', 'c.paper', 'c.theory', 'c.x', 'b.', 'c.'));
    const query = fc.oneof(fc.string(), fc.array(fc.tuple(key, fc.string()), { maxLength: 8 }).map((kv) => new URLSearchParams(kv).toString()));
    fc.assert(fc.property(query, (q) => {
      const { form, chart, messages } = benchFromQuery(q);
      expect(Number.isInteger(form.samples) && form.samples >= 1 && form.samples <= 100_000).toBe(true);
      expect(Number.isInteger(form.seed) && form.seed >= 0).toBe(true);
      expect(['log', 'linear']).toContain(chart.x);
      for (const m of messages) expect(typeof m).toBe('string');
      // What we read, we write back and read again to the same thing, with no message.
      const again = benchFromQuery(benchToQuery(form, chart));
      expect(again.form).toEqual({ ...form, grids: again.form.grids });
      expect(again.chart).toEqual(chart);
      expect(again.messages).toEqual([]);
    }), { numRuns: 300 });
  });

  it('a key named like an Object property (found by the fuzz above) is an unknown key, not a crash', () => {
    for (const q of ['toString=&b.tasks=', 'constructor=1&b.tasks=letters/copy', '__proto__=x&b.tasks=']) {
      expect(() => benchFromQuery(q)).not.toThrow();
    }
  });

  it('only b.* and c.* keys are ours', () => {
    expect(isBenchKey('b.tasks')).toBe(true);
    expect(isBenchKey('task')).toBe(false);
  });

  it("decode B's b.model, b.sigma, b.runtime set the form only in an old bench link", () => {
    const plain = benchFromQuery('b=topk-random&b.model=tiny&b.runtime=cpu&b.sigma=0.3');
    expect(plain.present).toBe(false);
    expect(plain.form.model).toBe('oracle');
    const old = benchFromQuery('b.tasks=letters/copy&b.model=tiny&b.runtime=cpu&b.sigma=0.3');
    expect(old.messages).toEqual([]);
    expect(old.form).toMatchObject({ model: 'tiny', runtime: 'cpu', noises: '0.3' });
    // Beside the new key, the old one is decode B's.
    const both = benchFromQuery('b.tasks=letters/copy&b.model=tiny&b.sweep-model=noise');
    expect(both.form.model).toBe('noise');
    expect(benchToQuery(old.form, old.chart)).toContain('b.sweep-model=tiny');
  });
});

describe('share link fuzz', () => {
  it('any text: an ImportError or shared runs, never another exception', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string(), fc.base64String(), fc.stringMatching(/^[A-Za-z0-9_-]{0,200}$/)), async (text) => {
      try {
        const runs = await decodeShare(text);
        usable(runs);
        expect(runs.every((r) => r.shared)).toBe(true);
      } catch (e) {
        if (!(e instanceof ImportError)) throw new Error(`threw ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
      }
    }), { numRuns: 300 });
  });

  it('results round-trip through a link; too big ones are refused with their size', async () => {
    await fc.assert(fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 6 }), async (records) => {
      const run: BenchRun = { id: 'x', created: 5, spec: { configs: [], samples: 1, seed: 0 }, records, status: 'done' };
      const link = await encodeShare([run]);
      expect(link.fragment).not.toBeNull();
      const back = await decodeShare(link.fragment!);
      expect(back[0].records).toEqual(records.map(stableRecord));
      // A cut link is an ImportError, not a crash.
      await decodeShare(link.fragment!.slice(0, Math.floor(link.fragment!.length / 2))).catch((e) => expect(e).toBeInstanceOf(ImportError));
    }), { numRuns: 100 });
    const big: BenchRun = { id: 'x', created: 5, spec: { configs: [], samples: 1, seed: 0 }, records: fc.sample(record, { numRuns: 2000, seed: 1 }), status: 'done' };
    const link = await encodeShare([big]);
    expect(link.fragment).toBeNull();
    expect(link.chars).toBeGreaterThan(SHARE_LIMIT);
  });
});
