// RCR, running-confidence remasking (twin: src/engine/strategies/rcr.ts). Block step i of
// S = S.steps keeps c = N − ⌊N(S − i − 1)/S⌋ (linear, integers) or N − ⌊N · sched[2i]⌋ (cosine:
// the host's float32 γ, one float32 product), c = N at the last step, where N is the block's
// mask count at its start. The pool is every candidate (filled now, confidence of this step)
// and every block token RCR filled before (its confidence then, kept in aux as f32 bits; NEVER =
// not filled by RCR). The c most confident of the pool stay (ties to the lower position): new
// ones are revealed, older ones not kept are masked again. Ranked by position, as the CPU
// reports reveals in position order; the trace score is the confidence.
fn strategy_score(b: u32, i: u32, sample: u32, step: u32) -> vec2<f32> {
  return vec2<f32>(-f32(i), stat(b, i, SS_CONF));
}

fn rcr_in_pool(b: u32, p: u32) -> bool {
  return is_cand[p] != 0u || (canvas[b * L + p] != MASK_ID && aux[b * L + p] != 0xffffffffu);
}

fn rcr_conf(b: u32, p: u32) -> f32 {
  if (is_cand[p] != 0u) { return stat(b, p, SS_CONF); }
  return bitcast<f32>(aux[b * L + p]);
}

fn strategy_rule(b: u32, sample: u32, step: u32, start: u32, end: u32, M: u32) -> u32 {
  let so = b * ST_STRIDE;
  let N = state[so + ST_MASKED_AT_START];
  let i = state[so + ST_BLOCK_STEP];
  let steps = S.steps;
  var keep = N;
  if (i + 1u < steps) {
    if (S.cosine != 0u) {
      keep = N - u32(floor(f32(N) * sched[2u * i]));
    } else {
      keep = N - (N * (steps - i - 1u)) / steps;
    }
  }
  for (var p = start; p < end; p++) {
    if (!rcr_in_pool(b, p)) { continue; }
    let c = rcr_conf(b, p);
    var rank = 0u;
    for (var q = start; q < end; q++) {
      if (q != p && rcr_in_pool(b, q)) {
        let d = rcr_conf(b, q);
        if (d > c || (d == c && q < p)) { rank++; }
      }
    }
    if (rank < keep) {
      if (is_cand[p] != 0u) { chosen[p] = 1u; }
    } else if (is_cand[p] == 0u) {
      remasked[p] = 1u;
    }
  }
  // Record the fill confidences only now: the ranking above reads the old ones.
  for (var p = start; p < end; p++) {
    if (chosen[p] != 0u) { aux[b * L + p] = bitcast<u32>(stat(b, p, SS_CONF)); }
    if (remasked[p] != 0u) { aux[b * L + p] = 0xffffffffu; }
  }
  return 0u;
}
