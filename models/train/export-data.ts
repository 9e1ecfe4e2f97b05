/**
 * Writes the training and held-out data for the tiny masked-diffusion model, produced by the
 * engine's own task generators so the token layout is byte-identical to what the page decodes.
 *
 *   npx tsx models/train/export-data.ts [--train 600000] [--heldout 8192] [--seed 20261122] [--out models/train/data] [--mix base|focus|focus2|focus3]
 *
 * Each example is the 64-token model input of src/engine/model-format.ts (prompt padded with [PAD]
 * to 32, canvas padded with [PAD] to 32) with the canvas fully filled by an exact draw from the
 * sample's true distribution, plus its canvas length (training masks only real canvas positions),
 * its task and size. Files per split: <split>.tokens.bin (uint8 or uint16, N x 64),
 * <split>.meta.bin (uint8, N x 4: canvas length, task index, n, reserved) and one header,
 * data.json, with the vocabulary, the mix and the seeds.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModelInput, MODEL_SEQUENCE_LENGTH } from '../../src/engine/model-format';
import { RandomStream } from '../../src/engine/rng';
import { generateSample, TASKS } from '../../src/engine/tasks/index';
import { VOCAB_SIZE, vocabularyJson } from '../../src/engine/vocab';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

const TRAIN = Number(arg('train', '600000'));
const HELDOUT = Number(arg('heldout', '8192'));
const SEED = Number(arg('seed', '20261122'));
const OUT = arg('out', 'models/train/data');
/** Optional comma-separated task-id prefixes to restrict the mix (smoke tests). */
const ONLY = arg('only', '');

/**
 * Mixes. "base": every task, letters about half. "focus" (the second training phase): more
 * letters, above all reverse and shuffle, which the base phase left short of the bar.
 */
const MIX = arg('mix', 'base');
const MIXES: Record<string, { family: Record<string, number>; task: Record<string, number>; lettersSmall: number }> = {
  base: {
    family: { letters: 0.5, 'waiting-line': 0.2, puzzles: 0.1, text: 0.16, dial: 0.04 },
    task: { 'letters/copy': 1.5, 'letters/reverse': 1.5, 'letters/shuffle': 1.5, 'text/w2s-hard': 1.3, 'text/paraphrase': 1.2 },
    lettersSmall: 3,
  },
  focus: {
    family: { letters: 0.6, 'waiting-line': 0.14, puzzles: 0.08, text: 0.14, dial: 0.04 },
    task: {
      'letters/copy': 1.5, 'letters/reverse': 3, 'letters/shuffle': 3, 'letters/sort': 1.5,
      'text/w2s-hard': 1.3, 'text/paraphrase': 1.2,
    },
    lettersSmall: 4,
  },
  /** Third phase: reverse, still the weakest letters task, gets the most. */
  focus2: {
    family: { letters: 0.7, 'waiting-line': 0.1, puzzles: 0.06, text: 0.1, dial: 0.04 },
    task: {
      'letters/copy': 1, 'letters/reverse': 5, 'letters/shuffle': 2.5, 'letters/sort': 1.5,
      'text/w2s-hard': 1.3, 'text/paraphrase': 1.2,
    },
    lettersSmall: 4,
  },
  /**
   * Fourth phase: reverse again (its interior positions were still guessed, see models/README.md),
   * and the dial's new rho prompt token.
   */
  focus3: {
    family: { letters: 0.7, 'waiting-line': 0.1, puzzles: 0.05, text: 0.1, dial: 0.05 },
    task: {
      'letters/copy': 1, 'letters/reverse': 8, 'letters/shuffle': 2.5, 'letters/sort': 1.5,
      'text/w2s-hard': 1.3, 'text/paraphrase': 1.2,
    },
    lettersSmall: 4,
  },
};
if (!MIXES[MIX]) throw new Error(`unknown --mix ${MIX}; known: ${Object.keys(MIXES).join(', ')}`);
/** Family weights (summing to 1), split within a family by the per-task multipliers. */
const FAMILY_WEIGHT = MIXES[MIX].family;
const TASK_MULT = MIXES[MIX].task;
/** Size weights: letters n 3..16 weighted toward n <= 8. */
function sizeWeight(family: string, n: number): number {
  if (family === 'letters') return n <= 8 ? MIXES[MIX].lettersSmall : 1;
  return 1;
}

interface MixEntry {
  task: string;
  family: string;
  weight: number;
  sizes: { n: number; weight: number }[];
}

const tasks = TASKS.filter((t) => ONLY === '' || ONLY.split(',').some((p) => t.id.startsWith(p)));
if (tasks.length === 0) throw new Error(`no task matches --only ${ONLY}`);
const familyTotals = new Map<string, number>();
for (const t of tasks) familyTotals.set(t.family, (familyTotals.get(t.family) ?? 0) + (TASK_MULT[t.id] ?? 1));
const familyWeightSum = [...familyTotals.keys()].reduce((a, f) => a + (FAMILY_WEIGHT[f] ?? 0.05), 0);
const mix: MixEntry[] = tasks.map((t) => {
  const fw = (FAMILY_WEIGHT[t.family] ?? 0.05) / familyWeightSum;
  const weight = (fw * (TASK_MULT[t.id] ?? 1)) / familyTotals.get(t.family)!;
  const sizes = t.sizes
    ? Array.from({ length: t.sizes.max - t.sizes.min + 1 }, (_, i) => t.sizes!.min + i).map((n) => ({ n, weight: sizeWeight(t.family, n) }))
    : [{ n: 0, weight: 1 }];
  return { task: t.id, family: t.family, weight, sizes };
});
const taskCum = cumulative(mix.map((m) => m.weight));

function cumulative(ws: number[]): number[] {
  const total = ws.reduce((a, b) => a + b, 0);
  let acc = 0;
  return ws.map((w) => (acc += w / total));
}

function pickIndex(cum: number[], u: number): number {
  for (let i = 0; i < cum.length; i++) if (u < cum[i]) return i;
  return cum.length - 1;
}

const wide = VOCAB_SIZE > 256;
const L = MODEL_SEQUENCE_LENGTH;

function writeSplit(name: string, count: number, seed: number) {
  const tokens = wide ? new Uint16Array(count * L) : new Uint8Array(count * L);
  const meta = new Uint8Array(count * 4);
  const row = new Int32Array(L);
  // The mix (task, size, dial rho) is drawn from its own stream; task generation uses
  // (seed, index) exactly as the page does; the filled canvas is an exact draw from the truth on
  // a separate key so that it is independent of the prompt's draws.
  const mixStream = new RandomStream(seed, 0x7fffffff);
  const canvasSeed = (seed ^ 0x5eed5eed) >>> 0;
  const counts: Record<string, number> = {};
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const ti = pickIndex(taskCum, mixStream.next());
    const m = mix[ti];
    const si = pickIndex(cumulative(m.sizes.map((s) => s.weight)), mixStream.next());
    const params: { n?: number; rho?: number } = {};
    if (m.sizes[si].n > 0) params.n = m.sizes[si].n;
    // The dial's rho on the tenths that its prompt token names (rho=-1.0 .. rho=1.0).
    if (m.task === 'dial') params.rho = (Math.floor(mixStream.next() * 21) - 10) / 10;
    const sample = generateSample(m.task, params, seed, i);
    const canvas = sample.truth.sample(new RandomStream(canvasSeed, i));
    if (canvas.length !== sample.canvasLength) throw new Error(`${m.task}: truth sample of ${canvas.length} tokens, canvas ${sample.canvasLength}`);
    encodeModelInput(sample.prompt, canvas, row);
    tokens.set(row, i * L);
    meta[i * 4] = sample.canvasLength;
    meta[i * 4 + 1] = ti;
    meta[i * 4 + 2] = m.sizes[si].n;
    const key = m.task;
    counts[key] = (counts[key] ?? 0) + 1;
    if ((i + 1) % 50000 === 0) console.log(`${name}: ${i + 1}/${count} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  const tokBuf = Buffer.from(tokens.buffer, tokens.byteOffset, tokens.byteLength);
  const metaBuf = Buffer.from(meta.buffer);
  writeFileSync(join(OUT, `${name}.tokens.bin`), tokBuf);
  writeFileSync(join(OUT, `${name}.meta.bin`), metaBuf);
  const sha = createHash('sha256').update(tokBuf).update(metaBuf).digest('hex');
  console.log(`${name}: ${count} examples in ${((performance.now() - t0) / 1000).toFixed(1)} s, sha256 ${sha.slice(0, 16)}`);
  return { count, seed, sha256: sha, counts, tokens: `${name}.tokens.bin`, meta: `${name}.meta.bin` };
}

mkdirSync(OUT, { recursive: true });
const train = writeSplit('train', TRAIN, SEED);
const heldout = writeSplit('heldout', HELDOUT, SEED + 1);
const header = {
  format: 'unmask-mdm-data/1',
  mixName: MIX,
  sequenceLength: L,
  promptLength: 32,
  canvasLength: 32,
  tokenDtype: wide ? 'uint16' : 'uint8',
  metaColumns: ['canvasLength', 'taskIndex', 'n', 'reserved'],
  vocabSize: VOCAB_SIZE,
  vocabulary: vocabularyJson(),
  tasks: mix.map((m) => m.task),
  mix: mix.map((m) => ({ task: m.task, weight: Number(m.weight.toFixed(5)), sizes: m.sizes })),
  dialRho: 'uniform on the 21 tenths -1.0 .. 1.0, named by the prompt token rho=<value>',
  canvasDraw: 'truth.sample(new RandomStream(seed ^ 0x5eed5eed, index))',
  splits: { train, heldout },
  command: `npx tsx models/train/export-data.ts ${process.argv.slice(2).join(' ')}`.trim(),
};
writeFileSync(join(OUT, 'data.json'), JSON.stringify(header, null, 2));
console.log(`wrote ${OUT}/data.json (vocabulary ${VOCAB_SIZE})`);
