import { SupportDistribution } from '../distribution';
import { RandomStream } from '../rng';
import { EOS_ID, SEP_ID, taskTag, tokenId, tokenText, type TaskId } from '../vocab';
import { PUZZLE_SYMBOLS } from '../lexicon';
import { budgetParam, checkTaskParam } from './params';
import { scoreBySupport } from './score';
import type { ScoreResult, TaskDefinition, TaskParams, TaskSample } from './types';

/**
 * ParallelBench's 4x4 puzzles on a 19-token canvas by default (`budget` pads it with [EOS]; the
 * paper's is 64): four rows of four cells with a "/" token
 * between rows ("1 2 3 4 / 3 4 1 2 / ..."). The separators sit at fixed positions 4, 9 and 14,
 * so they carry no information; they are there because the paper's models write them, and a
 * missing one is a visible layout error. Cell (r, c) (0-based) is at canvas position 5r + c.
 *
 * Prompt: tag, the 16 clues row by row with "/" between rows ("_" = blank), [SEP].
 *
 * - Latin square: every row and every column holds 1..4 once. 0-4 clues copied from a random
 *   square, so the support is every square agreeing with them (576 with no clue), uniform.
 * - Sudoku: also every 2x2 box holds 1..4 once. Clues are removed from a random grid one by one,
 *   in random order, as long as the answer stays unique, so the support is one grid.
 *
 * In reasons, rows, columns and boxes are numbered from 1 (as people count them).
 */
export const PUZZLE_CANVAS = 19;
/** Compact by default (the grid alone); ParallelBench's budget of 64 pads it with [EOS]. */
const BUDGET = budgetParam(PUZZLE_CANVAS, PUZZLE_CANVAS);
const SIZE = 4;
const CELLS = SIZE * SIZE;
const SLASH = tokenId('/');
const BLANK = tokenId('_');
const SYMBOL_IDS = PUZZLE_SYMBOLS.map(tokenId);
/** Canvas positions of the row separators. */
export const SEPARATOR_POSITIONS = [4, 9, 14];

/** Canvas position of cell (r, c). */
export const cellPosition = (r: number, c: number) => r * (SIZE + 1) + c;

type Grid = number[]; // 16 symbol indices 0..3, row-major

const boxOf = (r: number, c: number) => Math.floor(r / 2) * 2 + Math.floor(c / 2);

function isLatin(g: Grid): boolean {
  for (let i = 0; i < SIZE; i++) {
    const row = new Set<number>();
    const col = new Set<number>();
    for (let j = 0; j < SIZE; j++) {
      row.add(g[i * SIZE + j]);
      col.add(g[j * SIZE + i]);
    }
    if (row.size !== SIZE || col.size !== SIZE) return false;
  }
  return true;
}

function boxesOk(g: Grid): boolean {
  const boxes = Array.from({ length: SIZE }, () => new Set<number>());
  for (let k = 0; k < CELLS; k++) boxes[boxOf(Math.floor(k / SIZE), k % SIZE)].add(g[k]);
  return boxes.every((b) => b.size === SIZE);
}

/** All 576 Latin squares, by backtracking over rows; then the 288 of them that are sudokus. */
let latinCache: Grid[] | null = null;
let sudokuCache: Grid[] | null = null;

export function allLatinSquares(): Grid[] {
  if (latinCache) return latinCache;
  const perms: number[][] = [];
  const permute = (prefix: number[]) => {
    if (prefix.length === SIZE) perms.push(prefix);
    else for (let s = 0; s < SIZE; s++) if (!prefix.includes(s)) permute([...prefix, s]);
  };
  permute([]);
  const out: Grid[] = [];
  const build = (rows: number[][]) => {
    if (rows.length === SIZE) {
      out.push(rows.flat());
      return;
    }
    for (const p of perms) {
      if (rows.every((row) => row.every((s, c) => s !== p[c]))) build([...rows, p]);
    }
  };
  build([]);
  if (out.length !== 576 || !out.every(isLatin)) throw new Error('Latin square enumeration is wrong');
  latinCache = out;
  return out;
}

export function allSudokus(): Grid[] {
  if (!sudokuCache) {
    sudokuCache = allLatinSquares().filter(boxesOk);
    if (sudokuCache.length !== 288) throw new Error('sudoku enumeration is wrong');
  }
  return sudokuCache;
}

/** clues[k] = symbol index or -1 for a blank cell. */
const consistent = (g: Grid, clues: number[]) => clues.every((s, k) => s < 0 || g[k] === s);

function renderGrid(g: Grid, length: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < SIZE; r++) {
    if (r > 0) out.push(SLASH);
    for (let c = 0; c < SIZE; c++) out.push(SYMBOL_IDS[g[r * SIZE + c]]);
  }
  while (out.length < length) out.push(EOS_ID);
  return out;
}

type Kind = 'latin-square' | 'sudoku';

function generate(kind: Kind, params: TaskParams, seed: number, index: number): TaskSample {
  const id = `puzzles/${kind}` as TaskId;
  const canvas = checkTaskParam(BUDGET, params.budget);
  const stream = new RandomStream(seed, index);
  const pool = kind === 'sudoku' ? allSudokus() : allLatinSquares();
  const solution = pool[stream.int(pool.length)];
  const clues = new Array<number>(CELLS).fill(-1);
  if (kind === 'latin-square') {
    // A few clues: the puzzle keeps many answers, which is what makes it hard to decode in parallel.
    const count = stream.int(5);
    for (const k of stream.sample(CELLS, count)) clues[k] = solution[k];
  } else {
    // Start from the full grid and drop cells in random order while the answer stays unique:
    // the result is a minimal clue set (no single clue can go), different for every sample.
    solution.forEach((s, k) => (clues[k] = s));
    for (const k of stream.shuffle(Array.from({ length: CELLS }, (_, i) => i))) {
      const keep = clues[k];
      clues[k] = -1;
      if (pool.filter((g) => consistent(g, clues)).length !== 1) clues[k] = keep;
    }
  }
  const answers = pool.filter((g) => consistent(g, clues));
  const truth = new SupportDistribution(canvas, answers.map((g) => renderGrid(g, canvas)));
  const prompt = [taskTag(id)];
  for (let r = 0; r < SIZE; r++) {
    if (r > 0) prompt.push(SLASH);
    for (let c = 0; c < SIZE; c++) {
      const s = clues[r * SIZE + c];
      prompt.push(s < 0 ? BLANK : SYMBOL_IDS[s]);
    }
  }
  prompt.push(SEP_ID);
  const rows = Array.from({ length: SIZE }, (_, r) =>
    clues.slice(r * SIZE, (r + 1) * SIZE).map((s) => (s < 0 ? '_' : PUZZLE_SYMBOLS[s])).join(' '),
  );
  return {
    task: id,
    params: { n: params.n, budget: canvas },
    seed,
    index,
    prompt: Int32Array.from(prompt),
    canvasLength: canvas,
    truth,
    reference: truth.sample(new RandomStream(seed, index + 0x40000000)),
    description: `${kind === 'sudoku' ? 'Sudoku' : 'Latin square'} 4x4, clues: ${rows.join(' / ')}`,
  };
}

/** The clue grid (symbol index or -1) read back from a prompt. */
function promptClues(prompt: Int32Array): number[] {
  const clues: number[] = [];
  for (let i = 1; i < prompt.length - 1; i++) {
    const t = prompt[i];
    if (t === SLASH) continue;
    clues.push(t === BLANK ? -1 : SYMBOL_IDS.indexOf(t));
  }
  return clues;
}

/**
 * The first broken rule, in the puzzle's terms, with the positions involved. Checked in the
 * order a person would: layout, foreign tokens, clues, then rows, columns and boxes.
 */
export function puzzleViolation(
  kind: Kind,
  prompt: Int32Array,
  output: ArrayLike<number>,
): { reason: string; culprits: number[] } | null {
  for (const p of SEPARATOR_POSITIONS) {
    if (output[p] !== SLASH) return { reason: `a separator is missing: position ${p} should be "/", found "${tokenText(output[p])}"`, culprits: [p] };
  }
  const g: Grid = [];
  for (let r = 0; r < SIZE; r++) {
    for (let c = 0; c < SIZE; c++) {
      const p = cellPosition(r, c);
      const s = SYMBOL_IDS.indexOf(output[p]);
      if (s < 0) return { reason: `cell (${r + 1},${c + 1}) holds "${tokenText(output[p])}", not a symbol 1-4`, culprits: [p] };
      g.push(s);
    }
  }
  for (let p = PUZZLE_CANVAS; p < output.length; p++) {
    if (output[p] !== EOS_ID) return { reason: `position ${p}: "${tokenText(output[p])}" after the grid; the rest of the canvas must be [EOS]`, culprits: [p] };
  }
  const clues = promptClues(prompt);
  for (let k = 0; k < CELLS; k++) {
    if (clues[k] >= 0 && g[k] !== clues[k]) {
      const r = Math.floor(k / SIZE);
      const c = k % SIZE;
      return {
        reason: `clue at (${r + 1},${c + 1}) changed: it is ${PUZZLE_SYMBOLS[clues[k]]}, the output has ${PUZZLE_SYMBOLS[g[k]]}`,
        culprits: [cellPosition(r, c)],
      };
    }
  }
  const groups: { name: string; cells: [number, number][] }[] = [];
  for (let i = 0; i < SIZE; i++) groups.push({ name: `row ${i + 1}`, cells: [0, 1, 2, 3].map((j) => [i, j]) });
  for (let i = 0; i < SIZE; i++) groups.push({ name: `column ${i + 1}`, cells: [0, 1, 2, 3].map((j) => [j, i]) });
  if (kind === 'sudoku') {
    for (let b = 0; b < SIZE; b++) {
      const r0 = Math.floor(b / 2) * 2;
      const c0 = (b % 2) * 2;
      groups.push({ name: `box ${b + 1} (rows ${r0 + 1}-${r0 + 2}, columns ${c0 + 1}-${c0 + 2})`, cells: [[r0, c0], [r0, c0 + 1], [r0 + 1, c0], [r0 + 1, c0 + 1]] });
    }
  }
  for (const { name, cells } of groups) {
    const seen = new Map<number, [number, number]>();
    for (const [r, c] of cells) {
      const s = g[r * SIZE + c];
      const first = seen.get(s);
      if (first) {
        return { reason: `${name} repeats symbol ${PUZZLE_SYMBOLS[s]}`, culprits: [cellPosition(...first), cellPosition(r, c)] };
      }
      seen.set(s, [r, c]);
    }
  }
  return null;
}

function score(sample: TaskSample, output: ArrayLike<number>): ScoreResult {
  const kind: Kind = sample.task === 'puzzles/sudoku' ? 'sudoku' : 'latin-square';
  const v = puzzleViolation(kind, sample.prompt, output);
  const r = scoreBySupport(sample.truth, output, () => v?.reason ?? null);
  if (!r.ok && v) r.culprits = v.culprits;
  return r;
}

export function puzzleTask(kind: Kind): TaskDefinition {
  return {
    id: `puzzles/${kind}` as TaskId,
    family: 'puzzles',
    title: kind === 'sudoku' ? 'Sudoku 4x4' : 'Latin square 4x4',
    rule:
      kind === 'sudoku'
        ? 'Fill the 4x4 grid (rows separated by "/") so that every row, column and 2x2 box holds 1-4 once, keeping the clues; the clues allow exactly one answer.'
        : 'Fill the 4x4 grid (rows separated by "/") so that every row and column holds 1-4 once, keeping the 0-4 clues; any such square is accepted.',
    sizes: null,
    params: [BUDGET],
    generate: (params, seed, index) => generate(kind, params, seed, index),
    score,
  };
}
