import rngWgsl from '../../shaders/rng.wgsl?raw';
import commonWgsl from '../../shaders/decode_common.wgsl?raw';
import oracleInitWgsl from '../../shaders/oracle_init.wgsl?raw';
import oracleMismatchWgsl from '../../shaders/oracle_mismatch.wgsl?raw';
import oracleHistWgsl from '../../shaders/oracle_hist.wgsl?raw';
import oraclePermWgsl from '../../shaders/oracle_perm.wgsl?raw';
import noiseWgsl from '../../shaders/noise.wgsl?raw';
import statsWgsl from '../../shaders/stats.wgsl?raw';
import klassWgsl from '../../shaders/klass.wgsl?raw';
import selectWgsl from '../../shaders/select.wgsl?raw';
import selectTcBoundWgsl from '../../shaders/select_tcbound.wgsl?raw';
import theorySetWgsl from '../../shaders/theory_set.wgsl?raw';
import theoryPairsWgsl from '../../shaders/theory_pairs.wgsl?raw';
import rankWgsl from '../../shaders/rank.wgsl?raw';
import predRowWgsl from '../../shaders/pred_row.wgsl?raw';
import theoryCommonWgsl from '../../shaders/theory_common.wgsl?raw';
import { Kernel } from './device';

/**
 * The decode kernels and their layouts (mirrors shaders/decode_common.wgsl). Each kernel is a
 * .wgsl file with the shared Philox and layout prelude prepended; variants differ only in
 * override constants, which are part of the pipeline cache key.
 */

export const ST = { step: 0, done: 1, blockIndex: 2, blockStep: 3, maskedAtStart: 4, revealed: 5, blockStart: 6, blockEnd: 7, stride: 8 } as const;
export const INFO = { sample: 0, kind: 1, items: 2, memberOffset: 3, memberCount: 4, stride: 8 } as const;
export const SS = { x0: 0, conf: 1, pmax: 2, margin: 3, entropy: 4, confW: 5, sumW: 6, stride: 8 } as const;
export const RV = { step: 0, order: 1, score: 2, conf: 3, stride: 4 } as const;
export const NEVER = 0xffffffff;

/** Strategy ids as select.wgsl numbers them. */
export const GPU_STRATEGY: Record<string, number> = {
  'topk-random': 0,
  'topk-confidence': 1,
  'topk-margin': 2,
  'topk-entropy': 3,
  'topk-l2r': 4,
  threshold: 5,
  factor: 6,
  eb: 7,
  'dream-origin': 8,
  'dream-confidence': 9,
  'dream-margin': 10,
  'dream-entropy': 11,
  'maskgit-cosine': 12,
  klass: 13,
  'remdm-cap': 14,
  'remdm-rescale': 15,
  'remdm-conf': 16,
};

/**
 * Oracle-only strategies with a GPU kernel, numbered on from GPU_STRATEGY. Kept apart because
 * they need the exact oracle (noise 0): callers that run every GPU_STRATEGY with noise or with
 * other strategies' parameters must not pick them up.
 */
export const GPU_ORACLE_STRATEGY: Record<string, number> = {
  // shaders/select_tcbound.wgsl chooses the count, select.wgsl reveals and commits.
  'tc-bound': 17,
};

/** Params uniform (80 bytes): field order of struct Params. */
export const PARAM_FIELDS = [
  ['batch', 'u32'], ['seed', 'u32'], ['blockLength', 'u32'], ['blockCount', 'u32'],
  ['maxSteps', 'u32'], ['k', 'u32'], ['perBlock', 'u32'], ['schedSteps', 'u32'],
  ['temperature', 'f32'], ['invT', 'f32'], ['sigma', 'f32'], ['threshold', 'f32'],
  ['factor', 'f32'], ['gamma', 'f32'], ['algTemp', 'f32'], ['klThreshold', 'f32'],
  ['logTableSize', 'u32'], ['totalMembers', 'u32'], ['history', 'u32'], ['memberWords', 'u32'],
] as const;
export type GpuParams = Record<(typeof PARAM_FIELDS)[number][0], number>;

export function packParams(p: GpuParams): ArrayBuffer {
  const buf = new ArrayBuffer(PARAM_FIELDS.length * 4);
  const u = new Uint32Array(buf);
  const f = new Float32Array(buf);
  PARAM_FIELDS.forEach(([name, type], i) => {
    if (type === 'u32') u[i] = p[name] >>> 0;
    else f[i] = p[name];
  });
  return buf;
}

export const WG = 64;
/** Storage buffers the theory kernels bind (below this, theory is computed on the host). */
export const THEORY_STORAGE_BUFFERS = 10;

/** The shared Philox and layout prelude, then any shared pieces the kernel uses, then the kernel. */
const withPrelude = (...src: string[]) => [rngWgsl, commonWgsl, ...src];

export function decodeKernels(L: number, V: number, opts: { logits: boolean; strategy: number }) {
  const base = { L, V, WG };
  return {
    oracleInit: new Kernel('oracle_init', withPrelude(oracleInitWgsl), base),
    oracleMismatch: new Kernel('oracle_mismatch', withPrelude(oracleMismatchWgsl), base),
    oracleHist: new Kernel('oracle_hist', withPrelude(oracleHistWgsl), base),
    oraclePerm: new Kernel('oracle_perm', withPrelude(oraclePermWgsl), base),
    noise: new Kernel('noise', withPrelude(noiseWgsl), base),
    stats: new Kernel('stats', withPrelude(predRowWgsl, statsWgsl), { ...base, LOGITS: opts.logits ? 1 : 0 }),
    klass: new Kernel('klass', withPrelude(predRowWgsl, klassWgsl), { ...base, LOGITS: opts.logits ? 1 : 0 }),
    select: new Kernel('select', withPrelude(rankWgsl, selectWgsl), { ...base, STRATEGY: opts.strategy }),
    selectTcBound: new Kernel('select_tcbound', withPrelude(rankWgsl, selectTcBoundWgsl), base),
    theorySet: new Kernel('theory_set', withPrelude(theoryCommonWgsl, theorySetWgsl), base),
    theoryPairs: new Kernel('theory_pairs', withPrelude(theoryCommonWgsl, theoryPairsWgsl), base),
  };
}
export type DecodeKernels = ReturnType<typeof decodeKernels>;
