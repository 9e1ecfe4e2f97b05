import { SupportDistribution } from '../distribution';
import { FIRST_NAMES } from '../lexicon';
import { RandomStream } from '../rng';
import { EOS_ID, SEP_ID, taskTag, tokenId, tokenText, type TaskId } from '../vocab';
import { ADJECTIVE_FITS, NOUN_CLASS, NOUNS, PLACE_PREPS, PLACES, placeName, placeTokens, TRANSITIVE_VERBS } from './grammar';
import { checkTaskParam } from './params';
import { padSentence, TEXT_BUDGET, TOY } from './text';
import type { ScoreResult, TaskDefinition, TaskParams, TaskSample } from './types';

/**
 * Summarization (ParallelBench's SAMSum task) rebuilt in the toy language. Two people plan
 * something in a two-line dialogue:
 *
 *   Jessica : will we see the old dog tomorrow ?   Michael : yes , in Paris .
 *
 * Its facts: who (the two names), what (the verb and its object, adjective included), where
 * (in/near a place) and when (today, tomorrow, tonight). A summary is one sentence
 *
 *   Name and Name will Verb the [Adj] Noun (Prep Place Time | Time Prep Place) .
 *
 * Rule (our stand-in for ROUGE-L x grammar): valid iff the sentence parses in this form
 * (grammatical) and states every fact of the dialogue and nothing else (content): both people
 * once each, the same verb, object, adjective, preposition, place and time. Either person may
 * come first and the place and time may come in either order, so every dialogue has exactly four
 * valid summaries, all equally likely; mixing two of them in one parallel step ("Jessica and
 * Jessica", "in tomorrow") breaks the sentence, as in the other text tasks.
 */
const TIMES = ['today', 'tomorrow', 'tonight'];
const VERBS = TRANSITIVE_VERBS.filter((v) => v.agents.includes('human'));
const LEMMAS = VERBS.map((v) => v.lemma);
const NAME_SET = new Set(FIRST_NAMES);

export interface SummaryFacts {
  people: [string, string];
  verb: string;
  adj: string | null;
  noun: string;
  prep: string;
  place: string;
  time: string;
}

/** The summary's tokens: `order` 0..3 picks who comes first (bit 0) and place before time (bit 1). */
export function renderSummary(f: SummaryFacts, order: number): string[] {
  const [a, b] = order & 1 ? [f.people[1], f.people[0]] : f.people;
  const where = [f.prep, ...placeTokens(f.place)];
  const adjuncts = order & 2 ? [f.time, ...where] : [...where, f.time];
  return [a, 'and', b, 'will', f.verb, 'the', ...(f.adj ? [f.adj] : []), f.noun, ...adjuncts, '.'];
}

function dialogue(f: SummaryFacts): string[] {
  const [a, b] = f.people;
  return [a, ':', 'will', 'we', f.verb, 'the', ...(f.adj ? [f.adj] : []), f.noun, f.time, '?', b, ':', 'yes', ',', f.prep, ...placeTokens(f.place), '.'];
}

function randomFacts(stream: RandomStream): SummaryFacts {
  const [i, j] = stream.sample(FIRST_NAMES.length, 2);
  const v = stream.pick(VERBS);
  const noun = stream.pick(NOUNS.filter((n) => v.objects.includes(NOUN_CLASS[n])));
  const adjs = Object.keys(ADJECTIVE_FITS).filter((a) => ADJECTIVE_FITS[a].includes(NOUN_CLASS[noun]));
  const adj = stream.int(2) === 0 ? stream.pick(adjs) : null;
  return {
    people: [FIRST_NAMES[i], FIRST_NAMES[j]],
    verb: v.lemma,
    adj,
    noun,
    prep: stream.pick(PLACE_PREPS),
    place: placeName(stream.pick(PLACES)),
    time: stream.pick(TIMES),
  };
}

/** The dialogue's facts, read back from a prompt (tag, dialogue, [SEP]). */
export function promptFacts(prompt: Int32Array): SummaryFacts {
  const t = Array.from(prompt.subarray(1, -1), tokenText);
  const hasAdj = t[6] in ADJECTIVE_FITS;
  const k = hasAdj ? 7 : 6;
  return {
    people: [t[0], t[k + 3]],
    verb: t[4],
    adj: hasAdj ? t[6] : null,
    noun: t[k],
    prep: t[k + 7],
    place: t.slice(k + 8, -1).join(' '),
    time: t[k + 1],
  };
}

function generate(params: TaskParams, seed: number, index: number): TaskSample {
  const id: TaskId = 'text/summarize';
  const canvas = checkTaskParam(TEXT_BUDGET, params.budget);
  const facts = randomFacts(new RandomStream(seed, index));
  const truth = new SupportDistribution(canvas, [0, 1, 2, 3].map((o) => padSentence(renderSummary(facts, o), canvas)));
  const d = dialogue(facts);
  const split = d.indexOf('?') + 1;
  return {
    task: id,
    params: { n: params.n, budget: canvas },
    seed,
    index,
    prompt: Int32Array.from([taskTag(id), ...d.map(tokenId), SEP_ID]),
    canvasLength: canvas,
    truth,
    reference: truth.sample(new RandomStream(seed, index + 0x40000000)),
    description: `Summarize in one sentence: ${d.slice(0, split).join(' ')} / ${d.slice(split).join(' ')}`,
  };
}

type Violation = { reason: string; culprits: number[] };

/** Parses a summary (tokens up to [EOS]); the first position that breaks the form, or its facts. */
export function parseSummary(tokens: readonly string[]): { ok: true; facts: SummaryFacts; at: Record<string, number> } | { ok: false; position: number; message: string } {
  let i = 0;
  const fail = (message: string) => ({ ok: false as const, position: i, message });
  const q = (t: string | undefined) => (t === undefined ? 'the end of the sentence' : `"${t}"`);
  const at: Record<string, number> = {};
  const name = (key: string) => {
    if (!NAME_SET.has(tokens[i])) return false;
    at[key] = i++;
    return true;
  };
  if (!name('a')) return fail(`a summary starts with a person's name, found ${q(tokens[i])}`);
  if (tokens[i] !== 'and') return fail(`expected "and" after "${tokens[0]}", found ${q(tokens[i])}`);
  i++;
  if (!name('b')) return fail(`expected the second person's name after "and", found ${q(tokens[i])}`);
  if (tokens[i] !== 'will') return fail(`expected "will" after the two names, found ${q(tokens[i])}`);
  i++;
  const verb = VERBS.find((v) => v.lemma === tokens[i]);
  if (!verb) return fail(`expected a verb (${LEMMAS.join(', ')}) after "will", found ${q(tokens[i])}`);
  at.verb = i++;
  if (tokens[i] !== 'the') return fail(`expected "the" before the object, found ${q(tokens[i])}`);
  i++;
  let adj: string | null = null;
  if (tokens[i] !== undefined && tokens[i] in ADJECTIVE_FITS) {
    adj = tokens[i];
    at.adj = i++;
  }
  const noun = tokens[i];
  if (noun === undefined || !(noun in NOUN_CLASS)) return fail(`expected a noun after "${adj ?? 'the'}", found ${q(noun)}`);
  if (adj && !ADJECTIVE_FITS[adj].includes(NOUN_CLASS[noun])) return { ok: false, position: at.adj, message: `"${adj}" does not describe "${noun}"` };
  if (!verb.objects.includes(NOUN_CLASS[noun])) return fail(`one cannot ${verb.lemma} "${noun}"`);
  at.noun = i++;
  let prep: string | null = null;
  let place: string | null = null;
  let time: string | null = null;
  for (let adjunct = 0; adjunct < 2; adjunct++) {
    const t = tokens[i];
    if (t !== undefined && TIMES.includes(t) && time === null) {
      time = t;
      at.time = i++;
    } else if (t !== undefined && PLACE_PREPS.includes(t) && prep === null) {
      prep = t;
      at.prep = i++;
      const p = PLACES.find((pl) => pl.every((w, k) => tokens[i + k] === w));
      if (!p) return fail(`expected a place (${PLACES.map(placeName).join(', ')}) after "${prep}", found ${q(tokens[i])}`);
      place = placeName(p);
      at.place = i;
      i += p.length;
    } else {
      const want = [time === null ? 'a time (today, tomorrow, tonight)' : null, prep === null ? '"in" or "near" and a place' : null].filter(Boolean);
      return fail(`expected ${want.join(' or ')}, found ${q(t)}`);
    }
  }
  if (tokens[i] !== '.') return fail(`expected "." to end the summary, found ${q(tokens[i])}`);
  i++;
  if (i < tokens.length) return fail(`"${tokens[i]}" after the end of the summary`);
  return { ok: true, facts: { people: [tokens[at.a], tokens[at.b]], verb: verb.lemma, adj, noun, prep: prep!, place: place!, time: time! }, at };
}

/** Grammar first, then content: a missing fact or an invented one, with the words at fault. */
export function summaryViolation(sample: TaskSample, output: ArrayLike<number>): Violation | null {
  const L = output.length;
  let end = 0;
  while (end < L && output[end] !== EOS_ID) end++;
  for (let j = end + 1; j < L; j++) {
    if (output[j] !== EOS_ID) return { reason: `position ${j}: "${tokenText(output[j])}" after [EOS]; the rest of the canvas must be [EOS]`, culprits: [j] };
  }
  if (end === 0) return { reason: 'the summary is empty', culprits: [0] };
  const tokens = Array.from({ length: end }, (_, i) => tokenText(output[i]));
  const parsed = parseSummary(tokens);
  if (!parsed.ok) return { reason: `position ${parsed.position}: ${parsed.message}`, culprits: parsed.position < L ? [parsed.position] : [] };
  const want = promptFacts(sample.prompt);
  const got = parsed.facts;
  const at = parsed.at;
  for (const [key, who] of [['a', got.people[0]], ['b', got.people[1]]] as const) {
    if (!want.people.includes(who)) return { reason: `invented: "${who}" is not in the dialogue`, culprits: [at[key]] };
  }
  if (got.people[0] === got.people[1]) {
    const missing = want.people.find((p) => p !== got.people[0])!;
    return { reason: `missing: "${missing}" is not named ("${got.people[0]}" is named twice)`, culprits: [at.a, at.b] };
  }
  const changed = (what: string, said: string, wrote: string, pos: number): Violation => ({
    reason: `invented: the summary says ${what} "${wrote}", the dialogue "${said}"`,
    culprits: [pos],
  });
  if (got.verb !== want.verb) return changed('they will', want.verb, got.verb, at.verb);
  if (got.noun !== want.noun) return changed('the object is', want.noun, got.noun, at.noun);
  if (want.adj && !got.adj) return { reason: `missing: the ${want.noun} is "${want.adj}" in the dialogue`, culprits: [at.noun] };
  if (got.adj && !want.adj) return { reason: `invented: the dialogue does not call the ${want.noun} "${got.adj}"`, culprits: [at.adj] };
  if (got.adj !== want.adj) return changed(`the ${want.noun} is`, want.adj!, got.adj!, at.adj);
  if (got.prep !== want.prep) return changed('where:', want.prep, got.prep, at.prep);
  if (got.place !== want.place) return changed('the place is', want.place, got.place, at.place);
  if (got.time !== want.time) return changed('the time is', want.time, got.time, at.time);
  return null;
}

function score(sample: TaskSample, output: ArrayLike<number>): ScoreResult {
  const v = summaryViolation(sample, output);
  return v ? { ok: false, reason: v.reason, culprits: v.culprits } : { ok: true, reason: 'valid', culprits: [] };
}

export const summarizeTask: TaskDefinition = {
  id: 'text/summarize',
  family: 'text',
  title: 'Summarization (toy language)',
  rule:
    `${TOY}summarize the two-line dialogue in one sentence "Name and Name will <verb> the [adjective] <noun> <in/near Place> <time> ." ` +
    '(place and time in either order, either person first). Valid iff it is grammatical in that form and content-exact: ' +
    'every fact of the dialogue (both people, the verb, the object and its adjective, the place, the time) is present and nothing is invented ' +
    '(our stand-in for ROUGE-L x grammar).',
  sizes: null,
  params: [TEXT_BUDGET],
  generate,
  score,
};
