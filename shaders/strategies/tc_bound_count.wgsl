// tc-bound's set size (twin: strategies/tc-bound.ts TC_BOUND.select), its prepass. Runs after the
// statistics and before select.wgsl, one workgroup per sequence, and writes n = how many of the
// ranked candidates to reveal into aux[b]; select.wgsl with tc_bound.wgsl then reveals the first n of the
// very same ranking (confidence, ties to the lower position) and commits them. The CPU stops at
// the first candidate that fails, so the chosen set is always a prefix of that ranking.
//
// The CPU computes C(S ∪ {p}) = Σ H(single) − H(S ∪ {p}) from scratch in f64. Here the set is
// grown with the chain rule C(S ∪ {p}) = C(S) + I(X_S; X_p), which f32 can do well:
//  * Support path: the nearest members (fewest mismatches, as oracle_mismatch.wgsl counted them
//    this step) are grouped by their projection on S; each group is labelled by its first member
//    and refined by the token at p when p is accepted. With n = weight of (group, token), G = the
//    group's weight, w = the token's marginal weight and T the total,
//      I = (1/T) Σ_members w_m log2(n T / (G w)),
//    which is exactly 0 when n T = G w for every member (checked in exact 64-bit integers, so
//    independence never depends on rounding) and otherwise a sum of well-conditioned log ratios
//    (relative error ~1e-6), unlike a difference of f32 entropies.
//  * Permutation path (closed form): with m unused items and j masked slots already in S,
//    adding a masked slot adds log2(m / (m − j)) (0 when j = 0); any other position adds 0.
// Decision: reject p iff the increment is a dependence (nonzero in exact arithmetic) and
//   C(S) + max(I, DEP_FLOOR) > S.epsilon + min(S.epsilon, 1e-5 max(1, S.epsilon)),
// where the host sets S.epsilon = f32(ε + TC_SLACK), the CPU's own threshold. Why each part:
//  * Independent increments are accepted at every ε: the CPU's f64 difference of entropies is
//    then ~1e-15 <= 1e-12.
//  * The tolerance (1e-5 bits, relative above 1 bit, at most ε) covers the f32 error of C
//    (~1e-6 bits on these sizes) so that exact ties are accepted as on the CPU: C takes round
//    values such as 1 or 2 bits on these tasks, so C = ε happens, and f32 may land an ulp above.
//  * At ε = 0 the tolerance is ~1e-12 and DEP_FLOOR (above it) makes any dependence fail, as on
//    the CPU (f32 may round a tiny I to 0 or below; the CPU keeps it unless C <= 1e-12).
// So GPU and CPU differ only if C lies strictly between ε + 1e-12 and ε + tolerance: a near-tie
// that test/browser/gpu-tcbound.test.ts checks does not occur on its cases.
override WG: u32 = 64u;
const LN2: f32 = 0.6931472;
const DEP_FLOOR: f32 = 1e-11;

// Bindings: listed in tc-bound.ts (its prepass). aux: [0, batch): n per sequence (read by
// tc_bound.wgsl); then 4 words per support member (global index m): its group label, its refined
// label, and the weights of the groups it labels before and after refinement. Storage, not
// workgroup memory: supports have up to a few thousand members.

var<workgroup> marg: array<atomic<u32>, V>;
var<workgroup> part: array<f32, WG>;
var<workgroup> sh_first: u32;
var<workgroup> sh_kind: u32;
var<workgroup> sh_m: u32;
var<workgroup> sh_go: u32;
var<workgroup> sh_best: atomic<u32>;
var<workgroup> sh_total: atomic<u32>;
var<workgroup> sh_dep: atomic<u32>;

fn tok(m: u32, i: u32) -> u32 {
  return (members[m * P.member_words + i / 4u] >> (8u * (i % 4u))) & 0xffu;
}

fn label_at(m: u32) -> u32 { return P.batch + 4u * m; }
fn refined_at(m: u32) -> u32 { return P.batch + 4u * m + 1u; }
fn group_w_at(m: u32) -> u32 { return P.batch + 4u * m + 2u; }
fn refined_w_at(m: u32) -> u32 { return P.batch + 4u * m + 3u; }

// The f32 threshold C(S) is compared with (see the decision rule above).
fn limit() -> f32 {
  return S.epsilon + min(S.epsilon, 1e-5 * max(1.0, S.epsilon));
}

fn is_slot(b: u32, i: u32) -> bool {
  return perm[b * 3u * L + i] != 0;
}

// Permutation closed form, sequential (a canvas has at most L <= 32 candidates): the count of
// ranked candidates to reveal.
fn perm_count(b: u32, M: u32) -> u32 {
  let n = info[b * INFO_STRIDE + INFO_ITEMS];
  let base = b * 3u * L;
  // m = items not revealed at any slot; all of them after an invalid reveal used every item
  // (PermutationDistribution.condition).
  var m = 0u;
  for (var k = 0u; k < n; k++) {
    let t = perm[base + 2u * L + k];
    var used = false;
    for (var q = 0u; q < L; q++) {
      if (is_slot(b, q) && canvas[b * L + q] == t) { used = true; }
    }
    if (!used) { m++; }
  }
  if (m == 0u) { m = n; }
  var j = select(0u, 1u, is_slot(b, sorted[0]));
  var tc = 0.0;
  var count = 1u;
  for (var r = 1u; r < M; r++) {
    let p = sorted[r];
    if (is_slot(b, p)) {
      if (j > 0u) {
        let inc = max(ln_f32(f32(m) / f32(max(m - min(j, m), 1u))) / LN2, DEP_FLOOR);
        if (tc + inc > limit()) { break; }
        tc = tc + inc;
      }
      j++;
    }
    count++;
  }
  return count;
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid3: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let lid = lid3.x;
  let b = wid.x + wid.y * nwg.x;
  if (b >= P.batch) { return; }

  // 1. The block: that of the first masked position (as select.wgsl; tc-bound never remasks,
  // so a sequence with nothing masked is done and select.wgsl ignores it).
  if (lid == 0u) {
    var first = L;
    for (var i = 0u; i < L; i++) {
      if (canvas[b * L + i] == MASK_ID) { first = i; break; }
    }
    sh_first = first;
    sh_kind = info[b * INFO_STRIDE + INFO_KIND];
    atomicStore(&sh_best, 0xffffffffu);
    atomicStore(&sh_total, 0u);
  }
  let first = workgroupUniformLoad(&sh_first);
  if (first == L) { return; }
  let start = (first / P.block_length) * P.block_length;
  let end = min(L, start + P.block_length);

  // 2. Rank the candidates by confidence, ties to the lower position (rank.wgsl, as select.wgsl).
  for (var i = lid; i < L; i += WG) {
    let c = i >= start && i < end && canvas[b * L + i] == MASK_ID;
    is_cand[i] = select(0u, 1u, c);
    if (c) { score[i] = stats[(b * L + i) * SS_STRIDE + SS_CONF]; }
  }
  workgroupBarrier();
  rank_candidates(lid);
  workgroupBarrier();
  if (lid == 0u) {
    var M = 0u;
    for (var i = 0u; i < L; i++) { M += is_cand[i]; }
    sh_m = M;
  }
  let M = workgroupUniformLoad(&sh_m);
  if (workgroupUniformLoad(&sh_kind) == 1u) {
    if (lid == 0u) { atomicStore(&aux[b], perm_count(b, M)); }
    return;
  }

  // 3. Support path: the nearest members, their total weight T, one group to start with.
  let off = info[b * INFO_STRIDE + INFO_MEMBER_OFFSET];
  let cnt = info[b * INFO_STRIDE + INFO_MEMBER_COUNT];
  for (var m = off + lid; m < off + cnt; m += WG) { atomicMin(&sh_best, mis[m]); }
  workgroupBarrier();
  let best = atomicLoad(&sh_best);
  for (var m = off + lid; m < off + cnt; m += WG) {
    if (mis[m] == best) {
      atomicAdd(&sh_total, member_weight[m]);
      atomicStore(&aux[label_at(m)], off);
    }
  }
  workgroupBarrier();
  let total = atomicLoad(&sh_total);
  let ft = f32(total);

  // 4. Grow S along the ranking: r = 0 only groups the members by their token at the top
  // candidate (always revealed); each later r measures I(X_S; X_p) and stops at the first reject.
  var tc = 0.0;   // thread 0's running C(S), bits
  var count = 0u; // thread 0's accepted count
  for (var r = 0u; r < M; r++) {
    let p = sorted[r];
    for (var m = off + lid; m < off + cnt; m += WG) {
      atomicStore(&aux[group_w_at(m)], 0u);
      atomicStore(&aux[refined_w_at(m)], 0u);
    }
    for (var v = lid; v < V; v += WG) { atomicStore(&marg[v], 0u); }
    if (lid == 0u) { atomicStore(&sh_dep, 0u); }
    storageBarrier();
    workgroupBarrier();
    // Refine: a member's new label is the first nearest member with its label and its token at
    // p (labels are first members, so the scan starts there and stops at the first match).
    for (var m = off + lid; m < off + cnt; m += WG) {
      if (mis[m] != best) { continue; }
      let g = atomicLoad(&aux[label_at(m)]);
      let t = tok(m, p);
      var rep = m;
      for (var m2 = g; m2 < m; m2++) {
        if (mis[m2] == best && atomicLoad(&aux[label_at(m2)]) == g && tok(m2, p) == t) {
          rep = m2;
          break;
        }
      }
      atomicStore(&aux[refined_at(m)], rep);
      let w = member_weight[m];
      atomicAdd(&aux[refined_w_at(rep)], w);
      atomicAdd(&aux[group_w_at(g)], w);
      atomicAdd(&marg[t], w);
    }
    storageBarrier();
    workgroupBarrier();
    var a = 0.0;
    var dep = false;
    for (var m = off + lid; m < off + cnt; m += WG) {
      if (mis[m] != best) { continue; }
      let n = atomicLoad(&aux[refined_w_at(atomicLoad(&aux[refined_at(m)]))]);
      let gw = atomicLoad(&aux[group_w_at(atomicLoad(&aux[label_at(m)]))]);
      let wv = atomicLoad(&marg[tok(m, p)]);
      // n T == G w in exact 64-bit products: independent members contribute exactly nothing.
      if (any(philox_mulhilo(n, total) != philox_mulhilo(gw, wv))) {
        dep = true;
        a = a + f32(member_weight[m]) * ln_f32((f32(n) * ft) / (f32(gw) * f32(wv)));
      }
    }
    part[lid] = a;
    if (dep) { atomicOr(&sh_dep, 1u); }
    workgroupBarrier();
    if (lid == 0u) {
      var go = true;
      if (r > 0u && atomicLoad(&sh_dep) != 0u) {
        var s = 0.0;
        for (var k = 0u; k < WG; k++) { s = s + part[k]; } // fixed order: deterministic
        let inc = max(s / (ft * LN2), DEP_FLOOR);
        if (tc + inc > limit()) { go = false; } else { tc = tc + inc; }
      }
      if (go) { count++; }
      sh_go = select(0u, 1u, go);
    }
    if (workgroupUniformLoad(&sh_go) == 0u) { break; }
    for (var m = off + lid; m < off + cnt; m += WG) {
      if (mis[m] == best) { atomicStore(&aux[label_at(m)], atomicLoad(&aux[refined_at(m)])); }
    }
    storageBarrier();
  }
  if (lid == 0u) { atomicStore(&aux[b], max(count, 1u)); }
}
