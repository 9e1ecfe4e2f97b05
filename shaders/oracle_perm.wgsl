// Oracle, closed-form permutation path (twin: PermutationConditional.weightsAt): a masked slot
// is uniform over the items not yet revealed (weight 1 each, total m); any other position holds
// its token with weight m. One thread writes one whole row, so no clear is needed. With LOO, a
// revealed position gets its leave-one-out row: the same rule with its own token left out.
override WG: u32 = 64u;
override LOO: bool = false;
// Bindings: src/gpu/kernels.ts (oracle_perm).

// Whether a slot other than `skip` holds t.
fn item_used(b: u32, t: i32, skip: u32) -> bool {
  for (var q = 0u; q < L; q++) {
    if (q != skip && perm[b * 3u * L + q] != 0 && canvas[b * L + q] == t) { return true; }
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
  if (canvas[b * L + i] != MASK_ID && !LOO) { return; } // only masked rows are read later
  // The leave-one-out row of a revealed position: as if it were masked.
  let skip = select(L, i, canvas[b * L + i] != MASK_ID);
  let n = info[b * INFO_STRIDE + INFO_ITEMS];
  let base = b * 3u * L;
  var m = 0u;
  for (var j = 0u; j < n; j++) {
    if (!item_used(b, perm[base + 2u * L + j], skip)) { m++; }
  }
  let all_items = m == 0u; // every item used (an invalid canvas): the CPU falls back to all
  if (all_items) { m = n; }
  let row = (b * L + i) * V;
  for (var v = 0u; v < V; v++) { hist[row + v] = 0u; }
  let c = select(canvas[b * L + i], MASK_ID, skip == i);
  if (c == MASK_ID && perm[base + i] != 0) {
    for (var j = 0u; j < n; j++) {
      let t = perm[base + 2u * L + j];
      if (all_items || !item_used(b, t, skip)) { hist[row + u32(t)] = 1u; }
    }
  } else {
    var t = c;
    if (c == MASK_ID) { t = perm[base + L + i]; }
    hist[row + u32(t)] = m;
  }
}
