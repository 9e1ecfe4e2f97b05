/**
 * The leaderboard benchmark: runs the in-browser ParallelBench suite (src/engine/suite.ts tasks
 * and sample counts) with every strategy of the strategy table over its leaderboard grid
 * (src/engine/leaderboard.ts), first with the exact oracle, then with the tiny model, and writes
 * Max TPS@80/75/70 beside ParallelBench's leaderboard to docs/RESULTS.md, with the command that
 * reproduces it, our ordering beside the paper's and where they differ.
 *
 *   npm run bench:leaderboard -- [--samples 100] [--seed 0] [--backend cpu|webgpu]
 *     [--model-runtime cpu|ort-wasm|webgpu|ort-webgpu] [--skip-model] [--tasks a,b] [--out docs/RESULTS.md]
 *
 * Not a test: the full run takes long (every strategy x grid x 16 tasks x 100 samples, twice).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PAPER_SOURCES } from '../src/data/leaderboard';
import { cpuBackend, type DecodeBackend, type DenoiserSpec, type ModelRuntimeId } from '../src/engine/backend';
import { leaderboardMarkdown, leaderboardRows, leaderboardStrategies, rowLabel, sortRows, suiteSource, type LeaderboardRow, type LeaderboardSource } from '../src/engine/leaderboard';
import { MAX_TPS_LEVELS } from '../src/engine/metrics';
import { SUITE_TASKS, summarizeSuite, suiteConfigs, type SuiteSummary } from '../src/engine/suite';
import { runConfig, validateConfig, type SweepConfig, type SweepRecord } from '../src/engine/sweep';

const { values: args } = parseArgs({
  options: {
    samples: { type: 'string', default: '100' },
    seed: { type: 'string', default: '0' },
    backend: { type: 'string', default: 'cpu' },
    'model-runtime': { type: 'string', default: 'ort-wasm' },
    'skip-model': { type: 'boolean', default: false },
    tasks: { type: 'string' },
    out: { type: 'string', default: 'docs/RESULTS.md' },
  },
});

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}
const samplesPerTask = Number(args.samples);
if (!Number.isInteger(samplesPerTask) || samplesPerTask < 1) fail(`--samples must be an integer >= 1, got "${args.samples}"`);
const seed = Number(args.seed);
if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) fail(`--seed must be a 32-bit integer, got "${args.seed}"`);
if (!['cpu', 'webgpu'].includes(args.backend!)) fail(`--backend must be cpu or webgpu, got "${args.backend}"`);
const runtimes: ModelRuntimeId[] = ['cpu', 'ort-wasm', 'webgpu', 'ort-webgpu'];
if (!runtimes.includes(args['model-runtime'] as ModelRuntimeId)) fail(`--model-runtime must be one of ${runtimes.join(', ')}, got "${args['model-runtime']}"`);
const tasks = args.tasks ? args.tasks.split(',') : SUITE_TASKS;
for (const t of tasks) if (!SUITE_TASKS.includes(t)) fail(`--tasks: "${t}" is not a suite task (${SUITE_TASKS.join(', ')})`);

type ModelSpec = Extract<DenoiserSpec, { kind: 'model' }>;

/** Runs a plan on the CPU engine, the model's Node runtime or headless Chromium; one record per config. */
async function runPlan(label: string, configs: SweepConfig[], samples: number[], model: ModelSpec | null): Promise<SweepRecord[]> {
  configs.forEach(validateConfig);
  const records: SweepRecord[] = [];
  const total = configs.length;
  const tick = () => {
    if (records.length % 25 === 0 || records.length === total) process.stderr.write(`${label}: ${records.length}/${total} configurations\n`);
  };
  const inBrowser = model ? model.runtime === 'webgpu' || model.runtime === 'ort-webgpu' : args.backend === 'webgpu';
  if (inBrowser) {
    const runInBrowser = model ? (await import('../src/cli/browser-runner')).runModelSweepInBrowser : (await import('../src/cli/webgpu-runner')).runSweepInBrowser;
    // A browser sweep takes one sample count: group configs by their count.
    const groups = new Map<number, SweepConfig[]>();
    configs.forEach((c, i) => groups.set(samples[i], [...(groups.get(samples[i]) ?? []), c]));
    for (const [n, cs] of groups) await runInBrowser({ configs: cs, samples: n, seed }, (r) => (records.push(r), tick()));
    return records;
  }
  const backend: DecodeBackend & { dispose?: () => Promise<void> } = model ? (await import('../src/model/backend')).createModelBackend(model.runtime) : cpuBackend;
  for (let i = 0; i < configs.length; i++) {
    records.push(await runConfig(configs[i], samples[i], seed, backend));
    tick();
  }
  await backend.dispose?.();
  return records;
}

async function suiteRun(label: string, model: ModelSpec | null): Promise<SuiteSummary> {
  const plan = suiteConfigs({ samplesPerTask, strategies: leaderboardStrategies({ oracle: !model }) });
  const keep = plan.configs.map((c) => tasks.includes(c.task));
  const configs = plan.configs.filter((_, i) => keep[i]).map((c) => (model ? { ...c, model } : c));
  const samples = plan.samples.filter((_, i) => keep[i]);
  return summarizeSuite(await runPlan(label, configs, samples, model));
}

const oracle = await suiteRun('oracle', null);
const tiny: ModelSpec = { kind: 'model', model: 'tiny', runtime: args['model-runtime'] as ModelRuntimeId, noise: 0 };
const model = args['skip-model'] ? null : await suiteRun(`tiny model (${tiny.runtime})`, tiny);

const sources: LeaderboardSource[] = [suiteSource('oracle', 'Unmask oracle', oracle), ...(model ? [suiteSource('tiny', 'Unmask tiny model', model)] : []), ...PAPER_SOURCES];
const rows = sortRows(leaderboardRows(sources), { by: 'cell', source: 'oracle', level: 80 });

/** Dense ranks (equal values share a rank) of the rows a source has, highest first. */
function ranks(source: string, level: number, among: readonly LeaderboardRow[]): Map<string, number> {
  const vals = among.map((r) => r.cells[source]?.[String(level)]).filter((v): v is number => v !== undefined);
  const distinct = [...new Set(vals)].sort((a, b) => b - a);
  return new Map(among.flatMap((r) => (r.cells[source] ? [[r.id, distinct.indexOf(r.cells[source]![String(level)]) + 1] as [string, number]] : [])));
}

function orderingSection(): string {
  const shared = rows.filter((r) => r.cells.oracle && r.cells.llada15);
  const ours = ranks('oracle', 80, shared);
  const paper = ranks('llada15', 80, shared);
  const lines = [
    '## Our ordering beside the paper\'s (Max TPS@80, strategies both have)',
    '',
    '| strategy | Unmask oracle | rank | LLaDA-1.5 (paper) | rank |',
    '|---|---:|---:|---:|---:|',
    ...sortRows(shared, { by: 'cell', source: 'oracle', level: 80 }).map(
      (r) => `| ${rowLabel(r)} | ${r.cells.oracle!['80'].toFixed(2)} | ${ours.get(r.id)} | ${r.cells.llada15!['80'].toFixed(2)} | ${paper.get(r.id)} |`,
    ),
    '',
  ];
  const swaps: string[] = [];
  for (const a of shared) {
    for (const b of shared) {
      if (a.id >= b.id) continue;
      const o = Math.sign(ours.get(b.id)! - ours.get(a.id)!);
      const p = Math.sign(paper.get(b.id)! - paper.get(a.id)!);
      if (o !== 0 && p !== 0 && o !== p) {
        const [hi, lo] = o > 0 ? [a, b] : [b, a];
        swaps.push(`- ${rowLabel(hi)} is ahead of ${rowLabel(lo)} here (${hi.cells.oracle!['80'].toFixed(2)} vs ${lo.cells.oracle!['80'].toFixed(2)}), behind it on LLaDA-1.5 (${hi.cells.llada15!['80'].toFixed(2)} vs ${lo.cells.llada15!['80'].toFixed(2)}).`);
      }
    }
  }
  lines.push(swaps.length ? `Pairs ordered differently (${swaps.length}):` : 'No pair of strategies is ordered differently (ties aside).', '', ...swaps);
  return lines.join('\n');
}

const command = ['npm run bench:leaderboard --', `--samples ${samplesPerTask}`, `--seed ${seed}`, `--backend ${args.backend}`, ...(model ? [`--model-runtime ${tiny.runtime}`] : ['--skip-model']), ...(args.tasks ? [`--tasks ${args.tasks}`] : [])].join(' ');
const star = (s: SuiteSummary) => (s.oracleStar ? `${s.oracleStar.tps.toFixed(2)} TPS at ${(100 * s.oracleStar.score).toFixed(1)}% (${s.oracleStar.samples} samples, ${s.oracleStar.tasks} tasks)` : 'not computed');
const doc = [
  '# Results: the leaderboard on the in-browser ParallelBench suite',
  '',
  'Generated by `bench/leaderboard.ts`; reproduce with:',
  '',
  '```sh',
  command,
  '```',
  '',
  `Seed ${seed}; ${samplesPerTask} sample${samplesPerTask === 1 ? '' : 's'} per task (waiting-line tasks split them over n = 3..6); backend ${args.backend}${model ? `; tiny model on ${tiny.runtime}` : ''}; written ${new Date().toISOString().slice(0, 10)}.`,
  samplesPerTask < 100 ? `**Small run (${samplesPerTask} per task): numbers are noisy; the full run uses \`--samples 100\`.**` : '',
  '',
  'Max TPS@x is the leaderboard\'s metric: the largest measured tokens per step of a strategy\'s',
  'average curve whose average score is ≥ x%, 0 when none, no interpolation (src/engine/metrics.ts).',
  'Every strategy of the strategy table runs over its leaderboard grid (src/engine/leaderboard.ts);',
  'rows are sorted by the oracle\'s Max TPS@80. — = not run by that source.',
  '',
  ...MAX_TPS_LEVELS.flatMap((x) => [`## Max TPS@${x}`, '', leaderboardMarkdown(rows, sources, [x]).split('\nTask sets:')[0].trimEnd(), '']),
  'Task sets:',
  ...sources.map((s) => `- ${s.label}: ${s.taskSet}`),
  '',
  '## The oracle star and AUP (ours)',
  '',
  `- Oracle star (App. G.2, per sample the fewest-NFE confidence-threshold setting reaching its best score), oracle: ${star(oracle)}${model ? `; tiny model: ${star(model)}` : ''}. The paper reports about 12.6 TPS at 82% for LLaDA-1.5.`,
  `- AUP (per task, ymax = best score of any strategy on the task, mean over tasks): ${Object.entries(oracle.aup).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')} (oracle).`,
  '',
  orderingSection(),
  '',
  '## Why the orderings differ',
  '',
  '- **The oracle has no model error.** Its marginals are the task\'s exact conditionals: on tasks with',
  '  zero total correlation (copy, sort, reverse, index operations, sudoku) every position is certain',
  '  (confidence 1) once the prompt is read, so threshold, factor and EB reveal many positions per',
  '  step and stay exact; LLaDA-1.5 is never that sure, which caps the paper\'s adaptive strategies near',
  '  4–6 TPS while ours go several times further. Only the dependency (total correlation) error',
  '  remains, the quantity the paper\'s theory isolates.',
  '- **Top-k orders differ at k ≥ 2 for the same reason**: with exact confidences, ties at 1.0 are broken',
  '  left to right, so confidence top-k behaves like left-to-right on deterministic tasks and loses where',
  '  positions are coupled (shuffle, random insert/remove/replace); random order spreads coupled reveals.',
  '- **Task sets differ**: ours averages the tasks listed above (no summarization: our toy language has',
  '  no enumerable summary support); the leaderboard averages its own set (not stated in its files).',
  '- **Strategies the paper has that we do not yet run** show — in our columns (until their modules land),',
  '  and strategies only we run (tc-bound, the exact frontier; Dream schedules; ReMDM) have no paper value.',
  '- The tiny model (when run) adds its own prediction errors to the dependency error; compare its column',
  '  with the oracle\'s to see how much of a strategy\'s speed survives a real, imperfect model.',
  '',
].join('\n');
writeFileSync(args.out!, doc);
process.stdout.write(`${leaderboardMarkdown(rows, sources, [80])}\nwrote ${args.out}\n`);
