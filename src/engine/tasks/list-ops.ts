import type { RandomStream } from '../rng';
import type { ListOp } from '../vocab';

/**
 * The ten list operations of ParallelBench's waiting line and the paper's synthetic tasks,
 * on abstract items (indices into a pool). Letters and waiting-line render them differently.
 *
 * Rules (ours, stated once): insert/remove/replace "index" act at the given 0-based index
 * (insert puts the new item before it); the "random" variants accept the operation at any index,
 * each equally likely; shuffle accepts any order (letters, as in the paper's section 4) or any
 * order but the input's (waiting line, as ParallelBench scores it).
 */
export interface ListOpInstance {
  op: ListOp;
  input: number[];
  index?: number;
  newItem?: number;
  /** Every accepted output, as item lists; equally likely under the true distribution. */
  outputs: number[][];
}

export function makeListOp(
  op: ListOp,
  n: number,
  poolSize: number,
  stream: RandomStream,
  opts: { compare: (a: number, b: number) => number; shuffleMustChange: boolean; enumerateShuffle: boolean },
): ListOpInstance {
  const drawn = stream.sample(poolSize, n + 1);
  const input = drawn.slice(0, n);
  const newItem = drawn[n];
  // Every instance has the same five fields in one order: the generators read them at one site
  // for all ten operations, and objects of varying shapes there cost a recompile per operation.
  const make = (outputs: number[][], index?: number, item?: number): ListOpInstance => ({ op, input, index, newItem: item, outputs });
  switch (op) {
    case 'copy':
      return make([input.slice()]);
    case 'reverse':
      return make([input.slice().reverse()]);
    case 'sort':
      return make([input.slice().sort(opts.compare)]);
    case 'shuffle': {
      if (!opts.enumerateShuffle) return make([]);
      return make(permutations(input).filter((p) => !opts.shuffleMustChange || !sameList(p, input)));
    }
    case 'insert-index': {
      const index = stream.int(n + 1);
      return make([insertAt(input, index, newItem)], index, newItem);
    }
    case 'insert-random':
      return make(range(n + 1).map((i) => insertAt(input, i, newItem)), undefined, newItem);
    case 'remove-index': {
      const index = stream.int(n);
      return make([removeAt(input, index)], index);
    }
    case 'remove-random':
      return make(range(n).map((i) => removeAt(input, i)));
    case 'replace-index': {
      const index = stream.int(n);
      return make([replaceAt(input, index, newItem)], index, newItem);
    }
    case 'replace-random':
      return make(range(n).map((i) => replaceAt(input, i, newItem)), undefined, newItem);
  }
}

/** Number of items in the answer of `op` on n items. */
export function outputItems(op: ListOp, n: number): number {
  if (op === 'insert-index' || op === 'insert-random') return n + 1;
  if (op === 'remove-index' || op === 'remove-random') return n - 1;
  return n;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const insertAt = (xs: number[], i: number, x: number) => [...xs.slice(0, i), x, ...xs.slice(i)];
const removeAt = (xs: number[], i: number) => [...xs.slice(0, i), ...xs.slice(i + 1)];
const replaceAt = (xs: number[], i: number, x: number) => xs.map((y, j) => (j === i ? x : y));
const sameList = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export function permutations(xs: number[]): number[][] {
  // In place on one prefix (unused items in their order at each place: lexicographic by index),
  // not by copying the rest at every level: a shuffle's support is listed for every sample.
  const out: number[][] = [];
  const used = new Array<boolean>(xs.length).fill(false);
  const prefix: number[] = [];
  const place = () => {
    if (prefix.length === xs.length) {
      out.push(prefix.slice());
      return;
    }
    for (let i = 0; i < xs.length; i++) {
      if (used[i]) continue;
      used[i] = true;
      prefix.push(xs[i]);
      place();
      prefix.pop();
      used[i] = false;
    }
  };
  place();
  return out;
}

/** A sentence describing the operation for people. */
export function describeListOp(inst: ListOpInstance, render: (item: number) => string): string {
  const list = inst.input.map(render).join(', ');
  const item = inst.newItem !== undefined ? render(inst.newItem) : '';
  switch (inst.op) {
    case 'copy': return `Copy: ${list}`;
    case 'reverse': return `Reverse: ${list}`;
    case 'sort': return `Sort: ${list}`;
    case 'shuffle': return `Shuffle: ${list}`;
    case 'insert-index': return `Insert ${item} at index ${inst.index}: ${list}`;
    case 'insert-random': return `Insert ${item} anywhere: ${list}`;
    case 'remove-index': return `Remove index ${inst.index}: ${list}`;
    case 'remove-random': return `Remove any one item: ${list}`;
    case 'replace-index': return `Replace index ${inst.index} with ${item}: ${list}`;
    case 'replace-random': return `Replace any one item with ${item}: ${list}`;
  }
}
