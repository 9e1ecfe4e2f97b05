import type { Denoiser, DenoiserBatch, Predictions } from '../engine/denoiser';
import { encodeModelInput, MODEL_CANVAS_LENGTH, MODEL_SEQUENCE_LENGTH } from '../engine/model-format';
import { ALL_TOKENS, VOCAB_SIZE } from '../engine/vocab';
import type { ModelRuntime } from './runtime';
import type { ModelVocab } from './vocab-map';

/**
 * A neural denoiser: encodes each canvas as the 64-token model input (prompt padded to 32,
 * canvas padded to 32), runs the model on one runtime, and returns the canvas rows' logits in
 * the engine's vocabulary (batch x canvasLength x VOCAB_SIZE).
 */
export class ModelDenoiser implements Denoiser {
  readonly exact = false;
  readonly id: string;
  /** Forward passes and the samples they carried (for throughput figures). */
  forwards = 0;
  samplesForwarded = 0;

  constructor(
    readonly runtime: ModelRuntime,
    readonly vocab: ModelVocab,
    modelName: string,
  ) {
    if (runtime.rows !== 'canvas') throw new Error('a ModelDenoiser needs a runtime returning canvas rows');
    this.id = `model:${modelName}@${runtime.name}`;
  }

  async forward(batch: DenoiserBatch): Promise<Predictions> {
    const B = batch.samples.length;
    const L = batch.canvasLength;
    if (L > MODEL_CANVAS_LENGTH) throw new RangeError(`canvas of ${L} positions exceeds the model's ${MODEL_CANVAS_LENGTH}`);
    const ids = new Int32Array(B * MODEL_SEQUENCE_LENGTH);
    for (let b = 0; b < B; b++) {
      encodeModelInput(batch.samples[b].prompt, batch.canvases.subarray(b * L, (b + 1) * L), ids, b * MODEL_SEQUENCE_LENGTH);
    }
    const map = this.vocab.engineToModel;
    if (map) {
      for (let i = 0; i < ids.length; i++) {
        const m = map[ids[i]];
        if (m < 0) throw new RangeError(`the model's vocabulary predates token "${ALL_TOKENS[ids[i]]}" (appended later, docs/FORMAT.md): it cannot read this task`);
        ids[i] = m;
      }
    }
    const logits = await this.runtime.forward(ids, B);
    this.forwards++;
    this.samplesForwarded += B;
    const Vm = this.runtime.vocab;
    const V = VOCAB_SIZE;
    const data = new Float32Array(B * L * V);
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < L; i++) {
        const src = (b * MODEL_CANVAS_LENGTH + i) * Vm;
        const dst = (b * L + i) * V;
        if (!map && Vm === V) data.set(logits.subarray(src, src + V), dst);
        // Tokens appended after the model's vocabulary get probability 0.
        else for (let v = 0; v < V; v++) data[dst + v] = map && map[v] < 0 ? -Infinity : logits[src + (map ? map[v] : v)];
      }
    }
    return { kind: 'logits', data };
  }

  dispose(): Promise<void> {
    return this.runtime.dispose();
  }
}
