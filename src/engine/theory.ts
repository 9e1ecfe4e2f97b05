import { log2Falling } from './distribution';

/**
 * Closed forms of ParallelBench (parallelbench.md section 2) for an ideal model that reveals k
 * positions per step. m = masked positions before a step, j = min(k, m).
 */

/** Step sizes j_1, j_2, … for k per step over n positions. */
export function stepSizes(n: number, k: number): number[] {
  const out: number[] = [];
  for (let m = n; m > 0; m -= Math.min(k, m)) out.push(Math.min(k, m));
  return out;
}

/** Shuffle accuracy, any order: prod over steps of P(m, j) / m^j. */
export function shuffleAccuracy(n: number, k: number): number {
  let m = n;
  let logAcc = 0;
  for (const j of stepSizes(n, k)) {
    logAcc += log2Falling(m, j) - j * Math.log2(m);
    m -= j;
  }
  return 2 ** logAcc;
}

/** Shuffle L_T for k per step: sum over steps of j log2 m - log2 n!. */
export function shuffleBound(n: number, k: number): number {
  let m = n;
  let sum = 0;
  for (const j of stepSizes(n, k)) {
    sum += j * Math.log2(m);
    m -= j;
  }
  return sum - log2Falling(n, n);
}

/** C(Y|X) of shuffle: n log2 n - log2 n!. */
export function shuffleTotalCorrelation(n: number): number {
  return n * Math.log2(n) - log2Falling(n, n);
}

/** C(Y|X) of replace-random: (n - 1) log2(n / (n - 1)). */
export function replaceRandomTotalCorrelation(n: number): number {
  return (n - 1) * Math.log2(n / (n - 1));
}

/**
 * Replace-random accuracy with sampling (temperature 1) for k per step. A step of j positions
 * among m masked, with the replacement still pending (probability 1/m at each masked slot), is
 * valid when exactly one or none of them takes the replacement; we track the pending state.
 * k = n gives ((n-1)/n)^(n-1).
 */
export function replaceRandomSampledAccuracy(n: number, k: number): number {
  // state: probability that the output is still valid and F is still to be placed
  let pending = 1;
  let placed = 0;
  let m = n;
  for (const j of stepSizes(n, k)) {
    const p = 1 / m; // each masked slot holds F with prob 1/m while pending
    const none = (1 - p) ** j;
    const one = j * p * (1 - p) ** (j - 1);
    const lastStep = j === m;
    // If F is still pending at the last step, exactly one slot must take it.
    const nextPending = lastStep ? 0 : pending * none;
    placed = placed + pending * one;
    pending = nextPending;
    m -= j;
  }
  return placed + pending;
}

/**
 * Replace-random greedy (temperature 0): keep beats F at every position until two remain,
 * where they tie; accuracy 1 at k = 1, 0.5 at k = 2 and 0 at k >= 3 (when the last step
 * reveals 3 or more). We return the value for the last step size.
 */
export function replaceRandomGreedyAccuracy(n: number, k: number): number {
  const sizes = stepSizes(n, k);
  const last = sizes[sizes.length - 1];
  // The last step's m = last; with m >= 3 keep always wins, so F is never written.
  if (last >= 3) return 0;
  // Two left: keep and F tie at 1/2; the random tie-break makes the pair valid half the time.
  return last === 2 ? 0.5 : 1;
}

/** Threshold rule on replace-random: exact iff gamma >= (n-1)/n. */
export function replaceRandomThresholdExact(n: number, gamma: number): boolean {
  return gamma >= (n - 1) / n;
}
