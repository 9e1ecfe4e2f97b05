import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../src/engine/strategies';
import { TASKS, getTask } from '../../src/engine/tasks';
import { isBenchKey } from '../../src/ui/benchUrl';
import { applies, applyingFields, fieldProblem, fields, problems, type AnyField, type Domain } from '../../src/ui/schema';
import { cloneSettings, fromQuery, PRESET, SETTINGS_SCHEMA, SIDE_KEYS, shownSides, sideProblem, taskControls, taskParamsOf, toQuery, type ViewSettings } from '../../src/ui/settings';

// Properties of the page's URL schema (src/ui/settings.ts over src/ui/schema.ts):
// (a) any string as a query gives a valid state plus messages, never an exception;
// (b) serialise then parse is the identity on valid states, drawn from the schema itself;
// (c) a bad value gives the key's default and one message naming the key.

const RUNS = 300;

/** A text of a value in the domain, drawn by fast-check. */
function drawText(g: fc.GeneratorValue, d: Domain): string {
  if (d.kind === 'choice') return g(fc.constantFrom, ...d.options);
  if (d.kind === 'int') return String(g(fc.integer, { min: d.min, max: d.max }));
  return String(g(fc.double, { min: d.min, max: d.max, noNaN: true }) + 0);
}

/**
 * A valid state drawn from the schema: every applying field, in schema order, takes a random value
 * of its domain, or keeps its default when that value breaks a rule (a non-zero noise beside a
 * model). Defaults are valid, so the result is.
 */
function validState(g: fc.GeneratorValue): ViewSettings {
  const s = cloneSettings(PRESET);
  for (const f of fields(SETTINGS_SCHEMA, s)) {
    if (!applies(f, s)) continue;
    const before = f.get(s);
    // An optional key (decode C or D, the lesson) is left absent half the time.
    if (before === undefined && g(fc.boolean)) continue;
    const value = f.codec.decode(drawText(g, f.codec.domain));
    if (value === null) throw new Error(`${f.key}: the codec does not read a value of its own domain`);
    f.set(s, value);
    if (fieldProblem(f, s) !== null) f.set(s, before);
  }
  return s;
}

const KEYS = applyingFields(SETTINGS_SCHEMA, PRESET).map((f) => f.key);
const STRATEGY_PARAM_KEYS = STRATEGIES.flatMap((d) => d.params.flatMap((p) => SIDE_KEYS.map((k) => `${k}.${p.name}`)));
/** Every key of decodes C and D (they do not apply to the preset, so KEYS lacks them). */
const CD_KEYS = ['c', 'd'].flatMap((k) => [k, ...['block', 'temp', 'model', 'runtime', 'sigma'].map((x) => `${k}.${x}`)]);
/** Every task parameter's URL key (its name), of every task: the dial's, the budgets, any new one. */
const TASK_PARAM_KEYS = [...new Set(TASKS.flatMap((t) => t.params.map((p) => p.name)))];
const VALUES = ['', 'end', '-1', '0', '1', '3', '1.5', '1e999', 'NaN', '-0', ' 2 ', '0x10', 'tiny', 'custom', 'oracle', 'auto', 'cpu', 'bench', ...TASKS.map((t) => t.id), ...STRATEGIES.map((d) => d.id)];

/** Queries that reach the parser's branches: known keys with odd values, unknown keys, raw junk. */
const query = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc
    .array(
      fc.tuple(
        fc.oneof(fc.constantFrom(...KEYS, ...STRATEGY_PARAM_KEYS, ...CD_KEYS, ...TASK_PARAM_KEYS, 'n', 'a.runtime', 'b.runtime'), fc.string({ maxLength: 8 })),
        fc.oneof(fc.constantFrom(...VALUES), fc.string({ maxLength: 12 }), fc.double().map(String), fc.integer({ min: -5, max: 70 }).map(String)),
      ),
      { maxLength: 24 },
    )
    .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')),
);

describe('URL schema properties', () => {
  it('(a) any string gives a valid state and messages, never an exception; the result is stable', () => {
    fc.assert(
      fc.property(fc.oneof(query, query.map((q) => `?${q}`)), (search) => {
        const { settings, messages } = fromQuery(search);
        expect(problems(SETTINGS_SCHEMA, settings)).toEqual([]);
        expect(messages.every((m) => typeof m === 'string' && m.length > 0)).toBe(true);
        const again = fromQuery(toQuery(settings));
        expect(again.messages).toEqual([]);
        expect(again.settings).toStrictEqual(settings);
      }),
      { numRuns: RUNS },
    );
  });

  it('(b) serialise then parse is the identity on valid states drawn from the schema', () => {
    const seen = new Set<string>();
    const sideCounts = new Set<number>();
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const s = validState(g);
        seen.add(s.task).add(s.a.strategy);
        sideCounts.add(shownSides(s).length);
        expect(problems(SETTINGS_SCHEMA, s)).toEqual([]);
        const back = fromQuery(toQuery(s));
        expect(back.messages).toEqual([]);
        expect(back.settings).toStrictEqual(s);
      }),
      { numRuns: RUNS },
    );
    // The generator reaches the tables, not only the preset, and 1 to 4 decodes side by side.
    expect(seen.size).toBeGreaterThan(10);
    expect([...sideCounts].sort()).toEqual([1, 2, 3, 4]);
  });

  it('(c) a bad value gives the key its default and a message naming the key', () => {
    const bad = (f: AnyField<ViewSettings>) => {
      const d = f.codec.domain;
      return d.kind === 'choice'
        ? fc.string({ maxLength: 10 }).filter((t) => !d.options.includes(t))
        : fc.oneof(
            fc.constantFrom('x', 'NaN', 'Infinity', '1e999', '', '--1', String(d.max + 1), String(d.min - 1)),
            ...(d.kind === 'int' ? [fc.double({ min: d.min, max: d.max, noNaN: true }).filter((v) => !Number.isInteger(v)).map(String)] : []),
          );
    };
    const presetFields = applyingFields(SETTINGS_SCHEMA, PRESET).filter((f) => f.key !== 'step');
    fc.assert(
      fc.property(
        fc.constantFrom(...presetFields).chain((f) => fc.tuple(fc.constant(f), bad(f))),
        ([f, text]) => {
          const { settings, messages } = fromQuery(`${encodeURIComponent(f.key)}=${encodeURIComponent(text)}`);
          expect(settings).toStrictEqual(PRESET);
          expect(messages).toHaveLength(1);
          expect(messages[0]).toContain(`"${f.key}=`);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('URL schema', () => {
  it('lists every strategy parameter of the side’s strategy and every task parameter, from the tables', () => {
    for (const d of STRATEGIES) {
      const s = fromQuery(`a=${d.id}`).settings;
      const keys = applyingFields(SETTINGS_SCHEMA, s).map((f) => f.key);
      for (const p of d.params) expect(keys).toContain(`a.${p.name}`);
    }
    for (const t of TASKS) {
      const keys = applyingFields(SETTINGS_SCHEMA, fromQuery(`task=${encodeURIComponent(t.id)}`).settings).map((f) => f.key);
      expect(keys.includes('n')).toBe(t.sizes !== null);
      // Exactly the task's own parameters, none of another task's.
      expect(TASK_PARAM_KEYS.filter((k) => keys.includes(k)).sort()).toEqual(t.params.map((p) => p.name).sort());
    }
  });

  it('carries every parameter of every task through the URL, the controls and what the worker is sent, checked by the engine', () => {
    for (const t of TASKS) {
      const base = fromQuery(`task=${encodeURIComponent(t.id)}`).settings;
      expect(taskControls(t.id).map((c) => c.spec.name)).toEqual([...(t.sizes ? ['n'] : []), ...t.params.map((p) => p.name)]);
      for (const p of t.params) {
        // A value other than the default, inside the spec's range: it round-trips under the spec's name.
        const v = p.integer ? p.max : (p.min + p.max) / 2 === p.default ? p.min : (p.min + p.max) / 2;
        const { settings, messages } = fromQuery(`task=${encodeURIComponent(t.id)}&${p.name}=${v}`);
        expect(messages).toEqual([]);
        expect(settings.taskParams).toEqual({ ...base.taskParams, [p.name]: v });
        expect(new URLSearchParams(toQuery(settings)).get(p.name)).toBe(String(v));
        expect(taskParamsOf(settings)[p.name]).toBe(v);
        const control = taskControls(t.id).find((c) => c.spec.name === p.name)!;
        expect(control.spec).toBe(p);
        expect(control.get(settings)).toBe(v);
        expect(control.get({ ...settings, ...control.with(settings, p.default) })).toBe(p.default);
        // Out of range: the engine's message (checkTaskParam), the default kept.
        const bad = fromQuery(`task=${encodeURIComponent(t.id)}&${p.name}=${p.max + 1}`);
        expect(bad.settings.taskParams).toEqual(base.taskParams);
        expect(bad.messages).toEqual([`URL parameter "${p.name}=${p.max + 1}": ${p.name} must be ${p.integer ? 'an integer' : 'a number'} in [${p.min}, ${p.max}], got ${p.max + 1}; using ${p.default}.`]);
      }
    }
    // A task parameter's URL key is its name: it must not be a key of the page (letters/copy has
    // a size and no parameters of its own) or of the benchmark form.
    const pageKeys = applyingFields(SETTINGS_SCHEMA, fromQuery('task=letters/copy').settings).map((f) => f.key);
    for (const k of TASK_PARAM_KEYS) {
      expect(pageKeys, k).not.toContain(k);
      expect(isBenchKey(k), k).toBe(false);
    }
  });

  it('a model without a runtime reads back the same (fast-check found it: a.model=custom)', () => {
    const { settings } = fromQuery('a.model=custom');
    expect(fromQuery(toQuery(settings)).settings).toStrictEqual(settings);
  });

  it('reads links with the dial’s rho as before', () => {
    const { settings, messages } = fromQuery('task=dial&rho=0.3&seed=2');
    expect(messages).toEqual([]);
    expect(settings).toStrictEqual({ ...cloneSettings(PRESET), task: 'dial', taskParams: { rho: 0.3 }, seed: 2 });
    // rho belongs to the dial alone.
    expect(fromQuery('task=letters/copy&rho=0.3').messages).toEqual(['URL parameter "rho" is not one of ours (or does not apply to these settings); ignored.']);
    // A new task starts from its own defaults.
    expect(fromQuery('task=dial').settings.taskParams).toEqual({ rho: getTask('dial').params[0].default });
  });

  it('checks strategy parameters with the engine’s own rule (resolveParams), not a copy', () => {
    // 'k' of top-k: the engine's message names the parameter and its range.
    const { messages } = fromQuery('a.k=0');
    expect(messages[0]).toMatch(/^URL parameter "a\.k=0": k must be in \[\d+, \d+\], got 0; using 1\.$/);
    expect(sideProblem({ ...PRESET.a, params: { k: 1, steps: 0, bogus: 2 } })).toMatch(/no parameter "bogus"/);
    expect(sideProblem({ ...PRESET.a, strategy: 'nope' })).toMatch(/no such strategy/);
  });

  it('keeps links written before the schema readable', () => {
    const old = 'task=letters%2Fshuffle&n=6&seed=3&sample=0&a=topk-confidence&a.k=1&a.steps=0&a.block=0&a.temp=0&a.sigma=0&a.model=oracle&b=topk-random&b.k=2&b.steps=0&b.block=0&b.temp=0&b.sigma=0&b.model=oracle&compare=1&step=end&heat=confidence&pos=-1&engine=auto&tab=decode';
    const { settings, messages } = fromQuery(old);
    expect(messages).toEqual([]);
    expect(settings).toMatchObject({ task: 'letters/shuffle', n: 6, seed: 3, step: -1, pos: -1, b: { strategy: 'topk-random', params: { k: 2 } } });
    // Same keys, same values (only the order of a side's model and noise keys changed).
    expect(new Set(toQuery(settings).split('&'))).toEqual(new Set(old.split('&')));
  });

  it('carries decodes C and D the same way as B, and an A/B link has neither', () => {
    const ab = fromQuery('a=topk-confidence&a.k=1&b=topk-random&b.k=2&compare=1');
    expect(ab.settings.c).toBeUndefined();
    expect(ab.settings.d).toBeUndefined();
    expect(shownSides(ab.settings)).toEqual(['a', 'b']);
    expect(toQuery(ab.settings)).not.toMatch(/(^|&)[cd](=|\.)/);

    const q = 'a=topk-confidence&a.k=1&b=topk-confidence&b.k=2&compare=1&c=topk-random&c.k=3&c.temp=0.5&d=threshold&d.threshold=0.4&d.model=tiny&d.runtime=cpu';
    const { settings, messages } = fromQuery(q);
    expect(messages).toEqual([]);
    expect(shownSides(settings)).toEqual(['a', 'b', 'c', 'd']);
    expect(settings.c).toMatchObject({ strategy: 'topk-random', params: { k: 3 }, temperature: 0.5, noise: 0 });
    expect(settings.d).toMatchObject({ strategy: 'threshold', params: { threshold: 0.4 }, model: 'tiny', runtime: 'cpu' });
    expect(fromQuery(toQuery(settings))).toEqual({ settings, messages: [] });
    // The engine's rules apply to C and D as to A and B.
    expect(fromQuery('c=topk-confidence&c.k=0').messages[0]).toMatch(/^URL parameter "c\.k=0": k must be in/);
  });

  it('keeps the sides in order: C only while comparing, D only beside C, their keys only with them', () => {
    const noCompare = fromQuery('compare=0&c=topk-random');
    expect(noCompare.settings.c).toBeUndefined();
    expect(noCompare.messages).toEqual(['URL parameter "c" is not one of ours (or does not apply to these settings); ignored.']);
    const noC = fromQuery('d=topk-random&c.k=2');
    expect(noC.settings.d).toBeUndefined();
    expect(noC.messages).toHaveLength(2);
    const bad = fromQuery('c=nope');
    expect(bad.settings).toStrictEqual(PRESET);
    expect(bad.messages).toEqual(['URL parameter "c=nope": no such strategy; ignored.']);
  });

  it('shares no key with the benchmark form and chart (b.* and c.* there)', () => {
    const keys = new Set<string>();
    const s = fromQuery('c=topk-random&d=topk-random').settings;
    for (const d of STRATEGIES) {
      for (const k of SIDE_KEYS) s[k] = { strategy: d.id, params: {}, block: 0, temperature: 0, noise: 0, model: 'tiny' };
      for (const f of applyingFields(SETTINGS_SCHEMA, s)) keys.add(f.key);
    }
    expect([...keys].filter(isBenchKey)).toEqual([]);
  });
});
