// EB-sampler (twin: src/engine/strategies/eb.ts): candidates by entropy, lowest first; the
// longest prefix whose entropy sum minus its largest entropy stays within S.gamma, at least one.
fn strategy_score(b: u32, i: u32, sample: u32, step: u32) -> vec2<f32> {
  let s = -stat(b, i, SS_ENTROPY);
  return vec2<f32>(s, s);
}

fn strategy_rule(b: u32, sample: u32, step: u32, start: u32, end: u32, M: u32) -> u32 {
  var sum = 0.0;
  var count = 0u;
  for (var r = 0u; r < M; r++) {
    let e = stat(b, sorted[r], SS_ENTROPY);
    sum = sum + e;
    if (count > 0u && sum - e > S.gamma) { break; }
    count++;
  }
  return max(1u, count);
}
