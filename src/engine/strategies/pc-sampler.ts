import { MASK_ID, VOCAB_SIZE } from '../vocab';
import { getTask } from '../tasks';
import type { TaskSample } from '../tasks/types';
import { K_PARAM, STEPS_PARAM, fixedCount, perBlockSteps, topK } from './common';
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
  // Every resolved task parameter (size, correlation, canvas budget ...) shapes the table.
  const key = `${sample.task}|${JSON.stringify(sample.params)}`;
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

/** −ln(f + 1e-9) of every token of the task's background table, float32 (the GPU's per-sample table). */
function calibration(sample: TaskSample): Float32Array {
  return Float32Array.from(taskTokenFrequencies(sample), (f) => -Math.log(f + 1e-9));
}

/** exp(−λ·i) for every in-block index i, float32. */
function positionDecay(lambda: number, blockLength: number): Float32Array {
  return Float32Array.from({ length: blockLength }, (_, i) => Math.exp(-lambda * i));
}

/**
 * PC-sampler's score exp(−λ·i) · min(α, p · (−ln(f + 1e-9))) from the float32 decay and
 * calibration, each product rounded to float32 as the GPU computes it.
 */
export function pcScore(decay: number, p: number, calib: number, alpha: number): number {
  return Math.fround(decay * Math.min(Math.fround(alpha), Math.fround(p * calib)));
}

export const PC_SAMPLER: StrategyDefinition = {
  id: 'pc-sampler',
  title: 'PC-sampler (position-aware calibration)',
  family: 'fixed',
  rule:
    'Top-k on LLaDA’s schedule by the score exp(−λ·i) · min(α, −p · ln(f_bg(x) + 1e-9)), i = the position’s index in its block ' +
    '(0-based), p = the confidence of its token x, f_bg = a background token frequency: here the task’s own unconditional token ' +
    'frequencies, the true distribution’s marginals with nothing revealed averaged over 32 seeded prompts and every position (the ' +
    'reference uses a corpus table), so frequent tokens such as end-of-sequence padding score low and come late. Arithmetic: exp(−λ·i) and −ln(f_bg + 1e-9) are rounded to float32 and each product is float32 (as the GPU computes it).',
  params: [
    { name: 'lambda', label: 'position decay λ', default: 0.25, min: 0, max: 10, help: 'Larger λ favours the left of the block.' },
    { name: 'alpha', label: 'clip α', default: 10, min: 0, max: 100, help: 'Cap on the calibrated confidence −p ln f_bg.' },
    K_PARAM,
    STEPS_PARAM,
  ],
  blocks: true,
  create(params, ctx) {
    if (!ctx.sample) throw new Error('pc-sampler needs the task (its background frequencies)');
    const calib = calibration(ctx.sample);
    const decay = positionDecay(params.lambda, ctx.blockLength);
    const blockCount = Math.ceil(ctx.canvasLength / ctx.blockLength);
    return {
      select(view) {
        const { confidence, x0 } = view.stats;
        const score = (p: number) => pcScore(decay[p - view.block.start], confidence[p], calib[x0[p]], params.alpha);
        const reveal = topK(view.candidates, score, fixedCount(view, params.k, params.steps, blockCount));
        return { reveal, scores: reveal.map(score) };
      },
    };
  },
  gpu: {
    shader: 'pc_sampler',
    uniforms: [['k', 'u32'], ['per_block', 'u32'], ['alpha', 'f32']],
    uniformValues: (params, ctx) => ({ k: params.k, per_block: params.steps > 0 ? perBlockSteps(params.steps, ctx.blockCount) : 0, alpha: params.alpha }),
    // The calibration of every token, then the decay of every in-block index (pc_sampler.wgsl).
    sampleTable: (params, sample, ctx) => {
      const calib = calibration(sample);
      const out = new Float32Array(calib.length + ctx.blockLength);
      out.set(calib);
      out.set(positionDecay(params.lambda, ctx.blockLength), calib.length);
      return out;
    },
  },
};
