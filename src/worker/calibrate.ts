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

/** A backend whose first timed decode is this many times the fastest so far is timed only once. */
const CUT_FACTOR = 4;
/** A warm-up decode longer than this (and CUT_FACTOR behind the best) is not followed by timed ones. */
const SLOW_WARMUP_MS = 5000;

export const taskFamily = (task: string): string => task.split('/')[0];

/** Timed decodes go on until this many ms have passed (a decode of a few microseconds is timed many times). */
const MIN_TIMED_MS = 30;
const MAX_REPS = 64;

/**
 * Fastest ms per decode of `request` on each backend, after one warm-up decode each (pipelines,
 * JIT). The engines' timed decodes are interleaved, one decode of each per round, so a load
 * spike on this machine slows them alike instead of deciding the race (measured one after the
 * other, a spike during the CPU engine's decodes once made SwiftShader win). The minimum, not
 * the median: a decode is never faster than it can be. A backend that fails is left out of
 * `times` and its reason put in `failed`. `run` holds each decode (the worker's serial queue:
 * other work goes between two decodes, never inside a timed one).
 */
async function measureEngines(backends: readonly DecodeBackend[], request: BatchRequest, reps = 3, failed: Record<string, string> = {}, run: Queue = (f) => f()): Promise<Record<string, number>> {
  const perSample = (ms: number) => ms / request.samples.length;
  const decode = (b: DecodeBackend) =>
    run(async () => {
      const t0 = performance.now();
      await b.decode(request);
      return performance.now() - t0;
    });
  const warm = new Map<DecodeBackend, number>();
  for (const b of backends) {
    try {
      warm.set(b, await decode(b));
    } catch (e) {
      failed[b.name] = (e as Error).message;
    }
  }
  const times: Record<string, number> = {};
  const fastestWarm = Math.min(...warm.values());
  type Timing = { fastest: number; count: number; spent: number };
  const timing = new Map<DecodeBackend, Timing>();
  for (const [b, ms] of warm) {
    // Seconds for its first decode and far behind the best: its time is that decode's (first-use costs included).
    if (ms > SLOW_WARMUP_MS && ms > CUT_FACTOR * fastestWarm) times[b.name] = perSample(ms);
    else timing.set(b, { fastest: Infinity, count: 0, spent: 0 });
  }
  const best = () => Math.min(...[...timing.values()].map((t) => t.fastest));
  const finished = (t: Timing) =>
    t.count >= MAX_REPS ||
    (t.count >= reps && t.spent >= MIN_TIMED_MS) ||
    // Far slower than the best so far: it cannot win, and more decodes only make Auto slow to start.
    (t.count > 0 && t.fastest > CUT_FACTOR * best());
  const active = new Set(timing.keys());
  while (active.size > 0) {
    for (const b of [...active]) {
      const t = timing.get(b)!;
      let ms: number;
      try {
        ms = await decode(b);
      } catch (e) {
        failed[b.name] = (e as Error).message;
        active.delete(b);
        timing.delete(b);
        continue;
      }
      t.count++;
      t.spent += ms;
      t.fastest = Math.min(t.fastest, ms);
    }
    for (const b of active) if (finished(timing.get(b)!)) active.delete(b);
  }
  for (const [b, t] of timing) times[b.name] = perSample(t.fastest);
  return times;
}

/** Holds one decode (the worker's serial queue). */
type Queue = <T>(f: () => Promise<T>) => Promise<T>;

/** The fastest engine: by construction never over AUTO_SLOWER_LIMIT times the fastest. */
export function chooseEngine(times: Record<string, number>): string {
  const entries = Object.entries(times);
  if (entries.length === 0) throw new RangeError('no engine was measured');
  return entries.reduce((best, e) => (e[1] < best[1] ? e : best))[0];
}

/** What one calibration is for: the oracle's engines, or a model's runtimes (`model`). */
export const calibrationKey = (adapter: string, family: string, engines: readonly string[], model?: string): string =>
  `${adapter}|${family}|${engines.join(',')}${model === undefined ? '' : `|model ${model}`}`;

let store: ReturnType<typeof createStore> | null = null;
const db = () => (store ??= createStore('unmask-calibration', 'engines'));

/** The calibration stored for (adapter, family, engines by name, model), if any. */
export async function cachedCalibration(adapter: string, family: string, engines: readonly string[], model?: string): Promise<Calibration | null> {
  const cached = await get<Omit<Calibration, 'cached'>>(calibrationKey(adapter, family, engines, model), db()).catch(() => undefined);
  return cached && engines.includes(cached.choice) ? { ...cached, cached: true } : null;
}

/**
 * The cached calibration for (adapter, family), or a new one measured now and cached. Used for
 * the oracle's engines and for a model's runtimes (`model`: its name; then `reps` is smaller,
 * a model decode being slower). `run` holds each decode (a queue, so that other work can go
 * between two decodes but never inside a timed one).
 */
export async function calibrate(adapter: string, family: string, backends: readonly DecodeBackend[], request: BatchRequest, opts: { reps?: number; model?: string; run?: Queue } = {}): Promise<Calibration> {
  const names = backends.map((b) => b.name);
  const cached = await cachedCalibration(adapter, family, names, opts.model);
  if (cached) return cached;
  const failed: Record<string, string> = {};
  const times = await measureEngines(backends, request, opts.reps, failed, opts.run);
  if (Object.keys(times).length === 0) throw new Error(Object.entries(failed).map(([n, why]) => `${n}: ${why}`).join('; ') || 'no engine to measure');
  const result: Omit<Calibration, 'cached'> = { adapter, family, times, choice: chooseEngine(times) };
  if (opts.model) result.model = opts.model;
  if (Object.keys(failed).length) result.skipped = failed;
  // A failure may be passing (a lost device): measure again next time rather than keep it.
  if (!result.skipped) await set(calibrationKey(adapter, family, names, opts.model), result, db()).catch(() => undefined);
  return { ...result, cached: false };
}
