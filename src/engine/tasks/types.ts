import type { TrueDistribution } from '../distribution';
import type { TaskId } from '../vocab';

export interface ScoreResult {
  ok: boolean;
  /** Short human reason: why it failed, or what it satisfied. */
  reason: string;
  /** Canvas positions whose tokens made the output invalid (empty when ok). */
  culprits: number[];
}

/**
 * One parameter of a task (the dial's correlation, a canvas budget ...), declared in the task's
 * module like a strategy's parameters: the CLI flag (--<name>), the page's control, URL key and
 * validation all come from this. The size n is not one of them: it has its own `sizes` field.
 */
export interface TaskParamSpec {
  name: string;
  /** Short label for a form control. */
  label: string;
  default: number;
  min: number;
  max: number;
  integer: boolean;
  help: string;
}

/** A task's parameters: the size n (0 for fixed-size tasks) and its own, by name. */
export interface TaskParams {
  /** Size: list length, or 0 for fixed-size tasks. */
  n: number;
  /** Values of the task's TaskParamSpec parameters, by name (all present once resolved). */
  [name: string]: number;
}

export interface TaskSample {
  task: TaskId;
  params: TaskParams;
  seed: number;
  index: number;
  /** Task tag + input + [SEP]. */
  prompt: Int32Array;
  /** Output canvas length (fixed per task and size; padding counts). */
  canvasLength: number;
  /** The exact true output distribution given this prompt. */
  truth: TrueDistribution;
  /** One valid output, for display. */
  reference: Int32Array;
  /** The input as a person reads it. */
  description: string;
}

export type TaskFamily = 'letters' | 'waiting-line' | 'puzzles' | 'text' | 'dial';

export interface TaskDefinition {
  id: TaskId;
  family: TaskFamily;
  title: string;
  /** One sentence: what the model must do, including our exact rule where papers differ. */
  rule: string;
  /** Allowed sizes (inclusive) and the default; null when the task has a fixed size. */
  sizes: { min: number; max: number; default: number } | null;
  /** The task's own parameters (beyond n); empty for most. */
  params: readonly TaskParamSpec[];
  generate(params: TaskParams, seed: number, index: number): TaskSample;
  score(sample: TaskSample, output: ArrayLike<number>): ScoreResult;
}
