import { Purpose, gumbel, openUnit } from '../rng';
import { rankDescending } from './common';
import type { StrategyDefinition } from './types';

/**
 * MaskGIT's cosine schedule after step r of R for a canvas of N: how many stay masked (before
 * the clamps) and the Gumbel anneal T_c(1 - r/R), float32 as the GPU receives them.
 */
export function maskgitStep(r: number, R: number, N: number, tc: number): { anneal: number; keep: number } {
  const ratio = Math.fround(r / R);
  return { anneal: Math.fround(tc * Math.fround(1 - ratio)), keep: Math.floor(N * Math.cos((Math.PI / 2) * ratio)) };
}

export const MASKGIT_COSINE: StrategyDefinition = {
  id: 'maskgit-cosine',
  title: 'MaskGIT (cosine)',
  family: 'schedule',
  rule:
    'After step r of R keep floor(N·cos(π/2·r/R)) positions masked (at least 1 before the last step, at least one revealed per step); ' +
    'rank by log p(sampled token) + T_c·(1 − r/R)·Gumbel.',
  params: [
    { name: 'steps', label: 'steps R', default: 8, min: 1, max: 1024, integer: true, help: 'Number of steps.' },
    { name: 'choiceTemperature', label: 'choice temperature T_c', default: 4.5, min: 0, max: 100, help: 'Gumbel noise on the ranking, annealed to 0.' },
  ],
  blocks: false,
  create(params, ctx) {
    const R = params.steps;
    const N = ctx.canvasLength;
    const tc = Math.fround(params.choiceTemperature);
    return {
      select(view) {
        const masked = view.candidates.length;
        const r = view.step + 1;
        if (r >= R) return { reveal: view.candidates.slice() };
        const { anneal, keep: cosKeep } = maskgitStep(r, R, N, tc);
        const keep = Math.min(Math.max(cosKeep, 1), masked - 1);
        const score = (p: number) =>
          Math.fround(
            Math.fround(Math.log(view.stats.confidence[p])) +
              Math.fround(anneal * gumbel(openUnit(view.random(p, Purpose.positionNoise)))),
          );
        const ranked = rankDescending(view.candidates, score);
        const reveal = ranked.slice(0, Math.max(1, masked - keep));
        return { reveal, scores: reveal.map(score) };
      },
    };
  },
  gpu: {
    shader: 'maskgit',
    // Per step: the anneal and the cosine keep count, before the clamps (done on the GPU).
    schedule(params, ctx) {
      const steps = params.steps;
      const table = new Float32Array(2 * steps);
      for (let i = 0; i + 1 < steps; i++) {
        const { anneal, keep } = maskgitStep(i + 1, steps, ctx.canvasLength, Math.fround(params.choiceTemperature));
        table[2 * i] = anneal;
        table[2 * i + 1] = keep;
      }
      return { steps, table };
    },
  },
};
