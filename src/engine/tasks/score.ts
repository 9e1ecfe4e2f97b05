import { SupportDistribution, type TrueDistribution } from '../distribution';
import { tokenText } from '../vocab';
import type { ScoreResult } from './types';

/**
 * The default scorer for tasks whose accepted outputs are exactly their true support: valid iff
 * the output has positive probability. On failure it names the positions that differ from the
 * nearest valid output (fewest differing tokens), which is what the page marks as culprits.
 */
export function scoreBySupport(
  truth: TrueDistribution,
  output: ArrayLike<number>,
  explain?: (output: ArrayLike<number>) => string | null,
): ScoreResult {
  if (truth.probability(output) > 0) return { ok: true, reason: 'valid', culprits: [] };
  const culprits = truth instanceof SupportDistribution ? nearestDifferences(truth, output) : [];
  const specific = explain?.(output);
  if (specific) return { ok: false, reason: specific, culprits };
  if (culprits.length > 0) {
    const p = culprits[0];
    const best = nearestMember(truth as SupportDistribution, output);
    return {
      ok: false,
      reason: `position ${p}: "${tokenText(output[p])}" where the nearest valid output has "${tokenText(best[p])}"` +
        (culprits.length > 1 ? ` (${culprits.length} positions differ)` : ''),
      culprits,
    };
  }
  return { ok: false, reason: 'not a valid output', culprits };
}

export function nearestMember(truth: SupportDistribution, output: ArrayLike<number>): Int32Array {
  const d = truth.mismatches(output);
  let best = 0;
  for (let s = 1; s < d.length; s++) if (d[s] < d[best]) best = s;
  return truth.member(best);
}

export function nearestDifferences(truth: SupportDistribution, output: ArrayLike<number>): number[] {
  const best = nearestMember(truth, output);
  const out: number[] = [];
  for (let i = 0; i < best.length; i++) if (best[i] !== output[i]) out.push(i);
  return out;
}

/** Positions holding a token that also appears earlier among `positions` (repeats). */
export function repeatedPositions(output: ArrayLike<number>, positions: readonly number[]): number[] {
  const seen = new Map<number, number>();
  const out = new Set<number>();
  for (const p of positions) {
    const t = output[p];
    const first = seen.get(t);
    if (first !== undefined) {
      out.add(first);
      out.add(p);
    } else seen.set(t, p);
  }
  return [...out].sort((a, b) => a - b);
}
