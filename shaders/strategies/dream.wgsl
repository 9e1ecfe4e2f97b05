// Dream's rules (twin: src/engine/strategies/dream.ts). sched[2 step] = 1 - t(step+1)/t(step),
// computed on the host as the CPU does; the last step reveals every candidate.
//  SCORE 0 (origin): each candidate revealed independently with that probability;
//  SCORE 1-3 (confidence, margin, -entropy): floor(M × fraction) by score, with S.alg_temp > 0
//   drawn from softmax(score / alg_temp) without replacement (top-k of score / T + Gumbel).
override SCORE: u32;

fn strategy_score(b: u32, i: u32, sample: u32, step: u32) -> vec2<f32> {
  var s = stat(b, i, SS_CONF);
  switch (SCORE) {
    case 0u: { s = -f32(i); }
    case 2u: { s = stat(b, i, SS_MARGIN); }
    case 3u: { s = -stat(b, i, SS_ENTROPY); }
    default: {}
  }
  var key = s;
  if (SCORE != 0u && S.alg_temp > 0.0) {
    key = s / S.alg_temp + gumbel(open_unit(random_u32(P.seed, sample, step, i, PURPOSE_POSITION_NOISE, 0u)));
  }
  return vec2<f32>(key, s);
}

fn strategy_rule(b: u32, sample: u32, step: u32, start: u32, end: u32, M: u32) -> u32 {
  if (step + 1u >= P.sched_steps) { return M; }
  if (SCORE != 0u) { return u32(floor(f32(M) * sched[2u * step])); }
  let p = sched[2u * step];
  for (var i = start; i < end; i++) {
    if (is_cand[i] != 0u && unit24(random_u32(P.seed, sample, step, i, PURPOSE_DREAM_REVEAL, 0u)) < p) { chosen[i] = 1u; }
  }
  return 0u;
}
