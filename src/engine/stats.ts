import { Purpose, gumbel, openUnit, randomU32 } from './rng';
import type { Predictions } from './denoiser';
import { VOCAB_SIZE } from './vocab';

/**
 * Per-position statistics in one pass over the vocabulary (TypeScript twin of
 * shaders/stats.wgsl). Arithmetic is rounded to float32 at each step, like the shader.
 *
 * With w_v = the weight (oracle) or exp(l_v - max l) (logits) and s = sum of w_v:
 *   confidence = w(x0) / s, where x0 is the argmax (temperature 0) or the Gumbel-max sample;
 *   pmax = w1 / s; margin = (w1 - w2) / s; entropy = ln s - sum(w ln w) / s  (nats).
 * Exact ties in the argmax (an ideal model's uniform marginals) are broken uniformly at random:
 * the tied token with the largest draw from the shared generator wins, so that greedy decoding of
 * a shuffle behaves as the paper's closed forms assume, and not towards low token ids. `confWeight` and `sumWeight` keep the exact
 * numerator and denominator so that threshold tests can be made without a division.
 */
export interface PositionStats {
  x0: Int32Array;
  confidence: Float32Array;
  pmax: Float32Array;
  margin: Float32Array;
  entropy: Float32Array;
  confWeight: Float32Array;
  sumWeight: Float32Array;
}

export function allocStats(L: number): PositionStats {
  return {
    x0: new Int32Array(L),
    confidence: new Float32Array(L),
    pmax: new Float32Array(L),
    margin: new Float32Array(L),
    entropy: new Float32Array(L),
    confWeight: new Float32Array(L),
    sumWeight: new Float32Array(L),
  };
}

const f = Math.fround;

export interface StatsRandom {
  seed: number;
  sample: number;
  step: number;
}

/** Row weights as float32: the oracle's weights, or exp(l - max) for logits. */
export function rowWeights(pred: Predictions, row: number, out: Float32Array): void {
  const V = VOCAB_SIZE;
  const base = row * V;
  if (pred.kind === 'weights') {
    for (let v = 0; v < V; v++) out[v] = pred.data[base + v];
    return;
  }
  let m = -Infinity;
  for (let v = 0; v < V; v++) m = Math.max(m, pred.data[base + v]);
  for (let v = 0; v < V; v++) out[v] = f(Math.exp(f(pred.data[base + v] - m)));
}

/** Scratch for one row (computeStats is synchronous, so one pair serves every call). */
const rowScratch = new Float32Array(VOCAB_SIZE);
const nonzeroScratch = new Int32Array(VOCAB_SIZE);

/**
 * Fills `out` at the given positions of sequence row `rowBase` (= b * L). Temperature > 0
 * samples x0 by Gumbel-max on ln(w)/T with noise keyed by (seed, sample, step, position, token).
 * Only the row's nonzero weights are visited, in ascending token order (listed by the oracle,
 * else found by a scan): a zero adds nothing to any sum and never leads or ties, so the shader's
 * dense loop gives the same bits, and an oracle row has a handful of nonzero tokens out of the
 * vocabulary.
 */
export function computeStats(
  pred: Predictions,
  rowBase: number,
  positions: readonly number[],
  temperature: number,
  rnd: StatsRandom,
  out: PositionStats,
): void {
  const V = VOCAB_SIZE;
  for (const i of positions) {
    let w: Float32Array;
    let base: number;
    if (pred.kind === 'weights') {
      w = pred.data;
      base = (rowBase + i) * V;
    } else {
      w = rowScratch;
      base = 0;
      rowWeights(pred, rowBase + i, w);
    }
    let nz = nonzeroScratch;
    let first = 0;
    let count = 0;
    const listed = pred.nonzero;
    if (listed) {
      nz = listed.tokens;
      first = listed.starts[rowBase + i];
      count = listed.starts[rowBase + i + 1] - first;
    } else for (let v = 0; v < V; v++) if (w[base + v] !== 0) nz[count++] = v;
    let s = 0;
    // An all-zero row ends as the dense loop leaves it: token 0 at weight 0.
    let w1 = count === 0 ? 0 : -1;
    let w2 = 0;
    let a1 = 0;
    let wlnw = 0;
    let tieKey = -1;
    for (let j = 0; j < count; j++) {
      const v = nz[first + j];
      const x = w[base + v];
      s = f(s + x);
      if (x > w1) {
        w2 = Math.max(w1, 0);
        w1 = x;
        a1 = v;
        tieKey = -1;
      } else if (x > w2 || (x === w1 && x > 0)) {
        w2 = x;
        if (x === w1) {
          if (tieKey < 0) tieKey = randomU32(rnd.seed, rnd.sample, rnd.step, i, Purpose.tieBreak, a1);
          const key = randomU32(rnd.seed, rnd.sample, rnd.step, i, Purpose.tieBreak, v);
          if (key > tieKey) {
            tieKey = key;
            a1 = v;
          }
        }
      }
      if (x > 0) wlnw = f(wlnw + f(x * f(Math.log(x))));
    }
    let x0 = a1;
    if (temperature > 0) {
      const invT = f(1 / temperature);
      let best = -Infinity;
      for (let j = 0; j < count; j++) {
        const v = nz[first + j];
        const x = w[base + v];
        if (x <= 0) continue;
        const g = gumbel(openUnit(randomU32(rnd.seed, rnd.sample, rnd.step, i, Purpose.gumbel, v)));
        const key = f(f(f(Math.log(x)) * invT) + g);
        if (key > best) {
          best = key;
          x0 = v;
        }
      }
    }
    const wx0 = w[base + x0];
    out.x0[i] = x0;
    out.confWeight[i] = wx0;
    out.sumWeight[i] = s;
    out.confidence[i] = f(wx0 / s);
    out.pmax[i] = f(w1 / s);
    out.margin[i] = f(f(w1 - w2) / s);
    out.entropy[i] = Math.max(0, f(f(Math.log(s)) - f(wlnw / s)));
  }
}

/** Full probability row (for candidate bars and KL): p_v = w_v / s. */
export function rowProbabilities(pred: Predictions, row: number, out: Float32Array): void {
  rowWeights(pred, row, out);
  let s = 0;
  for (let v = 0; v < VOCAB_SIZE; v++) s += out[v];
  for (let v = 0; v < VOCAB_SIZE; v++) out[v] = out[v] / s;
}

/**
 * The distribution a sampler at temperature T draws from: q_v proportional to p_v^(1/T).
 * At T = 0 (greedy) all mass goes to the argmax, shared equally by exact ties (which the engine
 * breaks uniformly at random).
 */
export function temperedProbabilities(probs: Float32Array, temperature: number, out: Float32Array): void {
  if (temperature <= 0) {
    let best = 0;
    for (let v = 0; v < probs.length; v++) best = Math.max(best, probs[v]);
    let tied = 0;
    for (let v = 0; v < probs.length; v++) if (probs[v] === best) tied++;
    for (let v = 0; v < probs.length; v++) out[v] = probs[v] === best ? 1 / tied : 0;
    return;
  }
  let m = -Infinity;
  for (let v = 0; v < probs.length; v++) if (probs[v] > 0) m = Math.max(m, Math.log(probs[v]) / temperature);
  let sum = 0;
  for (let v = 0; v < probs.length; v++) {
    out[v] = probs[v] > 0 ? Math.exp(Math.log(probs[v]) / temperature - m) : 0;
    sum += out[v];
  }
  for (let v = 0; v < probs.length; v++) out[v] /= sum;
}
