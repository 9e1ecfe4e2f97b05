import { createStore, get, set } from 'idb-keyval';
import type { BatchRequest, DecodeBackend } from '../engine/backend';
import type { Calibration } from './protocol';

export type { Calibration };

/**
 * Auto that measures: on first use for an adapter and a task family, a few decodes of the
 * current task on each available engine, timed; the fastest wins. The result is kept in
 * IndexedDB (workers have no localStorage) so the next visit skips the measurement. A software
 * adapter (SwiftShader) loses to the CPU engine by an order of magnitude; a real GPU wins at
 * sizes where it pays.
 */
/** Auto never keeps an engine slower than this factor times the fastest it measured. */
export const AUTO_SLOWER_LIMIT = 1.2;

export const taskFamily = (task: string): string => task.split('/')[0];

/** Median ms per decode of `request` on each backend, after one warm-up decode (pipelines, JIT). */
export async function measureEngines(backends: readonly DecodeBackend[], request: BatchRequest, reps = 3): Promise<Record<string, number>> {
  const times: Record<string, number> = {};
  for (const b of backends) {
    await b.decode(request);
    const t: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      await b.decode(request);
      t.push(performance.now() - t0);
    }
    t.sort((x, y) => x - y);
    times[b.name] = t[t.length >> 1] / request.samples.length;
  }
  return times;
}

/** The fastest engine: by construction never over AUTO_SLOWER_LIMIT times the fastest. */
export function chooseEngine(times: Record<string, number>): string {
  const entries = Object.entries(times);
  if (entries.length === 0) throw new RangeError('no engine was measured');
  return entries.reduce((best, e) => (e[1] < best[1] ? e : best))[0];
}

let store: ReturnType<typeof createStore> | null = null;
const db = () => (store ??= createStore('unmask-calibration', 'engines'));

/** The cached calibration for (adapter, family), or a new one measured now and cached. */
export async function calibrate(adapter: string, family: string, backends: readonly DecodeBackend[], request: BatchRequest): Promise<Calibration> {
  const key = `${adapter}|${family}|${backends.map((b) => b.name).join(',')}`;
  const cached = await get<Omit<Calibration, 'cached'>>(key, db()).catch(() => undefined);
  if (cached && backends.some((b) => b.name === cached.choice)) return { ...cached, cached: true };
  const times = await measureEngines(backends, request);
  const result = { adapter, family, times, choice: chooseEngine(times) };
  await set(key, result, db()).catch(() => undefined);
  return { ...result, cached: false };
}
