import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/model/errors';
import { loadModelFromBytes } from '../../src/model/load';
import { parseOnnx } from '../../src/model/graph';
import { parseModelVocab } from '../../src/model/vocab-map';

/**
 * Property tests of the model-file parsers (outside input): any bytes or JSON give the model's own
 * typed error (ModelError, with a code) or a valid result; never another exception, never a hang.
 */
const root = resolve(__dirname, '../..');
const onnx = new Uint8Array(readFileSync(resolve(root, 'models/tiny-mdm.onnx')));
const vocabText = readFileSync(resolve(root, 'models/tiny-mdm.json'), 'utf8');
const vocab = (JSON.parse(vocabText) as { vocabulary: { tokens: string[] } }).vocabulary;

/** Runs f; passes if it returns or throws a ModelError, fails on anything else (with the value). */
function onlyModelError(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (e instanceof ModelError) {
      expect(e.message.length).toBeGreaterThan(0);
      return;
    }
    throw new Error(`threw ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
  }
}

describe('vocabulary JSON fuzz', () => {
  it('any JSON value or text: a ModelError or a vocabulary', () => {
    fc.assert(fc.property(fc.oneof(fc.anything(), fc.jsonValue(), fc.string()), fc.integer({ min: 0, max: 64 }), (json, width) => {
      onlyModelError(() => parseModelVocab(json, width));
    }), { numRuns: 300 });
  });

  it('the real vocabulary with one field changed: a ModelError or a vocabulary', () => {
    const base = JSON.parse(vocabText) as Record<string, unknown>;
    expect(parseModelVocab(base, vocab.tokens.length).size).toBe(vocab.tokens.length);
    fc.assert(fc.property(fc.constantFrom(...Object.keys(base)), fc.constantFrom(...Object.keys(vocab), 'mask_id', 'eos_id'), fc.anything(), fc.boolean(), (key, inner, value, deep) => {
      const changed = deep ? { ...base, vocabulary: { ...vocab, [inner]: value } } : { ...base, [key]: value };
      onlyModelError(() => parseModelVocab(changed, vocab.tokens.length));
    }), { numRuns: 300 });
  });

  it('the real vocabulary text cut anywhere: a ModelError', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: vocabText.trimEnd().length - 1 }), (cut) => {
      expect(() => parseModelVocab(vocabText.slice(0, cut), vocab.tokens.length)).toThrow(ModelError);
    }), { numRuns: 200 });
  });
});

describe('ONNX bytes fuzz', () => {
  it('random bytes: a ModelError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
      expect(() => parseOnnx(bytes)).toThrow(ModelError);
    }), { numRuns: 400 });
  });

  it('random protobuf-shaped bytes (valid wire tags): a ModelError or a graph', () => {
    // field numbers 1..20 of ModelProto with each wire type, so the decoder goes deeper than the first byte
    const field = fc.tuple(fc.integer({ min: 1, max: 20 }), fc.constantFrom(0, 1, 2, 5), fc.uint8Array({ maxLength: 64 })).map(([f, w, body]) => {
      const len = w === 2 ? [body.length] : [];
      return [(f << 3) | w, ...len, ...body];
    });
    fc.assert(fc.property(fc.array(field, { maxLength: 16 }), (fields) => {
      onlyModelError(() => parseOnnx(new Uint8Array(fields.flat())));
    }), { numRuns: 300 });
  });

  it('the real model cut short: a ModelError, quickly', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: onnx.length - 1 }), (cut) => {
      const t0 = performance.now();
      onlyModelError(() => parseOnnx(onnx.subarray(0, cut)));
      expect(performance.now() - t0).toBeLessThan(5000);
    }), { numRuns: 200 });
  });

  it('the real model with bytes flipped, loaded with its vocabulary: never throws, a named failure or a model', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: onnx.length - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }), (flips) => {
      const bytes = onnx.slice();
      for (const [at, x] of flips) bytes[at] ^= x;
      const r = loadModelFromBytes(bytes, vocabText);
      // 'io' with "could not read" is load.ts's net for exceptions that are not ModelErrors.
      if (!r.ok) expect(r.error).not.toMatch(/^could not read the model/);
    }), { numRuns: 60 });
  });
});
