import { oracleStar, type CurvePoint } from '../engine/metrics';
import { sampleOutcomes } from '../engine/suite';
import type { PageRecord } from '../worker/protocol';
import { curveKey } from './bench';

/**
 * The chart's oracle star (ParallelBench App. G.2): for each confidence-threshold curve of the
 * records shown (same model, temperature and block), per sample the fewest-NFE setting that
 * reaches that sample's best outcome. Needs at least two settings with per-sample records.
 */
export function oracleStarPoints(records: readonly PageRecord[]): { name: string; point: CurvePoint; samples: number }[] {
  const groups = new Map<string, PageRecord[]>();
  for (const r of records) if (r.strategy === 'threshold' && r.perSample) groups.set(curveKey(r), [...(groups.get(curveKey(r)) ?? []), r]);
  const out: { name: string; point: CurvePoint; samples: number }[] = [];
  for (const [key, rs] of groups) {
    if (new Set(rs.map((r) => r.params.threshold)).size < 2) continue;
    const star = oracleStar(sampleOutcomes(rs, 'threshold'));
    if (star) out.push({ name: `oracle star (${key}, best setting per sample)`, point: { tps: star.tps, score: star.score }, samples: star.samples });
  }
  return out;
}
