import { rankDescending } from './common';
import type { StrategyDefinition } from './types';

/** EB-sampler: an entropy budget decides the step size. */

export const EB_SAMPLER: StrategyDefinition = {
  id: 'eb',
  title: 'EB-sampler',
  family: 'adaptive',
  rule: 'Sort candidates by entropy (nats), lowest first; reveal the longest prefix U with Σ_U H − max_U H ≤ γ, at least one.',
  params: [{ name: 'gamma', label: 'error budget γ', default: 0.1, min: 0, max: 100, help: 'Entropy budget in nats.' }],
  blocks: true,
  create(params) {
    const gamma = Math.fround(params.gamma);
    return {
      select(view) {
        const { entropy } = view.stats;
        const ranked = rankDescending(view.candidates, (p) => -entropy[p]);
        let sum = 0;
        let count = 0;
        for (const p of ranked) {
          sum = Math.fround(sum + entropy[p]);
          // sorted ascending, so the prefix's max is its last entropy
          if (count > 0 && Math.fround(sum - entropy[p]) > gamma) break;
          count++;
        }
        const reveal = ranked.slice(0, Math.max(1, count));
        return { reveal, scores: reveal.map((p) => -entropy[p]) };
      },
    };
  },
  gpu: {
    shader: 'eb',
    uniforms: [['gamma', 'f32']],
    uniformValues: (params) => ({ gamma: params.gamma }),
  },
};
