// Shared by the decode kernels: the layouts of the per-sequence buffers (mirrored by ST, INFO,
// SS and RV in src/gpu/kernels.ts). L (canvas length) and V (vocabulary) are override constants
// so that loops over them unroll-or-not as the compiler likes and arrays size.

override L: u32;
override V: u32;

const MASK_ID: i32 = 0;

// struct Params (the per-call uniform P) is generated from DECODE_PARAMS in src/gpu/kernels.ts.

// Per-sequence state (u32 x 8).
const ST_STEP: u32 = 0u;
const ST_DONE: u32 = 1u;
const ST_BLOCK_INDEX: u32 = 2u;
const ST_BLOCK_STEP: u32 = 3u;
const ST_MASKED_AT_START: u32 = 4u;
const ST_REVEALED: u32 = 5u;
const ST_BLOCK_START: u32 = 6u;
const ST_BLOCK_END: u32 = 7u;
const ST_STRIDE: u32 = 8u;

// Per-sequence constant info (u32 x 8).
const INFO_SAMPLE: u32 = 0u;
const INFO_KIND: u32 = 1u;        // 0 = finite support, 1 = closed-form permutation
const INFO_ITEMS: u32 = 2u;       // permutation: number of items
const INFO_MEMBER_OFFSET: u32 = 3u; // support: first member and member count
const INFO_MEMBER_COUNT: u32 = 4u;
const INFO_STRIDE: u32 = 8u;

// Per-position statistics (f32 x 8); x0 is stored as its bits.
const SS_X0: u32 = 0u;
const SS_CONF: u32 = 1u;
const SS_PMAX: u32 = 2u;
const SS_MARGIN: u32 = 3u;
const SS_ENTROPY: u32 = 4u;
const SS_CONF_W: u32 = 5u;
const SS_SUM_W: u32 = 6u;
const SS_STRIDE: u32 = 8u;
// At revealed positions of a leave-one-out decode (loo_stats.wgsl): p(current token | every
// other revealed token), the best token and its p.
const SS_LOO_BEST: u32 = 0u;
const SS_LOO_P: u32 = 1u;
const SS_LOO_P_BEST: u32 = 2u;

// Per-position reveal record (u32 x 4): step (0xffffffff = never), order in the step, score
// and confidence bits.
const RV_STEP: u32 = 0u;
const RV_ORDER: u32 = 1u;
const RV_SCORE: u32 = 2u;
const RV_CONF: u32 = 3u;
const RV_STRIDE: u32 = 4u;
// RV_ORDER of a token-to-token edit (not a reveal: traces list it as edited).
const RV_EDIT: u32 = 0xfffffffeu;

// Per-position draft record of a draft-verifying decode (oracle_draft_init.wgsl): DRAFT_NONE,
// or the drafted position's x0 (low 8 bits) | DRAFT_VERIFIED when its row is verified (k >= 1).
const DRAFT_NONE: u32 = 0xffffffffu;
const DRAFT_VERIFIED: u32 = 0x100u;
const DRAFT_TOKEN: u32 = 0xffu;

fn linear_index(gid: vec3<u32>, nwg: vec3<u32>, wg: u32) -> u32 {
  return gid.x + gid.y * nwg.x * wg;
}
