import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export { maxRelativeError, maxRowRelativeError, TOLERANCE } from '../logit-error';

function flat(x: unknown): number[] {
  if (typeof x === 'string') {
    const bin = Buffer.from(x, 'base64');
    return Array.from(new Float32Array(bin.buffer, bin.byteOffset, bin.byteLength / 4));
  }
  return (x as unknown[]).flat(Infinity as 1) as number[];
}

/**
 * The PyTorch reference logits of the trained model (models/fixtures/, written by the training
 * export). Accepts a JSON file with the input ids (batch x 64, nested or flat) and the logits
 * (batch x 64 x V, nested or flat, or base64 float32). Returns null when none is committed.
 */
export function loadFixture(dir = 'models/fixtures'): { ids: Int32Array; batch: number; logits: Float32Array } | null {
  if (!existsSync(dir)) return null;
  const file = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()[0];
  if (!file) return null;
  const doc = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
  const idsRaw = doc.input_ids ?? doc.inputIds ?? doc.ids ?? doc.inputs;
  const logitsRaw = doc.logits ?? doc.outputs;
  if (!idsRaw || !logitsRaw) throw new Error(`${file}: expected "input_ids" and "logits"`);
  const ids = Int32Array.from(flat(idsRaw));
  let logits: Float32Array;
  const ref = logitsRaw as { file?: string };
  if (ref && typeof ref === 'object' && !Array.isArray(ref) && ref.file) {
    // models/train/export.py: little-endian float32 in a .bin beside the JSON.
    const bin = readFileSync(join(dir, ref.file));
    logits = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  } else logits = Float32Array.from(flat(logitsRaw));
  return { ids, batch: ids.length / 64, logits };
}
