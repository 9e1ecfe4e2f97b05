import { SupportDistribution } from '../distribution';
import { RandomStream } from '../rng';
import { EOS_ID, INDEX_TOKENS, SEP_ID, taskTag, tokenId, tokenText, type ListOp, type TaskId } from '../vocab';
import { FIRST_NAMES, LAST_NAMES } from '../lexicon';
import { describeListOp, makeListOp } from './list-ops';
import { budgetParam, checkTaskParam } from './params';
import { scoreBySupport } from './score';
import type { ScoreResult, TaskDefinition, TaskParams, TaskSample } from './types';

/**
 * ParallelBench's waiting line: the ten list operations on people named "First Last" (two
 * tokens each), n = 3..6, on a 32-token canvas (the paper's budget; `--budget` sets another) "F L , F L , ... F L [EOS] ... [EOS]".
 * Within one line every first name and every last name is distinct, so mixing two people
 * ("Jessica Lopez") is never a real person. Sort rule (ours): by last name, as the prompt says
 * (ParallelBench's data sorts by first name; we do not copy that).
 */
export const WAITING_LINE_CANVAS = 32;
export const WAITING_LINE_SIZES = { min: 3, max: 6, default: 3 };
/** The canvas; the longest answer is 7 people (insert at n = 6): 7 x 2 names + 6 commas = 20. */
const BUDGET = budgetParam(WAITING_LINE_CANVAS, 20);
const COMMA = tokenId(',');
const FIRST_IDS = FIRST_NAMES.map(tokenId);
const LAST_IDS = LAST_NAMES.map(tokenId);

interface Person {
  first: number;
  last: number;
}

/** Tokens of a line of people: "F L , F L", padded with [EOS] to `length` when given. */
export function renderLine(people: Person[], length?: number): number[] {
  const out: number[] = [];
  people.forEach((p, i) => {
    if (i > 0) out.push(COMMA);
    out.push(p.first, p.last);
  });
  if (length !== undefined) while (out.length < length) out.push(EOS_ID);
  return out;
}

const personText = (p: Person) => `${tokenText(p.first)} ${tokenText(p.last)}`;

function generate(op: ListOp, params: TaskParams, seed: number, index: number): TaskSample {
  const n = params.n;
  const canvas = checkTaskParam(BUDGET, params.budget);
  const id = `waiting-line/${op}` as TaskId;
  const stream = new RandomStream(seed, index);
  const firsts = stream.sample(FIRST_IDS.length, n + 1);
  const lasts = stream.sample(LAST_IDS.length, n + 1);
  const pool: Person[] = firsts.map((f, i) => ({ first: FIRST_IDS[f], last: LAST_IDS[lasts[i]] }));
  const inst = makeListOp(op, n, pool.length, stream, {
    compare: (a, b) => tokenText(pool[a].last).localeCompare(tokenText(pool[b].last)),
    shuffleMustChange: true,
    enumerateShuffle: true,
  });
  // makeListOp draws its items from the pool in random order; the pool is already random.
  const prompt = [taskTag(id)];
  if (inst.index !== undefined) prompt.push(tokenId(INDEX_TOKENS[inst.index]));
  if (inst.newItem !== undefined) prompt.push(pool[inst.newItem].first, pool[inst.newItem].last);
  prompt.push(...renderLine(inst.input.map((i) => pool[i])), SEP_ID);
  const outputs = inst.outputs.map((o) => renderLine(o.map((i) => pool[i]), canvas));
  const truth = new SupportDistribution(canvas, outputs);
  return {
    task: id,
    params: { n, budget: canvas },
    seed,
    index,
    prompt: Int32Array.from(prompt),
    canvasLength: canvas,
    truth,
    reference: truth.sample(new RandomStream(seed, index + 0x40000000)),
    description: describeListOp(inst, (i) => personText(pool[i])),
  };
}

/** People named in the prompt (input line and any new person). */
function promptPeople(prompt: Int32Array): Set<string> {
  const people = new Set<string>();
  for (let i = 0; i + 1 < prompt.length; i++) {
    if (FIRST_IDS.includes(prompt[i]) && LAST_IDS.includes(prompt[i + 1])) people.add(`${prompt[i]},${prompt[i + 1]}`);
  }
  return people;
}

/** A reason in people's terms: a mixed-up name, a repeated or missing person, broken layout. */
function explain(sample: TaskSample, output: ArrayLike<number>): string | null {
  const known = promptPeople(sample.prompt);
  const seen = new Set<string>();
  let i = 0;
  while (i < output.length && output[i] !== EOS_ID) {
    const f = output[i];
    const l = output[i + 1];
    if (!FIRST_IDS.includes(f)) return `position ${i}: expected a first name, found "${tokenText(f)}"`;
    if (l === undefined || !LAST_IDS.includes(l)) return `position ${i + 1}: expected a last name after "${tokenText(f)}"`;
    const key = `${f},${l}`;
    if (!known.has(key)) return `"${tokenText(f)} ${tokenText(l)}" mixes two people: no such person in the line`;
    if (seen.has(key)) return `"${tokenText(f)} ${tokenText(l)}" appears twice`;
    seen.add(key);
    i += 2;
    if (i < output.length && output[i] !== EOS_ID) {
      if (output[i] !== COMMA) return `position ${i}: expected "," between people, found "${tokenText(output[i])}"`;
      i++;
    }
  }
  for (let j = i; j < output.length; j++) {
    if (output[j] !== EOS_ID) return `position ${j}: "${tokenText(output[j])}" after the end of the line`;
  }
  if (sample.task === 'waiting-line/shuffle') {
    const input = Array.from(sample.prompt.subarray(1, -1));
    const out = Array.from(output).slice(0, input.length);
    if (out.every((t, k) => t === input[k])) return 'the order is unchanged: a shuffle must change it';
  }
  return null;
}

function score(sample: TaskSample, output: ArrayLike<number>): ScoreResult {
  return scoreBySupport(sample.truth, output, (o) => explain(sample, o));
}

const RULES: Record<ListOp, string> = {
  copy: 'Write the line unchanged.',
  reverse: 'Write the line in reverse order.',
  sort: 'Sort the line by last name (every last name in a line is distinct).',
  shuffle: 'Write the same people in a different order.',
  'insert-index': 'Insert the new person before the given 0-based index.',
  'insert-random': 'Insert the new person anywhere; everyone else keeps their order.',
  'remove-index': 'Remove the person at the given 0-based index.',
  'remove-random': 'Remove any one person; everyone else keeps their order.',
  'replace-index': 'Replace the person at the given 0-based index with the new person.',
  'replace-random': 'Replace any one person with the new person; everyone else stays in place.',
};

export function waitingLineTask(op: ListOp): TaskDefinition {
  return {
    id: `waiting-line/${op}` as TaskId,
    family: 'waiting-line',
    title: `Waiting line: ${op}`,
    rule: RULES[op],
    sizes: WAITING_LINE_SIZES,
    params: [BUDGET],
    generate: (params, seed, index) => generate(op, params, seed, index),
    score,
  };
}
