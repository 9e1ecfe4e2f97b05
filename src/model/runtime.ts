import { MODEL_CANVAS_LENGTH, MODEL_PROMPT_LENGTH, MODEL_SEQUENCE_LENGTH } from '../engine/model-format';

/** The four ways to run a model. */
export const MODEL_RUNTIMES = ['webgpu', 'ort-webgpu', 'ort-wasm', 'cpu'] as const;
export type ModelRuntimeName = (typeof MODEL_RUNTIMES)[number];

/** Which rows of the logits a runtime returns: the 32 canvas rows (decoding) or all 64 (tests). */
export type RowSelection = 'canvas' | 'all';

export function rowRange(rows: RowSelection): { start: number; count: number } {
  return rows === 'canvas' ? { start: MODEL_PROMPT_LENGTH, count: MODEL_CANVAS_LENGTH } : { start: 0, count: MODEL_SEQUENCE_LENGTH };
}

/**
 * One loaded model on one runtime. `forward` takes batch x 64 token ids (the model input of
 * src/engine/model-format.ts) and resolves to batch x rows x vocab float32 logits.
 */
export interface ModelRuntime {
  readonly name: ModelRuntimeName;
  readonly vocab: number;
  readonly rows: RowSelection;
  forward(ids: Int32Array, batch: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export function checkIds(ids: Int32Array, batch: number, vocab: number): void {
  if (ids.length !== batch * MODEL_SEQUENCE_LENGTH) throw new RangeError(`expected ${batch} x ${MODEL_SEQUENCE_LENGTH} ids, got ${ids.length}`);
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] < 0 || ids[i] >= vocab) throw new RangeError(`token id ${ids[i]} outside the model's vocabulary of ${vocab}`);
  }
}

/** Copies rows start .. start + count of every sample out of full batch x 64 x V logits. */
export function sliceRows(full: Float32Array, batch: number, vocab: number, start: number, count: number): Float32Array {
  if (start === 0 && count === MODEL_SEQUENCE_LENGTH) return full;
  const out = new Float32Array(batch * count * vocab);
  for (let b = 0; b < batch; b++) {
    const src = (b * MODEL_SEQUENCE_LENGTH + start) * vocab;
    out.set(full.subarray(src, src + count * vocab), b * count * vocab);
  }
  return out;
}
