import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VOCAB_SIZE, vocabularyJson } from '../../src/engine/vocab';
import { tinyTransformerOnnx } from '../../src/model/build';

// npm run bench -- --model <path.onnx> --backend cpu|ort-wasm (Node runtimes), and its errors.
const dir = mkdtempSync(join(tmpdir(), 'unmask-model-'));
const model = join(dir, 'syn.onnx');
writeFileSync(model, tinyTransformerOnnx({ vocab: VOCAB_SIZE, d: 16, heads: 2, ff: 32, layers: 1, seed: 2 }));
writeFileSync(join(dir, 'syn.json'), JSON.stringify(vocabularyJson()));
const bad = join(dir, 'bad.onnx');
writeFileSync(bad, new Uint8Array(512).map((_, i) => (i * 97) & 255));
writeFileSync(join(dir, 'bad.json'), JSON.stringify(vocabularyJson()));

const run = (args: string[]) => spawnSync('npx', ['tsx', 'src/cli/bench.ts', ...args], { encoding: 'utf8', timeout: 90_000 });
const base = ['--task', 'letters/copy', '--n', '4', '--strategy', 'topk-confidence', '--k', '2', '--samples', '8', '--seed', '1', '--json'];

describe('bench CLI with --model', () => {
  it('decodes with a model on cpu and ort-wasm with the same tokens-per-step and score', () => {
    const docs = (['cpu', 'ort-wasm'] as const).map((backend) => {
      const r = run([...base, '--model', model, '--backend', backend]);
      expect(r.stderr).not.toMatch(/error/);
      expect(r.status).toBe(0);
      return JSON.parse(r.stdout);
    });
    for (const d of docs) {
      expect(d.results).toHaveLength(1);
      expect(d.results[0].tps).toBe(2);
    }
    expect(docs[0].results[0].backend).toBe('cpu');
    expect(docs[1].results[0].backend).toBe('ort-wasm');
    expect(docs[0].results[0].correct).toBe(docs[1].results[0].correct);
  }, 120_000);

  it('names what is wrong: a runtime without a model, a missing file, a file that is not ONNX', () => {
    const noModel = run([...base, '--backend', 'ort-wasm']);
    expect(noModel.status).toBe(2);
    expect(noModel.stderr).toMatch(/--backend ort-wasm runs a neural model: add --model/);
    const missing = run([...base, '--model', join(dir, 'nope.onnx'), '--backend', 'cpu']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no such file/);
    const notOnnx = run([...base, '--model', bad, '--backend', 'cpu']);
    expect(notOnnx.status).not.toBe(0);
    expect(notOnnx.stderr).toMatch(/not an ONNX model/);
    const noise = run([...base, '--model', model, '--backend', 'cpu', '--noise', '0.5']);
    expect(noise.status).toBe(2);
    expect(noise.stderr).toMatch(/noise applies to the oracle only/);
  }, 120_000);
});
