import type { ModelRuntime } from '../src/model/runtime';

/** Deterministic token ids for `batch` rows of 64 (the model's prompt + canvas). */
export function benchIds(batch: number): Int32Array {
  let s = 12345;
  return new Int32Array(batch * 64).map(() => ((s = (s * 1664525 + 1013904223) >>> 0) >>> 8) % 169);
}

/**
 * Times forward passes of `rt` at `batch`: `warmups` untimed passes (shaders, buffers, and for
 * wasm V8's tier-up from baseline to optimised code, which it compiles on background threads:
 * late when the runtime's own threads hold every core), then reps until `maxReps` or `budgetMs`
 * (at least one). The median, and the first pass's time.
 */
export async function timeForward(rt: ModelRuntime, batch: number, budgetMs: number, maxReps: number, warmups = 1): Promise<{ ms: number; firstMs: number; reps: number }> {
  const x = benchIds(batch);
  const t0 = performance.now();
  await rt.forward(x, batch);
  const firstMs = performance.now() - t0;
  for (let i = 1; i < warmups; i++) await rt.forward(x, batch);
  const times: number[] = [];
  const start = performance.now();
  while (times.length < maxReps && (times.length === 0 || performance.now() - start < budgetMs)) {
    const t = performance.now();
    await rt.forward(x, batch);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], firstMs, reps: times.length };
}
