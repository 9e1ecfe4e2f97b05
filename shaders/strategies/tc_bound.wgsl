// tc-bound's selection (twin: src/engine/strategies/tc-bound.ts): its prepass
// (tc_bound_count.wgsl) left in aux[b] how many of the candidates ranked by confidence (ties to
// the lower position, the same ranking) to reveal.
fn strategy_score(b: u32, i: u32, sample: u32, step: u32) -> vec2<f32> {
  let s = stat(b, i, SS_CONF);
  return vec2<f32>(s, s);
}

fn strategy_rule(b: u32, sample: u32, step: u32, start: u32, end: u32, M: u32) -> u32 {
  return aux[b];
}
