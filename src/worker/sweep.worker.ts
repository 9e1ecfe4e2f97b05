/// <reference lib="webworker" />
import { cpuBackend } from '../engine/backend';
import { serialQueue } from '../engine/queue';
import { runSamples, type SampleTotals } from '../engine/sweep';
import type { SweepChunk } from '../engine/sweep-pool';
import { setOrtThreads } from '../model/ort-engine';
import { loadModel, pageModelBackend } from './models';
import type { ModelSource, NeuralModel } from './protocol';

/**
 * One Web Worker of the page's sweep pool (src/worker/pool.ts): decodes the chunks of a CPU
 * sweep it is sent (the oracle on the CPU engine, or a model on the CPU twin or ORT wasm) with
 * its own engine and models, and posts back their totals. The page's twin of src/cli/pool-worker.ts.
 */

export type SweepWorkerRequest =
  | { id: number; type: 'model'; which: NeuralModel; source: ModelSource }
  | { id: number; type: 'chunk'; chunk: SweepChunk };
export type SweepWorkerReply = { id: number; totals?: SampleTotals; error?: string };

// The pool fills every core already: one ORT thread per worker.
setOrtThreads(1);
// One request at a time per worker (the queue below), so nothing to serialise.
const backend = pageModelBackend(cpuBackend, (f) => f());
const post = (m: SweepWorkerReply) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(m);

async function handle(m: SweepWorkerRequest): Promise<void> {
  try {
    if (m.type === 'model') {
      await loadModel(m.which, m.source);
      post({ id: m.id });
    } else {
      const { config, start, count, seed, batchSize } = m.chunk;
      post({ id: m.id, totals: await runSamples(config, start, count, seed, backend, { batchSize }) });
    }
  } catch (e) {
    post({ id: m.id, error: (e as Error)?.message ?? String(e) });
  }
}

// The pool may send a chunk ahead (PoolSweep.prefetch): requests run one at a time, in order.
const queue = serialQueue();
self.onmessage = (ev: MessageEvent<SweepWorkerRequest>) => void queue.run(() => handle(ev.data));
