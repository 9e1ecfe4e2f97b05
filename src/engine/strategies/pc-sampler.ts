import { MASK_ID, VOCAB_SIZE } from '../vocab';
import { getTask } from '../tasks';
import type { TaskSample } from '../tasks/types';
import { K_PARAM, STEPS_PARAM, fixedCount, topK } from './common';
import type { StrategyDefinition } from './types';

/**
 * PC-sampler (NEUIR/PC-Sampler, src/generate.py pc_sampler_function): position-aware,
 * calibrated confidence. Its background frequency table here is the task's own unconditional
 * token frequencies, computed from the task's true distribution.
 */

/** Prompts averaged for the background table (a fixed seed: the table is a property of the task and size). */
export const BACKGROUND_PROMPTS = 32;
const BACKGROUND_SEED = 0x9c5a;
const cache = new Map<string, Float64Array>();

/**
 * Unconditional token frequencies of a task: for each of BACKGROUND_PROMPTS seeded prompts, the
 * true distribution's marginal at every output position with nothing revealed, averaged over
 * positions and prompts (sums to 1).
 */
export function taskTokenFrequencies(sample: TaskSample): Float64Array {
  const key = `${sample.task}|${sample.params.n}|${sample.params.rho ?? ''}`;
  let table = cache.get(key);
  if (table) return table;
  table = new Float64Array(VOCAB_SIZE);
  const L = sample.canvasLength;
  const row = new Float32Array(VOCAB_SIZE);
  const task = getTask(sample.task);
  for (let k = 0; k < BACKGROUND_PROMPTS; k++) {
    // The sample's own resolved parameters: the same task and size.
    const s = task.generate(sample.params, BACKGROUND_SEED, k);
    const cond = s.truth.condition(new Int32Array(L).fill(MASK_ID));
    for (let i = 0; i < L; i++) {
      row.fill(0);
      cond.weightsAt(i, row, 0);
      for (let v = 0; v < VOCAB_SIZE; v++) if (row[v] > 0) table[v] += row[v] / cond.total / (L * BACKGROUND_PROMPTS);
    }
  }
  cache.set(key, table);
  return table;
}

/** PC-sampler's score of a mask at in-block index i with top-1 confidence p and token frequency f. */
export function pcScore(i: number, p: number, f: number, lambda: number, alpha: number): number {
  return Math.exp(-lambda * i) * Math.min(alpha, -p * Math.log(f + 1e-9));
}

export const PC_SAMPLER: StrategyDefinition = {
  id: 'pc-sampler',
  title: 'PC-sampler (position-aware calibration)',
  family: 'fixed',
  rule:
    'Top-k on LLaDA’s schedule by the score exp(−λ·i) · min(α, −p · ln(f_bg(x) + 1e-9)), i = the position’s index in its block ' +
    '(0-based), p = the confidence of its token x, f_bg = a background token frequency: here the task’s own unconditional token ' +
    'frequencies, the true distribution’s marginals with nothing revealed averaged over 32 seeded prompts and every position (the ' +
    'reference uses a corpus table), so frequent tokens such as end-of-sequence padding score low and come late.',
  params: [
    { name: 'lambda', label: 'position decay λ', default: 0.25, min: 0, max: 10, help: 'Larger λ favours the left of the block.' },
    { name: 'alpha', label: 'clip α', default: 10, min: 0, max: 100, help: 'Cap on the calibrated confidence −p ln f_bg.' },
    K_PARAM,
    STEPS_PARAM,
  ],
  blocks: true,
  create(params, ctx) {
    if (!ctx.sample) throw new Error('pc-sampler needs the task (its background frequencies)');
    const freq = taskTokenFrequencies(ctx.sample);
    const blockCount = Math.ceil(ctx.canvasLength / ctx.blockLength);
    return {
      select(view) {
        const { confidence, x0 } = view.stats;
        const score = (p: number) => pcScore(p - view.block.start, confidence[p], freq[x0[p]], params.lambda, params.alpha);
        const reveal = topK(view.candidates, score, fixedCount(view, params.k, params.steps, blockCount));
        return { reveal, scores: reveal.map(score) };
      },
    };
  },
};
