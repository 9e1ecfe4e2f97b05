// DUS, dilated unmasking (twin: src/engine/strategies/dus.ts): round t = block step + 1 of a
// block of B positions reveals the masks whose in-block offset is a multiple of
// s_t = ceil(B / base^t) (at least 1), all masks when none is. Ranked by position (the CPU
// reveals in position order); the trace score is the confidence, as on the CPU.
fn strategy_score(b: u32, i: u32, sample: u32, step: u32) -> vec2<f32> {
  return vec2<f32>(-f32(i), stat(b, i, SS_CONF));
}

fn strategy_rule(b: u32, sample: u32, step: u32, start: u32, end: u32, M: u32) -> u32 {
  let B = end - start;
  let t = state[b * ST_STRIDE + ST_BLOCK_STEP] + 1u;
  // base^t, stopping once it reaches B (the stride is then 1): no overflow for any t.
  var d = 1u;
  for (var r = 0u; r < t && d < B; r++) { d = d * S.base; }
  let stride = max(1u, (B + d - 1u) / d);
  var any = false;
  for (var i = start; i < end; i++) {
    if (is_cand[i] != 0u && (i - start) % stride == 0u) { chosen[i] = 1u; any = true; }
  }
  return select(M, 0u, any);
}
