import { STEP_BUDGET_PARAM, lladaCount, rankDescending, stepBudget, topK } from './common';
import type { ParamSpec, StrategyDefinition, StrategyParams } from './types';

/**
 * Prophet (pixeli99/Prophet, generate_earlyexit.py): decode by top-k confidence and commit every
 * remaining mask at once as soon as the model's top-1/top-2 logit gap is large enough for the
 * stage of the decode.
 */

/** A position's top-1 minus top-2 log-probability (= logit) gap, capped: the oracle's second choice may have probability 0. */
export const GAP_CAP = 30;

export function logitGap(pmax: number, margin: number): number {
  const p2 = pmax - margin;
  if (!(p2 > 0)) return GAP_CAP;
  return Math.min(GAP_CAP, Math.log(pmax) - Math.log(p2));
}

const gapParam = (name: string, label: string, def: number, when: string): ParamSpec => ({
  name, label, default: def, min: 0, max: 100, help: `Mean logit gap that commits everything ${when}.`,
});

/** The gap schedule: the mean gap that commits everything at this progress of the decode. */
function prophetNeed(params: StrategyParams, progress: number): number {
  return progress < 0.33 ? params.gapEarly : progress < 0.67 ? params.gapMid : params.gapLate;
}

export const PROPHET: StrategyDefinition = {
  id: 'prophet',
  title: 'Prophet (early commit)',
  family: 'adaptive',
  rule:
    'Top-k by confidence on LLaDA’s schedule (the masks spread evenly over the step budget); before each step’s reveal, the mean over ' +
    'the masked positions of the top-1 minus top-2 logit gap is compared with the gap schedule at progress = (step + 1) / steps: ' +
    '7.5 below 0.33, 5.0 below 0.67, 2.5 after (Prophet’s code); when reached, every remaining mask is committed at its argmax (or sample) ' +
    'in that step. Choices: Prophet averages a 5-token answer window; our tasks’ whole output is the answer, so all masks count; a position ' +
    'whose second choice has probability 0 (common with the oracle) counts a gap of 30 nats; the whole canvas is one block (the commit ' +
    'reaches every mask).',
  params: [
    STEP_BUDGET_PARAM,
    gapParam('gapEarly', 'gap, early (< 1/3)', 7.5, 'in the first third'),
    gapParam('gapMid', 'gap, middle (< 2/3)', 5, 'in the middle third'),
    gapParam('gapLate', 'gap, late', 2.5, 'in the last third'),
  ],
  blocks: false,
  create(params, ctx) {
    const S = stepBudget(params, ctx.canvasLength);
    return {
      select(view) {
        const { pmax, margin, confidence } = view.stats;
        const need = prophetNeed(params, (view.step + 1) / S);
        let sum = 0;
        for (const p of view.masked) sum += logitGap(pmax[p], margin[p]);
        const gap = sum / view.masked.length;
        // A commit reveals every candidate, listed by confidence as any reveal (the GPU's rank order).
        const reveal =
          gap >= need
            ? rankDescending(view.candidates, (p) => confidence[p])
            : topK(view.candidates, (p) => confidence[p], lladaCount(view.block.maskedAtStart, S, view.block.step));
        return { reveal, scores: reveal.map((p) => confidence[p]) };
      },
    };
  },
  gpu: {
    shader: 'prophet',
    // Per step: the gap its stage needs (the same progress arithmetic as the CPU rule).
    schedule(params, ctx) {
      const steps = stepBudget(params, ctx.canvasLength);
      const table = new Float32Array(2 * steps);
      for (let i = 0; i < steps; i++) table[2 * i] = prophetNeed(params, (i + 1) / steps);
      return { steps, table };
    },
  },
};
