#!/usr/bin/env node
/**
 * npm run bench -- --task <id> [--n N] --strategy <id> [--k 1,2,4 | --eta 0.01,0.1 | … (each strategy parameter is a flag)]
 *   [--steps N] [--block N] [--temperature T] [--noise σ] --samples N --seed S
 *   [--backend cpu|webgpu] [--json] [--out FILE] [--suite parallelbench]
 *   [--model tiny|path.onnx [--vocab vocab.json] --backend cpu|ort-wasm|webgpu|ort-webgpu]
 *
 * Grids are comma lists; every combination runs. --json prints exactly one JSON document on
 * stdout; the table and progress bar go elsewhere. Bad input: one line naming the flag, exit 2.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cac } from 'cac';
import { SingleBar, Presets } from 'cli-progress';
import { cpuBackend, type DecodeBackend, type DenoiserSpec, type ModelRuntimeId } from '../engine/backend';
import { PAPER_SOURCES } from '../data/leaderboard';
import { leaderboardMarkdown, leaderboardRows, leaderboardStrategies, sortRows, suiteSource } from '../engine/leaderboard';
import { MAX_TPS_LEVELS } from '../engine/metrics';
import { STRATEGIES } from '../engine/strategies';
import { PAPER_SUBSET, summarizeSuite, taskMap, type SuiteSummary, type TaskMapPoint } from '../engine/suite';
import { recordsToCsv, runConfig, stableRecord, validateConfig, type SweepConfig, type SweepProgress, type SweepRecord } from '../engine/sweep';
import { TASKS } from '../engine/tasks';
import { plotSvg } from './plot';
import { STRATEGY_PARAM_NAMES, TASK_PARAMS, UsageError, camelToFlag, expandGrid, flagMessage, givenFlags, joinNegativeValues, readGrid, suitePlan, type SuitePlan } from './args';

const cli = cac('bench');
cli
  .option('--task <ids>', 'task id(s), comma list (see --list)')
  .option('--n <sizes>', 'task size(s), comma list')
  .option('--strategy <ids>', 'strategy id(s), comma list')
  .option('--temperature <T>', 'sampling temperature(s); 0 = greedy', { default: '0' })
  .option('--block <N>', 'semi-AR block length(s); 0 = whole canvas', { default: '0' })
  .option('--noise <sigma>', 'oracle + Gaussian noise on log-probabilities', { default: '0' })
  .option('--samples <N>', 'samples per configuration; with --suite per task (the waiting line splits them over n = 3..6)', { default: '100' })
  .option('--seed <S>', 'seed (prompts and every random draw)', { default: '0' })
  .option('--batch <N>', 'decodes per backend call', { default: '64' })
  .option('--backend <name>', 'cpu, webgpu (headless Chromium) or dawn (WebGPU in Node); with --model: cpu, ort-wasm (Node), webgpu, ort-webgpu, dawn', { default: 'cpu' })
  .option('--workers <N>', 'worker threads for CPU sweeps (cpu, ort-wasm); default: the number of cores')
  .option('--model <name>', 'a neural denoiser: tiny (models/tiny-mdm.onnx) or a path to an .onnx file')
  .option('--vocab <file>', "the model's vocabulary JSON (default: the .onnx path with .json)")
  .option('--suite <name>', 'parallelbench: the in-browser ParallelBench suite (17 tasks at the paper\'s budgets)')
  .option('--paper-subset', 'with --suite: also average the paper\'s 10-task set (its trade-off figure)')
  .option('--task-map', 'with --suite: also run the semi-AR block sweep and print the task map')
  .option('--json', 'print one JSON document on stdout (byte-stable: no timings)')
  .option('--timings', 'add a "timing" section (wall-clock seconds per record) to the JSON')
  .option('--out <file>', 'also write the results (CSV, or JSON if the name ends in .json)')
  .option('--plot <file>', 'also write an SVG plot of score against tokens per step')
  .option('--list', 'list tasks and strategies')
  .option('--leaderboard', 'with --suite parallelbench: every strategy, and Max TPS@80/75/70 beside the paper\'s leaderboard');
for (const [name, { spec, tasks }] of TASK_PARAMS) {
  cli.option(`${camelToFlag(name)} <values>`, `${spec.help} (${tasks.length > 3 ? `${tasks.length} tasks` : tasks.join(', ')})`);
}
for (const name of STRATEGY_PARAM_NAMES) {
  const owners = STRATEGIES.filter((s) => s.params.some((p) => p.name === name));
  const spec = owners[0].params.find((p) => p.name === name)!;
  cli.option(`${camelToFlag(name)} <values>`, `${spec.help} (${owners.map((s) => s.id).join(', ')})`);
}
cli.help();

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

function positiveInt(flag: string, value: unknown, min = 1): number {
  const v = Number(value);
  if (!Number.isInteger(v) || v < min) fail(`${flag} must be an integer >= ${min}, got "${value}"`);
  return v;
}

async function backendNamed(name: string, model: ModelSpec | null): Promise<DecodeBackend | 'browser' | 'model-browser'> {
  // Dawn (WebGPU in Node, src/cli/dawn.ts): the oracle and our WGSL transformer on the GPU core.
  if (name === 'dawn') return (await import('./dawn')).createDawnBackend();
  if (model) {
    // Browser-only runtimes run in headless Chromium (src/cli/browser-runner.ts).
    if (name === 'webgpu' || name === 'ort-webgpu') return 'model-browser';
    const { createModelBackend } = await import('../model/backend');
    return createModelBackend(name);
  }
  if (name === 'cpu') return cpuBackend;
  if (name === 'webgpu') return 'browser';
  if (name === 'ort-wasm' || name === 'ort-webgpu') fail(`--backend ${name} runs a neural model: add --model tiny (or --model path.onnx)`);
  fail(`--backend must be cpu, webgpu or dawn (or with --model: cpu, ort-wasm, webgpu, ort-webgpu, dawn), got "${name}"`);
}

type ModelSpec = Extract<DenoiserSpec, { kind: 'model' }>;

const MODEL_BACKENDS: readonly string[] = ['cpu', 'ort-wasm', 'webgpu', 'ort-webgpu', 'dawn'];

function modelSpec(opts: Record<string, unknown>): ModelSpec | null {
  if (opts.model === undefined) {
    if (opts.vocab !== undefined) fail('--vocab needs --model');
    return null;
  }
  const name = String(opts.model);
  if (!MODEL_BACKENDS.includes(String(opts.backend))) fail(`--backend must be one of ${MODEL_BACKENDS.join(', ')} with --model, got "${opts.backend}"`);
  // Dawn runs our WGSL engine ('webgpu'), in Node.
  const backend = opts.backend === 'dawn' ? 'webgpu' : String(opts.backend);
  if (name === 'tiny') return { kind: 'model', model: 'tiny', runtime: backend as ModelRuntimeId, noise: 0 };
  const path = resolve(name);
  if (!name.toLowerCase().endsWith('.onnx')) fail(`--model must be "tiny" or a path to an .onnx file, got "${name}"`);
  if (!existsSync(path)) fail(`--model: no such file ${path}`);
  const vocabPath = opts.vocab !== undefined ? resolve(String(opts.vocab)) : path.replace(/\.onnx$/i, '.json');
  if (!existsSync(vocabPath)) fail(`--vocab: no vocabulary file ${vocabPath}${opts.vocab === undefined ? ' (give one with --vocab)' : ''}`);
  return { kind: 'model', model: pathToFileURL(path).href, vocab: pathToFileURL(vocabPath).href, runtime: backend as ModelRuntimeId, noise: 0 };
}

interface Plan {
  configs: SweepConfig[];
  samples: number[];
}

async function run(plan: Plan, seed: number, batchSize: number, backendName: string, onRecord: (r: SweepRecord) => void, onProgress: (p: SweepProgress) => void, model: ModelSpec | null = null, workers = 1) {
  const backend = await backendNamed(backendName, model);
  const total = plan.samples.reduce((a, b) => a + b, 0);
  if (backend === 'model-browser' || backend === 'browser') {
    // Headless Chromium: imported only here so that the CPU path never loads Vite or Playwright.
    const runInBrowser =
      backend === 'browser'
        ? (await import('./webgpu-runner')).runSweepInBrowser
        : (await import('./browser-runner')).runModelSweepInBrowser;
    // A browser sweep takes one sample count; group configs by their count.
    const groups = new Map<number, SweepConfig[]>();
    plan.configs.forEach((c, i) => groups.set(plan.samples[i], [...(groups.get(plan.samples[i]) ?? []), c]));
    let before = 0;
    for (const [samples, configs] of groups) {
      await runInBrowser({ configs, samples, seed, batchSize }, onRecord, (p) => onProgress({ ...p, done: before + p.done, total }));
      before += samples * configs.length;
    }
    return;
  }
  // CPU sweeps on a pool of worker threads (src/cli/pool.ts); GPU work stays on this one.
  if (workers > 1 && (backendName === 'cpu' || backendName === 'ort-wasm')) {
    const { runSweepOnWorkers } = await import('./pool');
    await runSweepOnWorkers({ configs: plan.configs, samples: plan.samples, seed, batchSize, backend: backend.name }, workers, model ? backendName : null, onRecord, onProgress);
    await (backend as { dispose?: () => Promise<void> }).dispose?.();
    return;
  }
  let done = 0;
  for (let i = 0; i < plan.configs.length; i++) {
    const record = await runConfig(plan.configs[i], plan.samples[i], seed, backend, {
      batchSize,
      onSamples: (d) => onProgress({ configIndex: i, configs: plan.configs.length, done: done + d, total }),
    });
    done += plan.samples[i];
    onRecord(record);
  }
  await (backend as { dispose?: () => Promise<void> }).dispose?.();
}

const tau = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(2));

function table(records: readonly SweepRecord[]): string {
  const rows = records.map((r) => [
    [r.task, ...(r.n ? [`n=${r.n}`] : []), ...Object.entries(r.taskParams ?? {}).map(([k, v]) => `${k}=${v}`)].join(' '),
    r.strategy,
    Object.entries(r.params).filter(([k, v]) => !(['temperature', 'block', 'noise'].includes(k) && v === 0) && !(k === 'steps' && v === 0)).map(([k, v]) => `${k}=${v}`).join(' '),
    `${(100 * r.score).toFixed(1)}%`,
    `[${(100 * r.ci95[0]).toFixed(1)}, ${(100 * r.ci95[1]).toFixed(1)}]`,
    r.tps.toFixed(2),
    r.nfe.toFixed(2),
    String(r.samples),
    // Decode order: mean Kendall τ (reveal step vs position), padding included / ignored.
    `${tau(r.order?.kendall)} / ${tau(r.order?.kendallIgnorePad)}`,
    r.seconds.toFixed(2),
  ]);
  const head = ['task', 'strategy', 'params', 'score', '95% CI', 'TPS', 'NFE', 'samples', 'order τ (pad / no pad)', 'seconds'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function aboutTable(a: SuitePlan['about']): string {
  const budgets = [...new Set(Object.values(a.budgets))].map((b) => `${b} (${Object.keys(a.budgets).filter((t) => a.budgets[t] === b).map((t) => t.split('/')[0]).filter((f, i, l) => l.indexOf(f) === i).join(', ')})`);
  return [
    '',
    `Task set: ${a.taskSet}. Budgets: ${budgets.join('; ')} tokens.`,
    `Samples: ${a.samplesPerTask} per task (the waiting line: ${a.waitingLineSamplesPerSize} at each n = 3..6). Denoiser: ${a.denoiser}; temperature ${a.temperature}.`,
  ].join('\n');
}

function taskMapTable(map: readonly TaskMapPoint[]): string {
  const lines = ['', 'Task map: parallelizability (centre of mass of score over log2 k, top-k confidence) and order preference (score per doubling of the semi-AR block, k = 2):'];
  for (const p of map) lines.push(`  ${p.task.padEnd(28)} parallelizability ${p.parallelizability.toFixed(2)}  order preference ${p.orderPreference >= 0 ? '+' : ''}${p.orderPreference.toFixed(3)}`);
  return lines.join('\n');
}

function suiteTable(s: SuiteSummary): string {
  const lines = ['', `Average over ${s.tasks.length} tasks:`];
  for (const [strategy, pts] of Object.entries(s.curves)) {
    lines.push(`  ${strategy}: ` + pts.map((p) => `(${p.tps.toFixed(2)}, ${(100 * p.score).toFixed(1)}%)`).join(' '));
  }
  lines.push('', 'Max TPS@x (largest measured average TPS with average score >= x%, no interpolation; 0 = none):');
  for (const [strategy, v] of Object.entries(s.maxTps)) {
    lines.push(`  ${strategy.padEnd(16)} ` + MAX_TPS_LEVELS.map((x) => `@${x}=${v[x].toFixed(2)}`).join('  '));
  }
  // AUP and the oracle star (issue 10; metrics.ts has the exact definitions).
  lines.push('', 'AUP (hao-ai-lab; per task with that task\'s best score as ymax, averaged over tasks):');
  for (const [strategy, v] of Object.entries(s.aup)) lines.push(`  ${strategy.padEnd(16)} ${v.toFixed(1)}`);
  const star = s.oracleStar;
  lines.push('', star
    ? `Oracle star (per sample, the fewest-NFE threshold setting with its best score; App. G.2): TPS ${star.tps.toFixed(2)}, score ${(100 * star.score).toFixed(1)}% over ${star.tasks} tasks, ${star.samples} samples`
    : 'Oracle star: needs confidence-threshold records with per-sample outcomes');
  return lines.join('\n');
}

function leaderboardOf(summary: SuiteSummary, model: ModelSpec | null) {
  const ours = suiteSource('ours', model ? `Unmask ${model.model === 'tiny' ? 'tiny model' : 'model'}` : 'Unmask oracle', summary);
  const sources = [ours, ...PAPER_SOURCES];
  return { sources, rows: sortRows(leaderboardRows(sources), { by: 'cell', source: 'ours', level: 80 }) };
}

async function main() {
  const parsed = cli.parse(joinNegativeValues(process.argv), { run: false });
  const opts = parsed.options as Record<string, unknown>;
  if (opts.help) return;
  if (parsed.args.length > 0) fail(`unexpected argument "${parsed.args[0]}" (flags start with --)`);
  const known = new Set(cli.globalCommand.options.map((o) => o.names[0]).concat(['--', 'help', 'h', 'v', 'version']));
  for (const key of Object.keys(opts)) {
    if (!known.has(key) && !known.has(key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()))) fail(`unknown flag --${key}`);
  }
  if (opts.list) {
    // Each task with its flags (--n range, its own parameters with range and default), then its rule.
    const taskFlags = (t: (typeof TASKS)[number]) =>
      [...(t.sizes ? [`--n ${t.sizes.min}..${t.sizes.max} (${t.sizes.default})`] : []), ...t.params.map((p) => `${camelToFlag(p.name)} ${p.min}..${p.max} (${p.default})`)].join(' ');
    process.stdout.write(`Tasks:\n${TASKS.map((t) => `  ${t.id.padEnd(28)} ${taskFlags(t)}\n  ${''.padEnd(28)} ${t.rule}`).join('\n')}\n\nStrategies:\n`);
    process.stdout.write(STRATEGIES.map((s) => `  ${s.id.padEnd(18)} ${s.params.map((p) => camelToFlag(p.name)).join(' ')}`).join('\n') + '\n');
    return;
  }
  if (opts.backend === 'dawn') (await import('./dawn')).reexecForDawn();
  const seed = positiveInt('--seed', opts.seed, 0);
  if (seed > 0xffffffff) fail('--seed must fit in 32 bits');
  const batchSize = positiveInt('--batch', opts.batch);
  const workers = opts.workers === undefined ? (await import('./pool')).defaultWorkers() : positiveInt('--workers', opts.workers);
  const json = Boolean(opts.json);

  const model = modelSpec(opts);
  let plan: Plan;
  // --suite: its own plan (src/cli/args.ts suitePlan); flags it cannot honour exit 2.
  let about: SuitePlan['about'] | null = null;
  try {
    if (opts.suite !== undefined) {
      if (opts.suite !== 'parallelbench') throw new UsageError(`--suite must be "parallelbench", got "${opts.suite}"`);
      // --leaderboard: every strategy of the table over its leaderboard grid (src/engine/leaderboard.ts).
      const base = opts.leaderboard ? leaderboardStrategies({ oracle: !model }) : undefined;
      const suitePlanned = suitePlan(opts, givenFlags(process.argv.slice(2)), model, Boolean(opts.taskMap), base);
      about = suitePlanned.about;
      plan = suitePlanned;
    } else {
      for (const f of ['paperSubset', 'taskMap', 'leaderboard']) if (opts[f]) throw new UsageError(`${camelToFlag(f)} needs --suite parallelbench`);
      const samples = positiveInt('--samples', opts.samples);
      const configs = expandGrid(readGrid(opts));
      plan = { configs, samples: configs.map(() => samples) };
      if (model) plan.configs = plan.configs.map((c) => ({ ...c, model }));
    }
    plan.configs.forEach(validateConfig);
  } catch (err) {
    fail(flagMessage(err));
  }

  const records: SweepRecord[] = [];
  const total = plan.samples.reduce((a, b) => a + b, 0);
  const bar = process.stderr.isTTY ? new SingleBar({ format: 'decoding [{bar}] {percentage}% | {value}/{total} samples | ETA {eta_formatted}', stream: process.stderr }, Presets.shades_classic) : null;
  bar?.start(total, 0);
  await run(plan, seed, batchSize, String(opts.backend), (r) => records.push(r), (p) => bar?.update(p.done), model, workers);
  bar?.stop();

  // The average curves use block-0 runs only; the order sweep's records feed the task map.
  const curveRecords = records.filter((r) => r.params.block === 0);
  const summary = about ? summarizeSuite(curveRecords) : undefined;
  const paperSubset = about && opts.paperSubset ? summarizeSuite(curveRecords.filter((r) => PAPER_SUBSET.includes(r.task))) : undefined;
  const map = about && opts.taskMap ? taskMap(records) : undefined;
  // Timings vary between identical runs: the results carry none; --timings adds them apart.
  const results = records.map(stableRecord);
  const timing = opts.timings ? { timing: { seconds: records.map((r) => r.seconds), total: records.reduce((a, r) => a + r.seconds, 0) } } : {};
  const suiteDoc = summary ? { suite: { about, ...summary, ...(paperSubset ? { paperSubset } : {}) }, ...(map ? { taskMap: map } : {}) } : {};
  // --leaderboard: our suite's Max TPS@x beside the paper's four models.
  const board = summary && opts.leaderboard ? leaderboardOf(summary, model) : undefined;
  const doc = { results, ...suiteDoc, ...(board ? { leaderboard: board } : {}), ...timing };
  if (json) process.stdout.write(JSON.stringify(doc) + '\n');
  else {
    const parts = [table(records)];
    if (about && summary) {
      parts.push(aboutTable(about), suiteTable(summary));
      if (paperSubset) parts.push(`\nThe paper's 10-task set (${PAPER_SUBSET.join(', ')}):`, suiteTable(paperSubset));
      if (map) parts.push(taskMapTable(map));
      if (board) parts.push(`\nLeaderboard (Max TPS@x):\n${leaderboardMarkdown(board.rows, board.sources)}`);
    }
    process.stdout.write(parts.join('\n') + '\n');
  }
  if (opts.out !== undefined) {
    const file = String(opts.out);
    writeFileSync(file, file.endsWith('.json') ? JSON.stringify(doc, null, 2) + '\n' : recordsToCsv(results));
    if (!json) process.stdout.write(`wrote ${file}\n`);
  }
  if (opts.plot !== undefined) {
    const file = String(opts.plot);
    // The suite plots its average curves (one per strategy), as the paper's summary figure does.
    const plotted = summary
      ? Object.entries(summary.curves).flatMap(([strategy, pts]) =>
          pts.map((p) => ({ ...records[0], task: 'average', strategy, params: p.params, tps: p.tps, score: p.score, ci95: [p.score, p.score] as [number, number] })),
        )
      : records;
    const star = summary?.oracleStar ? { tps: summary.oracleStar.tps, score: summary.oracleStar.score, label: 'oracle star' } : undefined;
    writeFileSync(file, plotSvg(plotted, summary && about ? `In-browser ParallelBench, average of ${summary.tasks.length} tasks (${about.denoiser})` : undefined, star));
    if (!json) process.stdout.write(`wrote ${file}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`error: ${flagMessage(err)}\n`);
  process.exit(err instanceof UsageError || err instanceof RangeError ? 2 : 1);
});
