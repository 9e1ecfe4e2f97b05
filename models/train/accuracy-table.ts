/**
 * The accuracy table of the trained model, measured by the TypeScript engine (decodeBatch, the
 * page's strategies and scorers) with the model running in onnxruntime-web (wasm backend, Node):
 * per task, top-k confidence and top-k random at k = 1, 2, 4, and threshold 0.9, with tokens per
 * step (canvas length / forward passes, averaged over samples).
 *
 *   npx tsx models/train/accuracy-table.ts [--samples 100] [--samples-waiting-line 100] [--seed 11]
 *       [--tasks letters/,dial] [--out models/train/accuracy-table] [--no-card]
 *   npx tsx models/train/accuracy-table.ts --merge a.json,b.json   (combines partial runs)
 *
 * Writes models/train/accuracy-table.md and .json, and the "accuracy" entry of the card
 * (models/tiny-mdm.json) unless --no-card.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { decodeBatch } from '../../src/engine/decode';
import { TASKS, generateSample } from '../../src/engine/tasks/index';
import { wilson95 } from '../../src/engine/metrics';
import { loadNodeDenoiser } from './ort-node-denoiser';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}
const MODEL = arg('model', 'models/tiny-mdm.onnx');
const CARD = arg('card', MODEL.replace(/\.onnx$/, '.json'));
const SAMPLES = Number(arg('samples', '100'));
const SEED = Number(arg('seed', '11'));
const ONLY = arg('tasks', '');
const OUT = arg('out', 'models/train/accuracy-table');
const WRITE_CARD = !process.argv.includes('--no-card');
const SAMPLES_WL = Number(arg('samples-waiting-line', String(SAMPLES)));
const MERGE = arg('merge', '');

/** Representative sizes: letters at the top of the issue's n <= 8 bar; waiting line mid-range. */
const SIZE: Record<string, number> = { letters: 8, 'waiting-line': 4 };
/**
 * The dial at full correlation: only "New York" and "Mexico City" are valid, so one token per
 * step succeeds only if the model learned the joint from the prompt's rho token, and two at
 * once fail about half the time however good the model is (the paper's effect, in two tokens).
 */
const DIAL_RHO = 1;

const SETTINGS = [
  { key: 'conf k=1', strategy: 'topk-confidence', params: { k: 1 } },
  { key: 'conf k=2', strategy: 'topk-confidence', params: { k: 2 } },
  { key: 'conf k=4', strategy: 'topk-confidence', params: { k: 4 } },
  { key: 'random k=1', strategy: 'topk-random', params: { k: 1 } },
  { key: 'random k=2', strategy: 'topk-random', params: { k: 2 } },
  { key: 'random k=4', strategy: 'topk-random', params: { k: 4 } },
  { key: 'threshold 0.9', strategy: 'threshold', params: { threshold: 0.9 } },
] as const;

interface Cell {
  accuracy: number;
  ok: number;
  samples: number;
  ci95: [number, number];
  tps: number;
  meanSteps: number;
}
interface Row {
  task: string;
  n: number | null;
  canvasLength: number;
  cells: Record<string, Cell>;
}

const rows: Row[] = [];
const t0 = performance.now();
let mergedSeconds = 0;
const sampleCounts = new Set<number>();
if (MERGE) {
  const parts = MERGE.split(',').map((f) => JSON.parse(readFileSync(f, 'utf8')));
  const all = parts.flatMap((p) => p.rows as Row[]);
  for (const t of TASKS) {
    const r = all.find((x) => x.task === t.id);
    if (r) rows.push(r);
  }
  mergedSeconds = parts.reduce((a, p) => a + p.seconds, 0);
  for (const r of rows) for (const c of Object.values(r.cells)) sampleCounts.add(c.samples);
}
const denoiser = MERGE ? null : await loadNodeDenoiser(MODEL, CARD);
for (const task of MERGE ? [] : TASKS) {
  if (ONLY && !ONLY.split(',').some((p) => task.id.startsWith(p))) continue;
  const n = task.sizes ? (SIZE[task.family] ?? task.sizes.default) : null;
  const params = n === null ? (task.id === 'dial' ? { rho: DIAL_RHO } : {}) : { n };
  const count = task.family === 'waiting-line' ? SAMPLES_WL : SAMPLES;
  sampleCounts.add(count);
  const samples = Array.from({ length: count }, (_, i) => generateSample(task.id, params, SEED, i));
  const row: Row = { task: task.id, n, canvasLength: samples[0].canvasLength, cells: {} };
  for (const s of SETTINGS) {
    const traces = await decodeBatch(samples, denoiser!, s.strategy, s.params, { seed: SEED });
    const ok = traces.filter((t) => t.score.ok).length;
    const tps = traces.reduce((a, t) => a + t.tps, 0) / traces.length;
    const steps = traces.reduce((a, t) => a + t.nfe, 0) / traces.length;
    row.cells[s.key] = { accuracy: ok / traces.length, ok, samples: traces.length, ci95: wilson95(ok, traces.length), tps, meanSteps: steps };
  }
  rows.push(row);
  const c = row.cells;
  console.error(
    `${task.id} (n ${n ?? '-'}, L ${row.canvasLength}): ` +
      SETTINGS.map((s) => `${s.key} ${(100 * c[s.key].accuracy).toFixed(0)}%`).join(', ') +
      ` [${((performance.now() - t0) / 1000).toFixed(0)} s]`,
  );
}
const seconds = MERGE ? mergedSeconds : (performance.now() - t0) / 1000;
const samplesText = [...sampleCounts].sort((a, b) => b - a).join(' or ');

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const fmtTps = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
const header =
  `| task | n | L | ${SETTINGS.map((s) => s.key).join(' | ')} |\n` +
  `|---|---|---|${SETTINGS.map(() => '---').join('|')}|\n`;
const body = rows
  .map((r) => `| ${r.task} | ${r.n ?? '–'} | ${r.canvasLength} | ${SETTINGS.map((s) => `${pct(r.cells[s.key].accuracy)} · ${fmtTps(r.cells[s.key].tps)}`).join(' | ')} |`)
  .join('\n');
const avg = (key: string, f: (c: Cell) => number) => rows.reduce((a, r) => a + f(r.cells[key]), 0) / rows.length;
const mean = `| **mean** | | | ${SETTINGS.map((s) => `${pct(avg(s.key, (c) => c.accuracy))} · ${fmtTps(Number(avg(s.key, (c) => c.tps).toFixed(2)))}`).join(' | ')} |`;
const md =
  `Accuracy (valid outputs, ${samplesText} samples per cell (the table's JSON has each count and a 95% Wilson interval), seed ${SEED}, greedy argmax, no blocks) · tokens per step, ` +
  `measured by the TypeScript engine with ${MODEL} in onnxruntime-web (wasm, Node). ` +
  `Letters at n = ${SIZE.letters}, waiting line at n = ${SIZE['waiting-line']}, dial at rho = ${DIAL_RHO}.\n\n` +
  header + body + '\n' + (rows.length > 1 ? mean + '\n' : '');
const json = {
  model: MODEL,
  measuredBy: 'src/engine/decode.ts decodeBatch + task scorers; onnxruntime-web wasm in Node (denoiserFor(handle, \'ort-wasm\') of src/model/load.ts)',
  command: `npx tsx models/train/accuracy-table.ts ${process.argv.slice(2).join(' ')}`.trim(),
  samples: [...sampleCounts],
  seed: SEED,
  temperature: 0,
  sizes: SIZE,
  dialRho: DIAL_RHO,
  settings: SETTINGS,
  seconds: Math.round(seconds),
  rows,
};
writeFileSync(`${OUT}.md`, md);
writeFileSync(`${OUT}.json`, JSON.stringify(json, null, 2) + '\n');
if (WRITE_CARD) {
  const card = JSON.parse(readFileSync(CARD, 'utf8'));
  card.accuracy = {
    ...json,
    rows: rows.map((r) => ({
      task: r.task,
      n: r.n,
      canvasLength: r.canvasLength,
      ...Object.fromEntries(SETTINGS.map((s) => [s.key, { accuracy: r.cells[s.key].accuracy, tps: Number(r.cells[s.key].tps.toFixed(3)) }])),
    })),
  };
  writeFileSync(CARD, JSON.stringify(card, null, 2) + '\n');
}
console.log(md);
console.log(`(${seconds.toFixed(0)} s)`);
