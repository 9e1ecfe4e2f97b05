import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../../src/engine/backend';
import { isPartialOf, runSweep, type PartialConfig, type SweepRecord, type SweepSpec, emptyTotals } from '../../src/engine/sweep';

/** Cancel keeps every finished sample; resuming from them gives exactly the uninterrupted records. */
const spec: SweepSpec = {
  configs: [
    { task: 'waiting-line/shuffle', n: 3, strategy: 'topk-random', params: { k: 4 }, temperature: 0, block: 0, noise: 0 },
    { task: 'letters/shuffle', n: 4, strategy: 'topk-confidence', params: { k: 2 }, temperature: 1, block: 0, noise: 0.5 },
  ],
  samples: 40,
  seed: 7,
  batchSize: 8,
};

const timeless = (r: SweepRecord) => ({ ...r, seconds: 0 });

async function all(it: AsyncGenerator<SweepRecord>): Promise<SweepRecord[]> {
  const out: SweepRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
}

/** Runs until `stopAfter` partial reports, then cancels; returns what a page would have stored. */
async function cancelled(stopAfter: number, skip = 0, partial?: PartialConfig): Promise<{ records: SweepRecord[]; partial?: PartialConfig }> {
  const ac = new AbortController();
  const records: SweepRecord[] = [];
  let last: PartialConfig | undefined = partial;
  let seen = 0;
  try {
    for await (const r of runSweep(spec, cpuBackend, {
      signal: ac.signal,
      skip,
      partial,
      onPartial: (p) => {
        last = p;
        if (++seen >= stopAfter) ac.abort();
      },
    })) {
      records.push(r);
      last = undefined;
    }
  } catch (e) {
    if (!ac.signal.aborted) throw e;
  }
  return { records, partial: last };
}

describe('resumable sweeps', () => {
  it('a sweep cancelled mid-configuration and resumed equals an uninterrupted one', async () => {
    const whole = (await all(runSweep(spec, cpuBackend))).map(timeless);
    // Scores are neither 0 nor 1, so a resume that reused or skipped seeds would change them.
    expect(whole[0].correct).toBeGreaterThan(0);
    expect(whole[0].correct).toBeLessThan(spec.samples);
    for (const stopAfter of [1, 3, 5]) {
      const first = await cancelled(stopAfter);
      expect(first.records).toHaveLength(stopAfter <= 4 ? 0 : 1);
      expect(first.partial).toBeDefined();
      expect(isPartialOf(first.partial, first.records.length, spec.samples)).toBe(true);
      // Cancel twice (the resume is cut again) before finishing: the sums carry over each time.
      const second = await cancelled(1, first.records.length, first.partial);
      const rest = await all(runSweep(spec, cpuBackend, { skip: first.records.length + second.records.length, partial: second.partial }));
      expect([...first.records, ...second.records, ...rest].map(timeless)).toEqual(whole);
    }
  });

  it('partials held back by partialEveryMs: not one per batch, and the newest still comes when the sweep is cancelled', async () => {
    const whole = (await all(runSweep(spec, cpuBackend))).map(timeless);
    const ac = new AbortController();
    const partials: PartialConfig[] = [];
    let batches = 0;
    const counting = { name: cpuBackend.name, decode: (r: Parameters<typeof cpuBackend.decode>[0]) => {
      // Cancel during config 1's third batch (config 0 takes five); that batch still finishes.
      if (++batches === 5 + 3) ac.abort();
      return cpuBackend.decode(r);
    } };
    const records: SweepRecord[] = [];
    await expect((async () => {
      for await (const r of runSweep(spec, counting, { signal: ac.signal, onPartial: (p) => partials.push(p), partialEveryMs: 1e9 })) records.push(r);
    })()).rejects.toThrow();
    expect(records).toHaveLength(1);
    // Each config's first partial; then config 0's are held and dropped when its record comes,
    // and config 1's newest (24 of 40 samples) is reported at the cancel.
    expect(partials.map((p) => [p.configIndex, p.done])).toEqual([[0, 8], [1, 8], [1, 24]]);
    const last = partials.at(-1)!;
    expect(isPartialOf(last, 1, spec.samples)).toBe(true);
    const rest = await all(runSweep(spec, cpuBackend, { skip: 1, partial: last }));
    expect([...records, ...rest].map(timeless)).toEqual(whole);
  });

  it('ignores a partial that does not belong to the configuration it resumes', async () => {
    const whole = (await all(runSweep(spec, cpuBackend))).map(timeless);
    const totals = emptyTotals();
    const ones = Array.from({ length: 16 }, () => 1);
    Object.assign(totals, { correct: 16, nfe: 16, canvasLength: 1, perSample: { correct: [...ones], nfe: [...ones] }, tau: [...ones], tauNoPad: [...ones] });
    const wrong: PartialConfig = { configIndex: 1, done: 16, totals, seconds: 0 };
    expect(isPartialOf(wrong, 0, spec.samples)).toBe(false);
    expect(isPartialOf({ ...wrong, configIndex: 0 }, 0, spec.samples)).toBe(true);
    expect(isPartialOf({ ...wrong, configIndex: 0, done: 40 }, 0, spec.samples)).toBe(false);
    expect(isPartialOf({ ...wrong, configIndex: 0, totals: { ...totals, correct: 17 } }, 0, spec.samples)).toBe(false);
    const got = (await all(runSweep(spec, cpuBackend, { partial: wrong }))).map(timeless);
    expect(got).toEqual(whole);
  });
});
