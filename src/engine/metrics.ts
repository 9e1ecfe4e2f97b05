/** Summary statistics of sweeps: confidence intervals and ParallelBench's PBx. */

/** Wilson score interval (95%) for k successes in n trials. */
export function wilson95(k: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = 1.959963984540054;
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  // The exact endpoints: all failures or all successes reach 0 or 1 exactly, not 1 - 1e-16.
  return [k === 0 ? 0 : Math.max(0, centre - half), k === n ? 1 : Math.min(1, centre + half)];
}

export interface CurvePoint {
  tps: number;
  score: number;
}

/**
 * PBx: the largest tokens-per-step at which the curve's score is still >= x, walking the curve
 * in order of TPS and interpolating linearly where it crosses x. Scores and x share a scale
 * (fractions here). Returns 0 when even the slowest point is below x.
 */
export function pbx(curve: readonly CurvePoint[], x: number): number {
  const pts = [...curve].sort((a, b) => a.tps - b.tps);
  let best = 0;
  for (let i = 0; i < pts.length; i++) {
    const p = pts[i];
    if (p.score >= x) best = Math.max(best, p.tps);
    const q = pts[i + 1];
    if (q && (p.score >= x) !== (q.score >= x) && q.score !== p.score) {
      const t = (x - p.score) / (q.score - p.score);
      best = Math.max(best, p.tps + t * (q.tps - p.tps));
    }
  }
  return best;
}
