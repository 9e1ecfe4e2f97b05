// Draft verification rows (APD's verifier; twin: the rows of apd.ts verifyRows), pass 1: one
// thread per position marks the drafted positions, the first P.draft_rows masked positions of
// its sequence left to right, with their x0 from this step's statistics and whether their row
// is verified (the k-th drafted position, k >= 1, given the canvas plus x0 at drafted positions
// 0..k-1); resets their rows of vhist and their minima draft_min. Runs after stats.wgsl.
override WG: u32 = 64u;
// Bindings: src/gpu/kernels.ts (draftInit).

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = linear_index(gid, nwg, WG);
  let b = idx / L;
  let i = idx % L;
  if (b >= P.batch || state[b * ST_STRIDE + ST_DONE] != 0u) { return; }
  draft_tok[idx] = DRAFT_NONE;
  if (canvas[idx] != MASK_ID) { return; }
  var k = 0u;
  for (var q = 0u; q < i; q++) {
    if (canvas[b * L + q] == MASK_ID) { k++; }
  }
  if (k >= P.draft_rows) { return; }
  let x0 = bitcast<u32>(stats[idx * SS_STRIDE + SS_X0]);
  draft_tok[idx] = x0 | select(0u, DRAFT_VERIFIED, k >= 1u);
  draft_min[idx] = 0xffffffffu;
  for (var v = 0u; v < V; v++) { vhist[idx * V + v] = 0u; }
}
