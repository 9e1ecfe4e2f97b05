import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BenchRun } from '../../src/ui/bench';

/**
 * Storage failures (src/ui/persist.ts): quota, private mode, no IndexedDB at all. Each becomes a
 * sentence for the user, never an exception out of loadRuns, and the page keeps working (a later
 * save is tried again; a store that could not be read is left alone, results stay in the tab).
 * idb-keyval is mocked; persist.ts only checks that `indexedDB` exists before creating its store.
 */
const idb = vi.hoisted(() => ({ get: vi.fn(), set: vi.fn(), createStore: vi.fn(() => 'the store') }));
vi.mock('idb-keyval', () => idb);

/** persist.ts keeps its store and read-only flag per module: a fresh copy for each test. */
async function persist(): Promise<typeof import('../../src/ui/persist')> {
  vi.resetModules();
  return import('../../src/ui/persist');
}

const run = (id: string, shared?: boolean): BenchRun => ({ id, created: 1, spec: { configs: [], samples: 1, seed: 1 }, records: [], status: 'done', ...(shared ? { shared } : {}) });

beforeEach(() => {
  vi.stubGlobal('indexedDB', {});
  idb.get.mockReset();
  idb.set.mockReset();
  idb.createStore.mockClear();
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('persist: storage failures', () => {
  it('a full storage: saveRuns rejects with a sentence for the user, and the next save is tried again', async () => {
    const { saveRuns, STORE_VERSION } = await persist();
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    idb.set.mockRejectedValueOnce(quota);
    const failed = saveRuns([run('mine')]);
    await expect(failed).rejects.toThrow('Results could not be saved (the browser storage is full); they stay in this tab: export them to keep them.');
    await expect(failed).rejects.toMatchObject({ cause: quota });
    // Still working: the next save goes through (shared runs are never saved).
    idb.set.mockResolvedValueOnce(undefined);
    await expect(saveRuns([run('mine'), run('shared-x', true)])).resolves.toBeUndefined();
    expect(idb.set).toHaveBeenCalledTimes(2);
    expect(idb.set).toHaveBeenLastCalledWith('runs', { version: STORE_VERSION, runs: [run('mine')] }, 'the store');
  });

  it('a store that cannot be read (private mode): loadRuns says so, never throws, and leaves the store alone', async () => {
    const { loadRuns, saveRuns } = await persist();
    idb.get.mockRejectedValueOnce(new DOMException('The operation is insecure.', 'SecurityError'));
    await expect(loadRuns()).resolves.toEqual({
      runs: [],
      problems: ['Saved results could not be read (storage is not available here (private mode?)); new results are kept in this tab only. Export them before closing the tab.'],
    });
    // New results stay in the tab: a save neither fails nor overwrites what could not be read.
    await expect(saveRuns([run('mine')])).resolves.toBeUndefined();
    expect(idb.set).not.toHaveBeenCalled();
  });

  it('no IndexedDB at all: loadRuns says so, saveRuns is a no-op', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const { loadRuns, saveRuns } = await persist();
    await expect(loadRuns()).resolves.toEqual({ runs: [], problems: ['This browser keeps no results (no IndexedDB, e.g. private mode); export them before closing the tab.'] });
    await expect(saveRuns([run('mine')])).resolves.toBeUndefined();
    expect(idb.createStore).not.toHaveBeenCalled();
    expect(idb.get).not.toHaveBeenCalled();
    expect(idb.set).not.toHaveBeenCalled();
  });
});

describe('persist: what is stored', () => {
  it('stores per-sample outcomes as typed arrays and reads them back as the same records; a version-2 store still reads', async () => {
    const { saveRuns, migrateStored, STORE_VERSION } = await persist();
    const { runSweep } = await import('../../src/engine/sweep');
    const { cpuBackend } = await import('../../src/engine/backend');
    const spec = { configs: [{ task: 'letters/shuffle', n: 4, strategy: 'topk-random', params: { k: 2 }, temperature: 0, block: 0, noise: 0 }], samples: 30, seed: 3 };
    const records = [];
    for await (const r of runSweep(spec, cpuBackend)) records.push(r);
    // Not degenerate: some samples fail, and the decodes took different numbers of steps.
    expect(new Set(records[0].perSample!.correct).size).toBe(2);
    const mine: BenchRun = { ...run('mine'), spec, records };
    idb.set.mockResolvedValue(undefined);
    await saveRuns([mine]);
    const stored = idb.set.mock.lastCall![1] as { version: number; runs: BenchRun[] };
    expect(stored.version).toBe(STORE_VERSION);
    const per = stored.runs[0].records[0].perSample as unknown as { correct: unknown; nfe: unknown };
    expect(per.correct).toBeInstanceOf(Uint8Array);
    expect(per.nfe).toBeInstanceOf(Int32Array);
    // The page's own run is not changed by saving it.
    expect(Array.isArray(mine.records[0].perSample!.nfe)).toBe(true);
    // What IndexedDB hands back is a structured clone.
    const back = migrateStored(structuredClone(stored));
    expect(back.problems).toEqual([]);
    expect(back.runs).toEqual([mine]);
    // A store written before (version 2: plain lists) reads the same.
    expect(migrateStored(structuredClone({ version: 2, runs: [mine] })).runs).toEqual([mine]);
  });
});
