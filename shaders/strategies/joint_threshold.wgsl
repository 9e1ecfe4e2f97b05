// LLaDA 2.1's joint threshold with edits (twin: src/engine/strategies/joint-threshold.ts).
// Mask to token: the most confident candidate and every other one strictly above S.threshold.
// Token to token, in the same step: every revealed position whose leave-one-out best token
// (loo_stats.wgsl: SS_LOO_BEST, the current token unless another is strictly more probable)
// differs from its token with probability strictly above S.edit_threshold is rewritten. With no
// mask left, edit-only passes, counted in aux[b]: the decode ends after S.post_edit_steps of them
// or at the first pass that changes nothing (rule_done).
fn strategy_score(b: u32, i: u32, sample: u32, step: u32) -> vec2<f32> {
  let s = stat(b, i, SS_CONF);
  return vec2<f32>(s, s);
}

fn strategy_rule(b: u32, sample: u32, step: u32, start: u32, end: u32, M: u32) -> u32 {
  var n = 0u;
  if (M == 0u) {
    aux[b] = aux[b] + 1u;
    if (aux[b] > S.post_edit_steps) {
      rule_done = true;
      return 0u;
    }
  } else {
    n = 1u;
    for (var r = 1u; r < M; r++) {
      if (above(b, sorted[r], S.threshold)) { chosen[sorted[r]] = 1u; }
    }
  }
  var edits = 0u;
  for (var i = 0u; i < L; i++) {
    let cur = canvas[b * L + i];
    if (cur == MASK_ID) { continue; }
    let best = bitcast<u32>(stat(b, i, SS_LOO_BEST));
    if (best != u32(cur) && stat(b, i, SS_LOO_P_BEST) > S.edit_threshold) {
      edit_token(b, i, best, step);
      edits++;
    }
  }
  if (M == 0u && edits == 0u) { rule_done = true; }
  return n;
}
