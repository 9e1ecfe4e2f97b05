import { createStore, get, set } from 'idb-keyval';
import type { SweepRecord } from '../engine/sweep';
import { ImportError, importData, type BenchRun } from './bench';

/**
 * Benchmark runs live in IndexedDB so that a reload (or a crash) loses no finished result.
 * Storage can fail (private mode, quota, a store from another version): every failure becomes a
 * message, the runs stay in the tab, and export keeps working.
 */
const KEY = 'runs';
/**
 * 1: a bare array of runs; 2: { version, runs } with per-sample partial progress; 3: records'
 * per-sample outcomes stored as typed arrays (packRecord).
 */
export const STORE_VERSION = 3;

let store: ReturnType<typeof createStore> | null | undefined;
function db(): ReturnType<typeof createStore> | null {
  if (store === undefined) {
    try {
      store = typeof indexedDB !== 'undefined' ? createStore('unmask', 'results') : null;
    } catch {
      store = null;
    }
  }
  return store;
}

/** Set when the store was written by a newer version: it is left untouched. */
let readOnly = false;

export interface LoadedRuns {
  runs: BenchRun[];
  /** Sentences for the user: what could not be read and what happens instead. */
  problems: string[];
}

/**
 * A record as stored: its per-sample outcomes as typed arrays. IndexedDB clones a typed array in
 * one block and a list of numbers number by number: with lists, each save of a 16 x 10,000-sample
 * sweep took 28 ms of the main thread, once a second while the sweep ran. A record never changes
 * once made, so its packed form is made once.
 */
type StoredRecord = Omit<SweepRecord, 'perSample'> & { perSample?: { correct: Uint8Array; nfe: Int32Array } };
const packed = new WeakMap<SweepRecord, StoredRecord>();
function packRecord(r: SweepRecord): StoredRecord {
  if (!r.perSample) return r as StoredRecord;
  let out = packed.get(r);
  if (!out) packed.set(r, (out = { ...r, perSample: { correct: Uint8Array.from(r.perSample.correct), nfe: Int32Array.from(r.perSample.nfe) } }));
  return out;
}

/** Stored records' typed arrays back to the lists the rest of the page (and importData) reads. */
function unpackRuns(list: unknown[]): unknown[] {
  const lists = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v]));
  return list.map((run) => {
    const records = (run as { records?: unknown })?.records;
    if (!Array.isArray(records)) return run;
    return {
      ...(run as object),
      records: records.map((r) => {
        const per = (r as { perSample?: unknown })?.perSample;
        return per && typeof per === 'object' ? { ...(r as object), perSample: lists(per as Record<string, unknown>) } : r;
      }),
    };
  });
}

/** Reads what the store held, whatever it is; never throws. */
export function migrateStored(data: unknown): LoadedRuns & { newer: boolean } {
  if (data === undefined || data === null) return { runs: [], problems: [], newer: false };
  const v = (data as { version?: unknown }).version;
  if (!Array.isArray(data) && typeof v === 'number' && v > STORE_VERSION) {
    return { runs: [], problems: [`Saved results were written by a newer version of Unmask (store version ${v}); they are left untouched and new results are kept in this tab only.`], newer: true };
  }
  const list: unknown[] = unpackRuns(Array.isArray(data) ? data : Array.isArray((data as { runs?: unknown }).runs) ? (data as { runs: unknown[] }).runs : []);
  if (!Array.isArray(data) && !Array.isArray((data as { runs?: unknown }).runs)) return { runs: [], problems: ['Saved results are not in a format this version reads; they were set aside.'], newer: false };
  const runs: BenchRun[] = [];
  let dropped = 0;
  for (const r of list) {
    try {
      runs.push(...importData({ runs: [r] }, 'saved run', 'done'));
    } catch (e) {
      if (!(e instanceof ImportError)) throw e;
      dropped++;
    }
  }
  const problems = dropped ? [`${dropped} saved run${dropped === 1 ? '' : 's'} could not be read (written by an older version?) and ${dropped === 1 ? 'was' : 'were'} set aside.`] : [];
  // A run still marked running was cut off by a reload: it can resume from its last sample.
  return { runs: runs.map((r) => (r.status === 'running' ? { ...r, status: 'interrupted' } : r)), problems, newer: false };
}

export async function loadRuns(): Promise<LoadedRuns> {
  const s = db();
  if (!s) return { runs: [], problems: ['This browser keeps no results (no IndexedDB, e.g. private mode); export them before closing the tab.'] };
  let data: unknown;
  try {
    data = await get<unknown>(KEY, s);
  } catch (e) {
    readOnly = true;
    return { runs: [], problems: [`Saved results could not be read (${storageReason(e)}); new results are kept in this tab only. Export them before closing the tab.`] };
  }
  const { runs, problems, newer } = migrateStored(data);
  readOnly = newer;
  return { runs, problems };
}

/** A short reason for a storage failure. */
export function storageReason(e: unknown): string {
  const name = (e as { name?: unknown })?.name;
  if (name === 'QuotaExceededError') return 'the browser storage is full';
  if (name === 'InvalidStateError' || name === 'SecurityError') return 'storage is not available here (private mode?)';
  return (e as Error)?.message ?? String(e);
}

let chain: Promise<unknown> = Promise.resolve();

/** Saves in order (the last one wins); rejects with a sentence for the user. Shared runs are never saved. */
export function saveRuns(runs: readonly BenchRun[]): Promise<void> {
  const s = db();
  if (!s || readOnly) return Promise.resolve();
  const snapshot = { version: STORE_VERSION, runs: runs.filter((r) => !r.shared).map((r) => ({ ...r, records: r.records.map(packRecord) })) };
  const p = chain.then(() => set(KEY, snapshot, s)).catch((e: unknown) => {
    throw new Error(`Results could not be saved (${storageReason(e)}); they stay in this tab: export them to keep them.`, { cause: e });
  });
  chain = p.catch(() => undefined);
  return p;
}
