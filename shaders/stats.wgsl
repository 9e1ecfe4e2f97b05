// Fused per-position statistics over the vocabulary (twin: src/engine/stats.ts computeStats),
// one thread per masked position, every operation in the same order and f32 rounding as the
// twin. Integer oracle weights make the statistics exact: ln of a weight comes from a table of
// the CPU's own f32 logs (ln_table), so even the entropy matches bit for bit. Logit rows
// (noise) use exp and ln_f32 and agree within a few ulp.
override WG: u32 = 64u;
// Bindings: src/gpu/kernels.ts (stats).

fn ln_weight(x: f32) -> f32 {
  if (!LOGITS && x < f32(P.log_table_size)) { return ln_table[u32(x)]; }
  return ln_f32(x);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = linear_index(gid, nwg, WG);
  let b = idx / L;
  let i = idx % L;
  if (b >= P.batch || state[b * ST_STRIDE + ST_DONE] != 0u || canvas[idx] != MASK_ID) { return; }
  let sample = info[b * INFO_STRIDE + INFO_SAMPLE];
  let step = state[b * ST_STRIDE + ST_STEP];
  let row = idx * V;
  let m = row_max(row);
  var s = 0.0;
  var w1 = -1.0;
  var w2 = 0.0;
  var a1 = 0u;
  var wlnw = 0.0;
  var has_tie_key = false;
  var tie_key = 0u;
  for (var v = 0u; v < V; v++) {
    let x = weight_at(row, v, m);
    s = s + x;
    if (x > w1) {
      w2 = max(w1, 0.0);
      w1 = x;
      a1 = v;
      has_tie_key = false;
    } else if (x > w2 || (x == w1 && x > 0.0)) {
      w2 = x;
      if (x == w1) {
        // Exact ties go to the tied token with the largest draw (keyed by token id).
        if (!has_tie_key) {
          tie_key = random_u32(P.seed, sample, step, i, PURPOSE_TIE_BREAK, a1);
          has_tie_key = true;
        }
        let key = random_u32(P.seed, sample, step, i, PURPOSE_TIE_BREAK, v);
        if (key > tie_key) {
          tie_key = key;
          a1 = v;
        }
      }
    }
    if (x > 0.0) { wlnw = wlnw + x * ln_weight(x); }
  }
  var x0 = a1;
  if (P.temperature > 0.0) {
    var best = 0.0;
    var have = false;
    // One Philox block holds the draws of 4 consecutive tokens (lane = v & 3, as rng.ts).
    var block = vec4<u32>();
    var cached = 0xffffffffu;
    for (var v = 0u; v < V; v++) {
      let x = weight_at(row, v, m);
      if (x <= 0.0) { continue; }
      if ((v >> 2u) != cached) {
        cached = v >> 2u;
        block = philox4x32(P.seed, 0u, vec4<u32>(sample, step, i, (PURPOSE_GUMBEL << 24u) | cached));
      }
      let g = gumbel(open_unit(block[v & 3u]));
      let key = ln_weight(x) * P.inv_t + g;
      if (!have || key > best) {
        best = key;
        x0 = v;
        have = true;
      }
    }
  }
  let wx0 = weight_at(row, x0, m);
  let o = idx * SS_STRIDE;
  stats[o + SS_X0] = bitcast<f32>(x0);
  stats[o + SS_CONF_W] = wx0;
  stats[o + SS_SUM_W] = s;
  stats[o + SS_CONF] = wx0 / s;
  stats[o + SS_PMAX] = w1 / s;
  stats[o + SS_MARGIN] = (w1 - w2) / s;
  stats[o + SS_ENTROPY] = max(0.0, ln_weight(s) - wlnw / s);
}
