import { SupportDistribution } from '../distribution';
import { RandomStream } from '../rng';
import { EOS_ID, SEP_ID, taskTag, tokenId, tokenText, type TaskId } from '../vocab';
import {
  adjectiveMeaning,
  contentWords,
  meaningKey,
  paraphrases,
  parseSentence,
  PLACES,
  placeName,
  placeTokens,
  randomClause,
  renderClause,
  renderPhrase,
  sentencesWithWords,
  TOY_LANGUAGE,
  TRANSITIVE_VERBS,
  type Clause,
  type ClauseShape,
  type Phrase,
} from './grammar';
import { budgetParam, checkTaskParam } from './params';
import { scoreBySupport } from './score';
import type { ScoreResult, TaskDefinition, TaskParams, TaskSample } from './types';

/**
 * ParallelBench's text-writing tasks, rebuilt on the toy language of grammar.ts (not English:
 * a browser has no LanguageTool, and a toy language lets us list every valid answer).
 *
 * Canvas: 16 tokens by default (`budget`; ParallelBench's is 64), the sentence ("." included)
 * then [EOS] to the end. The longest sentence of the grammar has 13 tokens, so every sentence fits.
 *
 * - Words-to-sentence (w2s): the prompt lists content words (nouns, adjectives, places; a place
 *   such as "New York" is one word of two tokens). Valid: any grammatical sentence whose content
 *   words are exactly these, each once; determiners, verb, voice and word order are free. (We
 *   forbid extra content words, unlike ParallelBench, so the set of answers stays small enough to
 *   list: at most about a thousand sentences per prompt.)
 *     easy:   2 words (two nouns, or a noun and a place)
 *     medium: 3 words (as easy plus one adjective)
 *     hard:   5 words (two nouns, two adjectives and a place for a closing "in/near Place")
 *   Harder prompts pin more of the sentence but make it longer and more tangled.
 * - Paraphrase: the prompt is a sentence; valid: any other sentence with the same meaning. Same
 *   meaning = same verb, same doer, same thing done to, same determiners (a = an), same
 *   adjectives up to the synonyms big = large and small = little, same closing place phrase;
 *   active and passive voice mean the same ("the dog sees the cat" = "the cat is seen by the dog").
 */
export const TEXT_CANVAS = 16;
/** Compact by default; ParallelBench's budget is 64. */
export const TEXT_BUDGET = budgetParam(TEXT_CANVAS, TEXT_CANVAS);

type TextKind = 'w2s-easy' | 'w2s-medium' | 'w2s-hard' | 'paraphrase';

const W2S_SHAPES: Record<Exclude<TextKind, 'paraphrase'>, ClauseShape> = {
  'w2s-easy': { adjectives: 0, placePhrase: false, placeObject: true },
  'w2s-medium': { adjectives: 1, placePhrase: false, placeObject: true },
  'w2s-hard': { adjectives: 2, placePhrase: true, placeObject: false },
};

/** A sentence's tokens padded with [EOS] to the canvas. */
export const padSentence = (tokens: readonly string[], length: number) => {
  const out = tokens.map(tokenId);
  while (out.length < length) out.push(EOS_ID);
  return out;
};

/**
 * A listing's sentences as padded token rows, kept beside the listing (grammar.ts remembers
 * listings, so the same prompt gives the same array): a sweep pads them once, not per sample.
 */
const padded = new WeakMap<readonly string[][], Map<number, number[][]>>();
function paddedOutputs(outputs: readonly string[][], canvas: number): number[][] {
  let byCanvas = padded.get(outputs);
  if (!byCanvas) padded.set(outputs, (byCanvas = new Map()));
  let rows = byCanvas.get(canvas);
  if (!rows) byCanvas.set(canvas, (rows = outputs.map((o) => padSentence(o, canvas))));
  return rows;
}

function generate(kind: TextKind, params: TaskParams, seed: number, index: number): TaskSample {
  const id = `text/${kind}` as TaskId;
  const canvas = checkTaskParam(TEXT_BUDGET, params.budget);
  const stream = new RandomStream(seed, index);
  let input: string[];
  let outputs: readonly string[][];
  let description: string;
  if (kind === 'paraphrase') {
    const clause = randomClause(stream, {
      adjectives: stream.int(3) as 0 | 1 | 2,
      placePhrase: stream.int(3) === 0,
      placeObject: true,
    });
    input = renderClause(clause);
    // A transitive clause always has its other voice, so there is at least one paraphrase.
    outputs = paraphrases(clause);
    description = `Say differently, same meaning: "${input.join(' ')}"`;
  } else {
    const clause = randomClause(stream, W2S_SHAPES[kind]);
    const words = stream.shuffle(contentWords(clause));
    input = words.flatMap(placeTokens);
    outputs = sentencesWithWords(words);
    description = `Write a sentence using exactly these words: ${words.join(', ')}`;
  }
  const truth = new SupportDistribution(canvas, paddedOutputs(outputs, canvas));
  return {
    task: id,
    params: { n: params.n, budget: canvas },
    seed,
    index,
    prompt: Int32Array.from([taskTag(id), ...input.map(tokenId), SEP_ID]),
    canvasLength: canvas,
    truth,
    reference: truth.sample(new RandomStream(seed, index + 0x40000000)),
    description,
  };
}

/** The prompt's input tokens (between the tag and [SEP]) as text. */
const promptTokens = (prompt: Int32Array) => Array.from(prompt.subarray(1, -1), tokenText);

/** Groups tokens into content words, a multi-token place becoming one word. */
function groupWords(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const place = PLACES.find((p) => p.every((t, k) => tokens[i + k] === t));
    if (place) {
      out.push(placeName(place));
      i += place.length - 1;
    } else out.push(tokens[i]);
  }
  return out;
}

/** Canvas positions where the content word `word` starts. */
function wordPositions(tokens: readonly string[], word: string): number[] {
  const parts = placeTokens(word);
  const out: number[] = [];
  for (let i = 0; i < tokens.length; i++) if (parts.every((t, k) => tokens[i + k] === t)) out.push(i);
  return out;
}

const phraseText = (p: Phrase) => renderPhrase(p).join(' ');
const phraseMeaning = (p: Phrase) => (p.kind === 'place' ? p.place : `${p.det} ${p.adj ? adjectiveMeaning(p.adj) : ''} ${p.noun}`);
const lemmaOf = (c: Clause) =>
  c.kind === 'motion' ? (c.verb === 'goes' ? 'go' : 'walk') : TRANSITIVE_VERBS.find((v) => v.active === c.verb)!.lemma;

/** Why `out` does not mean what `input` means, in the sentence's terms. */
function meaningDifference(input: Clause, out: Clause): string {
  if (input.kind !== out.kind || input.verb !== out.verb) return `the action changed: the input says "${lemmaOf(input)}", the output "${lemmaOf(out)}"`;
  if (phraseMeaning(input.agent) !== phraseMeaning(out.agent)) {
    return `the one who does it changed: "${phraseText(input.agent)}" became "${phraseText(out.agent)}"`;
  }
  if (input.kind === 'transitive' && out.kind === 'transitive') {
    if (phraseMeaning(input.patient) !== phraseMeaning(out.patient)) {
      return `the one it is done to changed: "${phraseText(input.patient)}" became "${phraseText(out.patient)}"`;
    }
    const pp = (c: typeof input) => (c.pp ? `${c.pp.prep} ${c.pp.place}` : 'no place');
    if (pp(input) !== pp(out)) return `the place changed: "${pp(input)}" became "${pp(out)}"`;
  }
  if (input.kind === 'motion' && out.kind === 'motion') return `the place changed: "${input.prep} ${input.place}" became "${out.prep} ${out.place}"`;
  return 'the meaning changed';
}

/**
 * The first problem with a text output, in the language's terms: layout (the sentence, then
 * only [EOS]), grammar (parse error at a position), then the task's own rule.
 */
export function textViolation(sample: TaskSample, output: ArrayLike<number>): { reason: string; culprits: number[] } | null {
  const L = output.length;
  let end = 0;
  while (end < L && output[end] !== EOS_ID) end++;
  for (let j = end + 1; j < L; j++) {
    if (output[j] !== EOS_ID) return { reason: `position ${j}: "${tokenText(output[j])}" after [EOS]; the rest of the canvas must be [EOS]`, culprits: [j] };
  }
  if (end === 0) return { reason: 'the sentence is empty', culprits: [0] };
  const tokens = Array.from({ length: end }, (_, i) => tokenText(output[i]));
  const parsed = parseSentence(tokens);
  if (!parsed.ok) {
    return { reason: `position ${parsed.position}: ${parsed.message}`, culprits: parsed.position < L ? [parsed.position] : [] };
  }
  const input = promptTokens(sample.prompt);
  if (sample.task === 'text/paraphrase') {
    if (tokens.join(' ') === input.join(' ')) return { reason: 'this is the input sentence itself; a paraphrase must differ', culprits: [] };
    const given = parseSentence(input);
    if (given.ok && meaningKey(given.clause) !== meaningKey(parsed.clause)) {
      return { reason: meaningDifference(given.clause, parsed.clause), culprits: [] };
    }
    return null;
  }
  const required = groupWords(input);
  const used = contentWords(parsed.clause);
  for (const w of required) {
    const need = required.filter((x) => x === w).length;
    const have = used.filter((x) => x === w).length;
    if (have < need) return { reason: `missing required word "${w}"`, culprits: [] };
    if (have > need) return { reason: `"${w}" is used ${have} times; each given word goes in once`, culprits: wordPositions(tokens, w).slice(need) };
  }
  for (const w of used) {
    if (!required.includes(w)) return { reason: `"${w}" is not one of the given words (${required.join(', ')})`, culprits: wordPositions(tokens, w) };
  }
  return null;
}

function score(sample: TaskSample, output: ArrayLike<number>): ScoreResult {
  const v = textViolation(sample, output);
  const r = scoreBySupport(sample.truth, output, () => v?.reason ?? null);
  if (!r.ok && v && v.culprits.length > 0) r.culprits = v.culprits;
  return r;
}

export const TOY = 'Toy language (a small made-up fragment of English, not real English): ';

const RULES: Record<TextKind, string> = {
  'w2s-easy': `${TOY}write one grammatical sentence using exactly the 2 given words (nouns or a place), each once, and no other noun, adjective or place.`,
  'w2s-medium': `${TOY}write one grammatical sentence using exactly the 3 given words (nouns, an adjective, maybe a place), each once, and no other noun, adjective or place.`,
  'w2s-hard': `${TOY}write one grammatical sentence using exactly the 5 given words (two nouns, two adjectives, a place), each once, and no other noun, adjective or place.`,
  paraphrase:
    `${TOY}write a different grammatical sentence with the same meaning: active and passive voice are interchangeable, ` +
    'as are big/large and small/little; the verb, who does what to whom, the determiners (a = an) and the place must stay.',
};

const TITLES: Record<TextKind, string> = {
  'w2s-easy': 'Words to sentence (easy)',
  'w2s-medium': 'Words to sentence (medium)',
  'w2s-hard': 'Words to sentence (hard)',
  paraphrase: 'Paraphrase',
};

export function textTask(kind: TextKind): TaskDefinition {
  return {
    id: `text/${kind}` as TaskId,
    family: 'text',
    title: `${TITLES[kind]} (toy language)`,
    rule: RULES[kind],
    sizes: null,
    params: [TEXT_BUDGET],
    generate: (params, seed, index) => generate(kind, params, seed, index),
    score,
  };
}

export const TEXT_KINDS: readonly TextKind[] = ['w2s-easy', 'w2s-medium', 'w2s-hard', 'paraphrase'];
export { TOY_LANGUAGE };
