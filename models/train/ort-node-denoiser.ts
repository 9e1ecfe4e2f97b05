/**
 * onnxruntime-web in Node for the training-side checks: a raw session (to compare all 64 rows of
 * logits with the PyTorch fixture) and the engine's own model denoiser for decodes. Input and
 * output follow src/engine/model-format.ts.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { MODEL_INPUT_NAME, MODEL_OUTPUT_NAME, MODEL_SEQUENCE_LENGTH } from '../../src/engine/model-format';
import { VOCAB_SIZE } from '../../src/engine/vocab';
import type { ModelDenoiser } from '../../src/model/denoiser';
import { denoiserFor, loadModelFromBytes } from '../../src/model/load';

export async function createOrtSession(path: string, threads = 1): Promise<ort.InferenceSession> {
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  return ort.InferenceSession.create(readFileSync(path), { executionProviders: ['wasm'] });
}

/** Runs the model on a [batch, 64] input; returns logits [batch, 64, V]. */
export async function runModel(session: ort.InferenceSession, inputIds: BigInt64Array, batch: number): Promise<Float32Array> {
  const feeds = { [MODEL_INPUT_NAME]: new ort.Tensor('int64', inputIds, [batch, MODEL_SEQUENCE_LENGTH]) };
  const out = await session.run(feeds);
  const logits = out[MODEL_OUTPUT_NAME];
  const dims = logits.dims;
  if (dims.length !== 3 || dims[0] !== batch || dims[1] !== MODEL_SEQUENCE_LENGTH || dims[2] !== VOCAB_SIZE) {
    throw new Error(`model returned logits of shape [${dims.join(', ')}], expected [${batch}, ${MODEL_SEQUENCE_LENGTH}, ${VOCAB_SIZE}]`);
  }
  const data = logits.data as Float32Array;
  logits.dispose?.();
  return data;
}

/**
 * The engine's own onnxruntime-web wasm denoiser (src/model/load.ts: validation, vocabulary
 * mapping, batching) for a model file and its card, for the Node scripts beside this file.
 */
export async function loadNodeDenoiser(modelPath: string, cardPath = modelPath.replace(/\.onnx$/, '.json')): Promise<ModelDenoiser> {
  const r = loadModelFromBytes(readFileSync(modelPath), readFileSync(cardPath, 'utf8'), 'tiny');
  if (!r.ok) throw new Error(`${modelPath}: ${r.error}`);
  return denoiserFor(r.handle, 'ort-wasm');
}
