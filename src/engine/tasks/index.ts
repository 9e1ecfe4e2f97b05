import { LIST_OPS, TASK_IDS, type TaskId } from '../vocab';
import { dialTask } from './dial';
import { lettersTask } from './letters';
import { puzzleTask } from './puzzles';
import { summarizeTask } from './summarize';
import { TEXT_KINDS, textTask } from './text';
import { checkTaskParam } from './params';
import type { TaskDefinition, TaskParams, TaskParamSpec, TaskSample } from './types';
import { waitingLineTask } from './waiting-line';

/** Every task by its fixed id. */
export const TASKS: readonly TaskDefinition[] = [
  ...LIST_OPS.map(lettersTask),
  ...LIST_OPS.map(waitingLineTask),
  puzzleTask('latin-square'),
  puzzleTask('sudoku'),
  ...TEXT_KINDS.map(textTask),
  dialTask,
  summarizeTask,
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
  for (const [name, value] of Object.entries(given)) {
    if (name !== 'n' && value !== undefined && !task.params.some((p) => p.name === name)) {
      throw new RangeError(`${name} does not apply to task ${task.id}` + (task.params.length ? ` (its parameters: ${task.params.map((p) => p.name).join(', ')})` : ''));
    }
  }
  for (const spec of task.params) out[spec.name] = checkTaskParam(spec, given[spec.name]);
  return out;
}

/** Every task parameter name, each with the tasks that take it (for CLI flags and forms). */
export function taskParamOwners(): Map<string, { spec: TaskParamSpec; tasks: string[] }> {
  const out = new Map<string, { spec: TaskParamSpec; tasks: string[] }>();
  for (const t of TASKS) {
    for (const p of t.params) {
      const e = out.get(p.name) ?? { spec: p, tasks: [] };
      e.tasks.push(t.id);
      out.set(p.name, e);
    }
  }
  return out;
}

/** The task's own parameters of resolved params (without n): what records and URLs carry. */
export function ownParams(task: TaskDefinition, params: TaskParams): Record<string, number> {
  return Object.fromEntries(task.params.map((p) => [p.name, params[p.name]]));
}

export function generateSample(id: string, params: Partial<TaskParams>, seed: number, index: number): TaskSample {
  const task = getTask(id);
  return task.generate(resolveTaskParams(task, params), seed, index);
}

export { checkTaskParam };
export type { TaskDefinition, TaskParams, TaskParamSpec, TaskSample, ScoreResult } from './types';
