import { TokenRows } from './distribution';
import { Purpose, normal, randomU32 } from './rng';
import type { TaskSample } from './tasks/types';
import { VOCAB_SIZE } from './vocab';

/**
 * What a denoiser returns for a batch: per position, one row of VOCAB_SIZE numbers.
 * - 'weights': nonnegative, unnormalised probabilities; all rows of one sequence share one sum.
 *   The oracle gives integer weights so that CPU and GPU statistics agree exactly.
 * - 'logits': natural-log scores, as a neural model gives.
 */
export interface Predictions {
  kind: 'weights' | 'logits';
  /** batch x canvasLength x VOCAB_SIZE */
  data: Float32Array;
  /** For 'weights': each row's nonzero tokens, when the denoiser knows them (the oracle does). */
  nonzero?: TokenRows;
}

export interface DenoiserBatch {
  samples: readonly TaskSample[];
  /** batch x canvasLength tokens, MASK_ID where masked. */
  canvases: Int32Array;
  canvasLength: number;
  /** Decode step of each sequence (keys the seeded noise). */
  steps: readonly number[];
  /**
   * Scratch the caller owns, for the predictions: a denoiser may write them into it (when it
   * holds samples x canvasLength x vocabulary floats) instead of a new array, so the caller must
   * be done with the last predictions written there. A decode allocating its largest array
   * afresh each step made the kernel map and clear pages and, with two threads of one process
   * decoding (the page's sweep pool), flush the other core's TLB on every free: in a VM that
   * cost the second worker its whole gain (docs/PERFORMANCE.md).
   */
  out?: Float32Array;
}

/** One interface for every model: a batch of canvases with masks in, per-position scores out. */
export interface Denoiser {
  readonly id: string;
  /** True when the denoiser is the exact oracle (theory quantities are then meaningful). */
  readonly exact: boolean;
  forward(batch: DenoiserBatch): Promise<Predictions>;
}

/** Logit given to tokens of probability zero: finite, because WGSL has no reliable infinities. */
export const ZERO_PROB_LOGIT = -1e30;

/**
 * The oracle: exact conditional marginals of the task's true distribution given the revealed
 * tokens. With `noise` = sigma > 0, the paper's "ideal + noise": seeded Gaussian noise on the
 * log-probabilities of the tokens that have any (impossible tokens stay impossible).
 */
export class OracleDenoiser implements Denoiser {
  readonly id: string;
  readonly exact: boolean;

  constructor(
    readonly noise = 0,
    readonly seed = 0,
  ) {
    if (!(noise >= 0 && Number.isFinite(noise))) throw new RangeError(`noise must be >= 0, got ${noise}`);
    this.id = noise > 0 ? `oracle+noise(${noise})` : 'oracle';
    this.exact = noise === 0;
  }

  async forward(batch: DenoiserBatch): Promise<Predictions> {
    return this.forwardSync(batch);
  }

  forwardSync(batch: DenoiserBatch): Predictions {
    const L = batch.canvasLength;
    const V = VOCAB_SIZE;
    const n = batch.samples.length * L * V;
    const scratch = batch.out && batch.out.length >= n ? batch.out : null;
    const data = scratch ? scratch.subarray(0, n).fill(0) : new Float32Array(n);
    // The token lists live beside the caller's scratch, so they stay valid exactly as long as it.
    let rows: TokenRows | undefined;
    if (this.noise === 0) {
      rows = scratch ? tokenRowsOf(scratch) : new TokenRows();
      rows.reset(batch.samples.length * L);
    }
    batch.samples.forEach((sample, b) => {
      const canvas = batch.canvases.subarray(b * L, (b + 1) * L);
      oracleWeights(sample, canvas, data, b * L * V, rows);
      if (this.noise > 0) addLogNoise(data, b * L * V, L, this.noise, this.seed, sample.index, batch.steps[b]);
    });
    return rows ? { kind: 'weights', data, nonzero: rows } : { kind: this.noise > 0 ? 'logits' : 'weights', data };
  }
}

const tokenRowsByScratch = new WeakMap<Float32Array, TokenRows>();
function tokenRowsOf(scratch: Float32Array): TokenRows {
  let rows = tokenRowsByScratch.get(scratch);
  if (!rows) tokenRowsByScratch.set(scratch, (rows = new TokenRows()));
  return rows;
}

/**
 * Writes one sequence's oracle weights (L rows, zero on entry) at `offset`; returns the shared
 * row total. `rows` receives each row's nonzero tokens.
 */
export function oracleWeights(sample: TaskSample, canvas: ArrayLike<number>, out: Float32Array, offset: number, rows?: TokenRows): number {
  const cond = sample.truth.condition(canvas);
  for (let i = 0; i < sample.canvasLength; i++) cond.weightsAt(i, out, offset + i * VOCAB_SIZE, rows);
  return cond.total;
}

/**
 * Turns weight rows into noisy log-probabilities in place. The noise for (sample, step,
 * position, token) comes from the shared generator, so the GPU can draw the same numbers.
 */
export function addLogNoise(
  data: Float32Array,
  offset: number,
  L: number,
  sigma: number,
  seed: number,
  sampleIndex: number,
  step: number,
): void {
  const V = VOCAB_SIZE;
  for (let i = 0; i < L; i++) {
    const row = offset + i * V;
    let total = 0;
    for (let v = 0; v < V; v++) total += data[row + v];
    for (let v = 0; v < V; v++) {
      const w = data[row + v];
      if (w > 0) {
        const z = normal(
          randomU32(seed, sampleIndex, step, i, Purpose.noise, 2 * v),
          randomU32(seed, sampleIndex, step, i, Purpose.noise, 2 * v + 1),
        );
        data[row + v] = Math.fround(Math.log(w / total) + sigma * z);
      } else data[row + v] = ZERO_PROB_LOGIT;
    }
  }
}
