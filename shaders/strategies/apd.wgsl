// APD, adaptive parallel decoding (twin: src/engine/strategies/apd.ts). Candidates rank left to
// right (score -position; the trace shows the confidence, as the CPU rule reports it). The draft
// is the first min(S.m, M) of them; with verification (P.draft_rows > 0, i.e. R < 1) the rule
// accepts the longest prefix whose drafted tokens the target re-samples (agree, from
// apd_verify.wgsl, in aux), the first always; at R = 1 the whole draft.
fn strategy_score(b: u32, i: u32, sample: u32, step: u32) -> vec2<f32> {
  return vec2<f32>(-f32(i), stat(b, i, SS_CONF));
}

fn strategy_rule(b: u32, sample: u32, step: u32, start: u32, end: u32, M: u32) -> u32 {
  let n = min(S.m, M);
  if (P.draft_rows == 0u) { return n; }
  var k = 1u;
  while (k < n && aux[b * L + sorted[k]] != 0u) { k++; }
  return k;
}
