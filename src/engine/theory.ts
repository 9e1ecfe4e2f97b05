import { log2Falling, PermutationDistribution, SupportDistribution, type Conditional, type TrueDistribution } from './distribution';
import type { RandomStream } from './rng';
import { MASK_ID } from './vocab';

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

/** C(S | X, revealed) = sum of H(Y_i) - H(Y_S) under a conditional, in bits (0 for |S| < 2). */
export function totalCorrelation(cond: Conditional, positions: readonly number[]): number {
  if (positions.length < 2) return 0;
  let sum = 0;
  for (const p of positions) sum += cond.jointEntropy([p]);
  return Math.max(0, sum - cond.jointEntropy(positions));
}

/**
 * The bound of one decode, honestly split in two (docs/FORMAT.md, "Theory in a trace"):
 * what this decode realised while it was on the support, and Theorem 1's expected L_T of its
 * partition, a property of the partition and the true distribution, not of the drawn tokens.
 */
export interface BoundReport {
  /**
   * Sum of C(S_t | X, S_<t) over the steps taken while the decode was on the support (the
   * step that left it included: its C was computed before it). After that the conditionals are
   * over nearest outputs, not the true distribution, so nothing more is added.
   */
  realised: number;
  /** Step (0-based) whose reveal took the canvas off the support; null if it stayed on it. */
  leftSupportAt: number | null;
  /**
   * E over Y ~ P of sum_t C(S_t | X, Y_{S_<t}) for this decode's partition (S_t = positions whose
   * last reveal was at step t): Theorem 1's L_T = KL(P || Q_partition).
   */
  expected: number;
  /** 0 when `expected` is exact; else the Monte Carlo standard error. */
  expectedError: number;
  method: 'exact' | 'monte-carlo';
}

/** The decode's partition: positions grouped by the step of their last reveal, in step order. */
export function partitionOf(revealStep: ArrayLike<number>): number[][] {
  const byStep = new Map<number, number[]>();
  for (let i = 0; i < revealStep.length; i++) {
    const t = revealStep[i];
    if (t >= 0) byStep.set(t, [...(byStep.get(t) ?? []), i]);
  }
  return [...byStep.keys()].sort((a, b) => a - b).map((t) => byStep.get(t)!);
}

/**
 * Exact expected L_T of a partition: sum_t sum_{i in S_t} H(Y_i | Y_{S_<t}) - H(Y), each
 * conditional entropy as a difference of joint entropies of the unconditioned distribution
 * (exact for finite supports by projection and for permutations in closed form).
 */
export function expectedBoundExact(truth: TrueDistribution, partition: readonly (readonly number[])[]): number {
  const all = truth.condition(new Int32Array(truth.length).fill(MASK_ID));
  const before: number[] = [];
  let sum = 0;
  for (const set of partition) {
    const hBefore = all.jointEntropy(before);
    for (const i of set) sum += all.jointEntropy([...before, i]) - hBefore;
    before.push(...set);
  }
  return Math.max(0, sum - all.jointEntropy(before));
}

/** Monte Carlo expected L_T: draws Y ~ P and averages the sum of C(S_t | Y_{S_<t}); mean and standard error. */
export function expectedBoundMonteCarlo(
  truth: TrueDistribution,
  partition: readonly (readonly number[])[],
  samples: number,
  stream: RandomStream,
): { mean: number; stderr: number } {
  let s1 = 0;
  let s2 = 0;
  for (let d = 0; d < samples; d++) {
    const y = truth.sample(stream);
    const canvas = new Int32Array(truth.length).fill(MASK_ID);
    let v = 0;
    for (const set of partition) {
      v += totalCorrelation(truth.condition(canvas), set);
      for (const i of set) canvas[i] = y[i];
    }
    s1 += v;
    s2 += v * v;
  }
  const mean = s1 / samples;
  const variance = samples > 1 ? Math.max(0, (s2 - samples * mean * mean) / (samples - 1)) : 0;
  return { mean, stderr: Math.sqrt(variance / samples) };
}

/** Monte Carlo draws where the support has no exact entropies (none of today's tasks). */
const MONTE_CARLO_SAMPLES = 400;

/** The honest bound of a finished oracle decode, from its per-step theory and its output. */
export function boundReport(
  truth: TrueDistribution,
  steps: readonly { theory?: { totalCorrelation: number; consistentBefore: boolean } }[],
  revealStep: ArrayLike<number>,
  output: ArrayLike<number>,
  stream?: RandomStream,
): BoundReport {
  let realised = 0;
  let leftSupportAt: number | null = null;
  for (let t = 0; t < steps.length; t++) {
    realised += steps[t].theory?.totalCorrelation ?? 0;
    const next = steps[t + 1]?.theory;
    const onAfter = next ? next.consistentBefore : truth.probability(output) > 0;
    if (!onAfter) {
      leftSupportAt = t;
      break;
    }
  }
  const partition = partitionOf(revealStep);
  if (truth instanceof SupportDistribution || truth instanceof PermutationDistribution || !stream) {
    return { realised, leftSupportAt, expected: expectedBoundExact(truth, partition), expectedError: 0, method: 'exact' };
  }
  const mc = expectedBoundMonteCarlo(truth, partition, MONTE_CARLO_SAMPLES, stream);
  return { realised, leftSupportAt, expected: mc.mean, expectedError: mc.stderr, method: 'monte-carlo' };
}
