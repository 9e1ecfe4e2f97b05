// Shared by the decode kernels. L (canvas length) and V (vocabulary) are override constants
// so that loops over them unroll-or-not as the compiler likes and arrays size.

override L: u32;
override V: u32;

const MASK_ID: i32 = 0;

// struct Params (the per-call uniform P) is generated from DECODE_PARAMS in src/gpu/kernels.ts.

// The layout constants ST_*, INFO_*, SS_*, SS_LOO_*, RV_* and RV_EDIT are generated from ST, INFO,
// SS, SS_LOO, RV and RV_EDIT in src/gpu/kernels.ts (LAYOUT_WGSL) and prepended to every decode program.

// Per-position draft record of a draft-verifying decode (oracle_draft_init.wgsl): DRAFT_NONE,
// or the drafted position's x0 (low 8 bits) | DRAFT_VERIFIED when its row is verified (k >= 1).
const DRAFT_NONE: u32 = 0xffffffffu;
const DRAFT_VERIFIED: u32 = 0x100u;
const DRAFT_TOKEN: u32 = 0xffu;

fn linear_index(gid: vec3<u32>, nwg: vec3<u32>, wg: u32) -> u32 {
  return gid.x + gid.y * nwg.x * wg;
}
