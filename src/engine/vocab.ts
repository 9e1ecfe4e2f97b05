import { FIRST_NAMES, GRAMMAR_WORDS, LAST_NAMES, LETTERS, PUNCTUATION, PUZZLE_MARKS, PUZZLE_SYMBOLS, SUMMARY_WORDS } from './lexicon';

/**
 * One word-level vocabulary shared by every task, the oracle, the trained model and user models.
 * Ids never move: the first release's layout is frozen (FIRST_RELEASE below), and every token
 * added since, a new task's tag included, is appended at the end (APPENDED). Trained models
 * depend on the ids; test/node/vocab.test.ts pins them against models/tiny-mdm.json.
 * docs/FORMAT.md documents the layout.
 */

export const MASK = '[MASK]';
export const EOS = '[EOS]';
export const SEP = '[SEP]';
export const PAD = '[PAD]';

export const LIST_OPS = [
  'copy', 'reverse', 'sort', 'shuffle', 'insert-index', 'insert-random',
  'remove-index', 'remove-random', 'replace-index', 'replace-random',
] as const;
export type ListOp = (typeof LIST_OPS)[number];

/** The first release's tasks, in the order of their tag tokens (frozen: ids 4 .. 30). */
const FIRST_TASK_IDS = [
  ...LIST_OPS.map((op) => `letters/${op}` as const),
  ...LIST_OPS.map((op) => `waiting-line/${op}` as const),
  'puzzles/latin-square',
  'puzzles/sudoku',
  'text/w2s-easy',
  'text/w2s-medium',
  'text/w2s-hard',
  'text/paraphrase',
  'dial',
] as const;

/** Tasks added since; their tags are appended to the vocabulary (APPENDED below). */
const ADDED_TASK_IDS = ['text/summarize'] as const;

/** Task ids, fixed because scripts rely on them; each has its own prompt tag token. */
export const TASK_IDS = [...FIRST_TASK_IDS, ...ADDED_TASK_IDS] as const;
export type TaskId = (typeof TASK_IDS)[number];

export const MAX_INDEX = 16;
export const INDEX_TOKENS = Array.from({ length: MAX_INDEX + 1 }, (_, i) => `#${i}`);

/**
 * The dial's correlation in the prompt, in tenths (rho=-1.0 .. rho=1.0), so that a model can
 * learn the joint it sets; the first group appended after the first release.
 */
export const RHO_TOKENS = Array.from({ length: 21 }, (_, i) => `rho=${((i - 10) / 10).toFixed(1)}`);

/** The prompt token of a dial correlation: the nearest tenth. */
export function rhoToken(rho: number): string {
  if (!(rho >= -1 && rho <= 1)) throw new RangeError(`rho must be in [-1, 1], got ${rho}`);
  return RHO_TOKENS[Math.round(rho * 10) + 10];
}

/** The first release's layout. Frozen: never edit, reorder or insert into it. */
const FIRST_RELEASE: readonly string[] = [
  MASK, EOS, SEP, PAD,
  ...FIRST_TASK_IDS.map((id) => `<${id}>`),
  ...INDEX_TOKENS,
  ...LETTERS,
  ...FIRST_NAMES,
  ...LAST_NAMES,
  ...PUZZLE_SYMBOLS,
  ...PUZZLE_MARKS,
  ...PUNCTUATION,
  ...GRAMMAR_WORDS,
];

/**
 * Groups added after the first release, oldest first. Only ever append a new group at the end
 * (a new task's tag `<id>` and its new words); never edit an earlier one.
 */
const APPENDED: readonly (readonly string[])[] = [
  RHO_TOKENS,
  ['<text/summarize>', ...SUMMARY_WORDS],
];

const TOKENS: readonly string[] = [...FIRST_RELEASE, ...APPENDED.flat()];

const IDS = new Map<string, number>();
TOKENS.forEach((t, i) => {
  if (IDS.has(t)) throw new Error(`duplicate vocabulary token ${t}`);
  IDS.set(t, i);
});
for (const id of TASK_IDS) if (!IDS.has(`<${id}>`)) throw new Error(`task ${id} has no tag token: append "<${id}>" to APPENDED`);

export const VOCAB_SIZE = TOKENS.length;
export const MASK_ID = 0;
export const EOS_ID = 1;
export const SEP_ID = 2;
export const PAD_ID = 3;

export function tokenId(token: string): number {
  const id = IDS.get(token);
  if (id === undefined) throw new Error(`unknown token "${token}"`);
  return id;
}

export function hasToken(token: string): boolean {
  return IDS.has(token);
}

export function tokenText(id: number): string {
  const t = TOKENS[id];
  if (t === undefined) throw new RangeError(`token id ${id} outside the vocabulary (size ${VOCAB_SIZE})`);
  return t;
}

export function ids(tokens: readonly string[]): number[] {
  return tokens.map(tokenId);
}

export function detokenize(tokenIds: ArrayLike<number>, { stopAtEos = false } = {}): string {
  const words: string[] = [];
  for (let i = 0; i < tokenIds.length; i++) {
    if (stopAtEos && tokenIds[i] === EOS_ID) break;
    words.push(tokenText(tokenIds[i]));
  }
  return words.join(' ');
}

export function taskTag(id: TaskId): number {
  return tokenId(`<${id}>`);
}

/** The vocabulary as the JSON that models ship with (docs/FORMAT.md). */
export function vocabularyJson() {
  return { tokens: [...TOKENS], mask: MASK_ID, eos: EOS_ID, sep: SEP_ID, pad: PAD_ID };
}

export const ALL_TOKENS = TOKENS;
