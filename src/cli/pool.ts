/**
 * The CLI's sweep pool: `npm run bench -- --workers N` runs a CPU sweep (the oracle, or a model
 * on the CPU twin or ORT wasm) on N worker threads (src/cli/pool-worker.ts). Scheduling and the
 * ordering of records are src/engine/sweep-pool.ts's: the records equal a one-worker run's.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SweepProgress, SweepRecord } from '../engine/sweep';
import { runPoolSweep, type ChunkRunner, type PoolSweep } from '../engine/sweep-pool';
import type { PoolReply, PoolWorkerData } from './pool-worker';

export const defaultWorkers = (): number => availableParallelism();

/**
 * The worker's code. An oracle sweep's workers run pool-worker.ts bundled once per run (a
 * CommonJS text, evaluated): started through tsx's loader instead (Node 20 gives worker threads
 * no loader hooks, so each registered its own), two took half a second before their first chunk,
 * the suite's whole serial start. A model sweep's keep tsx: its model code finds the bundled
 * model beside its own file (import.meta.url), and its chunks dwarf the start.
 */
let oracleBundle: Promise<string> | null = null;
async function workerSource(modelBackend: string | null): Promise<string> {
  const entry = new URL('./pool-worker.ts', import.meta.url);
  if (modelBackend) {
    const tsx = import.meta.resolve('tsx/esm/api');
    return `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  }
  return (oracleBundle ??= (async () => {
    const [{ build }, { viteQueries }] = await Promise.all([import('esbuild'), import('./bundle')]);
    const out = await build({ entryPoints: [fileURLToPath(entry)], bundle: true, write: false, platform: 'node', format: 'cjs', target: 'node20', plugins: [viteQueries], external: ['onnxruntime-web', 'webgpu'], logLevel: 'error' });
    return out.outputFiles[0].text;
  })());
}

/** One worker thread as a ChunkRunner; it decodes the chunks it is sent one at a time. */
function startWorker(source: string, data: PoolWorkerData): { run: ChunkRunner; stop: () => Promise<number> } {
  const worker = new Worker(source, { eval: true, workerData: data });
  let nextId = 0;
  const waiting = new Map<number, { resolve: (r: PoolReply) => void; reject: (e: Error) => void }>();
  worker.on('message', (r: PoolReply) => waiting.get(r.id)?.resolve(r));
  const failAll = (e: Error) => {
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`a sweep worker exited (code ${code})`)));
  return {
    run: async (chunk) => {
      const id = nextId++;
      const reply = await new Promise<PoolReply>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, chunk });
      });
      waiting.delete(id);
      if (reply.error) throw new Error(`worker: ${reply.error}`);
      return reply.totals!;
    },
    stop: () => worker.terminate(),
  };
}

export async function runSweepOnWorkers(
  sweep: PoolSweep,
  workers: number,
  modelBackend: string | null,
  onRecord: (r: SweepRecord) => void,
  onProgress: (p: SweepProgress) => void,
): Promise<void> {
  const source = await workerSource(modelBackend);
  const pool = Array.from({ length: workers }, () => startWorker(source, { modelBackend }));
  try {
    await runPoolSweep(sweep, pool.map((w) => w.run), { onRecord: (_, r) => onRecord(r), onProgress });
  } finally {
    await Promise.all(pool.map((w) => w.stop()));
  }
}
