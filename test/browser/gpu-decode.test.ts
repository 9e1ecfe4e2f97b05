import { describe, expect } from 'vitest';
import { cpuBackend, type BatchRequest } from '../../src/engine/backend';
import { STRATEGIES, getStrategy, gpuStrategies } from '../../src/engine/strategies';
import { generateSample } from '../../src/engine/tasks';
import { createWebgpuBackend } from '../../src/gpu/backend';
import { GpuDecoder, type GpuLogitsModel } from '../../src/gpu/decoder';
import { GpuUnsupportedError } from '../../src/gpu/errors';
import { expectSameDecodes, gpuTest, sharedDevice } from './gpu-fixture';

/**
 * Full decodes on the GPU against the CPU engine (the spec): same tokens, NFE, reveal steps and
 * task scores for the same seed, for every task family and every GPU strategy, small sizes.
 * The strategies come from the module table: every strategy whose module has a GPU descriptor
 * is tested (oracle-only ones where they apply), with the parameters below or its defaults.
 */
const GPU_IDS = gpuStrategies().filter((s) => !s.oracleOnly).map((s) => s.id);
const FAMILIES: [string, number | undefined][] = [
  ['letters/shuffle', 5],          // closed-form permutation oracle
  ['letters/replace-random', 4],
  ['waiting-line/insert-random', 3],
  ['puzzles/latin-square', undefined],
  ['text/w2s-easy', undefined],
  ['dial', undefined],
];

/** Issue 10's strategies that still run on the CPU engine only (their modules declare no GPU descriptor). */
const CPU_ONLY: string[] = [];

const STRATEGY_PARAMS: Record<string, Record<string, number>> = {
  'topk-random': { k: 2 },
  'topk-confidence': { k: 2 },
  'topk-margin': { k: 3 },
  'topk-entropy': { k: 2 },
  'topk-l2r': { k: 2 },
  threshold: { threshold: 0.6 },
  factor: { factor: 1.3 },
  eb: { gamma: 0.5 },
  'dream-origin': { steps: 4 },
  'dream-confidence': { steps: 3 },
  'dream-margin': { steps: 4, algTemp: 0.5 },
  'dream-entropy': { steps: 3 },
  'maskgit-cosine': { steps: 4 },
  klass: { confThreshold: 0.5, klThreshold: 0.01, history: 1 },
  'remdm-cap': { steps: 6, eta: 0.3 },
  'remdm-rescale': { steps: 6, eta: 0.3 },
  'remdm-conf': { steps: 6, eta: 0.3 },
  'dinfer-hierarchy': { threshold: 0.6, thresholdLow: 0.2 },
  dus: { base: 2 },
  prophet: { steps: 4, gapEarly: 12, gapMid: 8, gapLate: 1 },
  'pc-sampler': { k: 2, lambda: 0.5, alpha: 3 },
  apd: { r: 0.5, m: 4 },
};

function request(task: string, n: number | undefined, strategy: string, extra: Partial<BatchRequest['options']> = {}, noise = 0, count = 4): BatchRequest {
  const seed = 11;
  return {
    samples: Array.from({ length: count }, (_, i) => generateSample(task, n === undefined ? {} : { n }, seed, i)),
    denoiser: { kind: 'oracle', noise },
    strategy,
    params: STRATEGY_PARAMS[strategy] ?? {},
    options: { seed, record: 'summary', theory: extra.record === 'full', ...extra },
  };
}

describe('GPU decode = CPU decode', () => {
  const backend = createWebgpuBackend({ allowCpuFallback: false });

  gpuTest('the strategies without a GPU descriptor are exactly the CPU-only ones below; one without runs on the CPU and the GPU says so', async () => {
    expect(STRATEGIES.filter((s) => !s.gpu).map((s) => s.id).sort()).toEqual([...CPU_ONLY].sort());
    for (const id of CPU_ONLY) {
      const r = { ...request('letters/shuffle', 5, id), params: {} };
      await expect(backend.decode(r), id).rejects.toThrow(new RegExp(`${id} has no GPU kernel`));
    }
    const def = getStrategy('eb');
    const saved = def.gpu;
    delete def.gpu;
    try {
      const r = request('letters/shuffle', 5, 'eb');
      await expect(backend.decode(r)).rejects.toThrow(GpuUnsupportedError);
      await expect(backend.decode(r)).rejects.toThrow(/eb has no GPU kernel/);
      const withFallback = createWebgpuBackend();
      expectSameDecodes(await withFallback.decode(r), await cpuBackend.decode(r), 'eb on the CPU');
      expect(withFallback.fallbacks).toBe(1);
      await withFallback.dispose();
    } finally {
      def.gpu = saved;
    }
  });

  gpuTest('the frontier strategies without a GPU kernel yet fall back to the CPU engine with identical results', async () => {
    const withFallback = createWebgpuBackend();
    for (const id of CPU_ONLY) {
      const r = { ...request('letters/shuffle', 4, 'topk-random'), strategy: id, params: {} };
      expectSameDecodes(await withFallback.decode(r), await cpuBackend.decode(r), id);
    }
    expect(withFallback.fallbacks).toBe(CPU_ONLY.length);
    await withFallback.dispose();
  });

  gpuTest('tc-bound runs on the GPU (strategies/tc_bound_count.wgsl), no CPU fallback, with identical results', async () => {
    // A backend that may fall back, to show that it does not (gpu-tcbound.test.ts tests more).
    const withFallback = createWebgpuBackend();
    for (const [task, n, epsilon] of [['letters/shuffle', 5, 0.5], ['puzzles/latin-square', undefined, 0.01]] as const) {
      for (const record of ['summary', 'full'] as const) {
        const r = { ...request(task, n, 'topk-random', { record }), strategy: 'tc-bound', params: { epsilon } };
        expectSameDecodes(await withFallback.decode(r), await cpuBackend.decode(r), `tc-bound ${task} ${record}`);
      }
    }
    expect(withFallback.fallbacks).toBe(0);
    await withFallback.dispose();
  });

  for (const [task, n] of FAMILIES) {
    gpuTest(`${task}: every strategy, greedy`, async () => {
      for (const strategy of GPU_IDS) {
        const r = request(task, n, strategy);
        expectSameDecodes(await backend.decode(r), await cpuBackend.decode(r), `${task} ${strategy}`);
      }
    });
  }

  for (const [task, n] of [FAMILIES[0], FAMILIES[4]]) {
    gpuTest(`${task}: every strategy, Gumbel sampling at temperature 1`, async () => {
      for (const strategy of GPU_IDS) {
        const r = request(task, n, strategy, { temperature: 1 });
        expectSameDecodes(await backend.decode(r), await cpuBackend.decode(r), `${task} ${strategy} T=1`);
      }
    });
  }

  gpuTest('semi-AR blocks for every strategy that uses them', async () => {
    const blockStrategies = gpuStrategies().filter((s) => s.blocks && !s.oracleOnly).map((s) => s.id);
    for (const [task, n, block] of [['waiting-line/shuffle', 3, 8], ['puzzles/latin-square', undefined, 5], ['letters/shuffle', 7, 3]] as const) {
      for (const strategy of blockStrategies) {
        const r = request(task, n, strategy, { block });
        expectSameDecodes(await backend.decode(r), await cpuBackend.decode(r), `${task} ${strategy} block ${block}`);
      }
      // LLaDA's step budget spread over the blocks.
      const r = { ...request(task, n, 'topk-confidence', { block }), params: { steps: 6 } };
      expectSameDecodes(await backend.decode(r), await cpuBackend.decode(r), `${task} steps=6 block ${block}`);
    }
  });

  gpuTest("the paper's budgets: 64-token canvases (text/summarize, sudoku) decode the same", async () => {
    for (const task of ['text/summarize', 'puzzles/sudoku']) {
      for (const strategy of ['topk-random', 'topk-confidence', 'threshold']) {
        const base = request(task, undefined, strategy, { temperature: 1, record: 'full' });
        const r = { ...base, samples: base.samples.map((_, i) => generateSample(task, { budget: 64 }, 11, i)) };
        expect(r.samples[0].canvasLength).toBe(64);
        expectSameDecodes(await backend.decode(r), await cpuBackend.decode(r), `${task} budget 64 ${strategy}`);
      }
    }
  });

  gpuTest('oracle + noise (logit rows): same decodes', async () => {
    for (const [task, n] of [FAMILIES[0], FAMILIES[3], FAMILIES[5]]) {
      for (const strategy of ['topk-confidence', 'threshold', 'eb', 'dream-entropy', 'maskgit-cosine', 'klass', 'remdm-conf', 'wino', 'joint-threshold', 'apd']) {
        const r = request(task, n, strategy, { temperature: strategy === 'eb' ? 0.7 : 0 }, 0.5);
        expectSameDecodes(await backend.decode(r), await cpuBackend.decode(r), `${task} ${strategy} noise 0.5`);
      }
    }
  });

  gpuTest("APD: R < 1 (the oracle's verifier rows on the GPU) and R = 1, greedy and sampled, permutation and support oracles, step by step", async () => {
    let rejected = 0;
    let extraRows = 0;
    for (const [task, n] of [['letters/shuffle', 6], ['waiting-line/replace-random', 3], ['puzzles/latin-square', undefined], ['text/w2s-easy', undefined]] as const) {
      for (const r of [0, 0.5, 0.9, 1]) {
        for (const temperature of [0, 1]) {
          const base = request(task, n, 'apd', { temperature, record: r === 0.5 ? 'full' : 'summary' }, 0, 3);
          const req = { ...base, params: { r, m: 5 } };
          const cpu = await cpuBackend.decode(req);
          const gpu = await backend.decode(req);
          expectSameDecodes(gpu, cpu, `${task} apd R=${r} T=${temperature}`, { steps: req.options.record === 'full' });
          // Summary traces carry the verifier rows per step too (the sweep's extraRows).
          gpu.forEach((g, i) => expect(g.steps.map((st) => st.extraRows), `${task} R=${r} T=${temperature} rows`).toEqual(cpu[i].steps.map((st) => st.extraRows)));
          for (const t of cpu) {
            for (const st of t.steps) {
              const masked = t.canvasLength - t.steps.filter((o) => o.step < st.step).reduce((a, o) => a + o.revealed.length, 0);
              if (st.revealed.length < Math.min(5, masked)) rejected++;
              extraRows += st.extraRows ?? 0;
            }
          }
        }
      }
    }
    // The verifier did reject drafts and rows were counted, so the parity above covers both.
    expect(rejected).toBeGreaterThan(0);
    expect(extraRows).toBeGreaterThan(0);
  });

  gpuTest('APD with oracle noise (noisy verifier rows) decodes as the CPU engine, step for step; with a model and R < 1 the GPU plan refuses it with the reason', async () => {
    const withFallback = createWebgpuBackend();
    let rejected = 0;
    for (const [task, n] of [['letters/shuffle', 5], ['puzzles/latin-square', undefined], ['waiting-line/replace-random', 3]] as const) {
      for (const temperature of [0, 1]) {
        const req = { ...request(task, n, 'apd', { temperature }, 0.5, 3), params: { r: 0.5, m: 4 } };
        const cpu = await cpuBackend.decode(req);
        const gpu = await withFallback.decode(req);
        // Tokens, NFE and each step's reveals and rows (noisy floats agree within a few ulp, as every noisy decode).
        expectSameDecodes(gpu, cpu, `${task} apd noise 0.5 T=${temperature}`);
        gpu.forEach((g, i) => {
          expect(g.steps.map((st) => st.revealed), `${task} T=${temperature} reveals`).toEqual(cpu[i].steps.map((st) => st.revealed));
          expect(g.steps.map((st) => st.extraRows), `${task} T=${temperature} rows`).toEqual(cpu[i].steps.map((st) => st.extraRows));
        });
        for (const t of cpu) for (const st of t.steps) if (st.extraRows! > 0 && st.revealed.length <= st.extraRows!) rejected++;
      }
    }
    expect(withFallback.fallbacks).toBe(0);
    expect(rejected).toBeGreaterThan(0);
    await withFallback.dispose();
    const dec = new GpuDecoder((await sharedDevice())!.device);
    const model: GpuLogitsModel = { id: 'model:test', gpuForward: () => ({ encode: () => {}, dispose: () => {} }) };
    const req = { ...request('letters/shuffle', 4, 'apd'), params: { r: 0.5, m: 4 } };
    expect(() => dec.plan(req, model)).toThrow(/apd verifies its draft with left-to-right rows, which the GPU computes for the oracle only/);
    expect(() => dec.plan({ ...req, params: { r: 1, m: 4 } }, model)).not.toThrow();
    dec.destroy();
  });

  gpuTest('step-through traces (record full) match step by step, theory included', async () => {
    const changed: Record<string, number> = {};
    for (const [task, n, strategy] of [
      ['letters/shuffle', 5, 'threshold'],
      ['text/w2s-easy', undefined, 'topk-entropy'],
      ['puzzles/latin-square', undefined, 'remdm-cap'],
      ['dial', undefined, 'dream-origin'],
      // Leave-one-out verification: checked positions, their probabilities, remasks and edits.
      ['puzzles/latin-square', undefined, 'wino'],
      ['letters/shuffle', 5, 'wino'],
      ['letters/replace-random', 4, 'joint-threshold'],
      ['text/w2s-easy', undefined, 'joint-threshold'],
      // The frontier's schedules: DUS's dilated rounds, PC-sampler's position-aware scores,
      // Prophet's early commit, dInfer's low-threshold fallback.
      ['waiting-line/shuffle', 3, 'dus'],
      ['letters/shuffle', 5, 'pc-sampler'],
      ['text/w2s-easy', undefined, 'prophet'],
      ['puzzles/latin-square', undefined, 'dinfer-hierarchy'],
    ] as const) {
      const r = request(task, n, strategy, { record: 'full' }, 0, 2);
      const gpu = await backend.decode(r);
      expectSameDecodes(gpu, await cpuBackend.decode(r), `${task} ${strategy} full`, { steps: true });
      for (const t of gpu) for (const s of t.steps) changed[strategy] = (changed[strategy] ?? 0) + s.remasked.length + (s.edited?.length ?? 0);
    }
    // The verifying strategies did remask or edit here (so the parity above covers it).
    expect(changed.wino).toBeGreaterThan(0);
    expect(changed['joint-threshold']).toBeGreaterThan(0);
  });
});
