import rngWgsl from '../../shaders/rng.wgsl?raw';
import commonWgsl from '../../shaders/decode_common.wgsl?raw';
import oracleInitWgsl from '../../shaders/oracle_init.wgsl?raw';
import oracleMismatchWgsl from '../../shaders/oracle_mismatch.wgsl?raw';
import oracleHistWgsl from '../../shaders/oracle_hist.wgsl?raw';
import oraclePermWgsl from '../../shaders/oracle_perm.wgsl?raw';
import oracleLooWgsl from '../../shaders/oracle_loo.wgsl?raw';
import oracleDraftInitWgsl from '../../shaders/oracle_draft_init.wgsl?raw';
import oracleDraftWgsl from '../../shaders/oracle_draft.wgsl?raw';
import oracleDraftPermWgsl from '../../shaders/oracle_draft_perm.wgsl?raw';
import looStatsWgsl from '../../shaders/loo_stats.wgsl?raw';
import noiseWgsl from '../../shaders/noise.wgsl?raw';
import statsWgsl from '../../shaders/stats.wgsl?raw';
import selectWgsl from '../../shaders/select.wgsl?raw';
import theorySetWgsl from '../../shaders/theory_set.wgsl?raw';
import theoryPairsWgsl from '../../shaders/theory_pairs.wgsl?raw';
import rankWgsl from '../../shaders/rank.wgsl?raw';
import predRowWgsl from '../../shaders/pred_row.wgsl?raw';
import theoryCommonWgsl from '../../shaders/theory_common.wgsl?raw';
import type { GpuBinding, StrategyDefinition } from '../engine/strategies/types';
import { GpuUnsupportedError } from './errors';
import { Program, UniformStruct, read, write } from './program';

/**
 * The decode programs: each kernel's bindings are listed once here (program.ts turns the list
 * into its WGSL declarations and its bind group by buffer name); every source gets the shared
 * Philox and layout prelude. A strategy's programs come from its module's GPU descriptor and its
 * WGSL file in shaders/strategies/, found by name, so no strategy is named here.
 */

// The layouts of the per-sequence buffers, declared once: the WGSL constants (ST_BLOCK_INDEX for
// ST.blockIndex, …) are generated from these objects (LAYOUT_WGSL) and prepended to every decode program.
/** Per-sequence state (u32 x 8). */
export const ST = { step: 0, done: 1, blockIndex: 2, blockStep: 3, maskedAtStart: 4, revealed: 5, blockStart: 6, blockEnd: 7, stride: 8 } as const;
/** Per-sequence constant info (u32 x 8): kind 0 = finite support (its first member and member count), 1 = closed-form permutation (items). */
export const INFO = { sample: 0, kind: 1, items: 2, memberOffset: 3, memberCount: 4, stride: 8 } as const;
/** Per-position statistics (f32 x 8); x0 is stored as its bits. */
export const SS = { x0: 0, conf: 1, pmax: 2, margin: 3, entropy: 4, confW: 5, sumW: 6, stride: 8 } as const;
/** Per-position reveal record (u32 x 4): step (NEVER = never), order in the step, score and confidence bits. */
export const RV = { step: 0, order: 1, score: 2, conf: 3, stride: 4 } as const;
/** RV order of a token-to-token edit (WGSL RV_EDIT): not a reveal (traces list it as edited). */
export const RV_EDIT = 0xfffffffe;
/**
 * At revealed positions of a leave-one-out decode, their statistics rows hold (loo_stats.wgsl):
 * p(current token | every other revealed token), the best token and its p.
 */
export const SS_LOO = { best: 0, p: 1, pBest: 2 } as const;
export const NEVER = 0xffffffff;

/** `const PREFIX_FIELD: u32 = …u;` for each field of a layout (blockIndex → BLOCK_INDEX). */
function wgslConsts(prefix: string, layout: Readonly<Record<string, number>>): string {
  return Object.entries(layout)
    .map(([field, v]) => `const ${prefix}_${field.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}: u32 = ${v}u;`)
    .join('\n');
}

/** The WGSL of the layouts above (every decode program's prelude). */
export const LAYOUT_WGSL = [
  wgslConsts('ST', ST),
  wgslConsts('INFO', INFO),
  wgslConsts('SS', SS),
  wgslConsts('SS_LOO', SS_LOO),
  wgslConsts('RV', RV),
  `const RV_EDIT: u32 = 0x${RV_EDIT.toString(16)}u;`,
].join('\n');

/** The per-call uniform P of every decode kernel (generated as WGSL `struct Params`). */
export const DECODE_PARAMS = new UniformStruct('Params', [
  ['batch', 'u32'],
  ['seed', 'u32'],
  ['block_length', 'u32'],
  ['max_steps', 'u32'],
  ['sched_steps', 'u32'], // steps of the strategy's schedule (0 without one)
  ['temperature', 'f32'],
  ['inv_t', 'f32'], // f32(1 / temperature), computed on the host as the CPU does
  ['sigma', 'f32'], // oracle noise
  ['log_table_size', 'u32'], // 0 = no table: use ln_f32
  ['total_members', 'u32'],
  ['member_words', 'u32'], // u32 words per packed support member (4 tokens per word)
  ['draft_rows', 'u32'], // draft verification: masked positions drafted per step (GpuStrategy.draftRows; 0 = none)
] as const);
export type DecodeParams = Record<(typeof DECODE_PARAMS.fields)[number][0], number>;

export const WG = 64;
/** Storage buffers the theory kernels bind (below this, theory is computed on the host). */
export const THEORY_STORAGE_BUFFERS = 10;

const P: GpuBinding = { name: 'P', access: 'uniform', type: 'Params', buffer: 'params' };
const S: GpuBinding = { name: 'S', access: 'uniform', type: 'Strategy', buffer: 'strategyParams' };

/** The shared Philox and layout prelude, then any shared pieces the kernel uses, then the kernel. */
const withPrelude = (...src: string[]) => [rngWgsl, LAYOUT_WGSL, commonWgsl, ...src];

function program(name: string, L: number, V: number, sources: string[], bindings: GpuBinding[], extra: { constants?: Record<string, number>; structs?: UniformStruct[] } = {}): Program {
  return new Program(name, {
    sources: withPrelude(...sources),
    bindings: [P, ...bindings],
    structs: [DECODE_PARAMS, ...(extra.structs ?? [])],
    constants: { L, V, WG, ...extra.constants },
  });
}

/** Programs are assembled (and their snippets checked) once per variant, not per decode. */
const memo = new Map<string, unknown>();
function once<T>(key: string, make: () => T): T {
  if (!memo.has(key)) memo.set(key, make());
  return memo.get(key) as T;
}

/**
 * The oracle, noise, statistics and theory programs (no strategy in them). `loo`: the decode
 * verifies revealed tokens (a strategy with `verify: 'loo'`), so the oracle also fills the
 * leave-one-out row of every revealed position and looStats reads them.
 */
export function decodePrograms(L: number, V: number, opts: { logits: boolean; loo?: boolean }) {
  return once(`decode|${L}|${V}|${opts.logits}|${opts.loo === true}`, () => makeDecodePrograms(L, V, opts));
}

function makeDecodePrograms(L: number, V: number, opts: { logits: boolean; loo?: boolean }) {
  const LOGITS = opts.logits ? 1 : 0;
  const LOO = opts.loo ? 1 : 0;
  const looPass = (HIST: number) =>
    program(`oracle_loo`, L, V, [oracleLooWgsl], [
      read('members'), read('member_seq'), read('member_weight'), read('canvas', 'array<i32>'), read('state'), read('mis'),
      write('loo_min', 'array<atomic<u32>>'), write('hist', 'array<atomic<u32>>'),
    ], { constants: { HIST } });
  const draftPass = (HIST: number) =>
    program('oracle_draft', L, V, [oracleDraftWgsl], [
      read('members'), read('member_seq'), read('member_weight'), read('state'), read('mis'), read('draft_tok'),
      write('draft_min', 'array<atomic<u32>>'), write('vhist', 'array<atomic<u32>>'),
    ], { constants: { HIST } });
  return {
    // Draft verification rows (GpuStrategy.draftRows): mark the draft, then the support's two
    // passes (fewest mismatches given each prefix, then the histogram) or the closed form.
    draftInit: program('oracle_draft_init', L, V, [oracleDraftInitWgsl], [
      read('state'), read('canvas', 'array<i32>'), read('stats', 'array<f32>'), write('draft_tok'), write('draft_min'), write('vhist'),
    ]),
    draftMin: draftPass(0),
    draftHist: draftPass(1),
    draftPerm: program('oracle_draft_perm', L, V, [oracleDraftPermWgsl], [
      read('info'), read('perm', 'array<i32>'), read('canvas', 'array<i32>'), read('state'), read('draft_tok'), write('vhist'),
    ]),
    oracleInit: program('oracle_init', L, V, [oracleInitWgsl], [read('state'), write('min_mis'), write('hist'), read('canvas', 'array<i32>'), write('loo_min')], { constants: { LOO } }),
    // Leave-one-out rows (LOO only): fewest mismatches without position i, then the histogram.
    oracleLooMin: looPass(0),
    oracleLooHist: looPass(1),
    looStats: program('loo_stats', L, V, [predRowWgsl, looStatsWgsl], [read('canvas', 'array<i32>'), read('state'), read('pred'), write('stats', 'array<f32>')], { constants: { LOGITS } }),
    oracleMismatch: program('oracle_mismatch', L, V, [oracleMismatchWgsl], [
      read('members'), // 4 tokens per word
      read('member_seq'), read('canvas', 'array<i32>'), read('state'), write('mis'), write('min_mis', 'array<atomic<u32>>'),
    ]),
    oracleHist: program('oracle_hist', L, V, [oracleHistWgsl], [
      read('members'), read('member_seq'), read('member_weight'), read('state'), read('mis'), read('min_mis'),
      write('hist', 'array<atomic<u32>>'), read('canvas', 'array<i32>'),
    ]),
    oraclePerm: program('oracle_perm', L, V, [oraclePermWgsl], [
      read('info'),
      read('perm', 'array<i32>'), // per sequence: slot flags, fixed tokens, items (L each)
      read('canvas', 'array<i32>'), read('state'), write('hist'),
    ], { constants: { LOO } }),
    noise: program('noise', L, V, [noiseWgsl], [read('info'), read('state'), read('hist'), write('logits', 'array<f32>'), read('canvas', 'array<i32>')], { constants: { LOO } }),
    // The draft verification rows get the noise of their position (as the CPU's noisy verifier
    // rows: the noise is keyed by sample, step and position, not by input row).
    noiseDraft: program('noise_draft', L, V, [noiseWgsl], [
      read('info'), read('state'), read('hist', 'array<u32>', 'vhist'), write('logits', 'array<f32>', 'vlogits'), read('canvas', 'array<i32>'),
    ]),
    stats: program('stats', L, V, [predRowWgsl, statsWgsl], [
      read('info'), read('canvas', 'array<i32>'), read('state'),
      read('pred'), // u32 weights, or f32 logits bits
      read('ln_table', 'array<f32>'), write('stats', 'array<f32>'),
    ], { constants: { LOGITS } }),
    theorySet: program('theory_set', L, V, [theoryCommonWgsl, theorySetWgsl], [
      read('info'), read('members'), read('member_weight'), read('mis'), read('min_mis'), read('hist'),
      read('canvas_prev', 'array<i32>'), read('canvas', 'array<i32>'), read('perm', 'array<i32>'),
      write('theory', 'array<f32>'), // per sequence: tc, valid, consistent, |S|
    ]),
    theoryPairs: program('theory_pairs', L, V, [theoryCommonWgsl, theoryPairsWgsl], [
      read('info'), read('members'), read('member_weight'), read('mis'), read('min_mis'), read('hist'),
      read('canvas_prev', 'array<i32>'), read('perm', 'array<i32>'), write('mi', 'array<f32>'),
    ]),
  };
}
export type DecodePrograms = ReturnType<typeof makeDecodePrograms>;

/** Every shaders/strategies/*.wgsl by its base name (a new file needs no line here). */
const STRATEGY_WGSL: Record<string, string> = Object.fromEntries(
  Object.entries(import.meta.glob<string>('../../shaders/strategies/*.wgsl', { query: '?raw', import: 'default', eager: true })).map(
    ([path, src]) => [path.replace(/^.*\/([^/]+)\.wgsl$/, '$1'), src],
  ),
);

function strategyWgsl(name: string): string {
  const src = STRATEGY_WGSL[name];
  if (src === undefined) throw new Error(`shaders/strategies/${name}.wgsl does not exist`);
  return src;
}

/** The selection bindings every strategy file may use (shaders/select.wgsl). */
const SELECT_BINDINGS: GpuBinding[] = [
  read('info'), write('canvas', 'array<i32>'), write('state'), read('stats', 'array<f32>'), write('reveal'),
  read('sched', 'array<f32>'), // per step: two numbers (GpuStrategy.schedule)
  write('aux'), // the strategy's scratch (GpuStrategy.aux)
  read('table', 'array<f32>'), // per-sample constants (GpuStrategy.sampleTable)
];

export interface StrategyPrograms {
  select: Program;
  prepass: Program | null;
  /** The struct S of the strategy's uniforms, or null. */
  uniforms: UniformStruct | null;
}

/**
 * The selection program (select.wgsl + the strategy's file) and any prepass of a strategy, from
 * its GPU descriptor. Pipelines are cached per device by name + constants ('select:topk|SCORE=1,…').
 */
export function strategyPrograms(def: StrategyDefinition, L: number, V: number, opts: { logits: boolean }): StrategyPrograms {
  const gpu = def.gpu;
  if (!gpu) throw new GpuUnsupportedError(`strategy ${def.id} has no GPU kernel (its module declares no GPU descriptor); it runs on the CPU engine`);
  return once(`strategy|${def.id}|${L}|${V}|${opts.logits}`, () => makeStrategyPrograms(def, gpu, L, V, opts));
}

function makeStrategyPrograms(def: StrategyDefinition, gpu: NonNullable<StrategyDefinition['gpu']>, L: number, V: number, opts: { logits: boolean }): StrategyPrograms {
  const uniforms = gpu.uniforms ? new UniformStruct('Strategy', gpu.uniforms) : null;
  const withS = uniforms ? [S] : [];
  const structs = uniforms ? [uniforms] : [];
  const select = program(`select:${gpu.shader}`, L, V, [rankWgsl, selectWgsl, strategyWgsl(gpu.shader)], [...withS, ...SELECT_BINDINGS], {
    constants: { ...gpu.constants, REMASKING: gpu.remasks ? 1 : 0, RULE_STOPS: gpu.stops ? 1 : 0 },
    structs,
  });
  const pre = gpu.prepass;
  const prepass = pre
    ? program(
        pre.shader,
        L,
        V,
        [...(pre.rank ? [rankWgsl] : []), ...(pre.predRow ? [predRowWgsl] : []), strategyWgsl(pre.shader)],
        [...withS, ...pre.bindings],
        { constants: pre.predRow ? { LOGITS: opts.logits ? 1 : 0 } : {}, structs },
      )
    : null;
  return { select, prepass, uniforms };
}
