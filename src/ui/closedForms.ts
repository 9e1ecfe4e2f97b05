import type { CurvePoint } from '../engine/metrics';
import { replaceRandomGreedyAccuracy, replaceRandomSampledAccuracy, shuffleAccuracy, stepSizes } from '../engine/theory';

/**
 * The paper's closed forms (ideal model, k per step) as curves over tokens per step. They hold
 * where the canvas is the n item slots and nothing else: the letters tasks.
 */
export function closedFormCurves(task: string, n: number): { label: string; points: CurvePoint[] }[] {
  const ks = Array.from({ length: n }, (_, i) => i + 1);
  const tps = (k: number) => n / stepSizes(n, k).length;
  const dedupe = (pts: CurvePoint[]) => pts.filter((p, i) => i === 0 || p.tps !== pts[i - 1].tps);
  if (task === 'letters/shuffle') {
    return [{ label: 'closed form (ideal model)', points: dedupe(ks.map((k) => ({ tps: tps(k), score: shuffleAccuracy(n, k) }))) }];
  }
  if (task === 'letters/replace-random') {
    return [
      { label: 'closed form, sampling (T = 1)', points: dedupe(ks.map((k) => ({ tps: tps(k), score: replaceRandomSampledAccuracy(n, k) }))) },
      { label: 'closed form, greedy (T = 0)', points: dedupe(ks.map((k) => ({ tps: tps(k), score: replaceRandomGreedyAccuracy(n, k) }))) },
    ];
  }
  return [];
}
