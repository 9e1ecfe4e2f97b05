import { LIST_OPS, TASK_IDS, type TaskId } from '../vocab';
import { dialTask } from './dial';
import { lettersTask } from './letters';
import { puzzleTask } from './puzzles';
import { TEXT_KINDS, textTask } from './text';
import type { TaskDefinition, TaskParams, TaskSample } from './types';
import { waitingLineTask } from './waiting-line';

/** Every task by its fixed id. */
export const TASKS: readonly TaskDefinition[] = [
  ...LIST_OPS.map(lettersTask),
  ...LIST_OPS.map(waitingLineTask),
  puzzleTask('latin-square'),
  puzzleTask('sudoku'),
  ...TEXT_KINDS.map(textTask),
  dialTask,
];

const BY_ID = new Map<string, TaskDefinition>(TASKS.map((t) => [t.id, t]));

export function taskIds(): string[] {
  return TASKS.map((t) => t.id);
}

export function isTaskId(id: string): id is TaskId {
  return (TASK_IDS as readonly string[]).includes(id) && BY_ID.has(id);
}

export function getTask(id: string): TaskDefinition {
  const t = BY_ID.get(id);
  if (!t) throw new RangeError(`unknown task "${id}"; known: ${taskIds().join(', ')}`);
  return t;
}

/** Defaults and range checks for a task's parameters; throws a message naming the bad one. */
export function resolveTaskParams(task: TaskDefinition, given: Partial<TaskParams>): TaskParams {
  const out: TaskParams = { n: task.sizes?.default ?? 0 };
  if (given.n !== undefined) {
    if (!task.sizes) throw new RangeError(`task ${task.id} has a fixed size; drop --n`);
    if (!Number.isInteger(given.n) || given.n < task.sizes.min || given.n > task.sizes.max) {
      throw new RangeError(`n must be an integer in [${task.sizes.min}, ${task.sizes.max}] for ${task.id}, got ${given.n}`);
    }
    out.n = given.n;
  }
  if (task.id === 'dial') {
    const rho = given.rho ?? 0.9;
    if (!(rho >= -1 && rho <= 1)) throw new RangeError(`rho must be in [-1, 1], got ${rho}`);
    out.rho = rho;
  } else if (given.rho !== undefined) throw new RangeError(`only the dial task takes --rho`);
  return out;
}

export function generateSample(id: string, params: Partial<TaskParams>, seed: number, index: number): TaskSample {
  const task = getTask(id);
  return task.generate(resolveTaskParams(task, params), seed, index);
}

export type { TaskDefinition, TaskParams, TaskSample, ScoreResult } from './types';
