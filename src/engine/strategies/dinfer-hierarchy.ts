import { above, rankDescending } from './common';
import type { StrategyDefinition } from './types';

/**
 * dInfer's hierarchical threshold (inclusionAI/dInfer, python/dinfer/decoding/parallel_strategy.py,
 * get_transfer_index_hierarchy_fast_v2).
 */
export const DINFER_HIERARCHY: StrategyDefinition = {
  id: 'dinfer-hierarchy',
  title: 'dInfer hierarchy',
  family: 'adaptive',
  rule:
    'Among the block’s masks: if the highest confidence is below τ_low, reveal only that one. Otherwise, in every contiguous run of ' +
    'masked positions reveal its most confident position (the leftmost on ties) if its confidence is above τ_low, and also reveal ' +
    'every position above τ (both strict, as dInfer’s code). Our addition: when that leaves nothing (a maximum exactly at τ_low), ' +
    'the most confident one is revealed, so that no pass is empty.',
  params: [
    { name: 'threshold', label: 'threshold τ', default: 0.9, min: 0, max: 1, help: 'Any mask above this is revealed.' },
    { name: 'thresholdLow', label: 'low threshold τ_low', default: 0.3, min: 0, max: 1, help: 'Each masked run’s best is revealed if above this.' },
  ],
  blocks: true,
  create(params) {
    const tau = params.threshold;
    const low = params.thresholdLow;
    return {
      select(view) {
        const { confWeight, sumWeight, confidence } = view.stats;
        const ranked = rankDescending(view.candidates, (p) => confidence[p]);
        const top = ranked[0];
        if (!(confWeight[top] >= Math.fround(Math.fround(low) * sumWeight[top]))) return { reveal: [top], scores: [confidence[top]] };
        const chosen = new Set<number>();
        // Contiguous runs of masks (candidates are ascending).
        let runBest = -1;
        view.candidates.forEach((p, k) => {
          if (runBest < 0 || confidence[p] > confidence[runBest]) runBest = p;
          const next = view.candidates[k + 1];
          if (next !== p + 1) {
            if (above(confWeight[runBest], sumWeight[runBest], low)) chosen.add(runBest);
            runBest = -1;
          }
        });
        for (const p of view.candidates) if (above(confWeight[p], sumWeight[p], tau)) chosen.add(p);
        const reveal = chosen.size > 0 ? ranked.filter((p) => chosen.has(p)) : [top];
        return { reveal, scores: reveal.map((p) => confidence[p]) };
      },
    };
  },
  gpu: {
    shader: 'dinfer_hierarchy',
    uniforms: [['threshold', 'f32'], ['threshold_low', 'f32']],
    uniformValues: (params) => ({ threshold: params.threshold, threshold_low: params.thresholdLow }),
  },
};
