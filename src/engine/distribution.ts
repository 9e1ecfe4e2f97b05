import { MASK_ID, VOCAB_SIZE } from './vocab';
import type { RandomStream } from './rng';

/**
 * A task's exact true output distribution, and its conditionals given revealed tokens.
 *
 * Weights are integers, so that the oracle's histograms are exact in float32 (up to 2^24) and
 * the GPU, which accumulates them with u32 atomics, produces the very same numbers. All positions
 * of one conditional share one normaliser `total`, so p_i(v) = weight_i(v) / total.
 */
export interface Conditional {
  /**
   * Whether some output agrees with every revealed token. When none does (a parallel step
   * already broke the output), the conditional is taken over the nearest outputs instead: those
   * that disagree with the fewest revealed tokens, so the oracle still completes sensibly.
   */
  readonly consistent: boolean;
  /** Total weight of the outputs conditioned on (always > 0). */
  readonly total: number;
  /**
   * Adds position `pos`'s weights (sum = total) into out[offset .. offset + VOCAB_SIZE), whose
   * row starts at zero when `rows` is given; `rows` then receives the row's nonzero tokens.
   */
  weightsAt(pos: number, out: Float32Array, offset: number, rows?: TokenRows): void;
  /** Exact joint entropy, in bits, of the tokens at `positions` (given the revealed ones). */
  jointEntropy(positions: readonly number[]): number;
  /**
   * Probability that drawing each position independently from its conditional marginal gives a
   * combination that has positive conditional probability: the chance that a parallel step of
   * an ideal model stays valid.
   */
  productValidProbability(positions: readonly number[]): number;
  /** Mutual information, in bits, between the tokens at positions i and j. */
  mutualInformation(i: number, j: number): number;
}

/**
 * Each row's nonzero tokens in ascending order: row r's are tokens[starts[r] .. starts[r + 1]).
 * An oracle row has a handful of nonzero tokens out of the vocabulary, so the statistics
 * (src/engine/stats.ts) visit these instead of scanning every row.
 */
export class TokenRows {
  starts = new Int32Array(1);
  tokens = new Int32Array(256);
  private row = 0;
  private end = 0;

  /** Starts over for `rows` rows. */
  reset(rows: number): void {
    if (this.starts.length < rows + 1) this.starts = new Int32Array(rows + 1);
    this.row = 0;
    this.end = 0;
  }

  /** Adds token t to the current row, kept in ascending order (rows are short). */
  add(t: number): void {
    if (this.end === this.tokens.length) {
      const grown = new Int32Array(this.tokens.length * 2);
      grown.set(this.tokens);
      this.tokens = grown;
    }
    let j = this.end++;
    const first = this.starts[this.row];
    while (j > first && this.tokens[j - 1] > t) {
      this.tokens[j] = this.tokens[j - 1];
      j--;
    }
    this.tokens[j] = t;
  }

  /** Closes the current row; the next add goes to the next row. */
  endRow(): void {
    this.starts[++this.row] = this.end;
  }
}

export interface TrueDistribution {
  readonly length: number;
  /** Number of outputs with positive probability (may be huge for closed forms). */
  readonly supportSize: number;
  /** Condition on a canvas: MASK_ID marks masked positions, any other id is revealed. */
  condition(canvas: ArrayLike<number>): Conditional;
  /** Probability of a full output (0 outside the support). */
  probability(output: ArrayLike<number>): number;
  /** An exact draw from the distribution. */
  sample(stream: RandomStream): Int32Array;
}

const LOG2 = Math.log(2);
const log2 = (x: number) => Math.log(x) / LOG2;

/** Entropy in bits of a list of nonnegative weights. */
export function entropyBits(weights: Iterable<number>): number {
  let total = 0;
  let acc = 0;
  for (const w of weights) {
    if (w > 0) {
      total += w;
      acc += w * Math.log(w);
    }
  }
  if (total <= 0) return 0;
  return (Math.log(total) - acc / total) / LOG2;
}

/** log2 of the falling factorial m!/(m-j)!. */
export function log2Falling(m: number, j: number): number {
  let s = 0;
  for (let i = 0; i < j; i++) s += log2(m - i);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Finite weighted support

/**
 * A finite list of outputs with positive integer weights. Small enough (a few thousand members)
 * that conditioning by a linear scan is cheap; the GPU oracle does the same scan in parallel.
 */
export class SupportDistribution implements TrueDistribution {
  readonly length: number;
  readonly supportSize: number;
  /** Row-major members: member s, position i at s * length + i. */
  readonly members: Int32Array;
  readonly weights: Uint32Array;
  private readonly totalWeight: number;
  /**
   * Members by a hash of their tokens (numbers, not joined strings: a sample's support is built
   * for every decode of a sweep, and joining every member was a tenth of what a decode allocated).
   */
  private readonly byHash = new Map<number, number[]>();

  constructor(length: number, outputs: readonly ArrayLike<number>[], weights?: readonly number[]) {
    if (outputs.length === 0) throw new Error('a support needs at least one member');
    this.length = length;
    this.supportSize = outputs.length;
    this.members = new Int32Array(outputs.length * length);
    this.weights = new Uint32Array(outputs.length);
    let total = 0;
    outputs.forEach((o, s) => {
      if (o.length !== length) throw new Error(`support member ${s} has length ${o.length}, expected ${length}`);
      for (let i = 0; i < length; i++) {
        if (o[i] === MASK_ID) throw new Error('a support member may not contain [MASK]');
        this.members[s * length + i] = o[i];
      }
      const w = weights ? weights[s] : 1;
      if (!(Number.isInteger(w) && w > 0)) throw new Error(`support weight ${w} must be a positive integer`);
      this.weights[s] = w;
      total += w;
      const h = this.hashOf(o);
      if (this.find(o, h) >= 0) throw new Error(`duplicate support member ${Array.prototype.join.call(o, ',')}`);
      const bucket = this.byHash.get(h);
      if (bucket) bucket.push(s);
      else this.byHash.set(h, [s]);
    });
    if (total >= 2 ** 24) throw new Error('support weights must total below 2^24 to stay exact in float32');
    this.totalWeight = total;
  }

  member(s: number): Int32Array {
    return this.members.subarray(s * this.length, (s + 1) * this.length);
  }

  probability(output: ArrayLike<number>): number {
    const s = output.length === this.length ? this.find(output, this.hashOf(output)) : -1;
    return s < 0 ? 0 : this.weights[s] / this.totalWeight;
  }

  /** FNV-1a over the tokens. */
  private hashOf(tokens: ArrayLike<number>): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < this.length; i++) h = Math.imul(h ^ tokens[i], 0x01000193);
    return h >>> 0;
  }

  /** The member equal to `tokens` (of this length), or -1. */
  private find(tokens: ArrayLike<number>, hash: number): number {
    for (const s of this.byHash.get(hash) ?? []) {
      let i = 0;
      while (i < this.length && this.members[s * this.length + i] === tokens[i]) i++;
      if (i === this.length) return s;
    }
    return -1;
  }

  sample(stream: RandomStream): Int32Array {
    let r = stream.int(this.totalWeight);
    for (let s = 0; s < this.supportSize; s++) {
      r -= this.weights[s];
      if (r < 0) return this.member(s).slice();
    }
    return this.member(this.supportSize - 1).slice();
  }

  /** condition()'s counts, kept between calls: the oracle conditions every canvas every step. */
  private mismatchScratch: Int32Array | null = null;

  /** Number of revealed positions where each member disagrees with the canvas. */
  mismatches(canvas: ArrayLike<number>, out: Int32Array = new Int32Array(this.supportSize)): Int32Array {
    const L = this.length;
    for (let s = 0; s < this.supportSize; s++) {
      let d = 0;
      const base = s * L;
      for (let i = 0; i < L; i++) {
        const t = canvas[i];
        if (t !== MASK_ID && t !== this.members[base + i]) d++;
      }
      out[s] = d;
    }
    return out;
  }

  /**
   * The last canvas conditioned on with some member agreeing with all of it, and those members.
   * A decode reveals tokens one step after another, so the next canvas usually extends it and
   * only the newly revealed positions need checking, among the members still agreeing: the
   * full scan of every member at every position, every step, was most of a sweep's time on the
   * large supports (text, puzzles).
   */
  private lastCanvas: Int32Array | null = null;
  private lastKept: Int32Array = new Int32Array(0);

  condition(canvas: ArrayLike<number>): Conditional {
    const L = this.length;
    const last = this.lastCanvas;
    // Scratch for the members' mismatch counts, or for the members that still agree.
    const scratch = (this.mismatchScratch ??= new Int32Array(this.supportSize));
    if (last && this.extendsLast(canvas)) {
      const kept = this.lastKept;
      const fresh: number[] = [];
      for (let i = 0; i < L; i++) if (last[i] === MASK_ID && canvas[i] !== MASK_ID) fresh.push(i);
      let n = 0;
      for (let k = 0; k < kept.length; k++) {
        const base = kept[k] * L;
        let j = 0;
        while (j < fresh.length && this.members[base + fresh[j]] === canvas[fresh[j]]) j++;
        if (j === fresh.length) scratch[n++] = kept[k];
      }
      if (n > 0) return this.keep(canvas, n === kept.length ? kept : scratch.slice(0, n));
    }
    const d = this.mismatches(canvas, scratch);
    let best = Infinity;
    let n = 0;
    for (let s = 0; s < this.supportSize; s++) {
      if (d[s] < best) {
        best = d[s];
        n = 0;
      }
      if (d[s] === best) n++;
    }
    const kept = new Int32Array(n);
    n = 0;
    for (let s = 0; s < this.supportSize; s++) if (d[s] === best) kept[n++] = s;
    if (best === 0) return this.keep(canvas, kept);
    return new SupportConditional(this, canvas, kept, this.weightOf(kept), false);
  }

  private weightOf(kept: Int32Array): number {
    let total = 0;
    for (let k = 0; k < kept.length; k++) total += this.weights[kept[k]];
    return total;
  }

  /** Every revealed token of the last consistent canvas is in `canvas` too. */
  private extendsLast(canvas: ArrayLike<number>): boolean {
    const last = this.lastCanvas!;
    for (let i = 0; i < this.length; i++) if (last[i] !== MASK_ID && last[i] !== canvas[i]) return false;
    return true;
  }

  /** The conditional on the members `kept`, which agree with every revealed token of `canvas`. */
  private keep(canvas: ArrayLike<number>, kept: Int32Array): Conditional {
    (this.lastCanvas ??= new Int32Array(this.length)).set(canvas);
    this.lastKept = kept;
    return new SupportConditional(this, canvas, kept, this.weightOf(kept), true);
  }
}

class SupportConditional implements Conditional {
  /** Made on first use: the oracle's rows never need it, only the theory's questions. */
  private marginalCache: Map<number, Map<number, number>> | null = null;

  constructor(
    private readonly dist: SupportDistribution,
    /** The canvas conditioned on (read only while this conditional is in use). */
    private readonly canvas: ArrayLike<number>,
    private readonly kept: Int32Array,
    readonly total: number,
    readonly consistent: boolean,
  ) {}

  private marginal(pos: number): Map<number, number> {
    this.marginalCache ??= new Map();
    let m = this.marginalCache.get(pos);
    if (!m) {
      m = new Map();
      const { members, weights, length } = this.dist;
      for (const s of this.kept) {
        const t = members[s * length + pos];
        m.set(t, (m.get(t) ?? 0) + weights[s]);
      }
      this.marginalCache.set(pos, m);
    }
    return m;
  }

  weightsAt(pos: number, out: Float32Array, offset: number, rows?: TokenRows): void {
    // A revealed position that every kept member agrees with has all the weight on its token.
    const revealed = this.canvas[pos];
    if (this.consistent && revealed !== MASK_ID) {
      if (rows && out[offset + revealed] === 0) rows.add(revealed);
      out[offset + revealed] += this.total;
      rows?.endRow();
      return;
    }
    // Straight into the row, no Map: the oracle asks every position of every canvas each step.
    // Integer weights below 2^24 add exactly in float32, so the order does not matter.
    const { members, weights, length } = this.dist;
    const kept = this.kept;
    for (let k = 0; k < kept.length; k++) {
      const s = kept[k];
      const at = offset + members[s * length + pos];
      if (rows && out[at] === 0) rows.add(at - offset);
      out[at] += weights[s];
    }
    rows?.endRow();
  }

  private projections(positions: readonly number[]): Map<string, { weight: number; tokens: number[] }> {
    const { members, weights, length } = this.dist;
    const groups = new Map<string, { weight: number; tokens: number[] }>();
    for (const s of this.kept) {
      const tokens = positions.map((p) => members[s * length + p]);
      const key = tokens.join(',');
      const g = groups.get(key);
      if (g) g.weight += weights[s];
      else groups.set(key, { weight: weights[s], tokens });
    }
    return groups;
  }

  jointEntropy(positions: readonly number[]): number {
    if (positions.length === 0) return 0;
    return entropyBits(Array.from(this.projections(positions).values(), (g) => g.weight));
  }

  productValidProbability(positions: readonly number[]): number {
    if (!this.consistent) return 0;
    let p = 0;
    for (const g of this.projections(positions).values()) {
      let q = 1;
      positions.forEach((pos, k) => {
        q *= (this.marginal(pos).get(g.tokens[k]) ?? 0) / this.total;
      });
      p += q;
    }
    return p;
  }

  mutualInformation(i: number, j: number): number {
    if (i === j) return 0;
    const hi = entropyBits(this.marginal(i).values());
    const hj = entropyBits(this.marginal(j).values());
    return Math.max(0, hi + hj - this.jointEntropy([i, j]));
  }
}

// ---------------------------------------------------------------------------------------------
// Closed form: uniform over the permutations of distinct single-token items

/**
 * Uniform over all arrangements of `items` (distinct token ids) in `slots`, with `fixed` tokens
 * everywhere else. Used for shuffles too large to list (16! outputs). Conditionals: each masked
 * slot is uniform over the items not yet revealed, so with m unused items and j masked slots
 * queried, the joint is uniform over m!/(m-j)! arrangements.
 */
export class PermutationDistribution implements TrueDistribution {
  readonly supportSize: number;
  private readonly slotSet: Set<number>;

  constructor(
    readonly length: number,
    readonly slots: readonly number[],
    readonly items: readonly number[],
    /** token at each non-slot position (ignored at slots) */
    readonly fixed: ArrayLike<number>,
  ) {
    if (slots.length !== items.length) throw new Error('need as many slots as items');
    if (new Set(items).size !== items.length) throw new Error('permutation items must be distinct');
    this.slotSet = new Set(slots);
    let f = 1;
    for (let i = 2; i <= items.length; i++) f *= i;
    this.supportSize = f;
  }

  probability(output: ArrayLike<number>): number {
    if (output.length !== this.length) return 0;
    const seen = new Set<number>();
    for (let i = 0; i < this.length; i++) {
      if (this.slotSet.has(i)) seen.add(output[i]);
      else if (output[i] !== this.fixed[i]) return 0;
    }
    const itemSet = new Set(this.items);
    if (seen.size !== this.items.length || [...seen].some((t) => !itemSet.has(t))) return 0;
    return 1 / this.supportSize;
  }

  sample(stream: RandomStream): Int32Array {
    const out = Int32Array.from({ length: this.length }, (_, i) => this.fixed[i]);
    const order = stream.shuffle(this.items);
    this.slots.forEach((p, k) => (out[p] = order[k]));
    return out;
  }

  condition(canvas: ArrayLike<number>): Conditional {
    const itemSet = new Set(this.items);
    const used = new Set<number>();
    let valid = true;
    for (let i = 0; i < this.length; i++) {
      const t = canvas[i];
      if (t === MASK_ID) continue;
      if (this.slotSet.has(i)) {
        if (!itemSet.has(t) || used.has(t)) valid = false;
        used.add(t);
      } else if (t !== this.fixed[i]) valid = false;
    }
    const unused = this.items.filter((t) => !used.has(t));
    return new PermutationConditional(this, canvas, unused.length > 0 ? unused : [...this.items], valid);
  }

  isSlot(pos: number): boolean {
    return this.slotSet.has(pos);
  }
}

/**
 * Every unused item has weight 1 at every masked slot, so the shared total is m = unused items.
 * After an invalid reveal (a repeated item) the masked slots stay uniform over the unused items,
 * the nearest completions.
 */
class PermutationConditional implements Conditional {
  readonly total: number;

  constructor(
    private readonly dist: PermutationDistribution,
    private readonly canvas: ArrayLike<number>,
    private readonly unused: number[],
    readonly consistent: boolean,
  ) {
    this.total = unused.length;
  }

  private maskedSlot(pos: number): boolean {
    return this.canvas[pos] === MASK_ID && this.dist.isSlot(pos);
  }

  weightsAt(pos: number, out: Float32Array, offset: number, rows?: TokenRows): void {
    if (this.maskedSlot(pos)) {
      for (const t of this.unused) {
        if (rows && out[offset + t] === 0) rows.add(t);
        out[offset + t] += 1;
      }
    } else {
      const t = this.canvas[pos] !== MASK_ID ? this.canvas[pos] : this.dist.fixed[pos];
      if (rows && out[offset + t] === 0) rows.add(t);
      out[offset + t] += this.total;
    }
    rows?.endRow();
  }

  private maskedSlots(positions: readonly number[]): number {
    return new Set(positions.filter((p) => this.maskedSlot(p))).size;
  }

  jointEntropy(positions: readonly number[]): number {
    return log2Falling(this.unused.length, this.maskedSlots(positions));
  }

  productValidProbability(positions: readonly number[]): number {
    if (!this.consistent) return 0;
    const m = this.unused.length;
    const j = this.maskedSlots(positions);
    return 2 ** (log2Falling(m, j) - j * log2(m || 1));
  }

  mutualInformation(i: number, j: number): number {
    if (i === j || !this.maskedSlot(i) || !this.maskedSlot(j)) return 0;
    const m = this.unused.length;
    return m >= 2 ? log2(m / (m - 1)) : 0;
  }
}

export { VOCAB_SIZE };

// ---------------------------------------------------------------------------------------------
// Leave-one-out conditionals (verification of revealed tokens)

/** The canvas with `position` masked again: the input row of a leave-one-out query. */
export function leaveOneOutCanvas(canvas: ArrayLike<number>, position: number): Int32Array {
  const row = Int32Array.from(canvas);
  row[position] = MASK_ID;
  return row;
}

/**
 * Exact leave-one-out conditional p(x_i = v | prompt, every other revealed token): the support
 * filtered by every revealed token except the one at `position` (nearest outputs when none agrees,
 * as `condition` does). Returns a VOCAB_SIZE probability row.
 */
export function leaveOneOut(dist: TrueDistribution, canvas: ArrayLike<number>, position: number): Float64Array {
  const cond = dist.condition(leaveOneOutCanvas(canvas, position));
  const w = new Float32Array(VOCAB_SIZE);
  cond.weightsAt(position, w, 0);
  const out = new Float64Array(VOCAB_SIZE);
  for (let v = 0; v < VOCAB_SIZE; v++) out[v] = w[v] / cond.total;
  return out;
}
