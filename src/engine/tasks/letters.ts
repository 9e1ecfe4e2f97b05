import { PermutationDistribution, SupportDistribution } from '../distribution';
import { RandomStream } from '../rng';
import { INDEX_TOKENS, SEP_ID, taskTag, tokenId, tokenText, type ListOp, type TaskId } from '../vocab';
import { LETTERS } from '../lexicon';
import { describeListOp, makeListOp, outputItems } from './list-ops';
import { repeatedPositions, scoreBySupport } from './score';
import type { ScoreResult, TaskDefinition, TaskParams, TaskSample } from './types';

/**
 * The paper's synthetic list tasks (section 4): distinct letters, n = 3..16. The canvas is the
 * answer's item slots and nothing else, as in the paper, so the closed forms of section 2 apply.
 * Prompt: tag, [#index], [new letter], the letters, [SEP].
 */
const LETTER_IDS = LETTERS.map(tokenId);

export const LETTERS_SIZES = { min: 3, max: 16, default: 6 };

function generate(op: ListOp, params: TaskParams, seed: number, index: number): TaskSample {
  const n = params.n;
  const id = `letters/${op}` as TaskId;
  const stream = new RandomStream(seed, index);
  const inst = makeListOp(op, n, LETTERS.length, stream, {
    compare: (a, b) => a - b,
    shuffleMustChange: false,
    enumerateShuffle: false,
  });
  const prompt = [taskTag(id)];
  if (inst.index !== undefined) prompt.push(tokenId(INDEX_TOKENS[inst.index]));
  if (inst.newItem !== undefined) prompt.push(LETTER_IDS[inst.newItem]);
  prompt.push(...inst.input.map((i) => LETTER_IDS[i]), SEP_ID);
  const length = outputItems(op, n);
  const truth =
    op === 'shuffle'
      ? new PermutationDistribution(
          length,
          Array.from({ length }, (_, i) => i),
          inst.input.map((i) => LETTER_IDS[i]),
          new Int32Array(length),
        )
      : new SupportDistribution(length, inst.outputs.map((o) => o.map((i) => LETTER_IDS[i])));
  return {
    task: id,
    params: { n },
    seed,
    index,
    prompt: Int32Array.from(prompt),
    canvasLength: length,
    truth,
    reference: truth.sample(new RandomStream(seed, index + 0x40000000)),
    description: describeListOp(inst, (i) => LETTERS[i]),
  };
}

function explainShuffle(sample: TaskSample, output: ArrayLike<number>): string | null {
  const input = new Set(Array.from(sample.prompt.subarray(1, -1)));
  for (let i = 0; i < output.length; i++) {
    if (!input.has(output[i])) return `"${tokenText(output[i])}" at position ${i} is not in the input`;
  }
  const reps = repeatedPositions(output, Array.from({ length: output.length }, (_, i) => i));
  if (reps.length > 0) return `"${tokenText(output[reps[0]])}" appears more than once, so another letter is missing`;
  return null;
}

function score(sample: TaskSample, output: ArrayLike<number>): ScoreResult {
  if (sample.task === 'letters/shuffle') {
    const r = scoreBySupport(sample.truth, output, (o) => explainShuffle(sample, o));
    if (!r.ok) {
      const all = Array.from({ length: output.length }, (_, i) => i);
      const input = new Set(Array.from(sample.prompt.subarray(1, -1)));
      const foreign = all.filter((i) => !input.has(output[i]));
      r.culprits = foreign.length > 0 ? foreign : repeatedPositions(output, all);
    }
    return r;
  }
  return scoreBySupport(sample.truth, output);
}

const RULES: Record<ListOp, string> = {
  copy: 'Write the letters unchanged.',
  reverse: 'Write the letters in reverse order.',
  sort: 'Write the letters in alphabetical order.',
  shuffle: 'Write the letters in any order (every permutation counts, the input order included, as in the paper).',
  'insert-index': 'Insert the new letter before the given 0-based index.',
  'insert-random': 'Insert the new letter at any position.',
  'remove-index': 'Remove the letter at the given 0-based index.',
  'remove-random': 'Remove any one letter.',
  'replace-index': 'Replace the letter at the given 0-based index with the new letter.',
  'replace-random': 'Replace any one letter with the new letter.',
};

export function lettersTask(op: ListOp): TaskDefinition {
  return {
    id: `letters/${op}` as TaskId,
    family: 'letters',
    title: `Letters: ${op}`,
    rule: RULES[op],
    sizes: LETTERS_SIZES,
    params: [],
    generate: (params, seed, index) => generate(op, params, seed, index),
    score,
  };
}
