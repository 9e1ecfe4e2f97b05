// Oracle, support path, pass 1 of 3: zero the histogram rows of masked positions and reset the
// sequence's minimum mismatch count (one thread per row, so the whole step stays in one pass).
// Rows of revealed positions are left stale: no later kernel reads them, unless the decode
// verifies (LOO): then they are reset for their leave-one-out rows (oracle_loo.wgsl).
override WG: u32 = 64u;
override LOO: bool = false;
// Bindings: src/gpu/kernels.ts (oracle_init).

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = linear_index(gid, nwg, WG);
  let b = idx / L;
  if (b >= P.batch || state[b * ST_STRIDE + ST_DONE] != 0u) { return; }
  if (idx % L == 0u) { min_mis[b] = 0xffffffffu; }
  if (canvas[idx] != MASK_ID) {
    if (!LOO) { return; }
    loo_min[idx] = 0xffffffffu;
  }
  for (var v = 0u; v < V; v++) { hist[idx * V + v] = 0u; }
}
