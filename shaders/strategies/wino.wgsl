// WINO, wide in narrow out (twin: src/engine/strategies/wino.ts). Wide in: the ranked candidates
// with confidence >= S.tau_in, at most clamp(floor(0.7 M), 5, 20), at least one. Narrow out: the
// block's revealed positions whose leave-one-out probability (stats row at a revealed position,
// SS_LOO_P, from loo_stats.wgsl) is below S.tau_out are remasked, lowest first (ties: lower
// position), at most (wide-in count - 1).
fn strategy_score(b: u32, i: u32, sample: u32, step: u32) -> vec2<f32> {
  let s = stat(b, i, SS_CONF);
  return vec2<f32>(s, s);
}

fn low_loo(b: u32, i: u32) -> bool {
  return canvas[b * L + i] != MASK_ID && stat(b, i, SS_LOO_P) < S.tau_out;
}

fn strategy_rule(b: u32, sample: u32, step: u32, start: u32, end: u32, M: u32) -> u32 {
  // floor(0.7 M) as the CPU's Math.floor(0.7 * M): (7 M) / 10 agrees wherever the clamp to
  // [5, 20] leaves it (M < 29; the two first differ at M = 90).
  let cap = max(1u, min(20u, max(5u, (7u * M) / 10u)));
  var n = 0u;
  while (n < min(cap, M) && stat(b, sorted[n], SS_CONF) >= S.tau_in) { n++; }
  n = max(n, 1u);
  let limit = n - 1u;
  if (limit == 0u) { return n; }
  for (var i = start; i < end; i++) {
    if (!low_loo(b, i)) { continue; }
    let pi = stat(b, i, SS_LOO_P);
    var rank = 0u;
    for (var j = start; j < end; j++) {
      if (j != i && low_loo(b, j)) {
        let pj = stat(b, j, SS_LOO_P);
        if (pj < pi || (pj == pi && j < i)) { rank++; }
      }
    }
    if (rank < limit) { remasked[i] = 1u; }
  }
  return n;
}
