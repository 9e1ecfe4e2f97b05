/**
 * A Denoiser (src/engine/denoiser.ts) that runs an ONNX masked-diffusion model with
 * onnxruntime-web's wasm backend in Node. Temporary home: the runtime work of issue 5 moves it
 * into the engine. Input and output follow src/engine/model-format.ts.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import type { Denoiser, DenoiserBatch, Predictions } from '../../src/engine/denoiser';
import {
  MODEL_INPUT_NAME,
  MODEL_OUTPUT_NAME,
  MODEL_PROMPT_LENGTH,
  MODEL_SEQUENCE_LENGTH,
  encodeModelInput,
} from '../../src/engine/model-format';
import { VOCAB_SIZE } from '../../src/engine/vocab';

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

export class OrtNodeDenoiser implements Denoiser {
  readonly exact = false;
  /** Forward passes and sequences run (for tokens-per-step bookkeeping and timing). */
  calls = 0;
  sequences = 0;

  constructor(
    private readonly session: ort.InferenceSession,
    readonly id = 'tiny-mdm (onnxruntime-web wasm)',
    /** Largest batch per session.run. */
    private readonly maxBatch = 128,
  ) {}

  async forward(batch: DenoiserBatch): Promise<Predictions> {
    const B = batch.samples.length;
    const L = batch.canvasLength;
    const V = VOCAB_SIZE;
    const out = new Float32Array(B * L * V);
    const row = new Int32Array(MODEL_SEQUENCE_LENGTH);
    for (let b0 = 0; b0 < B; b0 += this.maxBatch) {
      const nb = Math.min(this.maxBatch, B - b0);
      const ids = new BigInt64Array(nb * MODEL_SEQUENCE_LENGTH);
      for (let j = 0; j < nb; j++) {
        const b = b0 + j;
        encodeModelInput(batch.samples[b].prompt, batch.canvases.subarray(b * L, (b + 1) * L), row);
        for (let i = 0; i < MODEL_SEQUENCE_LENGTH; i++) ids[j * MODEL_SEQUENCE_LENGTH + i] = BigInt(row[i]);
      }
      const logits = await runModel(this.session, ids, nb);
      for (let j = 0; j < nb; j++) {
        const src = (j * MODEL_SEQUENCE_LENGTH + MODEL_PROMPT_LENGTH) * V;
        out.set(logits.subarray(src, src + L * V), (b0 + j) * L * V);
      }
      this.calls++;
      this.sequences += nb;
    }
    return { kind: 'logits', data: out };
  }
}
