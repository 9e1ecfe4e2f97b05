import { MASK_ID } from '../vocab';
import { rankDescending } from './common';
import type { StrategyDefinition } from './types';

/**
 * WINO, wide-in narrow-out (arXiv 2507.18578), as Kamichanw/d2Cache src/generation/wino.py does it.
 * Wide in: reveal candidates with confidence >= tau_in, highest first, at least 1 and at most
 * max(1, clamp(floor(0.7 * block masks), 5, 20)). Narrow out, in the same step: each revealed
 * position of the block (revealed before this step) is verified by its leave-one-out probability;
 * those below tau_out are remasked, at most (this step's wide-in count - 1), lowest first.
 */

const f = Math.fround;

/** The wide-in cap: clamp(floor(0.7 x masked in block), 5, 20), never below 1. */
export function winoCap(blockMasked: number): number {
  return Math.max(1, Math.min(20, Math.max(5, Math.floor(0.7 * blockMasked))));
}

export const WINO: StrategyDefinition = {
  id: 'wino',
  title: 'WINO (wide in, narrow out)',
  family: 'remask',
  rule:
    'Wide in: reveal every candidate of the block with confidence ≥ τ_in, highest first, at least one and at most ' +
    'clamp(⌊0.7 × masks in block⌋, 5, 20). Narrow out, in the same step: every token of the block revealed before this step is ' +
    'verified by its leave-one-out probability p(x_i | prompt, every other revealed token) (the oracle: exact; a model: one ' +
    'extra input row per verified position, in the same forward call, so NFE counts one pass per step); those below τ_out ' +
    'are remasked, lowest first, at most (this step’s wide-in count − 1). Where the sources differ: the cap uses this step’s ' +
    'wide-in count, as d2Cache’s wino.py does (it stores the count before using it), not the previous step’s; the ' +
    'verifier is the leave-one-out conditional at every revealed position (WINO’s shadow block), ties by lower position.',
  params: [
    { name: 'tauIn', label: 'τ_in (wide in)', default: 0.6, min: 0, max: 1, help: 'Confidence needed to reveal (≥).' },
    { name: 'tauOut', label: 'τ_out (narrow out)', default: 0.9, min: 0, max: 1, help: 'A revealed token whose leave-one-out probability is below this is remasked.' },
  ],
  blocks: true,
  verify: 'loo',
  create(params) {
    const tauIn = f(params.tauIn);
    const tauOut = f(params.tauOut);
    return {
      select(view) {
        const { confidence } = view.stats;
        const ranked = rankDescending(view.candidates, (p) => confidence[p]);
        const cap = winoCap(view.candidates.length);
        let reveal = ranked.filter((p) => confidence[p] >= tauIn).slice(0, cap);
        if (reveal.length === 0) reveal = ranked.slice(0, 1);
        // Narrow out among the block's revealed positions (verified by their leave-one-out row).
        const limit = reveal.length - 1;
        const revealed: number[] = [];
        for (let p = view.block.start; p < view.block.end; p++) if (view.canvas[p] !== MASK_ID) revealed.push(p);
        const loo = (p: number) => f(view.loo!(p)[view.canvas[p]]);
        const low = rankDescending(revealed.filter((p) => loo(p) < tauOut), (p) => -loo(p));
        // Listed by position (the trace's order for every remasking rule).
        const remask = (limit > 0 ? low.slice(0, limit) : []).sort((a, b) => a - b);
        return { reveal, remask, scores: reveal.map((p) => confidence[p]) };
      },
    };
  },
  gpu: {
    shader: 'wino',
    uniforms: [['tau_in', 'f32'], ['tau_out', 'f32']],
    uniformValues: (params) => ({ tau_in: params.tauIn, tau_out: params.tauOut }),
  },
};
