import { rankDescending } from './common';
import type { StrategyDefinition } from './types';

/** Fast-dLLM's confidence factor: the step size is decided by the scores. */

export const FACTOR: StrategyDefinition = {
  id: 'factor',
  title: 'Confidence factor',
  family: 'adaptive',
  rule:
    'Sort confidences c(1) ≥ c(2) ≥ …; reveal the largest n with (n + 1)(1 − c(n)) < f, at least one (Fast-dLLM). ' +
    "We do not copy the reference code's quirk of accepting all when only the last fails.",
  params: [{ name: 'factor', label: 'factor f', default: 1, min: 0, max: 64, help: 'Larger f reveals more per step.' }],
  blocks: true,
  create(params) {
    const factor = Math.fround(params.factor);
    return {
      select(view) {
        const { confWeight, sumWeight, confidence } = view.stats;
        const ranked = rankDescending(view.candidates, (p) => confidence[p]);
        // (n+1)(1 - w/s) < f  <=>  (n+1)(s - w) < f s, exact for the oracle's integer weights.
        let count = 1;
        for (let n = 1; n <= ranked.length; n++) {
          const p = ranked[n - 1];
          const lhs = Math.fround((n + 1) * Math.fround(sumWeight[p] - confWeight[p]));
          if (lhs < Math.fround(factor * sumWeight[p])) count = n;
        }
        const reveal = ranked.slice(0, count);
        return { reveal, scores: reveal.map((p) => confidence[p]) };
      },
    };
  },
  gpu: {
    shader: 'factor',
    uniforms: [['factor', 'f32']],
    uniformValues: (params) => ({ factor: params.factor }),
  },
};
