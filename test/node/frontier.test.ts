import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBatch, type DecodeOptions, type DecodeTrace } from '../../src/engine/decode';
import { OracleDenoiser, type Denoiser } from '../../src/engine/denoiser';
import { SupportDistribution, leaveOneOut, leaveOneOutCanvas } from '../../src/engine/distribution';
import { rowProbabilities } from '../../src/engine/stats';
import { getStrategy } from '../../src/engine/strategies';
import { dusRounds, dusStride } from '../../src/engine/strategies/dus';
import { rcrRevealed } from '../../src/engine/strategies/rcr';
import { generateSample } from '../../src/engine/tasks';
import { MASK_ID, VOCAB_SIZE } from '../../src/engine/vocab';
import { denoiserFor, loadModelFromBytes } from '../../src/model/load';
import type { ModelDenoiser } from '../../src/model/denoiser';
import { frameView } from '../../src/ui/traceView';

// The field's frontier (issue 10): the leave-one-out verifier and the nine strategies that
// verify, edit, draft or schedule beyond the classic rules.

const FRONTIER = ['wino', 'apd', 'dus', 'rcr', 'dinfer-hierarchy', 'joint-threshold', 'slowfast', 'pc-sampler', 'prophet'];

/** One task per family, at a small size (0 = the task's fixed size; the tiny model's canvas holds 32 positions). */
const FAMILY_TASKS: [string, number][] = [
  ['letters/shuffle', 5],
  ['waiting-line/replace-random', 4],
  ['puzzles/latin-square', 0],
  ['text/w2s-easy', 0],
  ['dial', 0],
];

async function traces(
  task: string,
  n: number,
  strategy: string,
  params: Record<string, number>,
  options: Partial<DecodeOptions> & { samples: number; seed?: number; denoiser?: Denoiser },
): Promise<DecodeTrace[]> {
  const seed = options.seed ?? 1;
  const samples = Array.from({ length: options.samples }, (_, i) => generateSample(task, n > 0 ? { n } : {}, seed, i));
  return decodeBatch(samples, options.denoiser ?? new OracleDenoiser(), strategy, params, { seed, ...options });
}

/** A tiny seeded generator for test inputs. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) >>> 8) / 2 ** 24;
}

/** p(x_i | every other revealed token) by listing the members that agree with them. */
function bruteForceLoo(members: number[][], weights: number[], canvas: Int32Array, i: number): Map<number, number> {
  const out = new Map<number, number>();
  let total = 0;
  members.forEach((m, s) => {
    for (let j = 0; j < canvas.length; j++) if (j !== i && canvas[j] !== MASK_ID && canvas[j] !== m[j]) return;
    out.set(m[i], (out.get(m[i]) ?? 0) + weights[s]);
    total += weights[s];
  });
  for (const [t, w] of out) out.set(t, w / total);
  return out;
}

describe('leave-one-out verification (oracle)', () => {
  it('equals a brute-force enumeration on small random supports and sums to 1', () => {
    const rnd = lcg(7);
    let checked = 0;
    for (let trial = 0; trial < 60; trial++) {
      const L = 2 + Math.floor(rnd() * 4);
      const tokens = 2 + Math.floor(rnd() * 3);
      const size = 1 + Math.floor(rnd() * 12);
      const keys = new Set<string>();
      const members: number[][] = [];
      const weights: number[] = [];
      for (let k = 0; k < size * 3 && members.length < size; k++) {
        const m = Array.from({ length: L }, () => 10 + Math.floor(rnd() * tokens));
        if (keys.has(m.join())) continue;
        keys.add(m.join());
        members.push(m);
        weights.push(1 + Math.floor(rnd() * 5));
      }
      const dist = new SupportDistribution(L, members, weights);
      // A canvas taken from one member (so the rest is consistent), some positions masked.
      const from = members[Math.floor(rnd() * members.length)];
      const canvas = Int32Array.from(from, (t) => (rnd() < 0.3 ? MASK_ID : t));
      const denoiser = new OracleDenoiser();
      for (let i = 0; i < L; i++) {
        if (canvas[i] === MASK_ID) continue;
        const exact = leaveOneOut(dist, canvas, i);
        const brute = bruteForceLoo(members, weights, canvas, i);
        let sum = 0;
        for (let v = 0; v < VOCAB_SIZE; v++) {
          sum += exact[v];
          expect(exact[v]).toBeCloseTo(brute.get(v) ?? 0, 12);
        }
        expect(sum).toBeCloseTo(1, 12);
        // The decode path: the oracle's forward on the leave-one-out row gives the same row.
        const sample = { ...generateSample('dial', {}, 1, 0), truth: dist, canvasLength: L };
        const pred = denoiser.forwardSync({ samples: [sample], canvases: leaveOneOutCanvas(canvas, i), canvasLength: L, steps: [0] });
        const row = new Float32Array(VOCAB_SIZE);
        rowProbabilities(pred, i, row);
        for (let v = 0; v < VOCAB_SIZE; v++) expect(row[v]).toBeCloseTo(brute.get(v) ?? 0, 6);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('decode traces record the exact leave-one-out probability of every checked token', async () => {
    const ts = await traces('letters/replace-random', 6, 'wino', { tauIn: 0.5 }, { samples: 6, record: 'full' });
    let checks = 0;
    for (const t of ts) {
      const truth = generateSample('letters/replace-random', { n: 6 }, 1, t.index).truth;
      for (const st of t.steps) {
        expect(st.checked).toBeDefined();
        expect(st.extraRows).toBe(st.checked!.length);
        st.checked!.forEach((p, k) => {
          expect(st.checkedProbabilities![k]).toBeCloseTo(leaveOneOut(truth, st.canvasBefore!, p)[st.canvasBefore![p]], 6);
          checks++;
        });
      }
    }
    expect(checks).toBeGreaterThan(0);
  });
});

describe('WINO', () => {
  it('remasks only revealed tokens whose leave-one-out probability is below τ_out, lowest first, never more than its cap', async () => {
    let remasks = 0;
    for (const [task, n, tauIn, tauOut] of [
      ['letters/replace-random', 6, 0.5, 0.9],
      ['letters/shuffle', 5, 0.1, 0.9],
      ['waiting-line/replace-random', 4, 0.3, 0.95],
      ['text/w2s-easy', 0, 0.2, 0.9],
    ] as const) {
      for (const temperature of [0, 1]) {
        const ts = await traces(task, n, 'wino', { tauIn, tauOut }, { samples: 12, record: 'full', temperature, block: task === 'waiting-line/replace-random' ? 16 : 0 });
        for (const t of ts) {
          expect(t.output.includes(MASK_ID)).toBe(false);
          for (const st of t.steps) {
            const prob = new Map(st.checked!.map((p, k) => [p, st.checkedProbabilities![k]]));
            // Everything verified was revealed before the step, inside the block.
            for (const p of st.checked!) {
              expect(st.canvasBefore![p]).not.toBe(MASK_ID);
              expect(p >= st.block[0] && p < st.block[1]).toBe(true);
            }
            expect(st.remasked.length).toBeLessThanOrEqual(Math.max(0, st.revealed.length - 1));
            for (const p of st.remasked) {
              expect(prob.has(p)).toBe(true);
              expect(prob.get(p)!).toBeLessThan(Math.fround(tauOut));
            }
            // Lowest first: no kept token below τ_out is lower than a remasked one.
            const below = [...prob].filter(([, q]) => q < Math.fround(tauOut));
            if (st.remasked.length > 0) {
              const worstRemasked = Math.max(...st.remasked.map((p) => prob.get(p)!));
              for (const [p, q] of below) if (!st.remasked.includes(p)) expect(q).toBeGreaterThanOrEqual(worstRemasked);
            }
            if (st.remasked.length < Math.max(0, st.revealed.length - 1)) expect(st.remasked.length).toBe(below.length);
            remasks += st.remasked.length;
          }
        }
      }
    }
    expect(remasks).toBeGreaterThan(0);
  });
});

describe('APD', () => {
  const TASKS: [string, number][] = [
    ['letters/shuffle', 6],
    ['letters/replace-random', 6],
    ['waiting-line/shuffle', 4],
    ['waiting-line/replace-random', 4],
  ];

  it('with the exact verifier and R < 1 never outputs an invalid answer, and still reveals more than one token per step', async () => {
    for (const [task, n] of TASKS) {
      for (const r of [0, 0.5, 0.9]) {
        for (const temperature of [0, 1]) {
          const ts = await traces(task, n, 'apd', { r }, { samples: 20, temperature, seed: 3 });
          for (const t of ts) expect(t.score.ok, `${task} R=${r} T=${temperature}: ${t.score.reason}`).toBe(true);
          const revealedPerStep = ts.reduce((a, t) => a + t.canvasLength, 0) / ts.reduce((a, t) => a + t.nfe, 0);
          expect(revealedPerStep, `${task} R=${r} T=${temperature}`).toBeGreaterThan(1);
          // Verifier rows: one per drafted position after the first.
          for (const t of ts) for (const st of t.steps) expect(st.extraRows).toBeGreaterThanOrEqual(st.revealed.length - 1);
        }
      }
    }
  });

  it('without the verifier (R = 1) it accepts whole drafts and breaks shuffles (the property above can fail)', async () => {
    const ts = await traces('letters/shuffle', 6, 'apd', { r: 1 }, { samples: 40, temperature: 1, seed: 3 });
    expect(ts.every((t) => t.nfe === 1)).toBe(true);
    expect(ts.filter((t) => !t.score.ok).length).toBeGreaterThan(20);
  });

  it('accepts left to right: each step reveals a contiguous run starting at the first masked position', async () => {
    const ts = await traces('waiting-line/replace-random', 4, 'apd', { r: 0.5, m: 5 }, { samples: 5, record: 'full' });
    for (const t of ts) {
      for (const st of t.steps) {
        const first = st.canvasBefore!.indexOf(MASK_ID);
        expect(st.revealed).toEqual(Array.from({ length: st.revealed.length }, (_, k) => first + k));
        expect(st.revealed.length).toBeLessThanOrEqual(5);
      }
    }
  });
});

describe('DUS', () => {
  it('spends ⌈log_a B⌉ forward passes per block and reveals its dilated grid on a deterministic task', async () => {
    expect(dusRounds(8, 2)).toBe(3);
    expect(dusRounds(16, 2)).toBe(4);
    expect(dusRounds(16, 4)).toBe(2);
    expect(dusRounds(6, 2)).toBe(3);
    for (const [block, base] of [[8, 2], [16, 2], [16, 4], [32, 2], [6, 2], [5, 3]]) {
      const ts = await traces('waiting-line/copy', 4, 'dus', { base }, { samples: 3, block });
      for (const t of ts) {
        expect(t.score.ok).toBe(true);
        const blocks = Math.ceil(32 / block);
        let expected = 0;
        for (let b = 0; b < blocks; b++) expected += dusRounds(Math.min(block, 32 - b * block), base);
        expect(t.nfe, `block ${block} base ${base}`).toBe(expected);
        // Each pass reveals exactly the masks of its block on the round's grid.
        const seen = new Set<number>();
        let round = 0;
        let blockStart = -1;
        for (const st of t.steps) {
          if (st.block[0] !== blockStart) {
            blockStart = st.block[0];
            round = 0;
          }
          round++;
          const B = st.block[1] - st.block[0];
          const want: number[] = [];
          for (let p = st.block[0]; p < st.block[1]; p++) if (!seen.has(p) && (p - st.block[0]) % dusStride(B, base, round) === 0) want.push(p);
          expect([...st.revealed].sort((a, b) => a - b)).toEqual(want);
          for (const p of st.revealed) seen.add(p);
        }
      }
    }
  });
});

describe('RCR', () => {
  it('keeps the revealed count of each block on its linear or cosine schedule, remasking its least confident tokens', async () => {
    let remasks = 0;
    for (const cosine of [0, 1]) {
      for (const [task, n, block, steps] of [
        ['letters/shuffle', 6, 0, 4],
        ['waiting-line/replace-random', 4, 16, 10],
        ['text/w2s-easy', 0, 8, 6],
      ] as const) {
        for (const temperature of [0, 1]) {
          const ts = await traces(task, n, 'rcr', { steps, cosine }, { samples: 6, temperature, block, record: 'full' });
          for (const t of ts) {
            expect(t.output.includes(MASK_ID)).toBe(false);
            const L = t.canvasLength;
            const B = block || L;
            const S = Math.floor(steps / Math.ceil(L / B));
            let blockStart = -1;
            let i = 0;
            for (const st of t.steps) {
              if (st.block[0] !== blockStart) {
                blockStart = st.block[0];
                i = 0;
              }
              const N = st.block[1] - st.block[0];
              const after = new Int32Array(st.canvasBefore!);
              st.revealed.forEach((p) => (after[p] = 1));
              st.remasked.forEach((p) => (after[p] = MASK_ID));
              let revealed = 0;
              for (let p = st.block[0]; p < st.block[1]; p++) if (after[p] !== MASK_ID) revealed++;
              expect(revealed).toBe(i >= S - 1 ? N : rcrRevealed(N, S, i, cosine === 1));
              remasks += st.remasked.length;
              i++;
            }
          }
        }
      }
    }
    expect(rcrRevealed(10, 4, 0, false)).toBe(3);
    expect(rcrRevealed(10, 4, 0, true)).toBe(1);
    expect(remasks).toBeGreaterThan(0);
  });
});

describe('LLaDA 2.1 joint threshold', () => {
  it('edits only verified revealed tokens, to another token, records edits apart from reveals, and stops within its post-edit budget', async () => {
    let edits = 0;
    for (const [task, n, noise] of [
      ['letters/replace-random', 6, 0],
      ['waiting-line/replace-random', 4, 0],
      ['text/w2s-easy', 0, 0],
      ['letters/shuffle', 5, 0.5],
    ] as const) {
      const samples = Array.from({ length: 8 }, (_, i) => generateSample(task, n > 0 ? { n } : {}, 5, i));
      const ts = await decodeBatch(samples, new OracleDenoiser(noise, 3), 'joint-threshold', { threshold: 0.3 }, { seed: 5, temperature: 1, record: 'full' });
      for (const t of ts) {
        expect(t.output.includes(MASK_ID)).toBe(false);
        for (const st of t.steps) {
          const prob = new Map(st.checked!.map((p, k) => [p, st.checkedProbabilities![k]]));
          (st.edited ?? []).forEach((p, k) => {
            expect(st.canvasBefore![p]).not.toBe(MASK_ID);
            expect(st.revealed.includes(p)).toBe(false);
            expect(st.editedTokens![k]).not.toBe(st.canvasBefore![p]);
            expect(prob.has(p)).toBe(true);
            edits++;
          });
        }
        // The step-through shows an edit as its own state, with the new token, apart from remasks.
        t.steps.forEach((st, i) => {
          const v = frameView(t, i + 1);
          (st.edited ?? []).forEach((p, k) => {
            expect(v.states[p]).toBe('edited');
            expect(v.tokens[p]).toBe(st.editedTokens![k]);
          });
          for (const p of st.remasked) expect(v.states[p]).toBe('remasked');
        });
        // At most 16 edit-only passes after the last mask, plus the pass that ends it.
        const lastReveal = Math.max(...t.steps.map((st, i) => (st.revealed.length > 0 ? i : -1)));
        expect(t.steps.length - 1 - lastReveal).toBeLessThanOrEqual(17);
      }
    }
    expect(edits).toBeGreaterThan(0);
  });
});

describe('CLI', () => {
  it('a bad frontier parameter gets one line naming its flag and exit status 2', () => {
    for (const [strategy, flag, value] of [['wino', '--tau-out', '1.5'], ['apd', '--m', '0'], ['dus', '--base', '1'], ['joint-threshold', '--post-edit-steps', '0.5']]) {
      const r = spawnSync('npx', ['tsx', 'src/cli/bench.ts', '--task', 'letters/copy', '--n', '3', '--samples', '1', '--strategy', strategy, flag, value], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(flag);
    }
  }, 240_000);
});

describe('every frontier strategy decodes every task family', () => {
  it.each(FRONTIER)('%s with the oracle', async (id) => {
    for (const [task, n] of FAMILY_TASKS) {
      for (const temperature of [0, 1]) {
        const ts = await traces(task, n, id, {}, { samples: 3, temperature, record: 'full' });
        for (const t of ts) {
          expect(t.output.includes(MASK_ID), `${id} on ${task}`).toBe(false);
          expect(t.nfe).toBe(t.steps.length);
        }
      }
    }
  });

  let model: ModelDenoiser;
  beforeAll(async () => {
    const r = loadModelFromBytes(readFileSync('models/tiny-mdm.onnx'), readFileSync('models/tiny-mdm.json', 'utf8'), 'tiny');
    if (!r.ok) throw new Error(r.error);
    // onnxruntime-web wasm: the fastest Node runtime (the TS twin is checked against it in model-parity).
    model = await denoiserFor(r.handle, 'ort-wasm');
  }, 120_000);
  afterAll(async () => model?.dispose());

  it.each(FRONTIER)('%s with the tiny model', async (id) => {
    for (const [task, n] of FAMILY_TASKS) {
      // Blocks of 8 (where the rule uses blocks) keep the leave-one-out rows per step few.
      const ts = await traces(task, n, id, {}, { samples: 1, denoiser: model, block: getStrategy(id).blocks ? 8 : 0 });
      for (const t of ts) {
        expect(t.output.includes(MASK_ID), `${id} on ${task}`).toBe(false);
        expect(t.denoiser).toMatch(/^model:/);
        if (getStrategy(id).verify === 'loo') {
          for (const st of t.steps) expect(st.extraRows).toBe(st.checked!.length);
        }
      }
    }
  }, 300_000);
});
