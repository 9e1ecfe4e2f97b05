// Oracle, support path, leave-one-out rows (twin: distribution.ts leaveOneOut, i.e. condition()
// of the canvas with position i masked, weightsAt(i)). One thread per (support member, revealed
// position i): the member's mismatch count without position i is mis - [member_i != canvas_i].
// Pass 1 (HIST = false) keeps the fewest per (sequence, i) with atomicMin (the nearest members:
// with a consistent canvas, the members that agree with every revealed token but possibly i);
// pass 2 (HIST = true) adds the weight of every nearest member to its token's bin of row i.
// Row i of `hist` is free for this: the oracle's own rows are read at masked positions only.
// Rows and minima were reset by oracle_init (LOO).
override WG: u32 = 64u;
override HIST: bool;
// Bindings: src/gpu/kernels.ts (oracleLooMin, oracleLooHist).

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = linear_index(gid, nwg, WG);
  let m = idx / L;
  let i = idx % L;
  if (m >= P.total_members) { return; }
  let b = member_seq[m];
  let c = canvas[b * L + i];
  if (state[b * ST_STRIDE + ST_DONE] != 0u || c == MASK_ID) { return; }
  let tok = (members[m * P.member_words + i / 4u] >> (8u * (i % 4u))) & 0xffu;
  let d = mis[m] - select(0u, 1u, u32(c) != tok);
  if (!HIST) {
    atomicMin(&loo_min[b * L + i], d);
  } else if (d == atomicLoad(&loo_min[b * L + i])) {
    atomicAdd(&hist[(b * L + i) * V + tok], member_weight[m]);
  }
}
