import { MASK_ID } from '../vocab';
import { STEP_BUDGET_PARAM, rankDescending, stepBudget } from './common';
import type { StrategyDefinition } from './types';

/**
 * RCR, running-confidence remasking (ParallelBench low_confidence_rcr,
 * model/remasking/llada/mdpo_rcr.py with overtime_conf): each step fills every mask of the block,
 * remembers each token's confidence when it was filled, then masks again the lowest-confidence
 * tokens so that the number revealed follows the schedule.
 */

/** MaskGIT's mask ratio at progress r (clipped to [1e-6, 1]): linear 1 − r, cosine cos(πr/2). */
export function rcrMaskRatio(r: number, cosine: boolean): number {
  const ratio = cosine ? Math.cos((r * Math.PI) / 2) : 1 - r;
  return Math.min(1, Math.max(1e-6, ratio));
}

/** Tokens revealed in a block of N masks after step i (0-based) of S: N − ⌊N · ratio((i + 1)/S)⌋. */
export function rcrRevealed(N: number, S: number, i: number, cosine: boolean): number {
  return N - Math.floor(N * rcrMaskRatio((i + 1) / S, cosine));
}

export const RCR: StrategyDefinition = {
  id: 'rcr',
  title: 'RCR (running-confidence remasking)',
  family: 'remask',
  rule:
    'Per semi-AR block of N masks and S = ⌊steps / blocks⌋ steps: each step fills every mask of the block, records each token’s ' +
    'confidence when it was filled, then keeps the c_i most confident tokens of the block (their recorded confidence) and masks the ' +
    'rest again, with c_i = N − ⌊N · γ((i + 1)/S)⌋, γ(r) = 1 − r (linear) or cos(πr/2) (cosine), clipped to [1e-6, 1]. ' +
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
    const blocks = Math.ceil(L / ctx.blockLength);
    const S = Math.max(1, Math.floor(stepBudget(params, L) / blocks));
    const cosine = params.cosine === 1;
    /** Confidence of each token when it was (last) filled, and whether RCR filled it. */
    const filledConf = new Float32Array(L);
    const filled = new Uint8Array(L);
    return {
      select(view) {
        const { confidence } = view.stats;
        const { start, end, step, maskedAtStart } = view.block;
        const keep = step >= S - 1 ? maskedAtStart : rcrRevealed(maskedAtStart, S, step, cosine);
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
};
