// Pairwise mutual information (bits) between masked positions i < j of one step (twins:
// decode.ts pairwiseMI and the Conditionals' mutualInformation), one thread per pair:
// H(i) + H(j) - H(i, j) over the kept support members, or the permutation closed form
// log2(m / (m - 1)) between two masked slots. Step-through sizes (O(members^2) per pair).
override WG: u32 = 64u;
// Bindings: src/gpu/kernels.ts (theory_pairs).

fn support_mi(b: u32, i: u32, j: u32) -> f32 {
  let off = info[b * INFO_STRIDE + INFO_MEMBER_OFFSET];
  let cnt = info[b * INFO_STRIDE + INFO_MEMBER_COUNT];
  let best = min_mis[b];
  var t = 0u; // every row has the same total (row i is masked, so filled)
  for (var v = 0u; v < V; v++) { t += hist[(b * L + i) * V + v]; }
  let ft = f32(t);
  var a = 0.0;
  for (var m = off; m < off + cnt; m++) {
    if (mis[m] != best) { continue; }
    let ti = tok(m, i);
    let tj = tok(m, j);
    var first = true;
    for (var m2 = off; m2 < m; m2++) {
      if (mis[m2] == best && tok(m2, i) == ti && tok(m2, j) == tj) { first = false; break; }
    }
    if (!first) { continue; }
    var g = 0u;
    for (var m2 = m; m2 < off + cnt; m2++) {
      if (mis[m2] == best && tok(m2, i) == ti && tok(m2, j) == tj) { g += member_weight[m2]; }
    }
    a = a + f32(g) * ln_f32(f32(g));
  }
  let hij = max(0.0, (ln_f32(ft) - a / ft) / LN2);
  return max(0.0, row_entropy((b * L + i) * V, ft) + row_entropy((b * L + j) * V, ft) - hij);
}

fn perm_mi(b: u32, i: u32, j: u32) -> f32 {
  let base = b * 3u * L;
  if (perm[base + i] == 0 || perm[base + j] == 0) { return 0.0; }
  let n = info[b * INFO_STRIDE + INFO_ITEMS];
  var m = 0u;
  for (var k = 0u; k < n; k++) {
    let t = perm[base + 2u * L + k];
    var used = false;
    for (var q = 0u; q < L; q++) {
      if (perm[base + q] != 0 && canvas_prev[b * L + q] == t) { used = true; }
    }
    if (!used) { m++; }
  }
  if (m == 0u) { m = n; }
  if (m < 2u) { return 0.0; }
  return (ln_f32(f32(m)) - ln_f32(f32(m - 1u))) / LN2;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = linear_index(gid, nwg, WG);
  let b = idx / (L * L);
  let i = (idx / L) % L;
  let j = idx % L;
  if (b >= P.batch) { return; }
  var v = 0.0;
  if (i != j && canvas_prev[b * L + i] == MASK_ID && canvas_prev[b * L + j] == MASK_ID) {
    let lo = min(i, j);
    let hi = max(i, j);
    if (info[b * INFO_STRIDE + INFO_KIND] == 1u) { v = perm_mi(b, lo, hi); } else { v = support_mi(b, lo, hi); }
  }
  mi[idx] = v;
}
