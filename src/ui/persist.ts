import { createStore, get, set } from 'idb-keyval';
import type { BenchRun } from './bench';

/** Benchmark runs live in IndexedDB so that a reload (or a crash) loses no finished result. */
const store = typeof indexedDB !== 'undefined' ? createStore('unmask', 'results') : null;
const KEY = 'runs';

export async function loadRuns(): Promise<BenchRun[]> {
  if (!store) return [];
  const runs = (await get<BenchRun[]>(KEY, store)) ?? [];
  // A run still marked running was cut off by a reload: it can resume from its last record.
  return runs.map((r) => (r.status === 'running' ? { ...r, status: 'interrupted' } : r));
}

let chain: Promise<unknown> = Promise.resolve();

/** Saves in order (each record triggers a save; the last one wins). */
export function saveRuns(runs: readonly BenchRun[]): Promise<void> {
  const snapshot = runs.slice();
  const p = chain.then(() => (store ? set(KEY, snapshot, store) : undefined));
  chain = p.catch(() => undefined);
  return p;
}
