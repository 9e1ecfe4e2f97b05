import { runPoolSweep, type ChunkRunner, type PoolSweep } from '../engine/sweep-pool';
import type { PartialConfig, SweepProgress, SweepRecord } from '../engine/sweep';
import { MAX_SWEEP_WORKERS, type ModelSource, type NeuralModel } from './protocol';
import type { SweepWorkerReply, SweepWorkerRequest } from './sweep.worker';

/**
 * The page's sweep pool (issue 13): CPU sweeps fan out from the engine worker to N Web Workers
 * (src/worker/sweep.worker.ts), each with its own CPU engine and models; scheduling, order and
 * partial progress are src/engine/sweep-pool.ts's, so the records equal a one-worker run's.
 * GPU work never comes here: it stays on the engine worker's one device. Workers are kept warm
 * between sweeps (models loaded) and let go after IDLE_MS without a sweep.
 */

const IDLE_MS = 60_000;

/** A model the sweep's workers must have: which, how to load it, and which load (a new custom file reloads). */
export interface PoolModel {
  which: NeuralModel;
  source: ModelSource;
  loadId: number;
}

type Request = SweepWorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

class SweepWorker {
  private worker = new Worker(new URL('./sweep.worker.ts', import.meta.url), { type: 'module', name: 'unmask-sweep' });
  private nextId = 1;
  private waiting = new Map<number, { resolve: (r: SweepWorkerReply) => void; reject: (e: Error) => void }>();
  /** Which load of each model this worker holds. */
  readonly models = new Map<NeuralModel, number>();
  broken = false;

  constructor() {
    this.worker.onmessage = (ev: MessageEvent<SweepWorkerReply>) => {
      const w = this.waiting.get(ev.data.id);
      this.waiting.delete(ev.data.id);
      w?.resolve(ev.data);
    };
    this.worker.onerror = (ev) => {
      ev.preventDefault();
      this.fail(new Error(`a sweep worker failed: ${ev.message || 'it could not start'}`));
    };
  }

  private fail(e: Error): void {
    this.broken = true;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }

  async request(body: Request): Promise<SweepWorkerReply> {
    if (this.broken) throw new Error('a sweep worker failed earlier');
    const id = this.nextId++;
    const reply = await new Promise<SweepWorkerReply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...body, id } as SweepWorkerRequest);
    });
    if (reply.error !== undefined) throw new Error(reply.error);
    return reply;
  }

  terminate(): void {
    this.fail(new Error('the sweep worker was stopped'));
    this.worker.terminate();
  }
}

let workers: SweepWorker[] = [];
let idle: ReturnType<typeof setTimeout> | null = null;
/** Sweeps running on the pool now (the idle timer starts when the last one ends). */
let active = 0;

function take(n: number): SweepWorker[] {
  if (idle !== null) clearTimeout(idle);
  idle = null;
  active++;
  for (const w of workers) if (w.broken) w.terminate();
  workers = workers.filter((w) => !w.broken);
  while (workers.length < n) workers.push(new SweepWorker());
  return workers.slice(0, n);
}

function release(): void {
  if (--active > 0) return;
  idle = setTimeout(() => {
    for (const w of workers) w.terminate();
    workers = [];
    idle = null;
  }, IDLE_MS);
}

/**
 * Runs a CPU sweep on `n` pool workers; every worker first loads the models the sweep needs.
 * Cancel (the signal) keeps the finished prefix through onPartial, as runPoolSweep does.
 */
export async function runPageSweep(
  sweep: PoolSweep,
  n: number,
  models: readonly PoolModel[],
  handlers: { onRecord: (index: number, r: SweepRecord) => void; onProgress: (p: SweepProgress) => void; onPartial: (p: PartialConfig) => void; partialEveryMs?: number; signal: AbortSignal },
): Promise<void> {
  const pool = take(Math.max(1, Math.min(n, MAX_SWEEP_WORKERS)));
  try {
    await Promise.all(
      pool.flatMap((w) =>
        models
          .filter((m) => w.models.get(m.which) !== m.loadId)
          .map(async (m) => {
            w.models.delete(m.which);
            await w.request({ type: 'model', which: m.which, source: m.source });
            w.models.set(m.which, m.loadId);
          }),
      ),
    );
    const runners: ChunkRunner[] = pool.map((w) => async (chunk) => (await w.request({ type: 'chunk', chunk })).totals!);
    await runPoolSweep(sweep, runners, handlers);
  } finally {
    release();
  }
}
