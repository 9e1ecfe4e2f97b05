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
