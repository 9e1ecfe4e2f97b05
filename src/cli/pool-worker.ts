/**
 * One worker thread of the CLI's sweep pool (src/cli/pool.ts): decodes the chunks it is sent
 * with its own backend (the CPU engine, or a model on the CPU twin or ORT wasm) and posts back
 * their totals.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { cpuBackend, type DecodeBackend } from '../engine/backend';
import { serialQueue } from '../engine/queue';
import { runSamples } from '../engine/sweep';
import type { SweepChunk } from '../engine/sweep-pool';

export interface PoolWorkerData {
  /** The --backend of a model sweep (cpu, ort-wasm), or null for the oracle on the CPU engine. */
  modelBackend: string | null;
}
export type PoolRequest = { id: number; chunk: SweepChunk };
export type PoolReply = { id: number; totals?: import('../engine/sweep').SampleTotals; error?: string };

const data = workerData as PoolWorkerData;
let backend: Promise<DecodeBackend> | null = null;

async function backendOf(): Promise<DecodeBackend> {
  if (!data.modelBackend) return cpuBackend;
  // The pool fills every core already: one ORT thread per worker.
  (await import('../model/ort-engine')).setOrtThreads(1);
  return (await import('../model/backend')).createModelBackend(data.modelBackend);
}

async function decodeChunk({ id, chunk }: PoolRequest): Promise<void> {
  try {
    const b = await (backend ??= backendOf());
    const totals = await runSamples(chunk.config, chunk.start, chunk.count, chunk.seed, b, { batchSize: chunk.batchSize });
    parentPort!.postMessage({ id, totals } satisfies PoolReply);
  } catch (e) {
    parentPort!.postMessage({ id, error: (e as Error)?.stack ?? String(e) } satisfies PoolReply);
  }
}

// The pool may send a chunk ahead (PoolSweep.prefetch): chunks run one at a time, in order.
const queue = serialQueue();
parentPort!.on('message', (m: PoolRequest) => void queue.run(() => decodeChunk(m)));
