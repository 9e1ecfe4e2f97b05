// MaskGIT cosine (twin: src/engine/strategies/maskgit.ts maskgitStep). Per step the host puts
// the anneal T_c(1 - r/R) in sched[2 step] and the cosine keep count in sched[2 step + 1].
fn strategy_score(b: u32, i: u32, sample: u32, step: u32) -> vec2<f32> {
  let anneal = sched[2u * step];
  let key = ln_f32(stat(b, i, SS_CONF)) + anneal * gumbel(open_unit(random_u32(P.seed, sample, step, i, PURPOSE_POSITION_NOISE, 0u)));
  return vec2<f32>(key, key);
}

fn strategy_rule(b: u32, sample: u32, step: u32, start: u32, end: u32, M: u32) -> u32 {
  if (step + 1u >= P.sched_steps) { return M; }
  let keep = min(max(i32(sched[2u * step + 1u]), 1), i32(M) - 1);
  return u32(max(1, i32(M) - keep));
}
