import type { DecodeTrace } from '../../src/engine/decode';
import { randomU32, type RandomStream } from '../../src/engine/rng';
import type { TaskSample } from '../../src/engine/tasks';
import type { Predictions } from '../../src/engine/denoiser';
import { allocStats, rowProbabilities, type PositionStats } from '../../src/engine/stats';
import type { StepView } from '../../src/engine/strategies/types';
import { MASK_ID, VOCAB_SIZE } from '../../src/engine/vocab';
import { expect, test as base } from 'vitest';
import { acquireDevice, GpuUnavailableError, type AcquiredDevice } from '../../src/gpu/device';
import { SS } from '../../src/gpu/kernels';

/**
 * Provides one WebGPU device per test file. Without an adapter the GPU tests skip locally but
 * FAIL under CI=true, so that CI never passes by silently skipping every kernel check.
 */
const isCI = import.meta.env.CI === 'true' || (globalThis as { process?: { env?: Record<string, string> } }).process?.env?.CI === 'true';

let shared: Promise<AcquiredDevice | null> | null = null;

export function sharedDevice(): Promise<AcquiredDevice | null> {
  shared ??= acquireDevice().catch((e: unknown) => {
    if (e instanceof GpuUnavailableError && !isCI) return null;
    throw e;
  });
  return shared;
}

export const gpuTest = base.extend<{ gpu: AcquiredDevice }>({
  gpu: async ({ skip }, use) => {
    const acq = await sharedDevice();
    if (!acq) {
      skip('no WebGPU adapter (set CI=true to make this a failure)');
      return;
    }
    await use(acq);
  },
});

/**
 * Random canvases for kernel-vs-twin tests: a true output partly revealed (at least one position
 * left masked), sometimes with a wrong token so that the canvas is inconsistent.
 */
export function randomCanvases(samples: readonly TaskSample[], rs: RandomStream): Int32Array {
  const L = samples[0].canvasLength;
  const out = new Int32Array(samples.length * L);
  samples.forEach((s, b) => {
    const truth = s.truth.sample(rs);
    const reveal = rs.int(L);
    const order = rs.sample(L, reveal);
    for (const p of order) out[b * L + p] = truth[p];
    if (reveal > 0 && rs.next() < 0.3) out[b * L + order[0]] = 4 + rs.int(VOCAB_SIZE - 4);
  });
  return out;
}

/** One sequence's rows of the GPU statistics buffer, in the CPU twin's layout. */
export function gpuStatsAsCpu(stats: Float32Array, b: number, L: number): PositionStats {
  const out = allocStats(L);
  const u = new Uint32Array(stats.buffer, stats.byteOffset, stats.length);
  for (let i = 0; i < L; i++) {
    const o = (b * L + i) * SS.stride;
    out.x0[i] = u[o + SS.x0];
    out.confidence[i] = stats[o + SS.conf];
    out.pmax[i] = stats[o + SS.pmax];
    out.margin[i] = stats[o + SS.margin];
    out.entropy[i] = stats[o + SS.entropy];
    out.confWeight[i] = stats[o + SS.confW];
    out.sumWeight[i] = stats[o + SS.sumW];
  }
  return out;
}

/**
 * What a strategy sees on its first step in a block, built from one sequence of a GPU probe:
 * the masked positions, the active semi-AR block (that of the first masked position, as
 * decode.ts chooses it; block 0 = no blocks), the GPU's statistics and the oracle's
 * probabilities, and the decode's random stream (seed, sample index, step). The CPU strategy
 * then selects from exactly the GPU's inputs.
 */
export function probeStepView(
  probe: { stats: Float32Array; draftWeights?: Uint32Array | null },
  pred: Predictions,
  sample: TaskSample,
  b: number,
  canvas: Int32Array,
  opts: { block: number; step: number; seed: number },
): { view: StepView; blockLength: number } {
  const L = canvas.length;
  const masked: number[] = [];
  for (let i = 0; i < L; i++) if (canvas[i] === MASK_ID) masked.push(i);
  const blockLength = opts.block || L;
  const index = Math.floor(masked[0] / blockLength);
  const start = index * blockLength;
  const end = Math.min(L, start + blockLength);
  const candidates = masked.filter((p) => p >= start && p < end);
  const view: StepView = {
    step: opts.step,
    canvasLength: L,
    canvas,
    candidates,
    masked,
    stats: gpuStatsAsCpu(probe.stats, b, L),
    block: { start, end, index, count: Math.ceil(L / blockLength), step: 0, maskedAtStart: candidates.length },
    random: (p, purpose, sub = 0) => randomU32(opts.seed, sample.index, opts.step, p, purpose, sub),
    probabilities: (p) => {
      const row = new Float32Array(VOCAB_SIZE);
      rowProbabilities(pred, b * L + p, row);
      return row;
    },
    truth: () => sample.truth.condition(canvas),
    // A probe of a verifying decode holds each revealed position's leave-one-out row there.
    loo: (p) => {
      if (canvas[p] === MASK_ID) throw new Error(`no leave-one-out row at masked position ${p}`);
      const row = new Float32Array(VOCAB_SIZE);
      rowProbabilities(pred, b * L + p, row);
      return row;
    },
    // A probe of a draft-verifying decode (APD) holds verifier row k (the drafted position
    // masked[k + 1] given the draft before it) there.
    verifier: (k) => {
      if (!probe.draftWeights) throw new Error('the probe computed no draft verification rows');
      const o = (b * L + masked[k + 1]) * VOCAB_SIZE;
      const row = new Float32Array(VOCAB_SIZE);
      rowProbabilities({ kind: 'weights', data: Float32Array.from(probe.draftWeights.subarray(o, o + VOCAB_SIZE)) }, 0, row);
      return row;
    },
  };
  return { view, blockLength };
}

/**
 * GPU decodes equal CPU decodes: tokens, NFE, score and reveal steps; with `steps`, every step's
 * reveal record exactly, and where the traces are full, the step's canvas, statistics and
 * candidates exactly and its theory within the documented tolerances (total correlation 1e-4
 * bits, P(valid) 1e-5).
 */
export function expectSameDecodes(gpu: DecodeTrace[], cpu: DecodeTrace[], label: string, { steps = false } = {}): void {
  expect(gpu.length).toBe(cpu.length);
  gpu.forEach((g, i) => {
    const c = cpu[i];
    const where = `${label} sample ${i}`;
    expect(Array.from(g.output), where).toEqual(Array.from(c.output));
    expect(g.nfe, where).toBe(c.nfe);
    expect(g.score, where).toEqual(c.score);
    expect(Array.from(g.revealStep), where).toEqual(Array.from(c.revealStep));
    if (!steps) return;
    expect(g.steps.length, where).toBe(c.steps.length);
    g.steps.forEach((gs, j) => {
      const cs = c.steps[j];
      const at = `${where} step ${j}`;
      for (const key of ['step', 'nfe', 'revealed', 'tokens', 'remasked', 'block', 'scores', 'probabilities', 'edited', 'editedTokens', 'checked', 'checkedProbabilities', 'extraRows'] as const) {
        expect(gs[key], `${at} ${key}`).toEqual(cs[key]);
      }
      for (const key of ['canvasBefore', 'x0', 'confidence', 'entropy', 'candidateTokens'] as const) {
        expect(gs[key] === undefined, `${at} ${key} recorded`).toBe(cs[key] === undefined);
        if (gs[key] !== undefined) expect(Array.from(gs[key]!), `${at} ${key}`).toEqual(Array.from(cs[key]!));
      }
      expect(gs.theory === undefined, `${at} theory recorded`).toBe(cs.theory === undefined);
      if (gs.theory && cs.theory) {
        expect(Math.abs(gs.theory.totalCorrelation - cs.theory.totalCorrelation), `${at} tc`).toBeLessThan(1e-4);
        expect(Math.abs(gs.theory.validProbability - cs.theory.validProbability), `${at} P(valid)`).toBeLessThan(1e-5);
        expect(gs.theory.consistentBefore, at).toBe(cs.theory.consistentBefore);
      }
    });
  });
}

