import { describe, expect, it } from 'vitest';
import { decodeBatch } from '../../src/engine/decode';
import { OracleDenoiser } from '../../src/engine/denoiser';
import { entropyBits, PermutationDistribution, SupportDistribution } from '../../src/engine/distribution';
import { generateSample, getTask, resolveTaskParams, TASKS, type TaskDefinition, type TaskSample } from '../../src/engine/tasks';
import { dialTotalCorrelation } from '../../src/engine/tasks/dial';
import {
  contentWords,
  parseSentence,
  renderClause,
  sentencesWithWords,
  TOY_LANGUAGE,
  type Clause,
} from '../../src/engine/tasks/grammar';
import { GRAMMAR_WORDS } from '../../src/engine/lexicon';
import { allLatinSquares, allSudokus, cellPosition, puzzleViolation } from '../../src/engine/tasks/puzzles';
import { textViolation } from '../../src/engine/tasks/text';
import { RandomStream } from '../../src/engine/rng';
import { detokenize, EOS_ID, MASK_ID, RHO_TOKENS, rhoToken, SEP_ID, taskTag, tokenId, tokenText, type TaskId } from '../../src/engine/vocab';
import { expectWithin3Sigma, oracleAccuracy } from './helpers';

/** Sizes worth testing: the extremes and the default. */
const sizesOf = (t: TaskDefinition) => (t.sizes ? [...new Set([t.sizes.min, t.sizes.default, t.sizes.max])] : [undefined]);
const paramsOf = (n: number | undefined) => (n === undefined ? {} : { n });
const label = (t: TaskDefinition, n: number | undefined) => (n === undefined ? t.id : `${t.id} n=${n}`);
const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));

/** Up to `max` members of a support, evenly spread. */
function someMembers(truth: SupportDistribution, max: number): Int32Array[] {
  const step = Math.max(1, Math.floor(truth.supportSize / max));
  const out: Int32Array[] = [];
  for (let s = 0; s < truth.supportSize; s += step) out.push(truth.member(s));
  return out;
}

/** Tokens a random edit may write into a sentence. */
const GRAMMAR_TOKENS_FOR_TESTS = [...GRAMMAR_WORDS, '.', ','];

const text = (tokens: ArrayLike<number>) => Array.from(tokens, tokenText).join(' ');

describe('every registered task', () => {
  it('registers every task id, families included', () => {
    const ids = TASKS.map((t) => t.id);
    for (const id of ['puzzles/latin-square', 'puzzles/sudoku', 'text/w2s-easy', 'text/w2s-medium', 'text/w2s-hard', 'text/paraphrase', 'dial']) {
      expect(ids).toContain(id);
    }
  });

  for (const task of TASKS) {
    for (const n of sizesOf(task)) {
      describe(label(task, n), () => {
        const samples: TaskSample[] = [];
        for (const seed of [1, 77]) for (let i = 0; i < 4; i++) samples.push(generateSample(task.id, paramsOf(n), seed, i));

        it('prompt: tag first, [SEP] last; canvas, truth and reference agree', () => {
          for (const s of samples) {
            expect(s.task).toBe(task.id);
            expect(s.prompt[0]).toBe(taskTag(task.id as TaskId));
            expect(s.prompt[s.prompt.length - 1]).toBe(SEP_ID);
            expect(s.truth.length).toBe(s.canvasLength);
            expect(s.reference.length).toBe(s.canvasLength);
            expect(Array.from(s.reference)).not.toContain(MASK_ID);
            expect(s.description.length).toBeGreaterThan(0);
          }
        });

        it('true distribution sums to 1 (or is n! permutations)', () => {
          for (const s of samples) {
            if (s.truth instanceof PermutationDistribution) {
              expect(s.truth.supportSize).toBe(factorial(s.truth.items.length));
              expect(s.truth.probability(s.reference)).toBeCloseTo(1 / s.truth.supportSize, 12);
              continue;
            }
            expect(s.truth).toBeInstanceOf(SupportDistribution);
            const truth = s.truth as SupportDistribution;
            expect(truth.supportSize).toBeLessThanOrEqual(3000);
            let sum = 0;
            for (let m = 0; m < truth.supportSize; m++) sum += truth.probability(truth.member(m));
            expect(sum).toBeCloseTo(1, 9);
            expect(Array.from(truth.members)).not.toContain(MASK_ID);
          }
        });

        it('the scorer accepts the support and the reference', () => {
          for (const s of samples) {
            const r = task.score(s, s.reference);
            expect(r, `${text(s.reference)}: ${r.reason}`).toMatchObject({ ok: true, culprits: [] });
            if (s.truth instanceof SupportDistribution) {
              for (const m of someMembers(s.truth, 200)) {
                const rm = task.score(s, m);
                expect(rm.ok, `${text(m)}: ${rm.reason}`).toBe(true);
              }
            }
          }
        });

        it('same seed and index give the same sample; other indices other prompts', () => {
          const a = generateSample(task.id, paramsOf(n), 5, 3);
          const b = generateSample(task.id, paramsOf(n), 5, 3);
          expect(Array.from(a.prompt)).toEqual(Array.from(b.prompt));
          expect(Array.from(a.reference)).toEqual(Array.from(b.reference));
          expect(a.description).toBe(b.description);
          if (task.id === 'dial') return; // the dial's prompt carries only rho
          const prompts = new Set(Array.from({ length: 10 }, (_, i) => text(generateSample(task.id, paramsOf(n), 5, i).prompt)));
          expect(prompts.size).toBeGreaterThanOrEqual(5);
        });

        for (const strategy of ['topk-confidence', 'topk-random']) {
          for (const temperature of [0, 1]) {
            it(`oracle, one token per step (${strategy}, T=${temperature}) scores 100%`, async () => {
              const batch = Array.from({ length: 6 }, (_, i) => generateSample(task.id, paramsOf(n), 3, i));
              const traces = await decodeBatch(batch, new OracleDenoiser(), strategy, { k: 1 }, { seed: 3, temperature });
              for (const t of traces) expect(t.score.ok, `${text(t.output)}: ${t.score.reason}`).toBe(true);
            });
          }
        }
      });
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Crafted wrong outputs that a too-lenient scorer would accept

function sampleWhere(id: string, params: object, pred: (s: TaskSample) => boolean): TaskSample {
  for (let i = 0; i < 500; i++) {
    const s = generateSample(id, params, 21, i);
    if (pred(s)) return s;
  }
  throw new Error(`no sample of ${id} found`);
}

describe('waiting line rejections', () => {
  it('a duplicated person', () => {
    const s = generateSample('waiting-line/copy', { n: 4 }, 1, 0);
    const out = s.reference.slice();
    out[3] = out[0];
    out[4] = out[1];
    const r = getTask(s.task).score(s, out);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/appears twice/);
  });

  it('first and last names swapped between two people ("Jessica Lopez")', () => {
    for (const op of ['copy', 'shuffle', 'insert-random']) {
      const s = generateSample(`waiting-line/${op}`, { n: 4 }, 1, 2);
      const out = s.reference.slice();
      [out[1], out[4]] = [out[4], out[1]];
      const r = getTask(s.task).score(s, out);
      expect(r.ok, `${op}: ${text(out)}`).toBe(false);
      expect(r.reason).toMatch(/mixes two people/);
    }
  });

  it('a shuffle that keeps the input order', () => {
    for (const n of [3, 6]) {
      const s = generateSample('waiting-line/shuffle', { n }, 4, 1);
      const input = Array.from(s.prompt.subarray(1, -1));
      const out = [...input];
      while (out.length < s.canvasLength) out.push(EOS_ID);
      const r = getTask(s.task).score(s, out);
      expect(r.ok).toBe(false);
      expect(r.reason).toMatch(/unchanged/);
      // ... while the same people in another order pass.
      expect(getTask(s.task).score(s, s.reference).ok).toBe(true);
    }
  });
});

describe('puzzles', () => {
  it('enumerates 576 Latin squares and 288 sudokus', () => {
    expect(allLatinSquares().length).toBe(576);
    expect(allSudokus().length).toBe(288);
  });

  it('sudoku clues leave exactly one answer, and the clue set is minimal', () => {
    for (let i = 0; i < 20; i++) {
      const s = generateSample('puzzles/sudoku', {}, 2, i);
      expect(s.truth.supportSize).toBe(1);
      const clues = Array.from(s.prompt).filter((t) => t !== tokenId('/')).slice(1, -1);
      const values = clues.map((t) => ['1', '2', '3', '4'].indexOf(tokenText(t))); // -1 for '_'
      const given = values.map((v, k) => (v < 0 ? -1 : k)).filter((k) => k >= 0);
      expect(allSudokus().filter((g) => g.every((v, j) => values[j] < 0 || values[j] === v)).length).toBe(1);
      for (const k of given) {
        const fewer = values.map((v, j) => (j === k ? -1 : v));
        const answers = allSudokus().filter((g) => g.every((v, j) => fewer[j] < 0 || fewer[j] === v));
        expect(answers.length).toBeGreaterThan(1);
      }
    }
  });

  it('Latin square: the rules accept exactly the support', () => {
    for (let i = 0; i < 6; i++) {
      const s = generateSample('puzzles/latin-square', {}, 8, i);
      for (const g of allLatinSquares()) {
        const out = g.flatMap((v, k) => (k > 0 && k % 4 === 0 ? [tokenId('/'), tokenId(`${v + 1}`)] : [tokenId(`${v + 1}`)]));
        expect(puzzleViolation('latin-square', s.prompt, out) === null).toBe(s.truth.probability(out) > 0);
      }
    }
  });

  it('a repeated symbol in a row', () => {
    const s = sampleWhere('puzzles/latin-square', {}, (x) => x.truth.supportSize === 576);
    const out = s.reference.slice();
    out[cellPosition(1, 2)] = out[cellPosition(1, 0)];
    const r = getTask(s.task).score(s, out);
    expect(r.ok).toBe(false);
    expect(r.reason).toBe(`row 2 repeats symbol ${tokenText(out[cellPosition(1, 0)])}`);
    expect(r.culprits).toEqual([cellPosition(1, 0), cellPosition(1, 2)]);
  });

  it('a missing separator and a changed clue', () => {
    const s = sampleWhere('puzzles/latin-square', {}, (x) => x.truth.supportSize < 576);
    const out = s.reference.slice();
    out[9] = out[8];
    expect(getTask(s.task).score(s, out).reason).toMatch(/separator is missing/);
    const clueAt = Array.from(s.prompt).filter((t) => t !== tokenId('/')).slice(1, -1).findIndex((t) => t !== tokenId('_'));
    const p = cellPosition(Math.floor(clueAt / 4), clueAt % 4);
    const changed = s.reference.slice();
    changed[p] = tokenId(`${((['1', '2', '3', '4'].indexOf(tokenText(changed[p])) + 1) % 4) + 1}`);
    const r = getTask(s.task).score(s, changed);
    expect(r.reason).toMatch(/^clue at \(\d,\d\) changed/);
    expect(r.culprits).toEqual([p]);
  });

  it('a sudoku that is a Latin square but breaks a box', () => {
    let found = 0;
    for (let i = 0; i < 200 && found < 5; i++) {
      const s = generateSample('puzzles/sudoku', {}, 13, i);
      const clues = Array.from(s.prompt).filter((t) => t !== tokenId('/')).slice(1, -1);
      const bad = allLatinSquares().find(
        (g) => !allSudokus().includes(g) && g.every((v, k) => clues[k] === tokenId('_') || tokenText(clues[k]) === `${v + 1}`),
      );
      if (!bad) continue;
      found++;
      const out = bad.flatMap((v, k) => (k > 0 && k % 4 === 0 ? [tokenId('/'), tokenId(`${v + 1}`)] : [tokenId(`${v + 1}`)]));
      const r = getTask(s.task).score(s, out);
      expect(r.ok).toBe(false);
      expect(r.reason).toMatch(/^box \d .* repeats symbol \d$/);
      expect(r.culprits.length).toBe(2);
    }
    expect(found).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Text

const ids = (words: string) => words.split(' ').map(tokenId);
const padded = (words: string, L = 16) => {
  const out = ids(words);
  while (out.length < L) out.push(EOS_ID);
  return Int32Array.from(out);
};

describe('toy grammar', () => {
  it('is labelled a toy language in the grammar and every text rule', () => {
    expect(TOY_LANGUAGE.notice).toMatch(/[Tt]oy language/);
    for (const t of TASKS.filter((x) => x.family === 'text')) expect(t.rule).toMatch(/[Tt]oy language/);
  });

  it('parses good sentences and names the first bad position', () => {
    const good = [
      'the dog sees the cat .',
      'the cat is seen by the dog .',
      'an honest teacher reads a letter in New York .',
      'an old book is written by every young girl near Mexico City .',
      'this owl goes to Hong Kong .',
      'a boy walks near San Francisco .',
      'Paris is visited by an elephant .',
    ];
    for (const g of good) expect(parseSentence(g.split(' ')), g).toMatchObject({ ok: true });
    const bad: [string, number, RegExp][] = [
      ['the dog goes to New City .', 5, /"New City" is not a place/],
      ['the dog visits Mexico York .', 4, /"Mexico York" is not a place/],
      ['an dog sees the cat .', 0, /"an dog" should be "a dog"/],
      ['a owl sees the cat .', 0, /"a owl" should be "an owl"/],
      ['a honest boy sees the cat .', 0, /should be "an honest"/],
      ['the book sees the cat .', 1, /"book" cannot see/],
      ['the cat reads the book .', 1, /"cat" cannot read: only people can/],
      ['the girl reads the cat .', 4, /cannot read "cat"/],
      ['the honest cat sees the dog .', 1, /"honest" describes only people/],
      ['the dog sees the cat', 5, /expected "\."/],
      ['the dog sees the cat . .', 6, /after the end/],
      ['dog sees the cat .', 0, /needs a determiner/],
      ['the dog sees Paris in Rome .', 4, /no place phrase may follow a place/],
      ['York is seen by the dog .', 0, /"York" is not a place on its own/],
    ];
    for (const [sentence, position, message] of bad) {
      const r = parseSentence(sentence.split(' '));
      expect(r.ok, sentence).toBe(false);
      if (!r.ok) {
        expect(r.position, sentence).toBe(position);
        expect(r.message, sentence).toMatch(message);
      }
    }
  });

  it('the longest sentence fits the 16-token canvas', () => {
    const longest: Clause = {
      kind: 'transitive', verb: 'writes', voice: 'passive',
      agent: { kind: 'noun', det: 'every', adj: 'honest', noun: 'teacher' },
      patient: { kind: 'noun', det: 'a', adj: 'little', noun: 'letter' },
      pp: { prep: 'near', place: 'San Francisco' },
    };
    expect(renderClause(longest).length).toBe(13);
    expect(parseSentence(renderClause(longest))).toMatchObject({ ok: true, clause: longest });
  });

  it('rendered clauses parse back to themselves and keep their content words', () => {
    for (const words of [['owl', 'cat'], ['girl', 'Paris'], ['big', 'dog', 'book'], ['old', 'honest', 'doctor', 'letter', 'Hong Kong']]) {
      const sentences = sentencesWithWords(words);
      expect(sentences.length).toBeGreaterThan(0);
      for (const s of sentences) {
        const r = parseSentence(s);
        expect(r.ok, s.join(' ')).toBe(true);
        if (r.ok) {
          expect(renderClause(r.clause)).toEqual(s);
          expect([...contentWords(r.clause)].sort()).toEqual([...words].sort());
        }
      }
    }
  });

  it('w2s supports stay small; paraphrase always has an answer', () => {
    for (const id of ['text/w2s-easy', 'text/w2s-medium', 'text/w2s-hard', 'text/paraphrase']) {
      for (let i = 0; i < 100; i++) {
        const s = generateSample(id, {}, 31, i);
        expect(s.truth.supportSize).toBeGreaterThanOrEqual(1);
        expect(s.truth.supportSize).toBeLessThanOrEqual(1024);
      }
    }
  });

  it('the scorer accepts exactly the support, on random edits of valid sentences', () => {
    // Parser + word rules must agree with the enumeration, or the oracle and the scorer disagree.
    const stream = new RandomStream(99, 0);
    for (const id of ['text/w2s-easy', 'text/w2s-medium', 'text/w2s-hard', 'text/paraphrase']) {
      let accepted = 0;
      let tried = 0;
      for (let i = 0; i < 30; i++) {
        const s = generateSample(id, {}, 17, i);
        const truth = s.truth as SupportDistribution;
        for (let e = 0; e < 60; e++) {
          const out = truth.member(stream.int(truth.supportSize)).slice();
          const kind = stream.int(3);
          const p = stream.int(13);
          const q = stream.int(13);
          if (kind === 0) out[p] = tokenId(stream.pick(GRAMMAR_TOKENS_FOR_TESTS));
          else if (kind === 1) [out[p], out[q]] = [out[q], out[p]];
          else {
            const input = Array.from(s.prompt.subarray(1, -1));
            out[p] = stream.pick(input); // reuse a prompt word: often grammatical, not always valid
          }
          const inSupport = truth.probability(out) > 0;
          const v = textViolation(s, out);
          expect(v === null, `${id}: "${text(out)}" -> ${v?.reason ?? 'no violation'}`).toBe(inSupport);
          tried++;
          if (inSupport) accepted++;
        }
      }
      expect(tried).toBeGreaterThan(0);
      expect(accepted).toBeLessThan(tried);
    }
  });
});

describe('text rejections', () => {
  it('"New City" in a sentence', () => {
    const s = sampleWhere('text/w2s-hard', {}, (x) => text(x.prompt).includes('New York'));
    const out = s.reference.slice();
    const k = Array.from(out).indexOf(tokenId('York'));
    out[k] = tokenId('City');
    const r = getTask(s.task).score(s, out);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/"New City" is not a place/);
    expect(r.culprits).toEqual([k]);
  });

  it('"an" before a consonant word', () => {
    const s = sampleWhere('text/w2s-easy', {}, (x) => /\bcat\b|\bdog\b/.test(text(x.prompt)));
    const truth = s.truth as SupportDistribution;
    let m = 0;
    while (!/\ba (cat|dog)\b/.test(text(truth.member(m)))) m++;
    const out = truth.member(m).slice();
    const words = Array.from(out, tokenText);
    const k = words.findIndex((w, j) => w === 'a' && (words[j + 1] === 'cat' || words[j + 1] === 'dog'));
    out[k] = tokenId('an');
    const r = getTask(s.task).score(s, out);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/"an (cat|dog)" should be "a (cat|dog)"/);
    expect(r.culprits).toEqual([k]);
  });

  it('a w2s sentence missing a required word, or with a foreign one', () => {
    const s = generateSample('text/w2s-medium', {}, 3, 0);
    const truth = s.truth as SupportDistribution;
    // Drop the adjective from a valid sentence: still grammatical, but a required word is gone.
    let m = 0;
    const isAdj = (t: number) => ['big', 'small', 'old', 'young', 'happy', 'quiet', 'large', 'little', 'angry', 'honest'].includes(tokenText(t));
    while (!Array.from(truth.member(m)).some(isAdj)) m++;
    const member = Array.from(truth.member(m));
    const adjAt = member.findIndex(isAdj);
    const dropped = [...member.slice(0, adjAt), ...member.slice(adjAt + 1), EOS_ID];
    const det = tokenText(dropped[adjAt - 1]);
    if (det === 'an' || det === 'a') dropped[adjAt - 1] = tokenId('the'); // keep a/an agreement right
    const r = getTask(s.task).score(s, dropped);
    expect(r.ok).toBe(false);
    expect(r.reason).toBe(`missing required word "${tokenText(member[adjAt])}"`);

    const e = generateSample('text/w2s-easy', {}, 3, 0);
    const given = text(e.prompt);
    const other = ['cat', 'dog', 'girl', 'boy'].find((w) => !given.includes(w))!;
    const out = padded(`the ${other} sees the ${['car', 'apple', 'umbrella'].find((w) => !given.includes(w))} .`);
    const r2 = getTask(e.task).score(e, out);
    expect(r2.ok).toBe(false);
    expect(r2.reason).toMatch(/not one of the given words|missing required word/);
  });

  it('paraphrase: the input itself and a changed meaning are rejected', () => {
    const s = generateSample('text/paraphrase', {}, 3, 0);
    const input = Array.from(s.prompt.subarray(1, -1));
    const same = Int32Array.from([...input, ...new Array(16 - input.length).fill(EOS_ID)]);
    const r = getTask(s.task).score(s, same);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/input sentence itself/);

    const t = sampleWhere('text/paraphrase', {}, (x) => /\b(sees|likes|seen|liked)\b/.test(text(x.prompt)));
    const swap: Record<string, string> = { sees: 'likes', likes: 'sees', seen: 'liked', liked: 'seen' };
    const out = t.reference.slice();
    const k = Array.from(out).findIndex((x) => tokenText(x) in swap);
    out[k] = tokenId(swap[tokenText(out[k])]);
    const r2 = getTask(t.task).score(t, out);
    expect(r2.ok).toBe(false);
    expect(r2.reason).toMatch(/the action changed/);
  });

  it('paraphrase accepts voice changes and synonyms', () => {
    const s = sampleWhere('text/paraphrase', {}, (x) => /\b(big|large|small|little)\b/.test(text(x.prompt)));
    const members = someMembers(s.truth as SupportDistribution, 10).map(text);
    expect(members.some((m) => /\b(big|large|small|little)\b/.test(m))).toBe(true);
    expect(members.length).toBeGreaterThanOrEqual(3);
  });

  it('padding: words after [EOS] are rejected', () => {
    const s = generateSample('text/w2s-easy', {}, 1, 0);
    const out = s.reference.slice();
    out[15] = tokenId('cat');
    const r = getTask(s.task).score(s, out);
    expect(r.ok).toBe(false);
    expect(r.culprits).toEqual([15]);
  });
});

// ---------------------------------------------------------------------------------------------
// Dial

describe('dependency dial', () => {
  const pair = (a: string, b: string) => Int32Array.from([tokenId(a), tokenId(b)]);

  it('rho = 1: only the real cities; "New City" is rejected', () => {
    const s = generateSample('dial', { rho: 1 }, 1, 0);
    expect(s.truth.supportSize).toBe(2);
    const r = getTask('dial').score(s, pair('New', 'City'));
    expect(r).toEqual({ ok: false, reason: '"New City" is impossible when rho = 1', culprits: [0, 1] });
    expect(getTask('dial').score(s, pair('Mexico', 'City')).ok).toBe(true);
    expect(getTask('dial').score(s, pair('Paris', 'City')).reason).toMatch(/position 0 must be/);
  });

  it('the prompt names rho to the nearest tenth, so a model can learn the joint', () => {
    const prompt = (rho: number) => detokenize(generateSample('dial', { rho }, 1, 0).prompt);
    expect(prompt(0.9)).toBe('<dial> rho=0.9 [SEP]');
    expect(prompt(-1)).toBe('<dial> rho=-1.0 [SEP]');
    expect(prompt(0.04)).toBe('<dial> rho=0.0 [SEP]');
    expect(prompt(-0.04)).toBe('<dial> rho=0.0 [SEP]');
    expect(prompt(0.26)).toBe('<dial> rho=0.3 [SEP]');
    // Appended after every earlier token: the ids that shipped models rely on do not move.
    expect(RHO_TOKENS.map(tokenId)).toEqual(RHO_TOKENS.map((_, i) => 169 + i));
    expect(() => rhoToken(1.5)).toThrow(/rho must be in/);
  });

  it('rho < 1 keeps all four pairs with the stated weights', () => {
    const s = generateSample('dial', { rho: 0.9 }, 1, 0);
    expect(s.truth.supportSize).toBe(4);
    expect(s.truth.probability(pair('New', 'City'))).toBeCloseTo(100 / 4000, 12);
    expect(s.truth.probability(pair('New', 'York'))).toBeCloseTo(1900 / 4000, 12);
    expect(getTask('dial').score(s, pair('New', 'City')).ok).toBe(true);
  });

  for (const rho of [-1, -0.5, 0, 0.3, 0.9, 0.99, 1]) {
    it(`total correlation at rho = ${rho} matches 1 - H2((1+rho)/2)`, () => {
      const s = generateSample('dial', { rho }, 1, 0);
      const truth = s.truth as SupportDistribution;
      const marg = (pos: number) => {
        const m = new Map<number, number>();
        for (let k = 0; k < truth.supportSize; k++) m.set(truth.member(k)[pos], (m.get(truth.member(k)[pos]) ?? 0) + truth.weights[k]);
        return [...m.values()];
      };
      const tc = entropyBits(marg(0)) + entropyBits(marg(1)) - entropyBits(truth.weights);
      expect(tc).toBeCloseTo(dialTotalCorrelation(rho), 9);
      const cond = truth.condition([MASK_ID, MASK_ID]);
      expect(cond.mutualInformation(0, 1)).toBeCloseTo(dialTotalCorrelation(rho), 9);
    });
  }

  it('revealing both tokens at once at rho = 1 fails half the time', async () => {
    const acc = await oracleAccuracy('dial', { rho: 1 }, 'topk-random', { k: 2 }, { samples: 1000, temperature: 1, seed: 4 });
    expectWithin3Sigma(acc, 0.5, 1000);
  });
});

describe('task parameter schema', () => {
  it('every declared parameter has a default inside its range, a label and help', () => {
    for (const t of TASKS) {
      for (const p of t.params) {
        expect(p.default, `${t.id} ${p.name}`).toBeGreaterThanOrEqual(p.min);
        expect(p.default, `${t.id} ${p.name}`).toBeLessThanOrEqual(p.max);
        if (p.integer) expect(Number.isInteger(p.default)).toBe(true);
        expect(p.label.length * p.help.length).toBeGreaterThan(0);
        expect(p.name).not.toBe('n');
      }
    }
  });

  it('resolveTaskParams fills defaults, keeps given values and names what is wrong', () => {
    const dial = getTask('dial');
    expect(resolveTaskParams(dial, {})).toEqual({ n: 0, rho: 0.9 });
    expect(resolveTaskParams(dial, { rho: -0.5 })).toEqual({ n: 0, rho: -0.5 });
    expect(() => resolveTaskParams(dial, { rho: 1.5 })).toThrow(/^rho must be a number in \[-1, 1\], got 1.5/);
    expect(() => resolveTaskParams(getTask('letters/copy'), { rho: 0.5 })).toThrow(/rho does not apply to task letters\/copy/);
    expect(() => resolveTaskParams(dial, { wat: 1 })).toThrow(/wat does not apply to task dial \(its parameters: rho\)/);
  });
});

describe('canvas budget (a task parameter)', () => {
  const budgeted = TASKS.filter((t) => t.params.some((p) => p.name === 'budget'));

  it('the waiting line, puzzles and text take a budget; letters and the dial keep their exact canvas', () => {
    const families = new Set(budgeted.map((t) => t.family));
    expect([...families].sort()).toEqual(['puzzles', 'text', 'waiting-line']);
  });

  for (const t of budgeted) {
    it(`${t.id}: budget 64 pads every answer with [EOS]; a token after the answer is invalid`, () => {
      const n = t.sizes?.max;
      const compact = generateSample(t.id, { ...(n ? { n } : {}) }, 2, 1);
      const s = generateSample(t.id, { ...(n ? { n } : {}), budget: 64 }, 2, 1);
      expect(s.canvasLength).toBe(64);
      expect(s.params.budget).toBe(64);
      expect(Array.from(s.prompt)).toEqual(Array.from(compact.prompt));
      expect(s.truth.supportSize).toBe(compact.truth.supportSize);
      const ref = s.reference;
      expect(Array.from(ref.subarray(compact.canvasLength))).toEqual(new Array(64 - compact.canvasLength).fill(EOS_ID));
      expect(t.score(s, ref).ok).toBe(true);
      const bad = ref.slice();
      bad[63] = tokenId('.') === bad[0] ? tokenId(',') : tokenId('.');
      const r = t.score(s, bad);
      expect(r.ok).toBe(false);
      expect(r.culprits).toContain(63);
    });
  }

  it('a budget shorter than the longest answer or above the limit is refused, naming it', () => {
    expect(() => generateSample('puzzles/sudoku', { budget: 18 }, 1, 0)).toThrow(/^budget must be an integer in \[19, 1024\]/);
    expect(() => generateSample('text/paraphrase', { budget: 2000 }, 1, 0)).toThrow(/^budget must be an integer in \[16, 1024\]/);
    expect(() => generateSample('letters/copy', { budget: 64 }, 1, 0)).toThrow(/budget does not apply to task letters\/copy/);
  });
});

describe('text/summarize (toy language)', () => {
  const task = getTask('text/summarize');
  const words = (s: TaskSample) => detokenize(s.reference).split(' ').filter((w) => w !== '[EOS]');
  const canvasOf = (s: TaskSample, sentence: string[]) => {
    const out = new Int32Array(s.canvasLength).fill(EOS_ID);
    sentence.forEach((w, i) => (out[i] = tokenId(w)));
    return out;
  };
  /** A sample with an adjective, for the adjective cases. */
  const withAdj = Array.from({ length: 40 }, (_, i) => generateSample('text/summarize', {}, 7, i)).find((s) => / the \w+ \w+ (today|tomorrow|tonight) \?/.test(detokenize(s.prompt)))!;

  it('every support member is accepted; each dialogue has exactly four (who first x place/time order)', () => {
    for (let i = 0; i < 40; i++) {
      const s = generateSample('text/summarize', {}, 3, i);
      const truth = s.truth as SupportDistribution;
      expect(truth.supportSize).toBe(4);
      for (let m = 0; m < truth.supportSize; m++) expect(task.score(s, truth.member(m)), detokenize(truth.member(m))).toEqual({ ok: true, reason: 'valid', culprits: [] });
    }
  });

  it('rejects a parallel mix of two valid summaries: one person twice (a missing fact)', () => {
    const s = generateSample('text/summarize', {}, 3, 0);
    const w = words(s);
    const mixed = [w[0], 'and', w[0], ...w.slice(3)];
    const r = task.score(s, canvasOf(s, mixed));
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/^missing: ".+" is not named/);
    expect(r.culprits).toEqual([0, 2]);
  });

  it('rejects a mix of the two adjunct orders (ungrammatical)', () => {
    const s = generateSample('text/summarize', {}, 3, 1);
    const truth = s.truth as SupportDistribution;
    // Member 0: place then time; member 2: time then place. Take the first adjunct token of each.
    const a = Array.from(truth.member(0));
    const b = Array.from(truth.member(2));
    const k = a.findIndex((t, i) => t !== b[i]);
    const mix = Int32Array.from(a);
    mix[k + 1] = b[k + 1];
    const r = task.score(s, mix);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/^position \d+: expected/);
  });

  it('rejects missing facts: no time, no adjective', () => {
    const s = generateSample('text/summarize', {}, 3, 2);
    const w = words(s);
    const noTime = w.filter((x) => !['today', 'tomorrow', 'tonight'].includes(x));
    expect(task.score(s, canvasOf(s, noTime)).reason).toMatch(/expected a time/);
    const wa = words(withAdj);
    const adjAt = wa.indexOf('the') + 1;
    const r = task.score(withAdj, canvasOf(withAdj, [...wa.slice(0, adjAt), ...wa.slice(adjAt + 1)]));
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/^missing: the \w+ is "\w+" in the dialogue/);
  });

  it('rejects invented facts: another name, another time, another place, an adjective the dialogue lacks', () => {
    const s = generateSample('text/summarize', {}, 3, 4);
    const w = words(s);
    const stranger = ['Jessica', 'Michael', 'Sarah'].find((n) => !detokenize(s.prompt).includes(n))!;
    const r1 = task.score(s, canvasOf(s, [stranger, ...w.slice(1)]));
    expect(r1).toMatchObject({ ok: false, culprits: [0] });
    expect(r1.reason).toMatch(/^invented: ".+" is not in the dialogue/);
    const time = w.find((x) => ['today', 'tomorrow', 'tonight'].includes(x))!;
    const other = time === 'today' ? 'tonight' : 'today';
    expect(task.score(s, canvasOf(s, w.map((x) => (x === time ? other : x)))).reason).toMatch(/^invented: the summary says the time is/);
    const inRome = w.includes('Rome');
    const swapped = inRome ? w.map((x) => (x === 'Rome' ? 'Paris' : x)) : [...w.slice(0, w.indexOf('in') >= 0 ? w.indexOf('in') : w.indexOf('near'))];
    if (inRome) expect(task.score(s, canvasOf(s, swapped)).reason).toMatch(/^invented: the summary says the place is/);
    const plain = Array.from({ length: 40 }, (_, i) => generateSample('text/summarize', {}, 8, i)).find((x) => !/ the \w+ \w+ (today|tomorrow|tonight) \?/.test(detokenize(x.prompt)))!;
    const pw = words(plain);
    const at = pw.indexOf('the') + 1;
    const r2 = task.score(plain, canvasOf(plain, [...pw.slice(0, at), 'old', ...pw.slice(at)]));
    expect(r2.ok).toBe(false);
    expect(r2.reason).toMatch(/^invented: the dialogue does not call/);
  });

  it('the oracle scores 100% at one token per step, at the compact and the paper budget', async () => {
    expect(await oracleAccuracy('text/summarize', {}, 'topk-confidence', { k: 1 }, { samples: 50 })).toBe(1);
    expect(await oracleAccuracy('text/summarize', { budget: 64 }, 'topk-random', { k: 1 }, { samples: 50, temperature: 1 })).toBe(1);
  });

  it('is a toy-language task whose rule states the content check', () => {
    expect(task.family).toBe('text');
    expect(task.rule).toMatch(/^Toy language/);
    expect(task.rule).toMatch(/nothing is invented/);
  });
});
