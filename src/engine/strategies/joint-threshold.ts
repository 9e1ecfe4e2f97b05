import { MASK_ID } from '../vocab';
import { above, rankDescending } from './common';
import type { StrategyDefinition } from './types';

/**
 * LLaDA 2.1's joint threshold with token-to-token edits (sglang python/sglang/srt/dllm/algorithm/
 * joint_threshold.py): mask-to-token by a confidence threshold, token-to-token where the model
 * prefers another token at a revealed position, and edit-only passes after the last mask.
 */
export const JOINT_THRESHOLD: StrategyDefinition = {
  id: 'joint-threshold',
  title: 'LLaDA 2.1 joint threshold + edits',
  family: 'remask',
  rule:
    'Mask to token: reveal every mask with confidence above τ (strictly), at least the most confident one. Token to token, in the same ' +
    'step: every revealed position is verified by its leave-one-out row p(x_i | prompt, every other revealed token); where its argmax ' +
    'differs from the current token with probability above τ_edit (strictly), the token is rewritten (an edit). After the last mask, ' +
    'edit-only passes follow, at most the given number; the decode stops at the first pass that changes nothing. Choices: the verifier is ' +
    'the leave-one-out row (sglang reads LLaDA 2.1’s own row at the unmasked position, which LLaDA 2.1 was trained to use; the oracle’s and ' +
    'our tiny model’s rows there are not predictions); an edit needs another token strictly more probable than the current one (exact ties, ' +
    'common with the oracle, keep the token); the whole canvas is one block, so edits may reach any revealed position; every pass, including ' +
    'the last one that finds nothing to change, counts in NFE; τ_edit is compared in float32, as the GPU does.',
  params: [
    { name: 'threshold', label: 'threshold τ', default: 0.5, min: 0, max: 1, help: 'Confidence needed to reveal a mask (strictly above).' },
    { name: 'editThreshold', label: 'edit threshold τ_edit', default: 0, min: 0, max: 1, help: 'Leave-one-out probability an edit needs (strictly above).' },
    { name: 'postEditSteps', label: 'post-edit steps', default: 16, min: 0, max: 1024, integer: true, help: 'Most edit-only passes after the last mask.' },
  ],
  blocks: false,
  verify: 'loo',
  create(params) {
    const tau = params.threshold;
    // As float32, the GPU's uniform (an edit's probability is a float32).
    const tauEdit = Math.fround(params.editThreshold);
    const maxPost = params.postEditSteps;
    let postEdit = 0;
    let done = false;
    return {
      finished: ({ maskedCount }) => maskedCount === 0 && done,
      select(view) {
        const { confWeight, sumWeight, confidence } = view.stats;
        let reveal: number[] = [];
        if (view.candidates.length === 0) {
          postEdit++;
          if (postEdit > maxPost) {
            done = true;
            return { reveal, edit: [] };
          }
        } else {
          const ranked = rankDescending(view.candidates, (p) => confidence[p]);
          reveal = ranked.filter((p, i) => i === 0 || above(confWeight[p], sumWeight[p], tau));
        }
        const edit: { position: number; token: number }[] = [];
        for (let p = 0; p < view.canvasLength; p++) {
          const cur = view.canvas[p];
          if (cur === MASK_ID) continue;
          const row = view.loo!(p);
          let best = cur;
          for (let v = 0; v < row.length; v++) if (row[v] > row[best]) best = v;
          if (best !== cur && row[best] > tauEdit) edit.push({ position: p, token: best });
        }
        if (reveal.length === 0 && edit.length === 0) done = true;
        return { reveal, edit, scores: reveal.map((p) => confidence[p]) };
      },
    };
  },
  gpu: {
    shader: 'joint_threshold',
    uniforms: [['threshold', 'f32'], ['edit_threshold', 'f32'], ['post_edit_steps', 'u32']],
    uniformValues: (params) => ({ threshold: params.threshold, edit_threshold: params.editThreshold, post_edit_steps: params.postEditSteps }),
    // aux[b]: the edit-only passes so far.
    aux: (ctx) => ({ words: ctx.batch, fill: 0 }),
    edits: true,
    stops: true,
  },
};
