import type { TaskParamSpec } from './types';

/** A task parameter's value, or its default when undefined; throws a message naming it. */
export function checkTaskParam(spec: TaskParamSpec, value: number | undefined): number {
  const v = value ?? spec.default;
  const kind = spec.integer ? 'an integer' : 'a number';
  if (typeof v !== 'number' || !Number.isFinite(v) || v < spec.min || v > spec.max || (spec.integer && !Number.isInteger(v))) {
    throw new RangeError(`${spec.name} must be ${kind} in [${spec.min}, ${spec.max}], got ${value}`);
  }
  return v;
}

/** The longest canvas any decoder takes (the GPU decoder's limit). */
export const MAX_BUDGET = 1024;

/**
 * A task's canvas length ("budget"): the answer, then [EOS] to the end. Tokens per step counts
 * the whole canvas, so ParallelBench's budgets (32 for the waiting line, 64 for text and
 * puzzles) make top-k give TPS = k. `min` is the longest answer, `compact` the default.
 */
export function budgetParam(compact: number, min: number): TaskParamSpec {
  return {
    name: 'budget',
    label: 'canvas (budget)',
    default: compact,
    min,
    max: MAX_BUDGET,
    integer: true,
    help: 'canvas length in tokens: the answer, then [EOS] padding (tokens per step counts it all)',
  };
}
