import { MASK_ID } from '../vocab';
import { STEP_BUDGET_PARAM, rankDescending, stepBudget } from './common';
import type { StrategyDefinition } from './types';

/**
 * RCR, running-confidence remasking (ParallelBench low_confidence_rcr,
 * model/remasking/llada/mdpo_rcr.py with overtime_conf): each step fills every mask of the block,
 * remembers each token's confidence when it was filled, then masks again the lowest-confidence
 * tokens so that the number revealed follows the schedule.
 */

const f = Math.fround;

/** MaskGIT's mask ratio at progress r (clipped to [1e-6, 1]): linear 1 − r, cosine cos(πr/2). */
export function rcrMaskRatio(r: number, cosine: boolean): number {
  const ratio = cosine ? Math.cos((r * Math.PI) / 2) : 1 - r;
  return Math.min(1, Math.max(1e-6, ratio));
}

/** The cosine ratio after step i (0-based) of S, as float32: the GPU reads this very number. */
export const rcrCosine = (S: number, i: number) => f(rcrMaskRatio((i + 1) / S, true));

/**
 * Tokens revealed in a block of N masks after step i (0-based) of S, in a form the GPU twin
 * reproduces bit for bit: linear N − ⌊N(S − i − 1)/S⌋ in integers (exact: no 1 − r rounding);
 * cosine N − ⌊fl32(N · fl32(γ))⌋, γ = cos(π(i + 1)/(2S)) clipped, one float32 product.
 */
export function rcrRevealed(N: number, S: number, i: number, cosine: boolean): number {
  if (i >= S - 1) return N;
  return N - (cosine ? Math.floor(f(N * rcrCosine(S, i))) : Math.floor((N * (S - i - 1)) / S));
}

/** Steps per block: ⌊steps / blocks⌋, at least 1. */
const rcrSteps = (params: Record<string, number>, L: number, blocks: number) => Math.max(1, Math.floor(stepBudget(params, L) / blocks));

export const RCR: StrategyDefinition = {
  id: 'rcr',
  title: 'RCR (running-confidence remasking)',
  family: 'remask',
  rule:
    'Per semi-AR block of N masks and S = ⌊steps / blocks⌋ steps: each step fills every mask of the block, records each token’s ' +
    'confidence when it was filled, then keeps the c_i most confident tokens of the block (their recorded confidence) and masks the ' +
    'rest again, with c_i = N − ⌊N · γ((i + 1)/S)⌋, γ(r) = 1 − r (linear) or cos(πr/2) (cosine), clipped to [1e-6, 1], and c_i = N at the last step. ' +
    'The product is exact so that the GPU reproduces it: linear in integers, ⌊N(S − i − 1)/S⌋; cosine as one float32 product of N and γ rounded to float32. ' +
    'Choices where the reference differs: remasking stays inside the current block (the reference ranks the whole sequence, so it may ' +
    'mask an earlier block again, which then never refills); ties go to the lower position; a block whose schedule is already met ' +
    'ends (the reference spends its remaining steps on passes that change nothing).',
  params: [
    STEP_BUDGET_PARAM,
    { name: 'cosine', label: 'cosine schedule', default: 0, min: 0, max: 1, integer: true, help: '0 = linear schedule, 1 = cosine.' },
  ],
  blocks: true,
  create(params, ctx) {
    const L = ctx.canvasLength;
    const S = rcrSteps(params, L, Math.ceil(L / ctx.blockLength));
    const cosine = params.cosine === 1;
    /** Confidence of each token when it was (last) filled, and whether RCR filled it. */
    const filledConf = new Float32Array(L);
    const filled = new Uint8Array(L);
    return {
      select(view) {
        const { confidence } = view.stats;
        const { start, end, step, maskedAtStart } = view.block;
        const keep = rcrRevealed(maskedAtStart, S, step, cosine);
        const candidates = new Set(view.candidates);
        // The pool: this block's tokens filled by RCR so far, and every mask filled now.
        const pool: number[] = [];
        for (let p = start; p < end; p++) if (candidates.has(p) || (view.canvas[p] !== MASK_ID && filled[p])) pool.push(p);
        const conf = (p: number) => (candidates.has(p) ? confidence[p] : filledConf[p]);
        const kept = new Set(rankDescending(pool, conf).slice(0, keep));
        const reveal = view.candidates.filter((p) => kept.has(p));
        const remask = pool.filter((p) => !candidates.has(p) && !kept.has(p));
        for (const p of reveal) {
          filledConf[p] = confidence[p];
          filled[p] = 1;
        }
        for (const p of remask) filled[p] = 0;
        return { reveal, remask, scores: reveal.map((p) => confidence[p]) };
      },
    };
  },
  gpu: {
    shader: 'rcr',
    uniforms: [['steps', 'u32'], ['cosine', 'u32']],
    uniformValues: (params, ctx) => ({ steps: rcrSteps(params, ctx.canvasLength, ctx.blockCount), cosine: params.cosine }),
    // Per block step i: the cosine ratio γ((i + 1)/S) as float32 (the linear count is integer).
    schedule(params, ctx) {
      const S = rcrSteps(params, ctx.canvasLength, ctx.blockCount);
      const table = new Float32Array(2 * S);
      for (let i = 0; i < S; i++) table[2 * i] = rcrCosine(S, i);
      return { steps: S, table };
    },
    // Per position: the confidence when RCR last filled it (f32 bits); NEVER = not filled by RCR.
    aux: (ctx) => ({ words: ctx.batch * ctx.canvasLength, fill: 0xffffffff }),
    expectedSteps: (params, ctx) => rcrSteps(params, ctx.canvasLength, ctx.blockCount) * ctx.blockCount,
  },
};
