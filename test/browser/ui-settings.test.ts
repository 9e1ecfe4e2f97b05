import { describe, expect, it } from 'vitest';
import { buildSpec, DEFAULT_FORM, parseImport } from '../../src/ui/bench';
import { fromQuery, PRESET, toQuery, withTask } from '../../src/ui/settings';
import { decodeRequest } from '../../src/ui/store';

describe('URL settings', () => {
  it('round-trips every setting', () => {
    const s = { ...PRESET, seed: 77, sample: 3, step: 4, pos: 6, heat: 'entropy' as const, compare: false, tab: 'bench' as const,
      a: { strategy: 'threshold', params: { threshold: 0.7 }, block: 8, temperature: 0.5, noise: 0.25 }, b: PRESET.b };
    const back = fromQuery(toQuery(s));
    expect(back.messages).toEqual([]);
    expect(back.settings).toEqual(s);
  });

  it('opens the preset with no parameters', () => {
    expect(fromQuery('').settings).toEqual(PRESET);
  });

  it('turns every bad parameter into a message and a default', () => {
    const { settings, messages } = fromQuery('?task=nope&n=99&a=zzz&a.k=1.5&b.k=abc&seed=-1&step=x&heat=red&compare=maybe&pos=foo&engine=tpu&unknown=1');
    expect(settings.task).toBe(PRESET.task);
    expect(settings.n).toBe(3);
    expect(settings.a.strategy).toBe(PRESET.a.strategy);
    expect(settings.a.params.k).toBe(1);
    expect(settings.b.params.k).toBe(3);
    expect(settings.seed).toBe(1);
    expect(settings.step).toBe(-1);
    expect(settings.engine).toBe('auto');
    for (const key of ['task', 'n', 'a', 'a.k', 'b.k', 'seed', 'step', 'heat', 'compare', 'pos', 'engine', 'unknown']) {
      expect(messages.some((m) => m.includes(`"${key}`)), key).toBe(true);
    }
  });

  it('rejects blocks for strategies without them and noise for oracle-only strategies', () => {
    const { settings, messages } = fromQuery('?a=tc-bound&a.sigma=0.5&b=dream-origin&b.block=4');
    expect(settings.a.noise).toBe(0);
    expect(messages.join(' ')).toMatch(/exact oracle/);
    if (!settings.b.strategy.startsWith('dream')) return;
    expect(messages.length).toBeGreaterThanOrEqual(1);
  });
});

describe('decode requests', () => {
  it('send a size only to tasks that have sizes, and a task only its own parameters', () => {
    expect(decodeRequest(PRESET, 'a').n).toBe(3);
    expect(decodeRequest({ ...PRESET, task: 'puzzles/sudoku' }, 'a')).not.toHaveProperty('n');
    const dial = fromQuery('?task=dial&rho=0.5').settings;
    expect(dial.taskParams).toEqual({ rho: 0.5 });
    expect(decodeRequest(dial, 'b')).toMatchObject({ task: 'dial', taskParams: { rho: 0.5 } });
    expect(decodeRequest(dial, 'b')).not.toHaveProperty('n');
    // A parameter of another task left in the record is not sent (the engine would reject it).
    expect(decodeRequest({ ...dial, task: 'letters/copy' }, 'a')).not.toHaveProperty('taskParams');
    // A new task starts from its own defaults (the waiting line's budget is not the puzzle's).
    expect(decodeRequest({ ...PRESET, ...withTask('puzzles/sudoku') }, 'a').taskParams).toEqual({ budget: 19 });
  });
});

describe('benchmark form', () => {
  it('builds the default sweep', () => {
    const { spec } = buildSpec(DEFAULT_FORM);
    expect(spec.configs.length).toBe(12);
    expect(spec.samples).toBe(50);
  });

  it('skips sizes a task does not allow, and explains', () => {
    const { spec, notes } = buildSpec({ ...DEFAULT_FORM, sizes: { 'waiting-line': '3, 9' } });
    expect(spec.configs.every((c) => c.n === 3)).toBe(true);
    expect(notes.join(' ')).toMatch(/n = 9 skipped/);
  });

  it('names the bad field', () => {
    expect(() => buildSpec({ ...DEFAULT_FORM, grids: { 'topk-confidence': { k: '1, x' } } })).toThrow(/"x" is not a number/);
    expect(() => buildSpec({ ...DEFAULT_FORM, grids: { 'topk-confidence': { k: '0' } } })).toThrow(/k must be in/);
    expect(() => buildSpec({ ...DEFAULT_FORM, tasks: [] })).toThrow(/at least one task/);
  });

  it('imports our export and rejects malformed files with a message', () => {
    const record = { task: 'waiting-line/shuffle', n: 3, strategy: 'topk-random', params: { k: 2 }, samples: 10, correct: 5, score: 0.5, ci95: [0.2, 0.8], tps: 2 };
    expect(parseImport(JSON.stringify({ format: 'unmask-results', runs: [{ records: [record], created: 1 }] }), 'f.json')[0].records).toHaveLength(1);
    expect(parseImport(JSON.stringify([record]), 'f.json')[0].status).toBe('imported');
    expect(() => parseImport('{nope', 'bad.json')).toThrow(/bad.json is not JSON/);
    expect(() => parseImport(JSON.stringify([{ ...record, score: 'high' }]), 'x.json')).toThrow(/record 1: "score" must be a number/);
    expect(() => parseImport(JSON.stringify({ hello: 1 }), 'y.json')).toThrow(/expected Unmask results/);
  });
});
