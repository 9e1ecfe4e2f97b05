// Confidence factor (twin: src/engine/strategies/factor.ts): the largest n with
// (n + 1)(1 - c(n)) < f over the ranked confidences, at least one; (n+1)(s - w) < f s avoids the
// division, exact for the oracle's integer weights.
fn strategy_score(b: u32, i: u32, sample: u32, step: u32) -> vec2<f32> {
  let s = stat(b, i, SS_CONF);
  return vec2<f32>(s, s);
}

fn strategy_rule(b: u32, sample: u32, step: u32, start: u32, end: u32, M: u32) -> u32 {
  var n = 1u;
  for (var r = 1u; r <= M; r++) {
    let p = sorted[r - 1u];
    let sw = stat(b, p, SS_SUM_W);
    if (f32(r + 1u) * (sw - stat(b, p, SS_CONF_W)) < S.factor * sw) { n = r; }
  }
  return n;
}
