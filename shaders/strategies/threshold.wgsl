// Confidence threshold (twin: src/engine/strategies/threshold.ts): the most confident candidate,
// and every other one whose confidence is strictly above S.threshold.
fn strategy_score(b: u32, i: u32, sample: u32, step: u32) -> vec2<f32> {
  let s = stat(b, i, SS_CONF);
  return vec2<f32>(s, s);
}

fn strategy_rule(b: u32, sample: u32, step: u32, start: u32, end: u32, M: u32) -> u32 {
  for (var r = 1u; r < M; r++) {
    if (above(b, sorted[r], S.threshold)) { chosen[sorted[r]] = 1u; }
  }
  return 1u;
}
