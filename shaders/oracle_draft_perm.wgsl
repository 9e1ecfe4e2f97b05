// Draft verification rows, closed-form permutation path (twin: PermutationDistribution.condition
// of the canvas with the draft prefix revealed, weightsAt): at the k-th drafted position (k >= 1)
// a slot is uniform over the items used neither by a revealed slot nor by x0 at a drafted slot
// before it (all items when none is left, as the CPU), weight 1 each; any other position holds
// its fixed token with weight m = that count. One thread writes one whole row.
override WG: u32 = 64u;
// Bindings: src/gpu/kernels.ts (draftPerm).

// Whether t is taken, for the drafted position i: by a revealed slot or a drafted slot before i.
fn item_taken(b: u32, t: u32, i: u32) -> bool {
  for (var q = 0u; q < L; q++) {
    if (perm[b * 3u * L + q] == 0) { continue; }
    let c = canvas[b * L + q];
    if (c != MASK_ID && u32(c) == t) { return true; }
    let dt = draft_tok[b * L + q];
    if (q < i && dt != DRAFT_NONE && (dt & DRAFT_TOKEN) == t) { return true; }
  }
  return false;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = linear_index(gid, nwg, WG);
  let b = idx / L;
  let i = idx % L;
  if (b >= P.batch) { return; }
  if (info[b * INFO_STRIDE + INFO_KIND] != 1u || state[b * ST_STRIDE + ST_DONE] != 0u) { return; }
  let dt = draft_tok[idx];
  if (dt == DRAFT_NONE || (dt & DRAFT_VERIFIED) == 0u) { return; }
  let n = info[b * INFO_STRIDE + INFO_ITEMS];
  let base = b * 3u * L;
  var m = 0u;
  for (var j = 0u; j < n; j++) {
    if (!item_taken(b, u32(perm[base + 2u * L + j]), i)) { m++; }
  }
  let all_items = m == 0u;
  if (all_items) { m = n; }
  let row = idx * V;
  for (var v = 0u; v < V; v++) { vhist[row + v] = 0u; }
  if (perm[base + i] != 0) {
    for (var j = 0u; j < n; j++) {
      let t = u32(perm[base + 2u * L + j]);
      if (all_items || !item_taken(b, t, i)) { vhist[row + t] = 1u; }
    }
  } else {
    vhist[row + u32(perm[base + L + i])] = m;
  }
}
