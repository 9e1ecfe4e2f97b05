// ReMDM (twin: src/engine/strategies/remdm.ts): per step the host puts σ (CONF: the mean σ) in
// sched[2 step] and the unmasking probability in sched[2 step + 1]. Revealed positions are
// remasked with probability σ (CONF: σ_i = min(1, n softmax(-p_at_reveal)_i σ), from the
// confidences at reveal that select.wgsl keeps in aux for remasking rules); masked candidates are
// revealed with the unmasking probability; the last step reveals everything left.
override CONF: bool;

fn strategy_score(b: u32, i: u32, sample: u32, step: u32) -> vec2<f32> {
  return vec2<f32>(-f32(i), stat(b, i, SS_CONF));
}

fn strategy_rule(b: u32, sample: u32, step: u32, start: u32, end: u32, M: u32) -> u32 {
  if (step + 1u >= P.sched_steps) { return M; }
  let sigma = sched[2u * step];
  let unmask_p = sched[2u * step + 1u];
  if (CONF) {
    var lo = 3.4e38;
    var count = 0u;
    for (var i = 0u; i < L; i++) {
      if (canvas[b * L + i] != MASK_ID) { lo = min(lo, bitcast<f32>(aux[b * L + i])); count++; }
    }
    var sum = 0.0;
    for (var i = 0u; i < L; i++) {
      if (canvas[b * L + i] != MASK_ID) { sum = sum + exp(lo - bitcast<f32>(aux[b * L + i])); }
    }
    for (var i = 0u; i < L; i++) {
      if (canvas[b * L + i] != MASK_ID) {
        let x = exp(lo - bitcast<f32>(aux[b * L + i]));
        let sig = min(1.0, (f32(count) * x) / sum * sigma);
        if (unit24(random_u32(P.seed, sample, step, i, PURPOSE_REMASK, 0u)) < sig) { remasked[i] = 1u; }
      }
    }
  } else if (sigma > 0.0) {
    for (var i = 0u; i < L; i++) {
      if (canvas[b * L + i] != MASK_ID && unit24(random_u32(P.seed, sample, step, i, PURPOSE_REMASK, 0u)) < sigma) {
        remasked[i] = 1u;
      }
    }
  }
  for (var i = start; i < end; i++) {
    if (is_cand[i] != 0u && unit24(random_u32(P.seed, sample, step, i, PURPOSE_DREAM_REVEAL, 0u)) < unmask_p) { chosen[i] = 1u; }
  }
  return 0u;
}
