import { loadBundledModel, runtimeFor } from '../src/model/load';
import { ortThreading, setOrtThreads } from '../src/model/ort-engine';
import { timeForward } from './forward-timing';

/**
 * ORT wasm forward passes timed in a Web Worker, where the page's app runs them
 * (src/worker/engine.worker.ts): on a page's main thread ORT's threads cannot block
 * (Atomics.wait is refused there), so a main-thread timing of 2 threads is not what users get.
 */
export interface OrtWorkerRequest {
  threads: number | null;
  batch: number;
  budgetMs: number;
  maxReps: number;
  warmups: number;
}
export type OrtWorkerReply = { ok: true; threads: number; reason: string; ms: number; reps: number } | { ok: false; error: string };

self.onmessage = async (e: MessageEvent<OrtWorkerRequest>) => {
  const { threads, batch, budgetMs, maxReps, warmups } = e.data;
  try {
    setOrtThreads(threads);
    const m = await loadBundledModel('tiny');
    if (!m.ok) throw new Error(m.error);
    const rt = await runtimeFor(m.handle, 'ort-wasm', 'canvas');
    const t = await timeForward(rt, batch, budgetMs, maxReps, warmups);
    await rt.dispose();
    const { threads: used, reason } = ortThreading();
    postMessage({ ok: true, threads: used, reason, ms: t.ms, reps: t.reps } satisfies OrtWorkerReply);
  } catch (err) {
    postMessage({ ok: false, error: (err as Error).message } satisfies OrtWorkerReply);
  }
};
