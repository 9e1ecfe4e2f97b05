import { describe, expect, it } from 'vitest';
import type { BatchRequest, DecodeBackend } from '../../src/engine/backend';
import { decodeBatch, type DecodeTrace } from '../../src/engine/decode';
import { generateSample } from '../../src/engine/tasks';
import { AUTO_SLOWER_LIMIT, calibrate } from '../../src/worker/calibrate';
import * as models from '../../src/worker/models';

/**
 * The page's step-through decode with a model (issue 13 item 4): on our WGSL engine the worker's
 * decodeWithModel runs GPU-resident, with the trace read back once per chunk of steps, and gives
 * the trace of the CPU unmasking loop with the same engine's forward pass (what the page ran
 * before). A strategy without a GPU descriptor runs the CPU loop and says why.
 */
const now = <T>(f: () => Promise<T>): Promise<T> => f();
const request = (strategy: string, params: Record<string, number>, task = 'letters/copy', n = 4, temperature = 0): BatchRequest => ({
  samples: [generateSample(task, { n }, 5, 1)],
  denoiser: { kind: 'model', model: 'tiny', runtime: 'webgpu', noise: 0 },
  strategy,
  params,
  options: { seed: 11, temperature, block: 0, record: 'full' },
});

/** Exact on positions, tokens, steps and blocks; floats to 1e-4 (GPU f32 statistics vs the host's). */
function sameTrace(got: DecodeTrace, want: DecodeTrace): void {
  expect(Array.from(got.output)).toEqual(Array.from(want.output));
  expect(got.nfe).toBe(want.nfe);
  expect(Array.from(got.revealStep)).toEqual(Array.from(want.revealStep));
  expect(got.steps.length).toBe(want.steps.length);
  got.steps.forEach((g, t) => {
    const w = want.steps[t];
    const where = `step ${t}`;
    expect({ step: g.step, nfe: g.nfe, revealed: g.revealed, tokens: g.tokens, remasked: g.remasked, block: g.block }, where).toEqual({
      step: w.step,
      nfe: w.nfe,
      revealed: w.revealed,
      tokens: w.tokens,
      remasked: w.remasked,
      block: w.block,
    });
    g.probabilities.forEach((p, i) => expect(p, where).toBeCloseTo(w.probabilities[i], 4));
    expect(Array.from(g.x0 ?? []), where).toEqual(Array.from(w.x0 ?? []));
    expect(Array.from(g.candidateTokens ?? []), where).toEqual(Array.from(w.candidateTokens ?? []));
  });
}

describe("the page's model decode on our WGSL engine", () => {
  it('runs GPU-resident with the CPU loop\'s trace, no read-back per step', async () => {
    await models.loadModel('tiny', { kind: 'bundled' });
    const loop = (await models.resolveModel({ model: 'tiny', runtime: 'webgpu' })).denoiser;
    const cases = [
      request('topk-confidence', { k: 1 }),
      request('topk-confidence', { k: 2 }, 'letters/shuffle', 6),
      request('threshold', { threshold: 0.9 }, 'letters/shuffle', 6),
      request('topk-random', { k: 2 }, 'letters/shuffle', 6, 1),
    ];
    for (const r of cases) {
      const before = models.gpuResidentBatches;
      const got = await models.decodeWithModel({ model: 'tiny', runtime: 'webgpu' }, r, now);
      expect(models.gpuResidentBatches, r.strategy).toBe(before + 1);
      expect(got.run.fallback).toBeUndefined();
      const [want] = await decodeBatch(r.samples, loop, r.strategy, r.params, r.options);
      expect(want.steps.length).toBeGreaterThanOrEqual(2);
      sameTrace(got.traces[0], want);
      // The trace comes back in chunks (the first as long as the rule's expected steps), plus
      // one final read-back; never once per step.
      const { steps, readbacks } = got.run.resident!;
      expect(steps).toBe(want.nfe);
      expect(readbacks).toBeLessThanOrEqual(Math.ceil(steps / 8) + 1);
      expect(readbacks).toBeLessThan(steps);
      console.log(`${r.strategy} on ${r.samples[0].task}: ${steps} steps, ${readbacks} read-backs, identical trace`);
    }
  }, 300_000);

  it.each([
    ['apd', { r: 0.5, w: 4, m: 16 }, /apd verifies its draft with left-to-right rows, which the GPU computes for the oracle only/],
    ['wino', { tauIn: 0.6, tauOut: 0.9 }, /wino verifies with leave-one-out rows/],
  ] as const)('falls back to the CPU loop, with the reason, for what the GPU core refuses with a model: %s', async (strategy, params, reason) => {
    const r = request(strategy, { ...params });
    const before = models.gpuResidentBatches;
    const got = await models.decodeWithModel({ model: 'tiny', runtime: 'webgpu' }, r, now);
    expect(models.gpuResidentBatches).toBe(before);
    expect(got.run.fallback).toMatch(reason);
    expect(got.run.resident).toBeUndefined();
    const loop = (await models.resolveModel({ model: 'tiny', runtime: 'webgpu' })).denoiser;
    const [want] = await decodeBatch(r.samples, loop, r.strategy, r.params, r.options);
    sameTrace(got.traces[0], want);
  });
});

describe('Auto that measures, for model runtimes', () => {
  it("times each runtime that starts on the page's decode, keeps the fastest, caches it", async () => {
    await models.loadModel('tiny', { kind: 'bundled' });
    const { backends, skipped } = await models.runtimeBackends('tiny', now);
    const names = backends.map((b) => b.name);
    // Our engine and its CPU twin need nothing but this browser; ORT where its wasm loads.
    expect(names).toContain('webgpu');
    expect(names).toContain('cpu');
    expect(names.length + Object.keys(skipped).length).toBe((await models.modelInfo('tiny')).runtimes.length);
    expect(names.indexOf('cpu')).toBeLessThan(names.indexOf('webgpu'));
    let calls = 0;
    const counted: DecodeBackend[] = backends.map((b) => ({ name: b.name, decode: (r) => (calls++, b.decode(r)) }));
    const family = `letters test ${Math.random()}`;
    const probe = request('topk-confidence', { k: 2 });
    const c = await calibrate('SwiftShader test adapter', family, counted, probe, { reps: 1, model: 'tiny' });
    console.log(`model runtimes measured: ${JSON.stringify(c.times)}; skipped: ${JSON.stringify({ ...skipped, ...c.skipped })}; choice ${c.choice}`);
    expect(c).toMatchObject({ cached: false, model: 'tiny' });
    expect(Object.keys(c.times).length + Object.keys(c.skipped ?? {}).length).toBe(names.length);
    const fastest = Math.min(...Object.values(c.times));
    expect(c.times[c.choice]).toBe(fastest);
    expect(c.times[c.choice]).toBeLessThanOrEqual(AUTO_SLOWER_LIMIT * fastest);
    // A warm-up and one timed decode each; one decode where the warm-up alone took seconds more than the best.
    expect(calls).toBeGreaterThanOrEqual(names.length + 1);
    expect(calls).toBeLessThanOrEqual(2 * names.length);
    const made = calls;
    if (!c.skipped) {
      const again = await calibrate('SwiftShader test adapter', family, counted, probe, { reps: 1, model: 'tiny' });
      expect(again).toMatchObject({ cached: true, choice: c.choice, times: c.times });
      expect(calls).toBe(made);
    }
  }, 300_000);
});
