import { decodeBatch, type DecodeOptions } from '../../src/engine/decode';
import { OracleDenoiser } from '../../src/engine/denoiser';
import { generateSample } from '../../src/engine/tasks';
import type { TaskParams } from '../../src/engine/tasks/types';

/** Accuracy of `samples` oracle decodes of a task under a strategy. */
export async function oracleAccuracy(
  task: string,
  params: Partial<TaskParams>,
  strategy: string,
  strategyParams: Record<string, number>,
  options: Partial<DecodeOptions> & { samples: number; seed?: number },
): Promise<number> {
  const seed = options.seed ?? 1;
  const samples = Array.from({ length: options.samples }, (_, i) => generateSample(task, params, seed, i));
  const traces = await decodeBatch(samples, new OracleDenoiser(), strategy, strategyParams, { seed, ...options });
  return traces.filter((t) => t.score.ok).length / traces.length;
}

/** |measured - expected| within 3 standard errors of a Bernoulli mean (exact values exactly). */
export function expectWithin3Sigma(measured: number, expected: number, n: number): void {
  const sigma = Math.sqrt((expected * (1 - expected)) / n);
  const tolerance = 3 * sigma;
  if (Math.abs(measured - expected) > tolerance) {
    throw new Error(`measured ${measured.toFixed(4)}, expected ${expected.toFixed(4)} ± ${tolerance.toFixed(4)} (3σ, n=${n})`);
  }
}
