// Oracle, support path, pass 3 of 3 (twin: SupportConditional.weightsAt): every nearest member
// adds its integer weight to its token's bin at every position, with u32 atomics, so the
// histogram is exactly the CPU's weights (totals stay below 2^24). Masked positions only.
override WG: u32 = 64u;
// Bindings: src/gpu/kernels.ts (oracle_hist).

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let m = linear_index(gid, nwg, WG);
  if (m >= P.total_members) { return; }
  let b = member_seq[m];
  if (state[b * ST_STRIDE + ST_DONE] != 0u || mis[m] != min_mis[b]) { return; }
  let w = member_weight[m];
  for (var i = 0u; i < L; i++) {
    if (canvas[b * L + i] != MASK_ID) { continue; } // only masked rows are read later
    let tok = (members[m * P.member_words + i / 4u] >> (8u * (i % 4u))) & 0xffu;
    atomicAdd(&hist[(b * L + i) * V + tok], w);
  }
}
