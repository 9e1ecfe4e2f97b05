import { Purpose, unit24 } from '../rng';
import { K_PARAM, STEPS_PARAM, fixedCount, perBlockSteps, topK } from './common';
import type { StepView, StrategyDefinition } from './types';

/** A top-k rule: the k highest scores among the candidates (LLaDA's low_confidence / random). */
type Score = (view: StepView, pos: number) => number;

/** `gpu` = the SCORE override of shaders/strategies/topk.wgsl (its switch, same order). */
const SCORES: Record<string, { title: string; score: Score; rule: string; gpu: number }> = {
  'topk-random': {
    title: 'Top-k, random order',
    score: (v, p) => unit24(v.random(p, Purpose.randomScore)),
    rule: 'Reveal k positions chosen uniformly at random (score U(0,1) from the shared generator).',
    gpu: 0,
  },
  'topk-confidence': {
    title: 'Top-k by confidence',
    score: (v, p) => v.stats.confidence[p],
    rule: 'Reveal the k positions whose chosen token has the highest probability.',
    gpu: 1,
  },
  'topk-margin': {
    title: 'Top-k by margin',
    score: (v, p) => v.stats.margin[p],
    rule: 'Reveal the k positions with the largest gap between the top two probabilities.',
    gpu: 2,
  },
  'topk-entropy': {
    title: 'Top-k by entropy',
    score: (v, p) => -v.stats.entropy[p],
    rule: 'Reveal the k positions with the lowest entropy.',
    gpu: 3,
  },
  'topk-l2r': {
    title: 'Left to right',
    score: (_v, p) => -p,
    rule: 'Reveal the k leftmost masked positions (autoregressive order when k = 1).',
    gpu: 4,
  },
};

export const TOPK_STRATEGIES: StrategyDefinition[] = Object.entries(SCORES).map(([id, s]) => ({
  id,
  title: s.title,
  family: 'fixed',
  rule: s.rule,
  params: [K_PARAM, STEPS_PARAM],
  blocks: true,
  create(params, ctx) {
    const blockCount = Math.ceil(ctx.canvasLength / ctx.blockLength);
    return {
      select(view) {
        const count = fixedCount(view, params.k, params.steps, blockCount);
        const reveal = topK(view.candidates, (p) => s.score(view, p), count);
        return { reveal, scores: reveal.map((p) => s.score(view, p)) };
      },
    };
  },
  gpu: {
    shader: 'topk',
    constants: { SCORE: s.gpu },
    uniforms: [['k', 'u32'], ['per_block', 'u32']],
    uniformValues: (params, ctx) => ({ k: params.k, per_block: params.steps > 0 ? perBlockSteps(params.steps, ctx.blockCount) : 0 }),
    expectedSteps(params, ctx) {
      const { canvasLength: L, blockLength } = ctx;
      const perBlock = params.steps > 0 ? perBlockSteps(params.steps, ctx.blockCount) : 0;
      let steps = 0;
      for (let start = 0; start < L; start += blockLength) {
        const n = Math.min(blockLength, L - start);
        steps += perBlock > 0 ? Math.min(perBlock, n) : Math.ceil(n / params.k);
      }
      return steps;
    },
  },
}));
