/**
 * Checks the exported model from JavaScript with onnxruntime-web (wasm backend, Node):
 *  1. the card's vocabulary equals the engine's vocabularyJson();
 *  2. logits match the PyTorch fixture (max relative difference, target < 1e-4; argmax equal);
 *  3. a greedy decode at k = 1 (top-k confidence) through the engine's decodeBatch on letters
 *     copy / reverse / shuffle for n = 3..8.
 *
 *   npx tsx models/train/check-onnx.ts [--model models/tiny-mdm.onnx] [--samples 50] [--seed 7]
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decodeBatch } from '../../src/engine/decode';
import { generateSample } from '../../src/engine/tasks/index';
import { MODEL_PROMPT_LENGTH, MODEL_SEQUENCE_LENGTH } from '../../src/engine/model-format';
import { VOCAB_SIZE, vocabularyJson } from '../../src/engine/vocab';
import { createOrtSession, loadNodeDenoiser, runModel } from './ort-node-denoiser';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

const MODEL = arg('model', 'models/tiny-mdm.onnx');
const CARD = arg('card', MODEL.replace(/\.onnx$/, '.json'));
const FIXTURE = arg('fixture', join(dirname(MODEL), 'fixtures', 'tiny-mdm-logits.json'));
const SAMPLES = Number(arg('samples', '50'));
const SEED = Number(arg('seed', '7'));

let failed = false;

// 1. Vocabulary.
const card = JSON.parse(readFileSync(CARD, 'utf8'));
const vocabOk = JSON.stringify(card.vocabulary) === JSON.stringify(vocabularyJson());
console.log(`vocabulary: card ${vocabOk ? 'equals' : 'DIFFERS FROM'} vocabularyJson() (${VOCAB_SIZE} tokens)`);
if (!vocabOk) failed = true;

// 2. Parity with the PyTorch fixture.
const session = await createOrtSession(MODEL, 1);
console.log(`model: inputs ${session.inputNames.join(', ')}; outputs ${session.outputNames.join(', ')}`);
const fx = JSON.parse(readFileSync(FIXTURE, 'utf8'));
const [B, S, V] = fx.logits.shape as number[];
const refBuf = readFileSync(join(dirname(FIXTURE), fx.logits.file));
const ref = new Float32Array(refBuf.buffer.slice(refBuf.byteOffset, refBuf.byteOffset + refBuf.byteLength));
const ids = new BigInt64Array(B * S);
(fx.inputIds as number[][]).forEach((r, b) => r.forEach((v, i) => (ids[b * S + i] = BigInt(v))));
const got = await runModel(session, ids, B);
let maxRel = 0;
let maxAbs = 0;
let argmaxMismatch = 0;
for (let b = 0; b < B; b++) {
  for (let s = 0; s < S; s++) {
    const o = (b * S + s) * V;
    let scale = 0;
    let ra = 0;
    let ga = 0;
    for (let v = 0; v < V; v++) {
      scale = Math.max(scale, Math.abs(ref[o + v]));
      const d = Math.abs(ref[o + v] - got[o + v]);
      maxAbs = Math.max(maxAbs, d);
      if (ref[o + v] > ref[o + ra]) ra = v;
      if (got[o + v] > got[o + ga]) ga = v;
    }
    for (let v = 0; v < V; v++) maxRel = Math.max(maxRel, Math.abs(ref[o + v] - got[o + v]) / Math.max(scale, 1e-6));
    if (s >= MODEL_PROMPT_LENGTH && s < MODEL_PROMPT_LENGTH + fx.canvasLengths[b] && ra !== ga) argmaxMismatch++;
  }
}
const parityOk = maxRel < 1e-4 && argmaxMismatch === 0;
console.log(
  `parity vs PyTorch fixture (${B} inputs: ${fx.tasks.join(', ')}): max relative difference ${maxRel.toExponential(2)} ` +
    `(per row, relative to the row's max |logit|), max absolute ${maxAbs.toExponential(2)}, canvas argmax mismatches ${argmaxMismatch} ` +
    `-> ${parityOk ? 'OK' : 'FAIL'} (target < 1e-4)`,
);
if (!parityOk) failed = true;
if (S !== MODEL_SEQUENCE_LENGTH) throw new Error(`fixture sequence ${S} != ${MODEL_SEQUENCE_LENGTH}`);

// 3. Greedy decode, k = 1, top-k confidence, through the engine.
const denoiser = await loadNodeDenoiser(MODEL, CARD);
const t0 = performance.now();
console.log(`greedy decode, topk-confidence k = 1, ${SAMPLES} samples per size, seed ${SEED}:`);
for (const task of ['letters/copy', 'letters/reverse', 'letters/shuffle']) {
  let ok = 0;
  let total = 0;
  const per: string[] = [];
  for (let n = 3; n <= 8; n++) {
    const samples = Array.from({ length: SAMPLES }, (_, i) => generateSample(task, { n }, SEED, i));
    const traces = await decodeBatch(samples, denoiser, 'topk-confidence', { k: 1 }, { seed: SEED });
    const good = traces.filter((t) => t.score.ok).length;
    ok += good;
    total += traces.length;
    per.push(`n=${n} ${((100 * good) / traces.length).toFixed(0)}%`);
  }
  const pct = (100 * ok) / total;
  console.log(`  ${task.padEnd(16)} ${pct.toFixed(1)}% (${ok}/${total})  [${per.join(', ')}]${pct >= 95 ? '' : '  below the 95% bar'}`);
}
console.log(`decode time ${((performance.now() - t0) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
