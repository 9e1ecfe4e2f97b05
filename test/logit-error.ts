/**
 * Logit agreement measures shared by the Node and browser model tests (no Node or DOM imports).
 * The fixture's limit and its definition of relative error are those of models/train/export.py.
 */
export const TOLERANCE = 1e-4;

/** Per logits row (one sequence position): max |a - b| over the row / max |b| over the row; the
 *  largest over all rows (the fixture's own definition, models/train/export.py). */
export function maxRowRelativeError(a: ArrayLike<number>, ref: ArrayLike<number>, width: number): number {
  if (a.length !== ref.length) throw new Error(`length ${a.length} vs reference ${ref.length}`);
  let worst = 0;
  for (let o = 0; o < ref.length; o += width) {
    let d = 0;
    let m = 0;
    for (let i = o; i < o + width; i++) {
      d = Math.max(d, Math.abs(a[i] - ref[i]));
      m = Math.max(m, Math.abs(ref[i]));
    }
    worst = Math.max(worst, d / Math.max(m, 1e-30));
  }
  return worst;
}

/** max |a - b| / max |b|: the error relative to the scale of the reference logits. */
export function maxRelativeError(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (a.length !== ref.length) throw new Error(`length ${a.length} vs reference ${ref.length}`);
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - ref[i]));
    m = Math.max(m, Math.abs(ref[i]));
  }
  return d / Math.max(m, 1e-30);
}
