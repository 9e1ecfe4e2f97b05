// Leave-one-out statistics of every revealed position (twin: the CPU rules' reads of
// StepView.loo, i.e. stats.ts rowProbabilities of the leave-one-out row). One thread per revealed
// position; its row of `pred` holds its leave-one-out row (oracle_loo.wgsl / oracle_perm.wgsl, or
// their noisy logits). It writes into that position's statistics row, unused at revealed
// positions otherwise (layout SS_LOO_* in decode_common.wgsl):
//   p of the current token, the best token (the current one unless another is strictly more
//   probable; the lowest such token id first, as the CPU's scan `row[v] > row[best]`) and its p.
override WG: u32 = 64u;
// Bindings: src/gpu/kernels.ts (looStats).

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = linear_index(gid, nwg, WG);
  let b = idx / L;
  if (b >= P.batch || state[b * ST_STRIDE + ST_DONE] != 0u || canvas[idx] == MASK_ID) { return; }
  let cur = u32(canvas[idx]);
  let row = idx * V;
  let m = row_max(row);
  var s = 0.0;
  for (var v = 0u; v < V; v++) { s = s + weight_at(row, v, m); }
  let p_cur = weight_at(row, cur, m) / s;
  var best = cur;
  var p_best = p_cur;
  for (var v = 0u; v < V; v++) {
    let p = weight_at(row, v, m) / s;
    if (p > p_best) {
      best = v;
      p_best = p;
    }
  }
  let o = idx * SS_STRIDE;
  stats[o + SS_LOO_BEST] = bitcast<f32>(best);
  stats[o + SS_LOO_P] = p_cur;
  stats[o + SS_LOO_P_BEST] = p_best;
  stats[o + SS_CONF_W] = weight_at(row, cur, m);
  stats[o + SS_SUM_W] = s;
}
