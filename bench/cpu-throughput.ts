/**
 * CPU engine throughput on a fixed sweep: decodes/s, canvas tokens/s and forward passes/s, and
 * the memory a decode allocates (V8's sampling heap profiler, collected objects included, in a
 * separate untimed pass: allocation is what two workers side by side pay for in garbage
 * collection and shared cache, docs/PERFORMANCE.md "Every core").
 * Prints a table and writes bench/results/cpu-throughput.json. Run: npm run bench:cpu
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { cpus } from 'node:os';
import { cpuBackend } from '../src/engine/backend';
import { runConfig, type SweepConfig } from '../src/engine/sweep';

const base = { temperature: 0, block: 0, noise: 0 };
const CASES: (SweepConfig & { samples: number })[] = [
  { task: 'letters/shuffle', n: 8, strategy: 'topk-random', params: { k: 2 }, ...base, samples: 2000 },
  { task: 'letters/shuffle', n: 16, strategy: 'topk-confidence', params: { k: 4 }, ...base, temperature: 1, samples: 1000 },
  { task: 'letters/replace-random', n: 10, strategy: 'threshold', params: { threshold: 0.9 }, ...base, samples: 2000 },
  { task: 'waiting-line/copy', n: 6, strategy: 'topk-confidence', params: { k: 4 }, ...base, samples: 1000 },
  { task: 'waiting-line/shuffle', n: 5, strategy: 'threshold', params: { threshold: 0.7 }, ...base, samples: 500 },
  { task: 'waiting-line/shuffle', n: 6, strategy: 'topk-random', params: { k: 2 }, ...base, temperature: 1, samples: 200 },
];

interface ProfileNode { selfSize: number; children: ProfileNode[] }
const allocated = (n: ProfileNode): number => n.selfSize + n.children.reduce((a, c) => a + allocated(c), 0);
const inspector = new Session();
inspector.connect();
/** Bytes allocated per decode of `c`, sampled every 4 KiB. */
async function bytesPerDecode(c: SweepConfig & { samples: number }): Promise<number> {
  const samples = Math.max(20, Math.round(c.samples / 4));
  await inspector.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  await runConfig(c, samples, 1, cpuBackend);
  const { profile } = await inspector.post('HeapProfiler.stopSampling');
  return allocated(profile.head as ProfileNode) / samples;
}

const rows = [];
for (const c of CASES) {
  await runConfig(c, 20, 1, cpuBackend); // warm-up (JIT)
  const r = await runConfig(c, c.samples, 1, cpuBackend);
  rows.push({
    task: `${c.task} n=${c.n}`,
    strategy: `${c.strategy} ${Object.entries(c.params).map(([k, v]) => `${k}=${v}`).join(' ')}${c.temperature ? ` T=${c.temperature}` : ''}`,
    samples: c.samples,
    score: r.score,
    decodesPerSecond: c.samples / r.seconds,
    tokensPerSecond: (c.samples * r.canvasLength) / r.seconds,
    forwardsPerSecond: (c.samples * r.nfe) / r.seconds,
    kbPerDecode: (await bytesPerDecode(c)) / 1024,
  });
}
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const table = [
  '| task | strategy | samples | score | decodes/s | tokens/s | forward passes/s | KiB allocated per decode |',
  '|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.task} | ${r.strategy} | ${r.samples} | ${(100 * r.score).toFixed(1)}% | ${fmt(r.decodesPerSecond)} | ${fmt(r.tokensPerSecond)} | ${fmt(r.forwardsPerSecond)} | ${fmt(r.kbPerDecode)} |`),
].join('\n');
console.log(table);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/cpu-throughput.json',
  JSON.stringify({ date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, rows }, null, 2),
);
console.log('\nwrote bench/results/cpu-throughput.json');
inspector.disconnect();
