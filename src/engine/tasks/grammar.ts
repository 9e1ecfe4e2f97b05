import type { RandomStream } from '../rng';

/**
 * The toy language of the text tasks: a small, hand-written fragment of English whose sentences
 * can be listed and parsed exactly, so that "grammatical" is decidable and every prompt's true
 * output distribution is known. It stands in for ParallelBench's LanguageTool check, which a
 * browser does not have. It is NOT English: the UI must say so (TOY_LANGUAGE.notice).
 *
 * Sentences (one clause, ending with "."):
 *   transitive, active:   NP Verb Object [Prep Place] .     "the girl sees an old dog in Paris ."
 *   transitive, passive:  Object is Participle by NP [Prep Place] .
 *                                                             "an old dog is seen by the girl in Paris ."
 *   motion:               NP goes to Place .   |   NP walks (in | near) Place .
 *   NP     = Det [Adj] Noun          (at most one adjective)
 *   Object = NP | Place              (places take no determiner)
 *   Det    = the | a/an | this | every
 *   Prep   = in | near               (the optional place phrase only follows a noun object)
 *   Place  = Paris | Rome | New York | Mexico City | Los Angeles | San Francisco | Hong Kong
 *
 * Multi-token places are atomic: "New" must be followed by "York", "Mexico" by "City", and so
 * on, so "New City" and "Mexico York" are errors: exactly the mixed reveal a parallel step makes.
 *
 * Agreement: "a" before a consonant sound, "an" before a vowel sound. By sound, not spelling:
 * an apple, an owl, an elephant, an umbrella, an old, an angry, and "an honest" (silent h).
 *
 * Meaning (selectional restrictions, so that sentences make sense):
 * - only people and animals act (see, like, find, visit, go, walk); only people read and write;
 * - one reads and writes books and letters; finds people, animals and things (not places);
 *   visits people, animals, the park, the city and named places; sees and likes anything;
 * - "honest" describes people; "angry", "happy", "quiet", "young" people and animals;
 *   "big", "large", "small", "little", "old" anything that is a noun.
 *
 * Words of the shared vocabulary that this grammar does not use: "was", "and".
 */

export type NounClass = 'human' | 'animal' | 'thing' | 'text' | 'site';

export const NOUN_CLASS: Readonly<Record<string, NounClass>> = {
  girl: 'human', boy: 'human', teacher: 'human', doctor: 'human',
  cat: 'animal', dog: 'animal', owl: 'animal', elephant: 'animal',
  apple: 'thing', umbrella: 'thing', car: 'thing',
  book: 'text', letter: 'text',
  park: 'site', city: 'site',
};
export const NOUNS = Object.keys(NOUN_CLASS);

const ANIMATE: NounClass[] = ['human', 'animal'];
const ANY_NOUN: NounClass[] = ['human', 'animal', 'thing', 'text', 'site'];

/** Which noun classes each adjective describes. */
export const ADJECTIVE_FITS: Readonly<Record<string, readonly NounClass[]>> = {
  honest: ['human'],
  angry: ANIMATE, happy: ANIMATE, quiet: ANIMATE, young: ANIMATE,
  big: ANY_NOUN, large: ANY_NOUN, small: ANY_NOUN, little: ANY_NOUN, old: ANY_NOUN,
};
export const ADJECTIVES = Object.keys(ADJECTIVE_FITS);

/** Synonyms share a meaning: paraphrase may swap them, words-to-sentence may not. */
const ADJECTIVE_MEANING: Readonly<Record<string, string>> = { large: 'big', little: 'small' };
export const adjectiveMeaning = (adj: string) => ADJECTIVE_MEANING[adj] ?? adj;
export const adjectiveSynonyms = (adj: string) => ADJECTIVES.filter((a) => adjectiveMeaning(a) === adjectiveMeaning(adj));

/** Place names as token lists; multi-token names are atomic. */
export const PLACES: readonly (readonly string[])[] = [
  ['Paris'], ['Rome'], ['New', 'York'], ['Mexico', 'City'], ['Los', 'Angeles'], ['San', 'Francisco'], ['Hong', 'Kong'],
];
const PLACE_BY_FIRST = new Map(PLACES.map((p) => [p[0], p]));
const PLACE_SECOND_WORDS = new Set(PLACES.filter((p) => p.length > 1).map((p) => p[1]));
export const placeName = (tokens: readonly string[]) => tokens.join(' ');
export const placeTokens = (name: string) => name.split(' ');

/** "a" stands for the indefinite article; it is written "an" before a vowel sound. */
export const DETERMINERS = ['the', 'a', 'this', 'every'] as const;
export type Determiner = (typeof DETERMINERS)[number];
const VOWEL_SOUND = new Set(['apple', 'owl', 'elephant', 'umbrella', 'old', 'angry', 'honest']);

export interface TransitiveVerb {
  active: string;
  participle: string;
  /** What the verb means, for reasons: "sees" -> "see". */
  lemma: string;
  agents: readonly NounClass[];
  /** Noun classes it takes as object, and whether a named place may be the object. */
  objects: readonly NounClass[];
  placeObject: boolean;
}

export const TRANSITIVE_VERBS: readonly TransitiveVerb[] = [
  { active: 'sees', participle: 'seen', lemma: 'see', agents: ANIMATE, objects: ANY_NOUN, placeObject: true },
  { active: 'likes', participle: 'liked', lemma: 'like', agents: ANIMATE, objects: ANY_NOUN, placeObject: true },
  { active: 'finds', participle: 'found', lemma: 'find', agents: ANIMATE, objects: ['human', 'animal', 'thing', 'text'], placeObject: false },
  { active: 'visits', participle: 'visited', lemma: 'visit', agents: ANIMATE, objects: ['human', 'animal', 'site'], placeObject: true },
  { active: 'reads', participle: 'read', lemma: 'read', agents: ['human'], objects: ['text'], placeObject: false },
  { active: 'writes', participle: 'written', lemma: 'write', agents: ['human'], objects: ['text'], placeObject: false },
];
const BY_ACTIVE = new Map(TRANSITIVE_VERBS.map((v) => [v.active, v]));
const BY_PARTICIPLE = new Map(TRANSITIVE_VERBS.map((v) => [v.participle, v]));

/** Motion verbs take a fixed preposition and a named place; only people and animals move. */
export const MOTION_VERBS: Readonly<Record<string, readonly string[]>> = { goes: ['to'], walks: ['in', 'near'] };
/** Prepositions of the optional sentence-final place phrase. */
export const PLACE_PREPS = ['in', 'near'];

export interface NounPhrase {
  kind: 'noun';
  det: Determiner;
  adj: string | null;
  noun: string;
}
export interface PlacePhrase {
  kind: 'place';
  /** The place's name, tokens joined by a space ("New York"). */
  place: string;
}
export type Phrase = NounPhrase | PlacePhrase;

export type Clause =
  | {
      kind: 'transitive';
      /** The active form names the verb ("sees"), in both voices. */
      verb: string;
      voice: 'active' | 'passive';
      agent: NounPhrase;
      patient: Phrase;
      pp: { prep: string; place: string } | null;
    }
  | { kind: 'motion'; verb: string; agent: NounPhrase; prep: string; place: string };

/** The grammar as data, for the UI ("toy language") and for docs. */
export const TOY_LANGUAGE = {
  name: 'toy English',
  notice:
    'Toy language: a small made-up fragment of English (one clause per sentence, a few dozen words), ' +
    'small enough to list every sentence and check grammar exactly. It is not real English.',
  nouns: NOUNS,
  adjectives: ADJECTIVES,
  places: PLACES.map(placeName),
  determiners: ['the', 'a', 'an', 'this', 'every'],
  verbs: [...TRANSITIVE_VERBS.map((v) => v.active), ...Object.keys(MOTION_VERBS)],
  synonyms: [['big', 'large'], ['small', 'little']],
} as const;

// ---------------------------------------------------------------------------------------------
// Rendering

function adjectiveFits(adj: string, noun: string): boolean {
  return ADJECTIVE_FITS[adj]?.includes(NOUN_CLASS[noun]) ?? false;
}

export function renderPhrase(p: Phrase): string[] {
  if (p.kind === 'place') return placeTokens(p.place);
  const next = p.adj ?? p.noun;
  const det = p.det === 'a' && VOWEL_SOUND.has(next) ? 'an' : p.det;
  return p.adj ? [det, p.adj, p.noun] : [det, p.noun];
}

/** The sentence's tokens, "." included. */
export function renderClause(c: Clause): string[] {
  if (c.kind === 'motion') return [...renderPhrase(c.agent), c.verb, c.prep, ...placeTokens(c.place), '.'];
  const verb = BY_ACTIVE.get(c.verb)!;
  const core =
    c.voice === 'active'
      ? [...renderPhrase(c.agent), verb.active, ...renderPhrase(c.patient)]
      : [...renderPhrase(c.patient), 'is', verb.participle, 'by', ...renderPhrase(c.agent)];
  const pp = c.pp ? [c.pp.prep, ...placeTokens(c.pp.place)] : [];
  return [...core, ...pp, '.'];
}

/** Nouns, adjectives and places of a clause (places as one word each): its "content words". */
export function contentWords(c: Clause): string[] {
  if (c.kind === 'motion') return [...phraseWords(c.agent), c.place];
  return [...phraseWords(c.agent), ...phraseWords(c.patient), ...(c.pp ? [c.pp.place] : [])];
}

const phraseWords = (p: Phrase) => (p.kind === 'place' ? [p.place] : p.adj ? [p.adj, p.noun] : [p.noun]);

/** A key equal for two clauses iff they mean the same (voice, a/an and synonyms aside). */
export function meaningKey(c: Clause): string {
  const np = (p: Phrase) => (p.kind === 'place' ? `@${p.place}` : `${p.det} ${p.adj ? adjectiveMeaning(p.adj) : '-'} ${p.noun}`);
  if (c.kind === 'motion') return `M|${c.verb}|${np(c.agent)}|${c.prep}|${c.place}`;
  return `T|${c.verb}|${np(c.agent)}|${np(c.patient)}|${c.pp ? `${c.pp.prep} ${c.pp.place}` : '-'}`;
}

// ---------------------------------------------------------------------------------------------
// Parsing

export type ParseResult = { ok: true; clause: Clause } | { ok: false; position: number; message: string };

class ParseError extends Error {
  constructor(
    readonly position: number,
    message: string,
  ) {
    super(message);
  }
}

const isDeterminer = (t: string | undefined) => t === 'the' || t === 'a' || t === 'an' || t === 'this' || t === 'every';
const quote = (t: string | undefined) => (t === undefined ? 'the end of the sentence' : `"${t}"`);
const classWords: Record<NounClass, string> = {
  human: 'a person', animal: 'an animal', thing: 'a thing', text: 'something written', site: 'a site',
};

/**
 * Parses one sentence (its tokens, "." included, no padding). On failure, names the first
 * position at which the sentence cannot be continued into a grammatical one (or, for a meaning
 * restriction, the word that breaks it), in words a reader understands.
 */
export function parseSentence(tokens: readonly string[]): ParseResult {
  let i = 0;
  const at = (k: number): string | undefined => tokens[k];

  function parsePlace(): { place: string; start: number } {
    const start = i;
    const t = at(i);
    const name = t === undefined ? undefined : PLACE_BY_FIRST.get(t);
    if (!name) {
      if (t !== undefined && PLACE_SECOND_WORDS.has(t)) throw new ParseError(i, `"${t}" is not a place on its own`);
      throw new ParseError(i, `expected a place (${TOY_LANGUAGE.places.join(', ')}), found ${quote(t)}`);
    }
    for (let k = 1; k < name.length; k++) {
      const s = at(i + k);
      if (s !== name[k]) {
        if (s !== undefined && (PLACE_SECOND_WORDS.has(s) || PLACE_BY_FIRST.has(s))) {
          throw new ParseError(i + k, `"${name.slice(0, k).join(' ')} ${s}" is not a place`);
        }
        throw new ParseError(i + k, `"${name[0]}" must be followed by "${name[k]}", found ${quote(s)}`);
      }
    }
    i += name.length;
    return { place: placeName(name), start };
  }

  /** A noun phrase or a place; `start` and `head` are the positions of its first word and noun. */
  function parsePhrase(): { phrase: Phrase; start: number; head: number } {
    const start = i;
    const t = at(i);
    if (isDeterminer(t)) {
      const det = t!;
      i++;
      let adj: string | null = null;
      const adjPos = i;
      if (at(i) !== undefined && at(i)! in ADJECTIVE_FITS) {
        adj = at(i)!;
        i++;
      }
      const noun = at(i);
      if (noun === undefined || !(noun in NOUN_CLASS)) {
        if (noun !== undefined && noun in ADJECTIVE_FITS) throw new ParseError(i, `only one adjective may describe a noun ("${adj} ${noun}")`);
        throw new ParseError(i, `expected a noun after "${[det, adj].filter(Boolean).join(' ')}", found ${quote(noun)}`);
      }
      const next = adj ?? noun;
      if (det === 'a' && VOWEL_SOUND.has(next)) throw new ParseError(start, `"a ${next}" should be "an ${next}" (vowel sound)`);
      if (det === 'an' && !VOWEL_SOUND.has(next)) throw new ParseError(start, `"an ${next}" should be "a ${next}": "an" goes only before a vowel sound`);
      if (adj && !adjectiveFits(adj, noun)) {
        const fits = ADJECTIVE_FITS[adj].length === 1 ? 'people' : 'people and animals';
        throw new ParseError(adjPos, `"${adj}" describes only ${fits}, not "${noun}"`);
      }
      const head = i;
      i++;
      return { phrase: { kind: 'noun', det: (det === 'an' ? 'a' : det) as Determiner, adj, noun }, start, head };
    }
    if (t !== undefined && (PLACE_BY_FIRST.has(t) || PLACE_SECOND_WORDS.has(t))) {
      const { place } = parsePlace();
      return { phrase: { kind: 'place', place }, start, head: start };
    }
    if (t !== undefined && t in NOUN_CLASS) throw new ParseError(i, `"${t}" needs a determiner before it (the, a/an, this, every)`);
    throw new ParseError(i, `expected a noun phrase (the, a/an, this, every ...) or a place, found ${quote(t)}`);
  }

  function checkAgent(lemma: string, allowed: readonly NounClass[], p: { phrase: Phrase; head: number }): NounPhrase {
    if (p.phrase.kind === 'place') throw new ParseError(p.head, `"${p.phrase.place}" is a place: it cannot ${lemma}`);
    const cls = NOUN_CLASS[p.phrase.noun];
    if (!allowed.includes(cls)) {
      throw new ParseError(p.head, `"${p.phrase.noun}" cannot ${lemma}: only people${allowed.length > 1 ? ' and animals' : ''} can`);
    }
    return p.phrase;
  }

  function checkObject(v: TransitiveVerb, p: { phrase: Phrase; head: number }): void {
    if (p.phrase.kind === 'place') {
      if (!v.placeObject) throw new ParseError(p.head, `one cannot ${v.lemma} a place ("${p.phrase.place}")`);
      return;
    }
    const cls = NOUN_CLASS[p.phrase.noun];
    if (!v.objects.includes(cls)) {
      throw new ParseError(p.head, `one cannot ${v.lemma} "${p.phrase.noun}" (${classWords[cls]})`);
    }
  }

  try {
    const first = parsePhrase();
    const t = at(i);
    let clause: Clause;
    if (t === 'is') {
      i++;
      const v = at(i) === undefined ? undefined : BY_PARTICIPLE.get(at(i)!);
      if (!v) throw new ParseError(i, `expected a past participle after "is" (seen, liked, found, visited, read, written), found ${quote(at(i))}`);
      i++;
      if (at(i) !== 'by') throw new ParseError(i, `expected "by" after "is ${v.participle}", found ${quote(at(i))}`);
      i++;
      const agent = parsePhrase();
      // Meaning restrictions are checked on the object first: it comes first in a passive.
      checkObject(v, first);
      clause = { kind: 'transitive', verb: v.active, voice: 'passive', agent: checkAgent(v.lemma, v.agents, agent), patient: first.phrase, pp: null };
    } else if (t !== undefined && BY_ACTIVE.has(t)) {
      const v = BY_ACTIVE.get(t)!;
      const agent = checkAgent(v.lemma, v.agents, first);
      i++;
      const object = parsePhrase();
      checkObject(v, object);
      clause = { kind: 'transitive', verb: v.active, voice: 'active', agent, patient: object.phrase, pp: null };
    } else if (t !== undefined && t in MOTION_VERBS) {
      const lemma = t === 'goes' ? 'go' : 'walk';
      const agent = checkAgent(lemma, ANIMATE, first);
      i++;
      const prep = at(i);
      const preps = MOTION_VERBS[t];
      if (prep === undefined || !preps.includes(prep)) {
        throw new ParseError(i, `"${t}" is followed by ${preps.map((p) => `"${p}"`).join(' or ')} and a place, found ${quote(prep)}`);
      }
      i++;
      const { place } = parsePlace();
      clause = { kind: 'motion', verb: t, agent, prep, place };
    } else {
      throw new ParseError(i, `expected a verb (${TOY_LANGUAGE.verbs.join(', ')}) or "is", found ${quote(t)}`);
    }
    if (clause.kind === 'transitive' && PLACE_PREPS.includes(at(i) ?? '')) {
      if (clause.patient.kind === 'place') throw new ParseError(i, `no place phrase may follow a place ("${clause.patient.place}")`);
      const prep = at(i)!;
      i++;
      clause.pp = { prep, place: parsePlace().place };
    }
    if (at(i) !== '.') throw new ParseError(i, `expected "." to end the sentence, found ${quote(at(i))}`);
    i++;
    if (i < tokens.length) throw new ParseError(i, `"${tokens[i]}" after the end of the sentence`);
    return { ok: true, clause };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, position: e.position, message: e.message };
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Enumeration

/**
 * Every clause of the grammar whose nouns, adjectives and places are drawn from the given lists
 * (each any number of times). Listing over a restricted lexicon keeps this small (thousands)
 * while staying the grammar's exact definition; callers then filter by content or meaning.
 */
export function enumerateClauses(
  lexicon: { nouns: readonly string[]; adjectives: readonly string[]; places: readonly string[] },
  /** Optional pruning: false when these content words can no longer lead to a wanted clause. */
  partialOk: (words: string[]) => boolean = () => true,
): Clause[] {
  const nps: NounPhrase[] = [];
  for (const noun of new Set(lexicon.nouns)) {
    const adjs = [null, ...new Set(lexicon.adjectives)].filter((a) => a === null || adjectiveFits(a, noun));
    for (const det of DETERMINERS) for (const adj of adjs) nps.push({ kind: 'noun', det, adj, noun });
  }
  const places = [...new Set(lexicon.places)];
  const out: Clause[] = [];
  for (const v of TRANSITIVE_VERBS) {
    const agents = nps.filter((p) => v.agents.includes(NOUN_CLASS[p.noun]));
    const objects: Phrase[] = [
      ...nps.filter((p) => v.objects.includes(NOUN_CLASS[p.noun])),
      ...(v.placeObject ? places.map((place): PlacePhrase => ({ kind: 'place', place })) : []),
    ];
    for (const agent of agents) {
      if (!partialOk(phraseWords(agent))) continue;
      for (const patient of objects) {
        if (!partialOk([...phraseWords(agent), ...phraseWords(patient)])) continue;
        const pps = patient.kind === 'noun' ? [null, ...PLACE_PREPS.flatMap((prep) => places.map((place) => ({ prep, place })))] : [null];
        for (const voice of ['active', 'passive'] as const) {
          for (const pp of pps) out.push({ kind: 'transitive', verb: v.active, voice, agent, patient, pp });
        }
      }
    }
  }
  for (const [verb, preps] of Object.entries(MOTION_VERBS)) {
    for (const agent of nps.filter((p) => ANIMATE.includes(NOUN_CLASS[p.noun]))) {
      if (!partialOk(phraseWords(agent))) continue;
      for (const prep of preps) for (const place of places) out.push({ kind: 'motion', verb, agent, prep, place });
    }
  }
  return out;
}

const bagKey = (words: readonly string[]) => [...words].sort().join('|');

/** Whether every word of `part` occurs in `whole` at least as often. */
function isSubBag(part: readonly string[], whole: readonly string[]): boolean {
  const left = [...whole];
  for (const w of part) {
    const k = left.indexOf(w);
    if (k < 0) return false;
    left.splice(k, 1);
  }
  return true;
}

/** Splits content words into the lexicon they come from. */
function lexiconOf(words: readonly string[]) {
  return {
    nouns: words.filter((w) => w in NOUN_CLASS),
    adjectives: words.filter((w) => w in ADJECTIVE_FITS),
    places: words.filter((w) => PLACES.some((p) => placeName(p) === w)),
  };
}

/**
 * The enumerations below, kept by what they depend on: a sweep decodes the same prompts for every
 * strategy point, and listing a sample's support took a quarter of the suite's time. Results
 * are shared: callers read them and never change them.
 */
const enumerated = new Map<string, string[][]>();
const ENUMERATED_MAX = 4096;
function remembered(key: string, list: () => string[][]): string[][] {
  let out = enumerated.get(key);
  if (!out) {
    if (enumerated.size >= ENUMERATED_MAX) enumerated.clear();
    enumerated.set(key, (out = list()));
  }
  return out;
}

/**
 * Every sentence whose content words (nouns, adjectives, places) are exactly `words`, each as
 * many times as given: words-to-sentence's accepted set. Sorted for a stable support order (so
 * the order of `words` does not matter).
 */
export function sentencesWithWords(words: readonly string[]): readonly string[][] {
  const key = bagKey(words);
  return remembered(`words ${key}`, () =>
    dedupeSorted(
      enumerateClauses(lexiconOf(words), (partial) => isSubBag(partial, words))
        .filter((c) => bagKey(contentWords(c)) === key)
        .map(renderClause),
    ),
  );
}

/** Every other sentence with the same meaning as `c` (voice and adjective synonyms may change). */
export function paraphrases(c: Clause): readonly string[][] {
  // What the listing reads of `c`: its content words (as a bag: the result is sorted), its meaning, itself.
  return remembered(`paraphrases ${bagKey(contentWords(c))} ${meaningKey(c)} ${renderClause(c).join(' ')}`, () => listParaphrases(c));
}

function listParaphrases(c: Clause): string[][] {
  const words = contentWords(c);
  const lex = lexiconOf(words);
  lex.adjectives = lex.adjectives.flatMap(adjectiveSynonyms);
  const key = meaningKey(c);
  const self = renderClause(c).join(' ');
  // Prune by content up to synonyms: a paraphrase uses the same words, adjectives by meaning.
  const meanings = words.map(adjectiveMeaning);
  return dedupeSorted(
    enumerateClauses(lex, (partial) => isSubBag(partial.map(adjectiveMeaning), meanings))
      .filter((x) => meaningKey(x) === key)
      .map(renderClause)
      .filter((s) => s.join(' ') !== self),
  );
}

function dedupeSorted(sentences: string[][]): string[][] {
  const seen = new Map<string, string[]>();
  for (const s of sentences) seen.set(s.join(' '), s);
  return [...seen.keys()].sort().map((k) => seen.get(k)!);
}

// ---------------------------------------------------------------------------------------------
// Random sentences for prompts

export interface ClauseShape {
  /** Adjectives in the clause: 0, 1 (on a random noun phrase) or 2 (one on each). */
  adjectives: 0 | 1 | 2;
  /** Add a sentence-final place phrase ("in Paris"). */
  placePhrase: boolean;
  /** Allow a named place as the object (only without adjectives on it and no place phrase). */
  placeObject: boolean;
}

/** A random transitive clause of the given shape; the two nouns differ, so do the adjectives. */
export function randomClause(stream: RandomStream, shape: ClauseShape): Clause {
  const v = stream.pick(TRANSITIVE_VERBS);
  const agentNoun = stream.pick(NOUNS.filter((n) => v.agents.includes(NOUN_CLASS[n])));
  const nounObjects = NOUNS.filter((n) => n !== agentNoun && v.objects.includes(NOUN_CLASS[n]));
  const placeAllowed = shape.placeObject && v.placeObject && shape.adjectives < 2 && !shape.placePhrase;
  const objectChoices: Phrase[] = [
    ...nounObjects.map((noun): NounPhrase => ({ kind: 'noun', det: 'the', adj: null, noun })),
    ...(placeAllowed ? PLACES.map((p): PlacePhrase => ({ kind: 'place', place: placeName(p) })) : []),
  ];
  const patient = { ...stream.pick(objectChoices) };
  const agent: NounPhrase = { kind: 'noun', det: stream.pick(DETERMINERS), adj: null, noun: agentNoun };
  if (patient.kind === 'noun') patient.det = stream.pick(DETERMINERS);
  const nps = patient.kind === 'noun' ? [agent, patient] : [agent];
  const targets = shape.adjectives === 2 ? nps : shape.adjectives === 1 ? [stream.pick(nps)] : [];
  const used: string[] = [];
  for (const np of targets) {
    const adj = stream.pick(ADJECTIVES.filter((a) => adjectiveFits(a, np.noun) && !used.includes(a)));
    np.adj = adj;
    used.push(adj);
  }
  const voice = stream.int(2) === 0 ? 'active' : 'passive';
  const pp =
    shape.placePhrase && patient.kind === 'noun'
      ? { prep: stream.pick(PLACE_PREPS), place: placeName(stream.pick(PLACES)) }
      : null;
  return { kind: 'transitive', verb: v.active, voice, agent, patient, pp };
}
