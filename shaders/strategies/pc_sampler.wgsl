// PC-sampler (twin: src/engine/strategies/pc-sampler.ts): top-k (or LLaDA's step budget) by
// exp(−λ·i) · min(α, p · (−ln(f_bg(x) + 1e-9))), i = the position's index in its block. The
// per-sample table (GpuStrategy.sampleTable, from the host as the CPU computes it) holds
// −ln(f_bg + 1e-9) for every token, then exp(−λ·i) for every in-block index; the products are
// f32, as the CPU rule computes them.
fn strategy_score(b: u32, i: u32, sample: u32, step: u32) -> vec2<f32> {
  let stride = V + P.block_length;
  let x = bitcast<u32>(stat(b, i, SS_X0));
  let start = (i / P.block_length) * P.block_length;
  let s = table[b * stride + V + (i - start)] * min(S.alpha, stat(b, i, SS_CONF) * table[b * stride + x]);
  return vec2<f32>(s, s);
}

fn strategy_rule(b: u32, sample: u32, step: u32, start: u32, end: u32, M: u32) -> u32 {
  if (S.per_block > 0u) { return llada_count(b, S.per_block); }
  return S.k;
}
