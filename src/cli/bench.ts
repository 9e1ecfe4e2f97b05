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
import { STRATEGIES } from '../engine/strategies';
import { summarizeSuite, suiteConfigs, type SuiteSummary } from '../engine/suite';
import { recordsToCsv, runConfig, validateConfig, type SweepConfig, type SweepProgress, type SweepRecord } from '../engine/sweep';
import { TASKS } from '../engine/tasks';
import { plotSvg } from './plot';
import { STRATEGY_PARAM_NAMES, UsageError, camelToFlag, expandGrid, flagMessage, readGrid } from './args';

const cli = cac('bench');
cli
  .option('--task <ids>', 'task id(s), comma list (see --list)')
  .option('--n <sizes>', 'task size(s), comma list')
  .option('--rho <values>', 'dial correlation(s) in [-1, 1]')
  .option('--strategy <ids>', 'strategy id(s), comma list')
  .option('--temperature <T>', 'sampling temperature(s); 0 = greedy', { default: '0' })
  .option('--block <N>', 'semi-AR block length(s); 0 = whole canvas', { default: '0' })
  .option('--noise <sigma>', 'oracle + Gaussian noise on log-probabilities', { default: '0' })
  .option('--samples <N>', 'samples per configuration', { default: '100' })
  .option('--seed <S>', 'seed (prompts and every random draw)', { default: '0' })
  .option('--batch <N>', 'decodes per backend call', { default: '64' })
  .option('--backend <name>', 'cpu or webgpu (headless Chromium); with --model: cpu, ort-wasm (Node), webgpu, ort-webgpu', { default: 'cpu' })
  .option('--model <name>', 'a neural denoiser: tiny (models/tiny-mdm.onnx) or a path to an .onnx file')
  .option('--vocab <file>', "the model's vocabulary JSON (default: the .onnx path with .json)")
  .option('--suite <name>', 'parallelbench: the in-browser ParallelBench suite')
  .option('--json', 'print one JSON document on stdout')
  .option('--out <file>', 'also write the results (CSV, or JSON if the name ends in .json)')
  .option('--plot <file>', 'also write an SVG plot of score against tokens per step')
  .option('--list', 'list tasks and strategies');
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
  if (model) {
    // Browser-only runtimes run in headless Chromium (src/cli/browser-runner.ts).
    if (name === 'webgpu' || name === 'ort-webgpu') return 'model-browser';
    const { createModelBackend } = await import('../model/backend');
    return createModelBackend(name);
  }
  if (name === 'cpu') return cpuBackend;
  if (name === 'webgpu') return 'browser';
  if (name === 'ort-wasm' || name === 'ort-webgpu') fail(`--backend ${name} runs a neural model: add --model tiny (or --model path.onnx)`);
  fail(`--backend must be cpu or webgpu (or with --model: cpu, ort-wasm, webgpu, ort-webgpu), got "${name}"`);
}

type ModelSpec = Extract<DenoiserSpec, { kind: 'model' }>;

const MODEL_BACKENDS: readonly string[] = ['cpu', 'ort-wasm', 'webgpu', 'ort-webgpu'];

function modelSpec(opts: Record<string, unknown>): ModelSpec | null {
  if (opts.model === undefined) {
    if (opts.vocab !== undefined) fail('--vocab needs --model');
    return null;
  }
  const name = String(opts.model);
  const backend = String(opts.backend);
  if (!MODEL_BACKENDS.includes(backend)) fail(`--backend must be one of ${MODEL_BACKENDS.join(', ')} with --model, got "${backend}"`);
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

async function run(plan: Plan, seed: number, batchSize: number, backendName: string, onRecord: (r: SweepRecord) => void, onProgress: (p: SweepProgress) => void, model: ModelSpec | null = null) {
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

function table(records: readonly SweepRecord[]): string {
  const rows = records.map((r) => [
    r.task + (r.task.startsWith('letters') || r.task.startsWith('waiting') ? ` n=${r.n}` : r.rho !== undefined ? ` ρ=${r.rho}` : ''),
    r.strategy,
    Object.entries(r.params).filter(([k, v]) => !(['temperature', 'block', 'noise'].includes(k) && v === 0) && !(k === 'steps' && v === 0)).map(([k, v]) => `${k}=${v}`).join(' '),
    `${(100 * r.score).toFixed(1)}%`,
    `[${(100 * r.ci95[0]).toFixed(1)}, ${(100 * r.ci95[1]).toFixed(1)}]`,
    r.tps.toFixed(2),
    r.nfe.toFixed(2),
    String(r.samples),
  ]);
  const head = ['task', 'strategy', 'params', 'score', '95% CI', 'TPS', 'NFE', 'samples'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function suiteTable(s: SuiteSummary): string {
  const lines = ['', `Average over ${s.tasks.length} tasks:`];
  for (const [strategy, pts] of Object.entries(s.curves)) {
    lines.push(`  ${strategy}: ` + pts.map((p) => `(${p.tps.toFixed(2)}, ${(100 * p.score).toFixed(1)}%)`).join(' '));
  }
  lines.push('', 'PBx (largest average TPS with average score >= x%):');
  for (const [strategy, v] of Object.entries(s.pbx)) {
    lines.push(`  ${strategy.padEnd(16)} ` + Object.entries(v).map(([k, x]) => `${k}=${x.toFixed(2)}`).join('  '));
  }
  return lines.join('\n');
}

async function main() {
  const parsed = cli.parse(process.argv, { run: false });
  const opts = parsed.options as Record<string, unknown>;
  if (opts.help) return;
  if (parsed.args.length > 0) fail(`unexpected argument "${parsed.args[0]}" (flags start with --)`);
  const known = new Set(cli.globalCommand.options.map((o) => o.names[0]).concat(['--', 'help', 'h', 'v', 'version']));
  for (const key of Object.keys(opts)) {
    if (!known.has(key) && !known.has(key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()))) fail(`unknown flag --${key}`);
  }
  if (opts.list) {
    process.stdout.write(`Tasks:\n${TASKS.map((t) => `  ${t.id.padEnd(28)} ${t.rule}`).join('\n')}\n\nStrategies:\n`);
    process.stdout.write(STRATEGIES.map((s) => `  ${s.id.padEnd(18)} ${s.params.map((p) => camelToFlag(p.name)).join(' ')}`).join('\n') + '\n');
    return;
  }
  const seed = positiveInt('--seed', opts.seed, 0);
  if (seed > 0xffffffff) fail('--seed must fit in 32 bits');
  const batchSize = positiveInt('--batch', opts.batch);
  const json = Boolean(opts.json);

  const model = modelSpec(opts);
  let plan: Plan;
  let suite = false;
  try {
    if (opts.suite !== undefined) {
      if (opts.suite !== 'parallelbench') throw new UsageError(`--suite must be "parallelbench", got "${opts.suite}"`);
      suite = true;
      const perTask = opts.samples !== undefined && process.argv.some((a) => a.startsWith('--samples')) ? positiveInt('--samples', opts.samples) : 100;
      plan = suiteConfigs({ samplesPerTask: perTask });
    } else {
      const samples = positiveInt('--samples', opts.samples);
      const configs = expandGrid(readGrid(opts));
      plan = { configs, samples: configs.map(() => samples) };
    }
    if (model) plan.configs = plan.configs.map((c) => ({ ...c, model }));
    plan.configs.forEach(validateConfig);
  } catch (err) {
    fail(flagMessage(err));
  }

  const records: SweepRecord[] = [];
  const total = plan.samples.reduce((a, b) => a + b, 0);
  const bar = process.stderr.isTTY ? new SingleBar({ format: 'decoding [{bar}] {percentage}% | {value}/{total} samples | ETA {eta_formatted}', stream: process.stderr }, Presets.shades_classic) : null;
  bar?.start(total, 0);
  await run(plan, seed, batchSize, String(opts.backend), (r) => records.push(r), (p) => bar?.update(p.done), model);
  bar?.stop();

  const summary = suite ? summarizeSuite(records) : undefined;
  const doc = summary ? { results: records, suite: summary } : { results: records };
  if (json) process.stdout.write(JSON.stringify(doc) + '\n');
  else process.stdout.write(table(records) + (summary ? suiteTable(summary) : '') + '\n');
  if (opts.out !== undefined) {
    const file = String(opts.out);
    writeFileSync(file, file.endsWith('.json') ? JSON.stringify(doc, null, 2) + '\n' : recordsToCsv(records));
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
    writeFileSync(file, plotSvg(plotted, summary ? `In-browser ParallelBench, average of ${summary.tasks.length} tasks (oracle)` : undefined));
    if (!json) process.stdout.write(`wrote ${file}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`error: ${flagMessage(err)}\n`);
  process.exit(err instanceof UsageError || err instanceof RangeError ? 2 : 1);
});
