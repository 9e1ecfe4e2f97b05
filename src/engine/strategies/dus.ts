import type { StrategyDefinition } from './types';

/**
 * DUS, dilated unmasking (Luxembourg et al., arXiv 2506.19037; omerlux/DUS-for-MDLMs publishes
 * only its project page, so the rule follows the paper and decoding-strategies.md). Model-free:
 * the schedule alone decides which positions a pass reveals.
 */

/** Stride of round t (1-based) in a block of B positions with base a: ceil(B / a^t), at least 1. */
export function dusStride(B: number, base: number, t: number): number {
  return Math.max(1, Math.ceil(B / base ** t));
}

/** Forward passes DUS spends on a block of B positions: the first round whose stride is 1. */
export function dusRounds(B: number, base: number): number {
  let t = 1;
  while (dusStride(B, base, t) > 1) t++;
  return t;
}

export const DUS: StrategyDefinition = {
  id: 'dus',
  title: 'DUS (dilated unmasking)',
  family: 'schedule',
  rule:
    'Model-free schedule inside each semi-AR block of B positions (--block; the whole canvas without it): round t = 1, 2, … reveals the ' +
    'still-masked positions whose in-block index k (1-based) has (k − 1) mod s_t = 0, with s_t = ⌈B / a^t⌉, so a block takes ' +
    '⌈log_a B⌉ forward passes and each pass reveals tokens spread far apart (a dilated grid). Tokens are the model’s choice at those ' +
    'positions (argmax, or sampled). Choice: ⌈·⌉ for blocks that are not a power of a (the paper uses powers of two); the last block may be shorter, and uses its own length.',
  params: [{ name: 'base', label: 'base a', default: 2, min: 2, max: 64, integer: true, help: 'Dilation base: each round halves (a = 2) the stride; a block takes ⌈log_a B⌉ passes.' }],
  blocks: true,
  create(params) {
    const base = params.base;
    return {
      select(view) {
        const B = view.block.end - view.block.start;
        const stride = dusStride(B, base, view.block.step + 1);
        let reveal = view.candidates.filter((p) => (p - view.block.start) % stride === 0);
        // Unreachable with integer a >= 2 (each round's stride is new); kept so a pass is never empty.
        if (reveal.length === 0) reveal = view.candidates.slice();
        return { reveal, scores: reveal.map((p) => view.stats.confidence[p]) };
      },
    };
  },
  gpu: {
    shader: 'dus',
    uniforms: [['base', 'u32']],
    uniformValues: (params) => ({ base: params.base }),
    expectedSteps(params, ctx) {
      let steps = 0;
      for (let start = 0; start < ctx.canvasLength; start += ctx.blockLength) {
        steps += dusRounds(Math.min(ctx.blockLength, ctx.canvasLength - start), params.base);
      }
      return steps;
    },
  },
};
