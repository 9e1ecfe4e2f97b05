// Exact theory of one step for an oracle decode (twins: decode.ts totalCorrelation and the
// Conditionals' productValidProbability in distribution.ts), for step-through sizes. S = the
// positions revealed this step (masked in canvas_prev, not masked now). Support path: one
// workgroup per sequence; each kept member (fewest mismatches) that is the first of its
// projection on S adds g ln g of its group's weight g and the product of its tokens' marginals;
// a fixed-order reduction keeps the sums deterministic. Permutation path: closed forms.
// Entropies in bits, f32 (the CPU uses doubles: agreement to about 1e-5 bits).
override WG: u32 = 64u;
// Bindings: src/gpu/kernels.ts (theory_set).

var<workgroup> part_a: array<f32, WG>;
var<workgroup> part_p: array<f32, WG>;
var<workgroup> sh_kind: u32;

fn in_set(b: u32, i: u32) -> bool {
  return canvas_prev[b * L + i] == MASK_ID && canvas[b * L + i] != MASK_ID;
}

fn same_on_set(b: u32, m: u32, m2: u32) -> bool {
  for (var i = 0u; i < L; i++) {
    if (in_set(b, i) && tok(m, i) != tok(m2, i)) { return false; }
  }
  return true;
}

fn log2_falling(m: u32, j: u32) -> f32 {
  var s = 0.0;
  for (var i = 0u; i < j; i++) { s = s + ln_f32(f32(m - i)) / LN2; }
  return s;
}

fn perm_theory(b: u32) {
  let n = info[b * INFO_STRIDE + INFO_ITEMS];
  let base = b * 3u * L;
  var consistent = true;
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
  for (var q = 0u; q < L; q++) {
    let t = canvas_prev[b * L + q];
    if (t == MASK_ID) { continue; }
    if (perm[base + q] != 0) {
      var is_item = false;
      for (var k = 0u; k < n; k++) { if (perm[base + 2u * L + k] == t) { is_item = true; } }
      var repeated = false;
      for (var r = 0u; r < q; r++) { if (perm[base + r] != 0 && canvas_prev[b * L + r] == t) { repeated = true; } }
      if (!is_item || repeated) { consistent = false; }
    } else if (t != perm[base + L + q]) {
      consistent = false;
    }
  }
  var size = 0u;
  var j = 0u;
  for (var q = 0u; q < L; q++) {
    if (in_set(b, q)) {
      size++;
      if (perm[base + q] != 0) { j++; }
    }
  }
  let lm = ln_f32(f32(max(m, 1u))) / LN2;
  let joint = log2_falling(m, j);
  var tc = 0.0;
  if (size >= 2u) { tc = max(0.0, f32(j) * lm - joint); }
  var valid = 1.0;
  if (size > 0u) { valid = select(0.0, exp2(joint - f32(j) * lm), consistent); }
  theory[b * 4u] = tc;
  theory[b * 4u + 1u] = valid;
  theory[b * 4u + 2u] = select(0.0, 1.0, consistent);
  theory[b * 4u + 3u] = f32(size);
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid3: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let lid = lid3.x;
  let b = wid.x;
  if (b >= P.batch) { return; }
  if (lid == 0u) { sh_kind = info[b * INFO_STRIDE + INFO_KIND]; }
  if (workgroupUniformLoad(&sh_kind) == 1u) {
    if (lid == 0u) { perm_theory(b); }
    return;
  }
  let off = info[b * INFO_STRIDE + INFO_MEMBER_OFFSET];
  let cnt = info[b * INFO_STRIDE + INFO_MEMBER_COUNT];
  let best = min_mis[b];
  // Every row has the same total; only masked rows are filled, so read the first masked one.
  var row0 = 0u;
  for (var i = L; i > 0u; i--) {
    if (canvas_prev[b * L + i - 1u] == MASK_ID) { row0 = i - 1u; }
  }
  var t = 0u;
  for (var v = 0u; v < V; v++) { t += hist[(b * L + row0) * V + v]; }
  let ft = f32(t);
  var a = 0.0;
  var p = 0.0;
  for (var m = off + lid; m < off + cnt; m += WG) {
    if (mis[m] != best) { continue; }
    var first = true;
    for (var m2 = off; m2 < m; m2++) {
      if (mis[m2] == best && same_on_set(b, m, m2)) { first = false; break; }
    }
    if (!first) { continue; }
    var g = 0u;
    for (var m2 = m; m2 < off + cnt; m2++) {
      if (mis[m2] == best && same_on_set(b, m, m2)) { g += member_weight[m2]; }
    }
    a = a + f32(g) * ln_f32(f32(g));
    var q = 1.0;
    for (var i = 0u; i < L; i++) {
      if (in_set(b, i)) { q = q * (f32(hist[(b * L + i) * V + tok(m, i)]) / ft); }
    }
    p = p + q;
  }
  part_a[lid] = a;
  part_p[lid] = p;
  workgroupBarrier();
  if (lid == 0u) {
    var sa = 0.0;
    var sp = 0.0;
    for (var k = 0u; k < WG; k++) {
      sa = sa + part_a[k];
      sp = sp + part_p[k];
    }
    var size = 0u;
    var sum_h = 0.0;
    for (var i = 0u; i < L; i++) {
      if (in_set(b, i)) {
        size++;
        sum_h = sum_h + row_entropy((b * L + i) * V, ft);
      }
    }
    let joint = max(0.0, (ln_f32(ft) - sa / ft) / LN2);
    var tc = 0.0;
    if (size >= 2u) { tc = max(0.0, sum_h - joint); }
    let consistent = best == 0u;
    var valid = 1.0;
    if (size > 0u) { valid = select(0.0, sp, consistent); }
    theory[b * 4u] = tc;
    theory[b * 4u + 1u] = valid;
    theory[b * 4u + 2u] = select(0.0, 1.0, consistent);
    theory[b * 4u + 3u] = f32(size);
  }
}
