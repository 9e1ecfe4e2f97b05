import type { ParamSpec, StepView } from './types';

/**
 * The k best positions by score, best first; ties go to the lower position. Used by every top-k
 * rule on the CPU, and mirrored by the GPU's rank-based selection.
 */
export function topK(positions: readonly number[], score: (pos: number) => number, k: number): number[] {
  return rankTop(positions, score, Math.max(0, Math.min(k, positions.length)));
}

/** Positions sorted by score, highest first, ties by lower position. */
export function rankDescending(positions: readonly number[], score: (pos: number) => number): number[] {
  return rankTop(positions, score, positions.length);
}

/** Beyond this many kept, a sort beats insertion. */
const INSERTION_LIMIT = 64;

/**
 * The first `k` positions of the ranking (score descending, ties by lower position). Insertion
 * into the kept few: a step ranks a canvas's candidates, and the sort with a comparator
 * allocated an object per candidate and the sort's own arrays, every step of every decode.
 */
function rankTop(positions: readonly number[], score: (pos: number) => number, k: number): number[] {
  if (k > INSERTION_LIMIT) {
    const scored = positions.map((p) => ({ p, s: score(p) }));
    scored.sort((a, b) => (b.s !== a.s ? (b.s > a.s ? 1 : -1) : a.p - b.p));
    return scored.slice(0, k).map((x) => x.p);
  }
  const top: number[] = [];
  const scores: number[] = [];
  for (const p of positions) {
    const s = score(p);
    let j = top.length;
    // Moves past every kept entry that ranks after (p, s).
    while (j > 0 && (s > scores[j - 1] || (s === scores[j - 1] && p < top[j - 1]))) j--;
    if (j >= k) continue;
    if (top.length < k) {
      top.push(0);
      scores.push(0);
    }
    for (let i = top.length - 1; i > j; i--) {
      top[i] = top[i - 1];
      scores[i] = scores[i - 1];
    }
    top[j] = p;
    scores[j] = s;
  }
  return top;
}

/**
 * LLaDA's schedule: the N masked slots of a block spread over its steps as evenly as possible,
 * the first N mod steps steps taking one more. At least one per step (so no pass is wasted).
 */
export function lladaCount(maskedAtStart: number, stepsPerBlock: number, blockStep: number): number {
  const base = Math.floor(maskedAtStart / stepsPerBlock);
  const extra = maskedAtStart % stepsPerBlock;
  return Math.max(1, base + (blockStep < extra ? 1 : 0));
}

/** Steps each block gets when a step budget is spread over the blocks (LLaDA); at least one. */
export function perBlockSteps(steps: number, blockCount: number): number {
  return Math.max(1, Math.round(steps / blockCount));
}

/** How many to reveal this step for a rule parameterised by k or by a step budget. */
export function fixedCount(view: StepView, k: number, steps: number, blockCount: number): number {
  if (steps > 0) return lladaCount(view.block.maskedAtStart, perBlockSteps(steps, blockCount), view.block.step);
  return k;
}

/**
 * Exact float32 test of p = w/s > gamma without a division, as the GPU does it. Strict, as in
 * Fast-dLLM's code; it is what makes replace-random exact iff gamma >= (n-1)/n
 * (parallelbench.md section 2).
 */
export function above(weight: number, sum: number, gamma: number): boolean {
  return weight > Math.fround(Math.fround(gamma) * sum);
}

export const K_PARAM: ParamSpec = {
  name: 'k', label: 'tokens per step (k)', default: 1, min: 1, max: 64, integer: true,
  help: 'Reveal k positions per step (the last step of a block may reveal fewer).',
};

export const STEPS_PARAM: ParamSpec = {
  name: 'steps', label: 'steps (0 = use k)', default: 0, min: 0, max: 1024, integer: true,
  help: 'A step budget instead of k: the masked slots are spread over the steps as LLaDA does.',
};

/** A fixed step budget for schedule rules (Dream, ReMDM); 0 means one step per position. */
export const STEP_BUDGET_PARAM: ParamSpec = {
  name: 'steps', label: 'steps', default: 0, min: 0, max: 1024, integer: true,
  help: 'Number of denoising steps (0 = one per canvas position).',
};

export const stepBudget = (params: Record<string, number>, canvasLength: number) =>
  params.steps > 0 ? params.steps : canvasLength;

/** Dream's timesteps t_i = linspace(1, eps, steps + 1), as float32. */
export function dreamTimesteps(steps: number, eps = 1e-3): Float32Array {
  const t = new Float32Array(steps + 1);
  for (let i = 0; i <= steps; i++) t[i] = Math.fround(1 + ((eps - 1) * i) / steps);
  return t;
}
