// dInfer's hierarchical threshold (twin: src/engine/strategies/dinfer-hierarchy.ts): ranked by
// confidence. If the most confident mask is not at or above S.threshold_low, only it is revealed.
// Otherwise each contiguous run of masks in the block reveals its most confident position (the
// leftmost on ties) when strictly above S.threshold_low, and every mask strictly above
// S.threshold is revealed; nothing chosen (a maximum exactly at the low threshold): the top one.
fn strategy_score(b: u32, i: u32, sample: u32, step: u32) -> vec2<f32> {
  let s = stat(b, i, SS_CONF);
  return vec2<f32>(s, s);
}

fn strategy_rule(b: u32, sample: u32, step: u32, start: u32, end: u32, M: u32) -> u32 {
  let top = sorted[0];
  if (!(stat(b, top, SS_CONF_W) >= S.threshold_low * stat(b, top, SS_SUM_W))) { return 1u; }
  var any = false;
  var best = L; // L = no run open
  for (var i = start; i < end; i++) {
    if (is_cand[i] != 0u) {
      if (best == L || stat(b, i, SS_CONF) > stat(b, best, SS_CONF)) { best = i; }
      if (above(b, i, S.threshold)) { chosen[i] = 1u; any = true; }
    }
    // A run ends at the block's end or before a position that is not a candidate.
    if (best != L && (i + 1u == end || is_cand[i + 1u] == 0u)) {
      if (above(b, best, S.threshold_low)) { chosen[best] = 1u; any = true; }
      best = L;
    }
  }
  return select(1u, 0u, any);
}
