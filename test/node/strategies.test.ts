import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeBatch, type DecodeOptions, type DecodeTrace } from '../../src/engine/decode';
import { OracleDenoiser } from '../../src/engine/denoiser';
import { randomU32 } from '../../src/engine/rng';
import { allocStats } from '../../src/engine/stats';
import { STRATEGIES, getStrategy, resolveParams, strategyIds } from '../../src/engine/strategies';
import { klDivergence } from '../../src/engine/strategies/klass';
import { remdmConfSigmas, remdmSchedule, remdmUnmaskProbability } from '../../src/engine/strategies/remdm';
import type { StepView } from '../../src/engine/strategies/types';
import { generateSample } from '../../src/engine/tasks';
import { MASK_ID, VOCAB_SIZE } from '../../src/engine/vocab';
import { expectWithin3Sigma, oracleAccuracy } from './helpers';

const REMDM = ['remdm-cap', 'remdm-rescale', 'remdm-conf'];

async function oracleTraces(
  task: string,
  n: number,
  strategy: string,
  params: Record<string, number>,
  options: Partial<DecodeOptions> & { samples: number; seed?: number },
): Promise<DecodeTrace[]> {
  const seed = options.seed ?? 1;
  const samples = Array.from({ length: options.samples }, (_, i) => generateSample(task, { n }, seed, i));
  return decodeBatch(samples, new OracleDenoiser(), strategy, params, { seed, ...options });
}

/** A hand-made StepView: `rows(pos)` gives each position's probability row (max = confidence). */
function craftedView(opts: {
  step: number;
  canvas: Int32Array;
  rows: (pos: number) => Float32Array;
  seed?: number;
}): StepView {
  const L = opts.canvas.length;
  const masked: number[] = [];
  for (let p = 0; p < L; p++) if (opts.canvas[p] === MASK_ID) masked.push(p);
  const stats = allocStats(L);
  for (const p of masked) {
    const row = opts.rows(p);
    let best = 0;
    for (let v = 1; v < row.length; v++) if (row[v] > row[best]) best = v;
    stats.x0[p] = best;
    stats.confidence[p] = row[best];
    stats.pmax[p] = row[best];
    stats.confWeight[p] = row[best];
    stats.sumWeight[p] = 1;
  }
  return {
    step: opts.step,
    canvasLength: L,
    canvas: opts.canvas,
    candidates: masked,
    masked,
    stats,
    block: { start: 0, end: L, index: 0, count: 1, step: opts.step, maskedAtStart: L },
    random: (pos, purpose, sub = 0) => randomU32(opts.seed ?? 3, 0, opts.step, pos, purpose, sub),
    probabilities: opts.rows,
    truth: () => null,
  };
}

/** A row with probability `top` on token 1 and the rest on token 2. */
function twoPointRow(top: number): Float32Array {
  const row = new Float32Array(VOCAB_SIZE);
  row[1] = top;
  row[2] = 1 - top;
  return row;
}

describe('registration and parameter validation', () => {
  it('the new ids are registered with in-range defaults', () => {
    for (const id of ['klass', ...REMDM]) {
      expect(strategyIds()).toContain(id);
      const def = getStrategy(id);
      expect(def.rule.length).toBeGreaterThan(20);
      const params = resolveParams(def, {});
      for (const spec of def.params) expect(params[spec.name]).toBe(spec.default);
    }
    expect(getStrategy('klass').blocks).toBe(true);
    for (const id of REMDM) {
      expect(getStrategy(id).blocks).toBe(false);
      expect(getStrategy(id).family).toBe('remask');
    }
    expect(resolveParams(getStrategy('klass'), {})).toEqual({ confThreshold: 0.9, klThreshold: 0.01, history: 2, k: 1 });
    expect(resolveParams(getStrategy('remdm-cap'), {})).toEqual({ steps: 0, eta: 0.008 });
  });

  it('rejects out-of-range, non-integer and unknown parameters', () => {
    const klass = getStrategy('klass');
    for (const bad of [
      { confThreshold: 1.01 },
      { confThreshold: -0.1 },
      { klThreshold: 10.5 },
      { klThreshold: -1 },
      { history: 0 },
      { history: 17 },
      { history: 1.5 },
      { k: 0 },
      { k: 2.5 },
      { confThreshold: Number.NaN },
      { tau: 0.5 },
    ]) {
      expect(() => resolveParams(klass, bad), JSON.stringify(bad)).toThrow(RangeError);
    }
    expect(resolveParams(klass, { confThreshold: 1, klThreshold: 0, history: 16, k: 64 }).history).toBe(16);
    for (const id of REMDM) {
      const def = getStrategy(id);
      for (const bad of [{ eta: 1.5 }, { eta: -0.001 }, { steps: -1 }, { steps: 2.5 }, { steps: 1025 }, { k: 1 }]) {
        expect(() => resolveParams(def, bad), `${id} ${JSON.stringify(bad)}`).toThrow(RangeError);
      }
      expect(resolveParams(def, { eta: 1, steps: 1024 })).toEqual({ eta: 1, steps: 1024 });
    }
  });

  it('ReMDM refuses semi-AR blocks', async () => {
    await expect(oracleTraces('letters/copy', 8, 'remdm-cap', {}, { samples: 1, block: 4 })).rejects.toThrow(/blocks/);
  });
});

describe('KLASS', () => {
  it('KL divergence in nats, with p_prev floored', () => {
    expect(klDivergence(twoPointRow(0.3), twoPointRow(0.3))).toBe(0);
    const expected = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
    expect(klDivergence(twoPointRow(0.5), twoPointRow(0.25))).toBeCloseTo(expected, 6);
    // p_prev = 0 where p_now > 0: finite, ln(1 / 1e-30) ≈ 69.08
    expect(klDivergence(twoPointRow(1), twoPointRow(0))).toBeCloseTo(Math.log(1e30), 3);
  });

  it('crafted steps: fallback until the history is warm, then every stable confident position', () => {
    const L = 4;
    const canvas = new Int32Array(L).fill(MASK_ID);
    // pos 0, 1: steady and confident; pos 2: confident but moving; pos 3: steady, not confident.
    const rowsAt = (step: number) => (pos: number) =>
      pos === 2 ? twoPointRow(step % 2 === 0 ? 0.95 : 0.99) : twoPointRow(pos === 3 ? 0.6 : 0.95);
    for (const [H, k] of [
      [1, 1],
      [2, 1],
      [3, 2],
    ]) {
      const inst = getStrategy('klass').create(resolveParams(getStrategy('klass'), { history: H, k }), { canvasLength: L, blockLength: L });
      for (let step = 0; step <= H + 1; step++) {
        const sel = inst.select(craftedView({ step, canvas, rows: rowsAt(step) }));
        if (step < H) expect(sel.reveal, `H=${H} step ${step}`).toHaveLength(k);
        else expect(sel.reveal, `H=${H} step ${step}`).toEqual([0, 1]);
        expect(sel.remask ?? []).toEqual([]);
      }
    }
  });

  it('letters/copy n=8 with the oracle: k per step until step H, then everything', async () => {
    for (const H of [1, 2, 3, 5]) {
      const traces = await oracleTraces('letters/copy', 8, 'klass', { history: H }, { samples: 20 });
      for (const t of traces) {
        expect(t.score.ok).toBe(true);
        expect(t.nfe).toBe(H + 1);
        expect(t.steps.map((s) => s.revealed.length)).toEqual([...Array(H).fill(1), 8 - H]);
      }
    }
    // Fallback k = 2: two per step before the history is warm.
    const k2 = await oracleTraces('letters/copy', 8, 'klass', { history: 2, k: 2 }, { samples: 5 });
    for (const t of k2) expect(t.steps.map((s) => s.revealed.length)).toEqual([2, 2, 4]);
  });

  it('the history spans semi-AR blocks', async () => {
    const traces = await oracleTraces('letters/copy', 8, 'klass', { history: 2 }, { samples: 10, block: 4 });
    for (const t of traces) {
      expect(t.score.ok).toBe(true);
      // steps 0, 1 fallback in block 0; step 2 the rest of block 0; step 3 all of block 1.
      expect(t.steps.map((s) => s.revealed.length)).toEqual([1, 1, 2, 4]);
    }
  });

  it('letters/shuffle: parallel steps carry no dependence, and k = 1 is exact', async () => {
    for (const temperature of [0, 1]) {
      for (const H of [1, 2]) {
        const traces = await oracleTraces('letters/shuffle', 6, 'klass', { history: H, confThreshold: 0.6 }, {
          samples: 200,
          temperature,
          theory: true,
          seed: 7,
        });
        for (const t of traces) {
          expect(t.score.ok).toBe(true);
          for (const s of t.steps) {
            if (s.step < H) expect(s.revealed).toHaveLength(1);
            expect(s.theory!.totalCorrelation).toBeLessThan(1e-9);
          }
        }
      }
    }
    expect(await oracleAccuracy('letters/shuffle', { n: 8 }, 'klass', {}, { samples: 300, temperature: 1 })).toBe(1);
  });

  it('letters/replace-random n=6: exact when τ_c ≥ 5/6, dependent parallel steps below it', async () => {
    // Marginals (n-1)/n, (n-2)/(n-1), … drift by KL < 0.01 per reveal, so they count as stable.
    const safe = await oracleTraces('letters/replace-random', 6, 'klass', { confThreshold: 0.84 }, { samples: 200, temperature: 1, theory: true });
    for (const t of safe) {
      expect(t.score.ok).toBe(true);
      for (const s of t.steps) expect(s.theory!.totalCorrelation).toBeLessThan(1e-9);
    }
    const loose = await oracleTraces('letters/replace-random', 6, 'klass', { confThreshold: 0.7 }, { samples: 100, temperature: 0, theory: true });
    for (const t of loose) {
      // Greedy keeps every original letter once the stable positions are revealed together.
      expect(t.score.ok).toBe(false);
      const dependent = t.steps.filter((s) => s.theory!.totalCorrelation > 1e-9);
      expect(dependent.length).toBeGreaterThan(0);
      for (const s of dependent) {
        expect(s.step).toBeGreaterThanOrEqual(2); // not before the history (H = 2) is warm
        expect(s.revealed.length).toBeGreaterThan(1); // never the k = 1 fallback
      }
    }
  });

  it('a large fallback k on a shuffle is as lossy as top-k', async () => {
    // With τ_c = 1 nothing ever qualifies (strict), so KLASS is exactly top-k by confidence.
    const a = await oracleTraces('letters/shuffle', 6, 'klass', { confThreshold: 1, k: 3 }, { samples: 50, temperature: 1 });
    const b = await oracleTraces('letters/shuffle', 6, 'topk-confidence', { k: 3 }, { samples: 50, temperature: 1 });
    expect(a.map((t) => Array.from(t.output))).toEqual(b.map((t) => Array.from(t.output)));
  });
});

describe('ReMDM schedule arithmetic', () => {
  it('linear schedule, σ_max and the unmasking probability', () => {
    const s = remdmSchedule(2, 4);
    expect(s.alphaT).toBe(0.5);
    expect(s.alphaS).toBe(0.75);
    expect(s.sigmaMax).toBe(0.5);
    expect(remdmSchedule(0, 4)).toEqual({ alphaT: 0, alphaS: 0.25, sigmaMax: 1 });
    expect(remdmSchedule(1, 4).sigmaMax).toBe(1); // (1 - 0.5)/0.25 = 2, capped
    // σ = 0: MDLM's 1 / (steps - i)
    for (let i = 0; i < 10; i++) {
      const { alphaT, alphaS } = remdmSchedule(i, 10);
      expect(remdmUnmaskProbability(alphaT, alphaS, 0)).toBeCloseTo(1 / (10 - i), 6);
    }
    expect(remdmUnmaskProbability(0.5, 0.75, 0.5)).toBe(1);
    expect(remdmUnmaskProbability(0.5, 0.75, 0.25)).toBe(0.75);
  });

  it('conf σ_i: mean equals the cap σ, lower confidence at reveal is remasked more, clamped to 1', () => {
    const sig = remdmConfSigmas([0.9, 0.5, 0.2, 0.99], 0.1);
    expect(sig.reduce((a, b) => a + b, 0) / sig.length).toBeCloseTo(0.1, 6);
    expect(sig[2]).toBeGreaterThan(sig[1]);
    expect(sig[1]).toBeGreaterThan(sig[0]);
    expect(sig[0]).toBeGreaterThan(sig[3]);
    expect(remdmConfSigmas([0.9, 0.9, 0.9], 0.3).every((x) => Math.abs(x - 0.3) < 1e-7)).toBe(true);
    expect(Math.max(...remdmConfSigmas([0, 1, 1, 1, 1, 1, 1, 1], 0.9))).toBe(1);
    expect(remdmConfSigmas([], 0.5)).toEqual([]);
  });

  it('crafted step: remask and reveal frequencies match σ and the unmasking probability', () => {
    const L = 4000;
    const canvas = new Int32Array(L).fill(MASK_ID);
    for (let p = 0; p < L; p += 2) canvas[p] = 1; // half revealed
    const rows = () => twoPointRow(0.9);
    // steps = 4, step 2: α_t = 0.5, α_s = 0.75, σ_max = 0.5
    for (const [id, eta, sigma] of [
      ['remdm-cap', 0.2, 0.2],
      ['remdm-cap', 0.8, 0.5],
      ['remdm-rescale', 0.8, 0.4],
      ['remdm-rescale', 0, 0],
    ] as const) {
      const def = getStrategy(id);
      const inst = def.create(resolveParams(def, { steps: 4, eta }), { canvasLength: L, blockLength: L });
      const sel = inst.select(craftedView({ step: 2, canvas, rows, seed: 17 }));
      const remask = sel.remask ?? [];
      expect(remask.every((p) => canvas[p] !== MASK_ID)).toBe(true);
      expect(sel.reveal.every((p) => canvas[p] === MASK_ID)).toBe(true);
      expectWithin3Sigma(remask.length / (L / 2), sigma, L / 2);
      expectWithin3Sigma(sel.reveal.length / (L / 2), remdmUnmaskProbability(0.5, 0.75, sigma), L / 2);
    }
    // The last step reveals every masked position and remasks nothing.
    const def = getStrategy('remdm-cap');
    const inst = def.create(resolveParams(def, { steps: 4, eta: 1 }), { canvasLength: L, blockLength: L });
    const last = inst.select(craftedView({ step: 3, canvas, rows }));
    expect(last.reveal).toHaveLength(L / 2);
    expect(last.remask ?? []).toEqual([]);
  });
});

describe('ReMDM decodes with the oracle', () => {
  it('NFE equals the step budget exactly and outputs have no mask', async () => {
    for (const id of REMDM) {
      for (const [task, n, steps] of [
        ['letters/copy', 8, 0],
        ['letters/copy', 8, 3],
        ['letters/shuffle', 6, 20],
        ['letters/shuffle', 5, 1],
      ] as const) {
        const traces = await oracleTraces(task, n, id, { steps, eta: 0.3 }, { samples: 30, temperature: 1 });
        const expected = steps > 0 ? steps : n;
        for (const t of traces) {
          expect(t.nfe).toBe(expected);
          expect(t.steps).toHaveLength(expected);
          expect(t.output.includes(MASK_ID)).toBe(false);
          expect(t.revealStep.every((s) => s >= 0)).toBe(true);
          for (const s of t.steps) {
            expect(s.block[0]).toBe(0);
            expect(s.block[1]).toBe(t.canvasLength);
          }
          expect(t.steps[expected - 1].remasked).toEqual([]);
        }
      }
    }
  });

  it('η = 0 never remasks, and then the three variants coincide', async () => {
    const runs = await Promise.all(
      REMDM.map((id) => oracleTraces('letters/shuffle', 6, id, { eta: 0, steps: 10 }, { samples: 200, temperature: 1, seed: 4 })),
    );
    for (const traces of runs) for (const t of traces) for (const s of t.steps) expect(s.remasked).toEqual([]);
    const key = (ts: DecodeTrace[]) => ts.map((t) => t.steps.map((s) => s.revealed.join(',')).join('|'));
    expect(key(runs[1])).toEqual(key(runs[0]));
    expect(key(runs[2])).toEqual(key(runs[0]));
  });

  it('η > 0 remasks some revealed positions, never one revealed in the same step', async () => {
    for (const id of REMDM) {
      for (const eta of [0.008, 0.3]) {
        const traces = await oracleTraces('letters/shuffle', 6, id, { eta, steps: 24 }, { samples: 200, temperature: 1, seed: 2, record: 'full', theory: false });
        let remasked = 0;
        for (const t of traces) {
          for (const s of t.steps) {
            remasked += s.remasked.length;
            for (const p of s.remasked) {
              expect(s.canvasBefore![p]).not.toBe(MASK_ID);
              expect(s.revealed).not.toContain(p);
            }
            for (const p of s.revealed) expect(s.canvasBefore![p]).toBe(MASK_ID);
          }
        }
        expect(remasked, `${id} η=${eta}`).toBeGreaterThan(0);
      }
    }
  });

  it('letters/copy is exact for every variant (deterministic task)', async () => {
    for (const id of REMDM) {
      for (const eta of [0.008, 0.5, 1]) {
        for (const temperature of [0, 1]) {
          expect(await oracleAccuracy('letters/copy', { n: 8 }, id, { eta }, { samples: 50, temperature }), `${id} η=${eta} T=${temperature}`).toBe(1);
        }
      }
    }
  });

  it('same seed gives identical traces, another seed different ones', async () => {
    const strip = (ts: DecodeTrace[]) =>
      ts.map((t) => ({ output: Array.from(t.output), steps: t.steps.map((s) => [s.revealed, s.tokens, s.remasked]) }));
    for (const id of [...REMDM, 'klass']) {
      const params: Record<string, number> = id === 'klass' ? { confThreshold: 0.6 } : { eta: 0.3, steps: 12 };
      const a = await oracleTraces('letters/shuffle', 6, id, params, { samples: 40, temperature: 1, seed: 21 });
      const b = await oracleTraces('letters/shuffle', 6, id, params, { samples: 40, temperature: 1, seed: 21 });
      const c = await oracleTraces('letters/shuffle', 6, id, params, { samples: 40, temperature: 1, seed: 22 });
      expect(strip(b)).toEqual(strip(a));
      expect(strip(c)).not.toEqual(strip(a));
    }
  });
});

describe('GPU descriptors (checked without a GPU; the browser tests run them)', () => {
  const dir = fileURLToPath(new URL('../../shaders/strategies/', import.meta.url));
  const files = new Set(readdirSync(dir).filter((f) => f.endsWith('.wgsl')).map((f) => f.replace(/\.wgsl$/, '')));
  const ctx = { batch: 3, canvasLength: 10, blockLength: 10, blockCount: 1, totalMembers: 7 };

  it('every descriptor names an existing WGSL file that defines both hooks and declares no bindings by hand', () => {
    for (const s of STRATEGIES.filter((d) => d.gpu)) {
      const gpu = s.gpu!;
      expect(files.has(gpu.shader), `${s.id}: shaders/strategies/${gpu.shader}.wgsl`).toBe(true);
      const src = readFileSync(`${dir}${gpu.shader}.wgsl`, 'utf8');
      expect(src, s.id).toMatch(/fn strategy_score\s*\(/);
      expect(src, s.id).toMatch(/fn strategy_rule\s*\(/);
      for (const name of [gpu.shader, ...(gpu.prepass ? [gpu.prepass.shader] : [])]) {
        expect(files.has(name), `${s.id}: ${name}.wgsl`).toBe(true);
        expect(readFileSync(`${dir}${name}.wgsl`, 'utf8'), name).not.toMatch(/@binding\s*\(/);
      }
      for (const [name] of Object.entries(gpu.constants ?? {})) expect(src, `${s.id}: override ${name}`).toMatch(new RegExp(`override ${name}\\b`));
    }
  });

  it('no orphan WGSL file: each one belongs to some strategy', () => {
    const used = new Set(STRATEGIES.flatMap((s) => (s.gpu ? [s.gpu.shader, ...(s.gpu.prepass ? [s.gpu.prepass.shader] : [])] : [])));
    expect([...files].filter((f) => !used.has(f))).toEqual([]);
  });

  it('uniform values cover exactly the declared fields; schedules have two numbers per step', () => {
    for (const s of STRATEGIES.filter((d) => d.gpu)) {
      const gpu = s.gpu!;
      const params = resolveParams(s, s.params.some((p) => p.name === 'steps') ? { steps: 5 } : {});
      if (gpu.uniforms) {
        const values = gpu.uniformValues!(params, ctx);
        expect(Object.keys(values).sort(), s.id).toEqual(gpu.uniforms.map(([n]) => n).sort());
        for (const v of Object.values(values)) expect(Number.isFinite(v), s.id).toBe(true);
      } else {
        expect(gpu.uniformValues, s.id).toBeUndefined();
      }
      if (gpu.schedule) {
        const sched = gpu.schedule(params, ctx);
        expect(sched.steps, s.id).toBe(5);
        expect(sched.table.length, s.id).toBe(2 * sched.steps);
      }
    }
  });
});

describe('PC-sampler background table', () => {
  it('is one per task parameters: a longer canvas budget gives more [EOS] in it', async () => {
    const { taskTokenFrequencies } = await import('../../src/engine/strategies/pc-sampler');
    const { EOS_ID } = await import('../../src/engine/vocab');
    const compact = taskTokenFrequencies(generateSample('waiting-line/shuffle', { n: 3 }, 1, 0));
    const padded = taskTokenFrequencies(generateSample('waiting-line/shuffle', { n: 3, budget: 64 }, 1, 0));
    expect(padded[EOS_ID]).toBeGreaterThan(compact[EOS_ID] + 0.1);
  });
});
