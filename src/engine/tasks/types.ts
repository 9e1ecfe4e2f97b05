import type { TrueDistribution } from '../distribution';
import type { TaskId } from '../vocab';

export interface ScoreResult {
  ok: boolean;
  /** Short human reason: why it failed, or what it satisfied. */
  reason: string;
  /** Canvas positions whose tokens made the output invalid (empty when ok). */
  culprits: number[];
}

export interface TaskParams {
  /** Size: list length, or ignored by fixed-size tasks. */
  n: number;
  /** Correlation of the dependency dial, in [-1, 1]. */
  rho?: number;
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
  generate(params: TaskParams, seed: number, index: number): TaskSample;
  score(sample: TaskSample, output: ArrayLike<number>): ScoreResult;
}
