// Prophet's early commit (twin: src/engine/strategies/prophet.ts). sched[2 step] is the gap the
// stage of step `step` needs (host, from progress = (step + 1) / steps, as the CPU); P.sched_steps
// is the step budget. When the mean over the masks of min(30, ln p1 − ln p2), p2 = pmax − margin
// (30 when p2 is 0), reaches it, every candidate is revealed; else top-k by confidence on
// LLaDA's schedule. The mean is compared as sum ≥ need·n (no division); f32 logs and sums differ
// from the CPU's doubles by ulps, so decisions can differ only at near-exact ties (as MaskGIT's).
fn strategy_score(b: u32, i: u32, sample: u32, step: u32) -> vec2<f32> {
  let s = stat(b, i, SS_CONF);
  return vec2<f32>(s, s);
}

fn prophet_gap(b: u32, i: u32) -> f32 {
  let p1 = stat(b, i, SS_PMAX);
  let p2 = p1 - stat(b, i, SS_MARGIN);
  if (!(p2 > 0.0)) { return 30.0; }
  return min(30.0, ln_f32(p1) - ln_f32(p2));
}

fn strategy_rule(b: u32, sample: u32, step: u32, start: u32, end: u32, M: u32) -> u32 {
  var sum = 0.0;
  var n = 0u;
  for (var i = 0u; i < L; i++) {
    if (canvas[b * L + i] == MASK_ID) { sum = sum + prophet_gap(b, i); n++; }
  }
  if (sum >= sched[2u * step] * f32(n)) { return M; }
  return llada_count(b, P.sched_steps);
}
