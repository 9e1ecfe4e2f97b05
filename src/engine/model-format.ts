import { MASK_ID, PAD_ID } from './vocab';

/**
 * How a neural denoiser sees a sample (docs/FORMAT.md, "Model input"): a fixed 64-token
 * sequence, the prompt padded with [PAD] to 32 positions, then the canvas padded with [PAD] to
 * 32 positions. Fixed positions keep the ONNX graph static apart from the batch axis, and let
 * every task share one model. Masked canvas positions hold [MASK].
 */
export const MODEL_PROMPT_LENGTH = 32;
export const MODEL_CANVAS_LENGTH = 32;
export const MODEL_SEQUENCE_LENGTH = MODEL_PROMPT_LENGTH + MODEL_CANVAS_LENGTH;
export const MODEL_INPUT_NAME = 'input_ids';
export const MODEL_OUTPUT_NAME = 'logits';

/** Writes one sample's model input at out[offset .. offset + 64). */
export function encodeModelInput(prompt: ArrayLike<number>, canvas: ArrayLike<number>, out: Int32Array, offset = 0): void {
  if (prompt.length > MODEL_PROMPT_LENGTH) throw new RangeError(`prompt of ${prompt.length} tokens exceeds the model's ${MODEL_PROMPT_LENGTH}`);
  checkModelCanvas(canvas.length);
  out.fill(PAD_ID, offset, offset + MODEL_SEQUENCE_LENGTH);
  for (let i = 0; i < prompt.length; i++) out[offset + i] = prompt[i];
  for (let i = 0; i < canvas.length; i++) out[offset + MODEL_PROMPT_LENGTH + i] = canvas[i];
}

/**
 * A neural model holds canvases of at most MODEL_CANVAS_LENGTH tokens (its card states it as
 * input.canvasLength); a longer task budget is refused with the limit named.
 */
export function checkModelCanvas(length: number): void {
  if (length > MODEL_CANVAS_LENGTH) {
    throw new RangeError(`budget must be at most ${MODEL_CANVAS_LENGTH} with a neural model: its input holds a canvas of ${MODEL_CANVAS_LENGTH} tokens, this task's is ${length}`);
  }
}

/** Index in the model's output sequence of canvas position i. */
export const canvasOffset = (i: number) => MODEL_PROMPT_LENGTH + i;

export { MASK_ID };
