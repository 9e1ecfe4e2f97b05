/**
 * Every core, measured (issue 13):
 *  (0) this machine's ceiling: pure arithmetic on 1 vs 2 worker threads, in the rounds of (a), so
 *      a ratio below 2 can be read against what the VM gave at that moment;
 *  (a) the in-browser ParallelBench suite in the CLI with --workers 1 and --workers 2:
 *      identical JSON records (wall time aside), wall-time ratio;
 *  (b) a page sweep with 1 vs 2 Web Workers in headless Chromium (bench/page-sweep.ts: the built
 *      page, the bench form from its URL, b.workers=1 then 2): identical exported records, ratio;
 *  (a) and (b) run in `--rounds` rounds of 1 and 2 workers side by side (1 then 2, then 2 then 1,
 *  ...), and report the median of the rounds' ratios (this VM's speed drifts by tens of percent
 *  within minutes; one pair of runs measured the drift as much as the pool);
 *  For (a) and (b) it also reads the CPU time of every thread, and so the most two whole cores
 *  could give for the measured work: no two-worker run can be faster than its CPU time / 2.
 *  (c) a model forward pass on ORT wasm at batch 64 with one thread vs every core, in headless
 *      Chromium on a cross-origin-isolated page (src/cli/headless.ts sends COOP/COEP).
 * Prints a table; writes bench/results/parallel.json.
 *
 *   npm run bench:parallel [-- --samples 100 --page-samples 10000 --rounds 3 --batch 64 --reps 10 --warmups 8 --only a,b,c]
 * (--samples: per suite task; the suite's own size is 100; --page-samples: per configuration of
 *  the page sweep, enough that its 16 configurations outlast starting the workers by far. Smaller
 *  runs only check the script.)
 */
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { MODEL_PREBUNDLE, ROOT, openHeadlessPage } from '../src/cli/headless';
import { pageSweeps } from './page-sweep';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const samples = arg('samples', '100');
const batch = Number(arg('batch', '64'));
const reps = Number(arg('reps', '10'));
// Untimed passes first: with two ORT threads on two cores V8 tiers the wasm up late (5 reps after
// one warm-up measured 0.61x and 1.07x in two runs; 25 reps 1.74x).
const warmups = Number(arg('warmups', '8'));
const pageSamples = Number(arg('page-samples', '10000'));
const rounds = Number(arg('rounds', '3'));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** Per round: the one-worker time over the two-worker time of the same round. */
const ratios = (one: number[], two: number[]) => one.map((t, i) => t / two[i]);
const roundsText = (r: number[]) => `rounds ${r.map((x) => `${x.toFixed(2)}x`).join(', ')}`;
const only = new Set(arg('only', 'a,b,c').split(','));

// (0) The machine's own ceiling, measured in the same rounds: one unit of pure arithmetic per
// worker thread, on 1 and on 2 threads; throughput ratio = 2 x t1 / t2 (2.00x when the VM gives
// two whole cores; on this VM it has read anywhere from 1.6x to 2.0x within minutes).
const ARITH = `const { parentPort } = require('node:worker_threads');
let x = 0;
for (let i = 1; i < 1.5e8; i++) x += Math.log(i) * 1e-9;
parentPort.postMessage(x);`;
async function machine(threads: number): Promise<number> {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: threads }, () => new Promise((done, fail) => new Worker(ARITH, { eval: true }).once('message', done).once('error', fail))));
  const seconds = (performance.now() - t0) / 1000;
  process.stderr.write(`arithmetic, ${threads} thread(s), one unit each: ${seconds.toFixed(2)} s\n`);
  return seconds;
}

// (a) The suite on 1 and 2 worker threads, with the CPU time each run took (bash's `time`, over
// every thread of the process): cores used = CPU / wall. One worker already uses more than one
// core (V8's GC and compiler threads run beside it), which bounds what a second worker can add.
function suite(workers: number): { seconds: number; cpu: number; records: unknown[] } {
  const t0 = performance.now();
  // Node itself with tsx's loader (not npx, whose own start-up is not the suite's).
  const args = [process.execPath, '--import', 'tsx', 'src/cli/bench.ts', '--suite', 'parallelbench', '--samples', samples, '--json', '--workers', String(workers)];
  const r = spawnSync('bash', ['-c', 'TIMEFORMAT="cpu %U %S"; time "$@"', 'suite', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`suite with --workers ${workers} failed: ${r.stderr}`);
  const times = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  const cpu = times ? Number(times[1]) + Number(times[2]) : NaN;
  const records = (JSON.parse(r.stdout).results as Record<string, unknown>[]).map(({ seconds: _s, ...rest }) => rest);
  process.stderr.write(`suite, ${workers} worker(s): ${seconds.toFixed(1)} s, CPU ${cpu.toFixed(1)} s (${(cpu / seconds).toFixed(2)} cores)\n`);
  return { seconds, cpu, records };
}
const suiteOne: number[] = [];
const suiteTwo: number[] = [];
const cpuOne: number[] = [];
const cpuTwo: number[] = [];
let firstRecords: unknown[] | null = null;
let identical = true;
const arithOne: number[] = [];
const arithTwo: number[] = [];
/** The order of a round's two runs: 1 then 2, then 2 then 1, and so on, so a steady drift of the VM's speed favours neither. */
const order = <T>(r: number, pair: readonly [T, T]): T[] => (r % 2 ? [pair[1], pair[0]] : [...pair]);
for (let r = 0; only.has('a') && r < rounds; r++) {
  for (const t of order(r, [1, 2] as const)) (t === 1 ? arithOne : arithTwo).push(await machine(t));
  for (const [w, into, cpuInto] of order(r, [[1, suiteOne, cpuOne], [2, suiteTwo, cpuTwo]] as const)) {
    const run = suite(w);
    into.push(run.seconds);
    cpuInto.push(run.cpu);
    firstRecords ??= run.records;
    identical &&= JSON.stringify(run.records) === JSON.stringify(firstRecords);
  }
}
const suiteRatios = ratios(suiteOne, suiteTwo);
/** Throughput: two units of work on two threads against one on one. */
const arithRatios = arithOne.map((t, i) => (2 * t) / arithTwo[i]);

// (b) The page's sweep pool: the same sweep with 1 and 2 Web Workers, in rounds.
const pageRows = only.has('b') ? await pageSweeps(pageSamples, Array.from({ length: rounds }, (_, r) => order(r, [1, 2])).flat()) : [];
const pageOne = pageRows.filter((r) => r.workers === 1);
const pageTwo = pageRows.filter((r) => r.workers === 2);
const pageRatios = ratios(pageOne.map((r) => r.seconds), pageTwo.map((r) => r.seconds));
const pageOk = pageRows.every((r) => r.identical && r.reported === r.workers);
/** Per round: the one-worker time over the least time two whole cores need for the two-worker run's CPU. */
const pageBound = pageOne.map((r, i) => r.seconds / (pageTwo[i].cpu / 2));

// (c) ORT wasm, one thread vs every core, batch `batch`, each in a fresh page, timed in a Web
// Worker as the app runs ORT (on a page's main thread its threads cannot block).
async function ortForward(threads: number | null) {
  const { page, close } = await openHeadlessPage('bench/model-forward.html', { prebundle: MODEL_PREBUNDLE });
  try {
    await page.waitForFunction(() => window.__modelReady === true, undefined, { timeout: 120_000 });
    page.setDefaultTimeout(0);
    const r = await page.evaluate((req) => window.__modelOrtInWorker(req), { threads, batch, budgetMs: 60_000, maxReps: reps, warmups });
    if (!r.ok) throw new Error(`ORT wasm in a worker: ${r.error}`);
    process.stderr.write(`ORT wasm in a worker, ${r.threads} thread(s): ${r.ms.toFixed(1)} ms at batch ${batch}\n`);
    return { threads: r.threads, reason: r.reason, isolated: r.isolated, ms: r.ms, reps: r.reps };
  } finally {
    await close();
  }
}
const noOrt = { threads: 0, reason: '', isolated: false, ms: NaN, reps: 0 };
const single = only.has('c') ? await ortForward(1) : noOrt;
const multi = only.has('c') ? await ortForward(null) : noOrt;

const rows = [
  ['(0) this machine: pure arithmetic, 1 vs 2 threads (throughput), in the rounds of (a)', `${median(arithOne).toFixed(2)} s`, `${median(arithTwo).toFixed(2)} s for twice the work`, `${median(arithRatios).toFixed(2)}x`, `the ceiling (a) can reach now; ${roundsText(arithRatios)}`],
  ['(a) CLI suite, --workers 1 vs 2', `${median(suiteOne).toFixed(1)} s`, `${median(suiteTwo).toFixed(1)} s`, `${median(suiteRatios).toFixed(2)}x`, `${identical ? `identical (${firstRecords?.length ?? 0} records)` : 'RECORDS DIFFER'}; ${roundsText(suiteRatios)}`],
  ['(a) its CPU time (all threads), --workers 1 vs 2', `${median(cpuOne).toFixed(1)} s (${median(cpuOne.map((c, i) => c / suiteOne[i])).toFixed(2)} cores)`, `${median(cpuTwo).toFixed(1)} s (${median(cpuTwo.map((c, i) => c / suiteTwo[i])).toFixed(2)} cores)`, `${median(cpuTwo.map((c, i) => c / cpuOne[i])).toFixed(2)}x the CPU`, 'cores used = CPU / wall; the speed-up (a) can reach is 2 / (cores one worker uses) x (CPU one / CPU two)'],
  ['(a) the most two whole cores could give for that work', '', '', `${median(suiteOne.map((t, i) => t / (cpuTwo[i] / 2))).toFixed(2)}x`, `one-worker wall time / (two-worker CPU / 2): no run of this work on 2 cores can be faster than its CPU / 2; ${roundsText(suiteOne.map((t, i) => t / (cpuTwo[i] / 2)))}`],
  ['(b) page sweep, 1 vs 2 Web Workers', `${median(pageOne.map((r) => r.seconds)).toFixed(1)} s`, `${median(pageTwo.map((r) => r.seconds)).toFixed(1)} s`, `${median(pageRatios).toFixed(2)}x`, `${pageOk ? `identical (16 configurations x ${pageSamples} samples)` : 'RECORDS DIFFER or the pool did not run'}; ${roundsText(pageRatios)}`],
  ['(b) its browser CPU time (all processes and threads), 1 vs 2', `${median(pageOne.map((r) => r.cpu)).toFixed(1)} s (${median(pageOne.map((r) => r.cpu / r.seconds)).toFixed(2)} cores)`, `${median(pageTwo.map((r) => r.cpu)).toFixed(1)} s (${median(pageTwo.map((r) => r.cpu / r.seconds)).toFixed(2)} cores)`, `${median(pageTwo.map((r, i) => r.cpu / pageOne[i].cpu)).toFixed(2)}x the CPU`, 'main thread, coordinating worker, sweep workers, V8 and compositor threads'],
  ['(b) the most two whole cores could give for that work', '', '', `${median(pageBound).toFixed(2)}x`, `one-worker wall time / (two-worker CPU / 2); ${roundsText(pageBound)}`],
  [`(c) ORT wasm forward, batch ${batch}, 1 vs ${multi.threads} threads`, `${single.ms.toFixed(1)} ms`, `${multi.ms.toFixed(1)} ms`, `${(single.ms / multi.ms).toFixed(2)}x`, multi.isolated ? 'cross-origin isolated' : `NOT isolated: ${multi.reason}`],
];
const table = ['| what | one (median) | many (median) | speed-up (median of rounds) | check |', '|---|---|---|---|---|', ...rows.filter((_, i) => only.has('aaaabbbc'[i])).map((r) => `| ${r.join(' | ')} |`)].join('\n');
console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'} x${cpus().length}, Node ${process.version}; suite samples per task: ${samples}`);
console.log(table);
mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
const out = resolve(ROOT, 'bench/results/parallel.json');
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), command: `npm run bench:parallel -- ${process.argv.slice(2).join(' ')}`.trim(), cpu: cpus()[0]?.model, cores: cpus().length, samples, rounds, machine: { oneThreadSeconds: arithOne, twoThreadsSeconds: arithTwo, ratios: arithRatios, medianRatio: median(arithRatios) }, suite: { oneWorkerSeconds: suiteOne, twoWorkersSeconds: suiteTwo, oneWorkerCpuSeconds: cpuOne, twoWorkersCpuSeconds: cpuTwo, ratios: suiteRatios, medianRatio: median(suiteRatios), twoCoreBound: suiteOne.map((t, i) => t / (cpuTwo[i] / 2)), identical, records: firstRecords?.length ?? 0 }, page: { samples: pageSamples, rows: pageRows, ratios: pageRatios, medianRatio: median(pageRatios), twoCoreBound: pageBound, identical: pageOk }, ort: { batch, single, multi }, table }, null, 2) + '\n');
console.log(`wrote ${out}`);
if (!identical || !pageOk) process.exit(1);
