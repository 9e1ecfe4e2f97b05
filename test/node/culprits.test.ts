import { describe, expect, it } from 'vitest';
import { decode, type DecodeTrace, type StepTrace } from '../../src/engine/decode';
import { OracleDenoiser } from '../../src/engine/denoiser';
import { generateSample } from '../../src/engine/tasks';
import { MASK_ID, tokenId } from '../../src/engine/vocab';
import { culprits, nextContentFrame, nextFrame } from '../../src/ui/traceView';

/**
 * The culprits the page marks (✗) must be exactly the positions revealed together in the step that
 * first made the answer invalid. Checked against an independent replay: the canvas after each
 * step, conditioned on the task's exact distribution, until no valid output is consistent with it.
 */
const oracle = new OracleDenoiser();

function expectedCulprits(trace: DecodeTrace, sample: ReturnType<typeof generateSample>): number[] | null {
  if (trace.score.ok) return null;
  const canvas = new Int32Array(trace.canvasLength).fill(MASK_ID);
  for (const s of trace.steps) {
    s.revealed.forEach((p, i) => (canvas[p] = s.tokens[i]));
    for (const p of s.remasked) canvas[p] = MASK_ID;
    if (!sample.truth.condition(canvas).consistent) return [...s.revealed].sort((a, b) => a - b);
  }
  return null;
}

function step(revealed: number[], tokens: number[], consistentBefore: boolean): StepTrace {
  return {
    step: 0, nfe: 1, revealed, tokens, probabilities: revealed.map(() => 1), remasked: [], scores: [], block: [0, 4],
    theory: { totalCorrelation: 0, validProbability: 1, bound: 0, consistentBefore },
  };
}

function crafted(steps: StepTrace[], ok: boolean, scoreCulprits: number[] = []): DecodeTrace {
  steps.forEach((s, i) => (s.step = i));
  return {
    task: 'letters/shuffle', index: 0, seed: 1, strategy: 'topk-random', strategyParams: {}, denoiser: 'oracle', temperature: 0, block: 0,
    prompt: new Int32Array(), canvasLength: 4, steps, output: new Int32Array(4), revealStep: new Int32Array(4), nfe: steps.length,
    tps: 4 / steps.length, score: { ok, reason: ok ? '' : 'crafted', culprits: scoreCulprits },
  };
}

describe('culprits: the positions revealed in the step that first broke the answer', () => {
  it('crafted: the step before the first inconsistent one, not the nearest-valid difference', () => {
    // Steps: {0}, {3, 1} (breaks it: step 3 starts inconsistent), {2}.
    const t = crafted([step([0], [1], true), step([3, 1], [1, 1], true), step([2], [1], false)], false, [2]);
    expect(culprits(t)).toEqual({ frame: 2, positions: [1, 3] });
  });

  it('crafted: the last step breaks it when every step started consistent; valid answers have none', () => {
    const t = crafted([step([0, 1], [1, 1], true), step([2, 3], [1, 1], true)], false, [3]);
    expect(culprits(t)).toEqual({ frame: 2, positions: [2, 3] });
    expect(culprits(crafted([step([0, 1, 2, 3], [1, 1, 1, 1], true)], true))).toBeNull();
  });

  it('random decodes on several tasks match an independent replay against the exact distribution', async () => {
    const cases: [string, Record<string, number>, string, Record<string, number>][] = [
      ['waiting-line/shuffle', { n: 3 }, 'topk-confidence', { k: 3 }],
      ['waiting-line/shuffle', { n: 4 }, 'topk-random', { k: 4 }],
      ['letters/shuffle', { n: 6 }, 'topk-random', { k: 3 }],
      ['puzzles/latin-square', {}, 'topk-random', { k: 4 }],
      ['dial', { rho: 0.9 }, 'topk-random', { k: 2 }],
    ];
    let invalid = 0;
    for (const [task, params, strategy, sp] of cases) {
      for (let index = 0; index < 12; index++) {
        const sample = generateSample(task, params, 5, index);
        const trace = await decode(sample, oracle, strategy, sp, { seed: 5 + index, temperature: 1, theory: true });
        const want = expectedCulprits(trace, sample);
        const got = culprits(trace);
        expect(got?.positions ?? null).toEqual(want);
        if (want) {
          invalid++;
          // The frame shown is that step's, and its reveals are the marked cells.
          expect(trace.steps[got!.frame - 1].revealed.slice().sort((a, b) => a - b)).toEqual(want);
        }
      }
    }
    expect(invalid).toBeGreaterThan(10);
  });
});

describe('skip padding', () => {
  const comma = tokenId(',');
  const name = tokenId('Emily');
  // Frames 1..5 reveal: EOS, ",", a name, EOS, a name.
  const t = crafted([step([3], [1], true), step([2], [comma], true), step([0], [name], true), step([1], [1], true)], true);
  const u = crafted([step([3], [1], true), step([2], [1], true), step([1], [1], true), step([0], [name], true), step([0], [1], true)], true);

  it('steps over padding-only frames, stops at content and at the ends', () => {
    expect(nextFrame([t], 0, 1, true)).toBe(3);
    expect(nextFrame([t], 3, 1, true)).toBe(4); // the last frame always stops
    expect(nextFrame([t], 4, -1, true)).toBe(3);
    expect(nextFrame([t], 3, -1, true)).toBe(0);
    expect(nextFrame([t], 0, 1, false)).toBe(1);
  });

  it('with two decodes, a frame stops if either reveals content; next content is per decode', () => {
    expect(nextFrame([t, u], 0, 1, true)).toBe(3);
    expect(nextFrame([t, u], 3, 1, true)).toBe(4);
    expect(nextContentFrame(u, 0)).toBe(4);
    expect(nextContentFrame(t, 3)).toBe(4);
  });
});
