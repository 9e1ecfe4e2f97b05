import { STRATEGIES } from '../engine/strategies';
import { MODEL_CANVAS_LENGTH } from '../engine/model-format';
import { SUITE_STRATEGIES, suiteConfigs } from '../engine/suite';
import type { SweepConfig } from '../engine/sweep';
import { getTask, taskParamOwners } from '../engine/tasks';

/**
 * Turns the bench command line into sweep configs. Pure (no I/O) so tests can feed it bad input.
 * Every error is a UsageError whose message names the flag.
 */
export class UsageError extends Error {}

export const camelToFlag = (name: string) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
const flagToCamel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Strategy parameters that can be given as flags, by camelCase name. */
export const STRATEGY_PARAM_NAMES = [...new Set(STRATEGIES.flatMap((s) => s.params.map((p) => p.name)))];

/** Task parameters (TaskDefinition.params: --rho, --budget ...), by camelCase name, with their owners. */
export const TASK_PARAMS = taskParamOwners();

/**
 * cac reads "-1" after a flag as a flag of its own ("unknown flag --1"); joining a negative
 * number to its flag ("--temperature=-1") lets it reach validation, which says what is wrong.
 */
export function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = argv[i + 1];
    if (a.startsWith('--') && !a.includes('=') && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

export function parseList(flag: string, value: unknown): number[] {
  const text = String(value).trim();
  if (text === '' || text === 'true') throw new UsageError(`${flag} needs a value`);
  const parts = text.split(',');
  return parts.map((p) => {
    const v = Number(p.trim());
    if (p.trim() === '' || !Number.isFinite(v)) throw new UsageError(`${flag}: "${text}" is not a comma list of numbers`);
    return v;
  });
}

export function parseNames(flag: string, value: unknown): string[] {
  const text = String(value ?? '').trim();
  if (text === '' || text === 'true') throw new UsageError(`${flag} needs a value`);
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Rewrites an engine RangeError ("k must be ...") so that it names the flag ("--k must be ..."). */
export function flagMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/^([a-zA-Z]+) (must|needs)/, (_, name: string, verb: string) => `${camelToFlag(name)} ${verb}`);
}

export interface GridOptions {
  task: string[];
  n?: number[];
  /** task parameter lists by camelCase name (--rho, --budget ...) */
  taskParams: Record<string, number[]>;
  strategy: string[];
  temperature: number[];
  block: number[];
  noise: number[];
  /** strategy parameter lists by camelCase name */
  params: Record<string, number[]>;
}

/** Reads the grid from cac's parsed options (keys camelCased by cac). */
export function readGrid(opts: Record<string, unknown>): GridOptions {
  if (opts.task === undefined) throw new UsageError('--task is required (or --suite parallelbench)');
  if (opts.strategy === undefined) throw new UsageError('--strategy is required');
  const params: Record<string, number[]> = {};
  for (const name of STRATEGY_PARAM_NAMES) {
    if (opts[name] !== undefined) params[name] = parseList(camelToFlag(name), opts[name]);
  }
  const taskParams: Record<string, number[]> = {};
  for (const name of TASK_PARAMS.keys()) {
    if (opts[name] !== undefined) taskParams[name] = parseList(camelToFlag(name), opts[name]);
  }
  return {
    task: parseNames('--task', opts.task),
    n: opts.n !== undefined ? parseList('--n', opts.n) : undefined,
    taskParams,
    strategy: parseNames('--strategy', opts.strategy),
    temperature: opts.temperature !== undefined ? parseList('--temperature', opts.temperature) : [0],
    block: opts.block !== undefined ? parseList('--block', opts.block) : [0],
    noise: opts.noise !== undefined ? parseList('--noise', opts.noise) : [0],
    params,
  };
}

/** Every combination of the grid. A parameter flag no chosen strategy takes is an error. */
export function expandGrid(g: GridOptions): SweepConfig[] {
  for (const name of Object.keys(g.params)) {
    if (!g.strategy.some((id) => STRATEGIES.find((s) => s.id === id)?.params.some((p) => p.name === name))) {
      throw new UsageError(`${camelToFlag(name)} does not apply to strategy ${g.strategy.join(', ')}`);
    }
  }
  for (const name of Object.keys(g.taskParams)) {
    if (!g.task.some((id) => TASK_PARAMS.get(name)?.tasks.includes(id))) {
      throw new UsageError(`${camelToFlag(name)} does not apply to task ${g.task.join(', ')} (it applies to ${TASK_PARAMS.get(name)?.tasks.join(', ')})`);
    }
  }
  const configs: SweepConfig[] = [];
  for (const task of g.task) {
    // Task parameter lists apply to the tasks that declare them, every combination.
    const own = new Set(getTaskOrNull(task)?.params.map((p) => p.name) ?? []);
    let taskCombos: Record<string, number>[] = [{}];
    for (const [name, values] of Object.entries(g.taskParams)) {
      if (own.has(name)) taskCombos = taskCombos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
    }
    for (const n of g.n ?? [undefined]) {
      for (const taskParams of taskCombos) {
        for (const strategy of g.strategy) {
          const def = STRATEGIES.find((s) => s.id === strategy);
          let combos: Record<string, number>[] = [{}];
          for (const [name, values] of Object.entries(g.params)) {
            if (!def?.params.some((p) => p.name === name)) continue;
            combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
          }
          for (const params of combos) {
            for (const temperature of g.temperature) {
              for (const block of g.block) {
                for (const noise of g.noise) {
                  configs.push({ task, n, ...(Object.keys(taskParams).length ? { taskParams } : {}), strategy, params, temperature, block, noise });
                }
              }
            }
          }
        }
      }
    }
  }
  return configs;
}

// ---------------------------------------------------------------------------------------------
// --suite parallelbench: which flags it honours, which it refuses

/** Flags present on a command line, as cac's camelCase option names. */
export function givenFlags(argv: readonly string[]): Set<string> {
  return new Set(argv.filter((a) => a.startsWith('--')).map((a) => flagToCamel(a.slice(2).split('=')[0])));
}

/** What a suite run is: its plan and the facts its summary states. */
export interface SuitePlan {
  configs: SweepConfig[];
  samples: number[];
  about: {
    taskSet: string;
    tasks: string[];
    budgets: Record<string, number>;
    samplesPerTask: number;
    waitingLineSamplesPerSize: number;
    temperature: number;
    noise: number;
    denoiser: string;
    orderSweep: boolean;
  };
}

/**
 * The suite's plan from the command line. It honours --temperature and --noise (one value each:
 * the summary averages tasks at one setting), --strategy (any strategy; one of the suite grid
 * keeps its grid, another its defaults), strategy parameter flags (they replace the grid of the
 * strategies that take them), --model, --samples (per task) and --task-map; it refuses flags
 * that would change the task set or the budgets.
 */
/** `base`: the strategies and grids the suite runs when --strategy is not given (SUITE_STRATEGIES, or every strategy with --leaderboard). */
export function suitePlan(
  opts: Record<string, unknown>,
  given: Set<string>,
  model: SweepConfig['model'] | null,
  orderSweep = false,
  base: readonly { strategy: string; params: Record<string, number>[] }[] = SUITE_STRATEGIES,
): SuitePlan {
  const refused = ['task', 'n', 'block', ...TASK_PARAMS.keys()].filter((f) => given.has(f));
  if (refused.length > 0) {
    throw new UsageError(`${camelToFlag(refused[0])} cannot be used with --suite parallelbench: the suite fixes its tasks, sizes, budgets and blocks`);
  }
  const single = (flag: string): number => {
    const values = given.has(flag) ? parseList(camelToFlag(flag), opts[flag]) : [0];
    if (values.length !== 1) throw new UsageError(`${camelToFlag(flag)} takes one value with --suite (the summary averages tasks at one setting)`);
    return values[0];
  };
  const temperature = single('temperature');
  const noise = single('noise');
  const ids = given.has('strategy') ? parseNames('--strategy', opts.strategy) : base.map((s) => s.strategy);
  const flags = STRATEGY_PARAM_NAMES.filter((name) => given.has(name));
  for (const name of flags) {
    if (!ids.some((id) => STRATEGIES.find((s) => s.id === id)?.params.some((p) => p.name === name))) {
      throw new UsageError(`${camelToFlag(name)} does not apply to strategy ${ids.join(', ')}`);
    }
  }
  const strategies = ids.map((strategy) => {
    const def = STRATEGIES.find((s) => s.id === strategy);
    const own = flags.filter((name) => def?.params.some((p) => p.name === name));
    if (own.length === 0) return { strategy, params: base.find((s) => s.strategy === strategy)?.params ?? [{}] };
    let combos: Record<string, number>[] = [{}];
    for (const name of own) combos = combos.flatMap((c) => parseList(camelToFlag(name), opts[name]).map((v) => ({ ...c, [name]: v })));
    return { strategy, params: combos };
  });
  const samplesPerTask = given.has('samples') ? Number(opts.samples) : 100;
  if (!Number.isInteger(samplesPerTask) || samplesPerTask < 1) throw new UsageError(`--samples must be an integer >= 1, got "${opts.samples}"`);
  const { configs, samples, budgets } = suiteConfigs({
    samplesPerTask,
    temperature,
    noise,
    strategies,
    ...(model ? { model, maxCanvas: MODEL_CANVAS_LENGTH } : {}),
    orderSweep,
  });
  const tasks = [...new Set(configs.map((c) => c.task))];
  return {
    configs,
    samples,
    about: {
      taskSet: `ParallelBench, all ${tasks.length} tasks (text in the toy language)`,
      tasks,
      budgets,
      samplesPerTask,
      waitingLineSamplesPerSize: Math.max(1, Math.round(samplesPerTask / 4)),
      temperature,
      noise,
      denoiser: model ? `model ${model.model} (canvas at most ${MODEL_CANVAS_LENGTH}: budgets capped)` : noise > 0 ? `oracle + noise ${noise}` : 'exact oracle',
      orderSweep,
    },
  };
}

/** An unknown task is reported by validateConfig with the list of known ones. */
function getTaskOrNull(id: string) {
  try {
    return getTask(id);
  } catch {
    return null;
  }
}

export { flagToCamel };
