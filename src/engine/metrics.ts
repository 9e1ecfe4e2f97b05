/**
 * Summary statistics of sweeps: confidence intervals and the metrics the field reports
 * (ParallelBench's Max TPS@x and oracle star, hao-ai-lab's AUP, decode-order Kendall τ).
 */

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
  /** Fraction in [0, 1]. */
  score: number;
}

/** The accuracy levels (%) of ParallelBench's leaderboard. */
export const MAX_TPS_LEVELS = [80, 75, 70] as const;

/**
 * Averages of k/n fractions that are exactly x% in exact arithmetic can land one ulp below it
 * ((2/5 + 5/5 + 5/5) / 3 = 0.7999999999999999), so "≥ x%" allows this much slack.
 */
const AT_LEAST_SLACK = 1e-9;

/**
 * Max TPS@x, the leaderboard's metric (parallelbench-leaderboard/*.json): the largest TPS among
 * the curve's measured points whose score is ≥ x% (x in percent, scores as fractions); 0 when no
 * point reaches x. No interpolation between points: an adaptive strategy scores the measured TPS
 * of one of its settings, top-k a whole k.
 */
export function maxTpsAt(curve: readonly CurvePoint[], x: number): number {
  let best = 0;
  for (const p of curve) if (p.score >= x / 100 - AT_LEAST_SLACK && p.tps > best) best = p.tps;
  return best;
}

/** Max TPS@80/75/70 keyed as the leaderboard files key them ("80", "75", "70"). */
export function maxTpsLevels(curve: readonly CurvePoint[]): Record<string, number> {
  return Object.fromEntries(MAX_TPS_LEVELS.map((x) => [String(x), maxTpsAt(curve, x)]));
}

/**
 * AUP, Accuracy Under Parallelism (hao-ai-lab, "Two Goals in One dLLM" / the AUP blog; checked
 * against the source, d3LLM's AUP_leaderboard/aup_utils.py `get_aup` and `weight_function`):
 * accuracies y in percent, parallelism ρ = TPS; points sorted by ρ; y1 = the accuracy of the
 * lowest-ρ point (not the best one); only points with y ≥ y1 − 5 are kept (wherever they lie on
 * the curve); AUP = ρ1·y1 (unweighted) + ½ Σ (ρi − ρi−1)(yi·W(yi) + yi−1·W(yi−1)) over the kept
 * points, W(y) = min(exp(−α(1 − y/ymax)), 1), α = 3, ymax = the best accuracy of any method on
 * the task (the caller passes it, as a fraction). The source also asserts that the last point is
 * within 5 of y1 and stops otherwise; here the filter alone applies, so every curve gets a value.
 */
export function aup(curve: readonly CurvePoint[], yMax: number, opts: { alpha?: number; yMinOffset?: number } = {}): number {
  const alpha = opts.alpha ?? 3;
  const offset = opts.yMinOffset ?? 5;
  if (curve.length === 0) return 0;
  if (curve.some((p) => !(p.tps > 0))) throw new RangeError('AUP needs every point at TPS > 0');
  const pts = [...curve].sort((a, b) => a.tps - b.tps).map((p) => ({ rho: p.tps, y: 100 * p.score }));
  const ymax = 100 * yMax;
  const kept = pts.filter((p) => p.y >= pts[0].y - offset);
  // ymax = 0 means every accuracy is 0: the weighted terms vanish whatever W is.
  const w = (y: number) => (ymax > 0 ? Math.min(Math.exp(-alpha * (1 - y / ymax)), 1) : 1);
  let total = kept[0].rho * kept[0].y;
  for (let i = 1; i < kept.length; i++) {
    const a = kept[i - 1];
    const b = kept[i];
    total += 0.5 * (b.rho - a.rho) * (b.y * w(b.y) + a.y * w(a.y));
  }
  return total;
}

/**
 * Kendall's τ-b (scipy.stats.kendalltau's default): (concordant − discordant) /
 * sqrt((n0 − ties in a)(n0 − ties in b)); NaN when either side is constant, as scipy returns.
 */
export function kendallTauB(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (b.length !== n) throw new RangeError('kendallTauB: arrays differ in length');
  let concordant = 0;
  let discordant = 0;
  let tiesA = 0;
  let tiesB = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const da = Math.sign(a[j] - a[i]);
      const db = Math.sign(b[j] - b[i]);
      if (da === 0) tiesA++;
      if (db === 0) tiesB++;
      if (da !== 0 && db !== 0) {
        if (da === db) concordant++;
        else discordant++;
      }
    }
  }
  const n0 = (n * (n - 1)) / 2;
  const denom = Math.sqrt((n0 - tiesA) * (n0 - tiesB));
  return denom === 0 ? NaN : (concordant - discordant) / denom;
}

/** Step of a position never revealed: after every real step (ParallelBench uses 2^31 − 1). */
const NEVER = 2 ** 31 - 1;

/**
 * Left-to-rightness of a decode as ParallelBench logs it (model/model_utils.py,
 * compute_decoding_order_correlation): order[i] = the step at which position i was revealed,
 * then τ-b between the sorted orders and the orders in position order, i.e. kendalltau(sort(o),
 * o). Positions revealed in the same step are tied on both sides, so a block-wise left-to-right
 * decode (k per step, in position order) scores exactly 1 and a right-to-left one −1; one step for
 * everything is NaN (scipy's answer for a constant input). `ignorePad` drops the positions whose
 * final token is padding (dec_order_kendall_ignore_pad). ParallelBench takes the first step a
 * position was seen unmasked; the trace keeps the step of the last reveal (`revealStep`), which
 * differs only for strategies that remask.
 */
export function decodeOrderTau(revealStep: ArrayLike<number>, output: ArrayLike<number>, padId: number, ignorePad: boolean): number {
  const order: number[] = [];
  for (let i = 0; i < revealStep.length; i++) {
    if (ignorePad && output[i] === padId) continue;
    order.push(revealStep[i] < 0 ? NEVER : revealStep[i]);
  }
  const sorted = [...order].sort((x, y) => x - y);
  return kendallTauB(sorted, order);
}

/** One decode of one sample under one setting: what the oracle star chooses among. */
export interface SampleOutcome {
  /** Identifies the sample across settings (task, size, index). */
  sample: string;
  /** Groups samples into tasks for the average (sizes of a task pool into it). */
  task: string;
  /** The setting (e.g. "threshold=0.9"). */
  setting: string;
  correct: boolean;
  nfe: number;
  canvasLength: number;
}

/**
 * The oracle star (ParallelBench App. G.2): for each sample, among the settings run on it, the
 * best accuracy any setting reached, and the smallest NFE of a setting that reached it. A task's
 * accuracy is the mean of those per-sample bests and its TPS = Σ canvas / Σ chosen NFE (TPS is
 * pooled as for every per-task point of the suite); the star averages tasks equally.
 */
export function oracleStar(outcomes: readonly SampleOutcome[]): { tps: number; score: number; tasks: number; samples: number } | null {
  const bySample = new Map<string, SampleOutcome[]>();
  for (const o of outcomes) bySample.set(o.sample, [...(bySample.get(o.sample) ?? []), o]);
  const byTask = new Map<string, { correct: number; samples: number; nfe: number; tokens: number }>();
  for (const list of bySample.values()) {
    const best = list.some((o) => o.correct);
    const nfe = Math.min(...list.filter((o) => o.correct === best).map((o) => o.nfe));
    const t = byTask.get(list[0].task) ?? { correct: 0, samples: 0, nfe: 0, tokens: 0 };
    t.correct += best ? 1 : 0;
    t.samples++;
    t.nfe += nfe;
    t.tokens += list[0].canvasLength;
    byTask.set(list[0].task, t);
  }
  if (byTask.size === 0) return null;
  const tasks = [...byTask.values()];
  return {
    score: tasks.reduce((s, t) => s + t.correct / t.samples, 0) / tasks.length,
    tps: tasks.reduce((s, t) => s + t.tokens / t.nfe, 0) / tasks.length,
    tasks: tasks.length,
    samples: bySample.size,
  };
}
