import { above, rankDescending } from './common';
import type { StrategyDefinition } from './types';

/** Fast-dLLM's confidence threshold: the step size is decided by the scores. */

export const THRESHOLD: StrategyDefinition = {
  id: 'threshold',
  title: 'Confidence threshold',
  family: 'adaptive',
  rule: 'Reveal every candidate whose confidence is above the threshold (strictly, as Fast-dLLM\'s code), and always the most confident one.',
  params: [{ name: 'threshold', label: 'threshold γ', default: 0.9, min: 0, max: 1, help: 'Confidence needed to reveal.' }],
  blocks: true,
  create(params) {
    const gamma = params.threshold;
    return {
      select(view) {
        const { confWeight, sumWeight, confidence } = view.stats;
        const ranked = rankDescending(view.candidates, (p) => confidence[p]);
        const reveal = ranked.filter((p, i) => i === 0 || above(confWeight[p], sumWeight[p], gamma));
        return { reveal, scores: reveal.map((p) => confidence[p]) };
      },
    };
  },
  gpu: {
    shader: 'threshold',
    uniforms: [['threshold', 'f32']],
    uniformValues: (params) => ({ threshold: params.threshold }),
  },
};
