// SlowFast sampling (twin: src/engine/strategies/slowfast.ts): the CPU instance's per-sequence
// state machine, kept in aux (8 words per sequence, below), run by thread 0. Per block, sub-cycles
// from offset e: 6 slow passes estimate the span end (farthest candidate at or after e with
// confidence ≥ τ_span) and fix it once the last two integer estimates a, b have |a − b| < 2 (sd < 1;
// else, at the 6th pass, ⌊(a + b)/2⌋); then fast passes inside the span until it is full. Every pass
// reveals, in its range, all candidates with confidence ≥ τ_high if more than one, else the most
// confident (ties to the lower position). Ranked by position, as the CPU reports reveals in
// position order (its threshold list is ascending); the trace score is the confidence.
const SF_BLOCK: u32 = 0u;
const SF_OFFSET: u32 = 1u;
const SF_SPAN: u32 = 2u;
const SF_EXPLORE: u32 = 3u;
const SF_FIXED: u32 = 4u;
const SF_COUNT: u32 = 5u;   // estimates so far in this sub-cycle (capped at 2)
const SF_PREV: u32 = 6u;    // the estimate before the last
const SF_LAST: u32 = 7u;
const SF_STRIDE: u32 = 8u;
const SF_EXPLORE_STEPS: u32 = 6u;

fn strategy_score(b: u32, i: u32, sample: u32, step: u32) -> vec2<f32> {
  return vec2<f32>(-f32(i), stat(b, i, SS_CONF));
}

fn sf_new_cycle(o: u32) {
  aux[o + SF_EXPLORE] = 0u;
  aux[o + SF_FIXED] = 0u;
  aux[o + SF_COUNT] = 0u;
}

// The reveal rule of both phases inside [lo, hi_end): sets chosen[].
fn sf_fill(b: u32, lo: u32, hi_end: u32) {
  var hi = 0u;
  var best = hi_end;
  var best_c = 0.0;
  for (var p = lo; p < hi_end; p++) {
    if (is_cand[p] == 0u) { continue; }
    let c = stat(b, p, SS_CONF);
    if (c >= S.high_threshold) { hi++; }
    if (best == hi_end || c > best_c) { best = p; best_c = c; }
  }
  if (hi > 1u) {
    for (var p = lo; p < hi_end; p++) {
      if (is_cand[p] != 0u && stat(b, p, SS_CONF) >= S.high_threshold) { chosen[p] = 1u; }
    }
  } else if (best < hi_end) {
    chosen[best] = 1u;
  }
}

fn strategy_rule(b: u32, sample: u32, step: u32, start: u32, end: u32, M: u32) -> u32 {
  let o = b * SF_STRIDE;
  let B = end - start;
  let block = state[b * ST_STRIDE + ST_BLOCK_INDEX];
  if (aux[o + SF_BLOCK] != block) {
    aux[o + SF_BLOCK] = block;
    aux[o + SF_OFFSET] = 0u;
    sf_new_cycle(o);
  }
  // A fast phase whose span is full hands over to the next sub-cycle without a pass.
  if (aux[o + SF_EXPLORE] >= SF_EXPLORE_STEPS) {
    var any = false;
    for (var p = start; p < start + aux[o + SF_SPAN]; p++) {
      if (is_cand[p] != 0u) { any = true; }
    }
    if (!any) {
      aux[o + SF_OFFSET] = aux[o + SF_SPAN];
      sf_new_cycle(o);
    }
  }
  let offset = aux[o + SF_OFFSET];
  let explore = aux[o + SF_EXPLORE];
  if (explore < SF_EXPLORE_STEPS) {
    if (aux[o + SF_FIXED] == 0u) {
      let lo = start + offset;
      var inc = 1u;
      for (var p = lo; p < end; p++) {
        if (is_cand[p] != 0u && stat(b, p, SS_CONF) >= S.span_threshold) { inc = p - lo + 1u; }
      }
      let est = min(B, max(1u, offset + inc));
      let count = min(2u, aux[o + SF_COUNT] + 1u);
      aux[o + SF_COUNT] = count;
      aux[o + SF_PREV] = aux[o + SF_LAST];
      aux[o + SF_LAST] = est;
      if (count >= 2u) {
        let a = aux[o + SF_PREV];
        let d = select(est - a, a - est, a > est);
        if (d < 2u) {
          aux[o + SF_SPAN] = est;
          aux[o + SF_FIXED] = 1u;
        } else {
          aux[o + SF_SPAN] = max(1u, min(B, (a + est) / 2u));
          aux[o + SF_FIXED] = select(0u, 1u, explore == SF_EXPLORE_STEPS - 1u);
        }
      } else {
        aux[o + SF_SPAN] = est;
      }
    }
    aux[o + SF_EXPLORE] = explore + 1u;
    sf_fill(b, start + offset, end);
  } else {
    sf_fill(b, start + offset, start + aux[o + SF_SPAN]);
  }
  return 0u;
}
