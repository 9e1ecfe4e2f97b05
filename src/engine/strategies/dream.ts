import { Purpose, gumbel, openUnit, unit24 } from '../rng';
import { STEP_BUDGET_PARAM, dreamTimesteps, stepBudget, topK } from './common';
import type { GpuStrategy, ParamSpec, StepView, StrategyDefinition, StrategyParams } from './types';

/**
 * Dream's step-count schedule: how many to reveal is fixed by the step budget, not by the scores;
 * no semi-AR blocks. Schedule arithmetic is float32, so the GPU, which receives the same per-step
 * numbers (dreamGpu), reveals the same positions. The four members share
 * shaders/strategies/dream.wgsl (SCORE: 0 = origin's Bernoulli reveal, else the ranked score).
 */

const DREAM_STEPS = STEP_BUDGET_PARAM;
const ALG_TEMP: ParamSpec = {
  name: 'algTemp', label: 'alg_temp', default: 0, min: 0, max: 100,
  help: 'Above 0, positions are drawn from softmax(score / alg_temp) without replacement instead of top-k.',
};


/** Fraction of the masked positions Dream reveals at step i: 1 - t_{i+1} / t_i. */
export function dreamRevealFraction(t: Float32Array, i: number): number {
  return Math.fround(1 - Math.fround(t[i + 1] / t[i]));
}

/** The GPU's per-step table: the reveal fraction of every step but the last (which reveals all). */
function dreamGpu(score: number): GpuStrategy {
  return {
    shader: 'dream',
    constants: { SCORE: score },
    uniforms: [['alg_temp', 'f32']],
    uniformValues: (params: StrategyParams) => ({ alg_temp: params.algTemp ?? 0 }),
    schedule(params, ctx) {
      const steps = stepBudget(params, ctx.canvasLength);
      const t = dreamTimesteps(steps);
      const table = new Float32Array(2 * steps);
      for (let i = 0; i + 1 < steps; i++) table[2 * i] = dreamRevealFraction(t, i);
      return { steps, table };
    },
    // The origin rule reports no scores on the CPU either.
    scores: score !== 0,
  };
}

export const DREAM_ORIGIN: StrategyDefinition = {
  id: 'dream-origin',
  title: 'Dream (origin)',
  family: 'schedule',
  rule: "Each masked position is revealed independently with probability 1 − t(i+1)/t(i), t = linspace(1, 0.001, steps + 1); all on the last step.",
  params: [DREAM_STEPS],
  blocks: false,
  create(params, ctx) {
    const steps = stepBudget(params, ctx.canvasLength);
    const t = dreamTimesteps(steps);
    return {
      select(view) {
        if (view.step >= steps - 1) return { reveal: view.candidates.slice() };
        const p = dreamRevealFraction(t, view.step);
        const reveal = view.candidates.filter((pos) => unit24(view.random(pos, Purpose.dreamReveal)) < p);
        return { reveal };
      },
    };
  },
  gpu: dreamGpu(0),
};

/** `gpu` = the SCORE override of dream.wgsl (its switch, same order). */
const DREAM_SCORES: Record<string, { title: string; alg: string; score: (v: StepView, p: number) => number; gpu: number }> = {
  'dream-confidence': { title: 'Dream (maskgit_plus)', alg: 'confidence', score: (v, p) => v.stats.confidence[p], gpu: 1 },
  'dream-margin': { title: 'Dream (topk_margin)', alg: 'margin', score: (v, p) => v.stats.margin[p], gpu: 2 },
  'dream-entropy': { title: 'Dream (entropy)', alg: 'negative entropy', score: (v, p) => -v.stats.entropy[p], gpu: 3 },
};

export const DREAM_RANKED: StrategyDefinition[] = Object.entries(DREAM_SCORES).map(([id, s]) => ({
  id,
  title: s.title,
  family: 'schedule' as const,
  rule: `Reveal k = floor(M·(1 − t(i+1)/t(i))) of the M masked positions by ${s.alg} (all on the last step); with alg_temp > 0 draw them from softmax(score / alg_temp) without replacement.`,
  params: [DREAM_STEPS, ALG_TEMP],
  blocks: false,
  create(params, ctx) {
    const steps = stepBudget(params, ctx.canvasLength);
    const t = dreamTimesteps(steps);
    const algTemp = Math.fround(params.algTemp);
    return {
      select(view) {
        const M = view.candidates.length;
        const k = view.step >= steps - 1 ? M : Math.floor(Math.fround(M * dreamRevealFraction(t, view.step)));
        // Sampling without replacement from softmax(score / T) = top-k of score / T + Gumbel.
        const key =
          algTemp > 0
            ? (p: number) =>
                Math.fround(Math.fround(s.score(view, p) / algTemp) + gumbel(openUnit(view.random(p, Purpose.positionNoise))))
            : (p: number) => s.score(view, p);
        const reveal = topK(view.candidates, key, k);
        return { reveal, scores: reveal.map((p) => s.score(view, p)) };
      },
    };
  },
  gpu: dreamGpu(s.gpu),
}));
