// Oracle, support path, pass 2 of 3 (twin: SupportDistribution.mismatches / condition):
// one thread per support member counts the revealed positions where it disagrees with its
// sequence's canvas, and atomicMin keeps the fewest per sequence (the nearest members).
override WG: u32 = 64u;
// Bindings: src/gpu/kernels.ts (oracle_mismatch).

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let m = linear_index(gid, nwg, WG);
  if (m >= P.total_members) { return; }
  let b = member_seq[m];
  if (state[b * ST_STRIDE + ST_DONE] != 0u) { return; }
  var d = 0u;
  for (var i = 0u; i < L; i++) {
    let t = canvas[b * L + i];
    let tok = (members[m * P.member_words + i / 4u] >> (8u * (i % 4u))) & 0xffu;
    if (t != MASK_ID && u32(t) != tok) { d++; }
  }
  mis[m] = d;
  atomicMin(&min_mis[b], d);
}
