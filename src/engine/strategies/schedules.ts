import { Purpose, gumbel, openUnit, unit24 } from '../rng';
import { STEP_BUDGET_PARAM, dreamTimesteps, rankDescending, stepBudget, topK } from './common';
import type { ParamSpec, StepView, StrategyDefinition } from './types';

/**
 * Step-count schedules from Dream and MaskGIT: how many to reveal is fixed by the step budget,
 * not by the scores. Neither uses semi-AR blocks. Schedule arithmetic is float32, so the GPU,
 * which receives the same per-step numbers, reveals the same positions.
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
};

const DREAM_SCORES: Record<string, { title: string; alg: string; score: (v: StepView, p: number) => number }> = {
  'dream-confidence': { title: 'Dream (maskgit_plus)', alg: 'confidence', score: (v, p) => v.stats.confidence[p] },
  'dream-margin': { title: 'Dream (topk_margin)', alg: 'margin', score: (v, p) => v.stats.margin[p] },
  'dream-entropy': { title: 'Dream (entropy)', alg: 'negative entropy', score: (v, p) => -v.stats.entropy[p] },
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
}));

export const MASKGIT_COSINE: StrategyDefinition = {
  id: 'maskgit-cosine',
  title: 'MaskGIT (cosine)',
  family: 'schedule',
  rule:
    'After step r of R keep floor(N·cos(π/2·r/R)) positions masked (at least 1 before the last step, at least one revealed per step); ' +
    'rank by log p(sampled token) + T_c·(1 − r/R)·Gumbel.',
  params: [
    { name: 'steps', label: 'steps R', default: 8, min: 1, max: 1024, integer: true, help: 'Number of steps.' },
    { name: 'choiceTemperature', label: 'choice temperature T_c', default: 4.5, min: 0, max: 100, help: 'Gumbel noise on the ranking, annealed to 0.' },
  ],
  blocks: false,
  create(params, ctx) {
    const R = params.steps;
    const N = ctx.canvasLength;
    const tc = Math.fround(params.choiceTemperature);
    return {
      select(view) {
        const masked = view.candidates.length;
        const r = view.step + 1;
        if (r >= R) return { reveal: view.candidates.slice() };
        const ratio = Math.fround(r / R);
        let keep = Math.floor(N * Math.cos((Math.PI / 2) * ratio));
        keep = Math.min(Math.max(keep, 1), masked - 1);
        const anneal = Math.fround(tc * Math.fround(1 - ratio));
        const score = (p: number) =>
          Math.fround(
            Math.fround(Math.log(view.stats.confidence[p])) +
              Math.fround(anneal * gumbel(openUnit(view.random(p, Purpose.positionNoise)))),
          );
        const ranked = rankDescending(view.candidates, score);
        const reveal = ranked.slice(0, Math.max(1, masked - keep));
        return { reveal, scores: reveal.map(score) };
      },
    };
  },
};
