// Top-k rules (twin: src/engine/strategies/topk.ts): the k best by a score, or LLaDA's step
// budget spread over the block (S.per_block steps per block: llada_count in select.wgsl, the first N mod steps taking one
// more; twin: common.ts lladaCount). SCORE is set per member by topk.ts.
override SCORE: u32;

fn strategy_score(b: u32, i: u32, sample: u32, step: u32) -> vec2<f32> {
  var s = stat(b, i, SS_CONF);
  switch (SCORE) {
    case 0u: { s = unit24(random_u32(P.seed, sample, step, i, PURPOSE_RANDOM_SCORE, 0u)); }
    case 2u: { s = stat(b, i, SS_MARGIN); }
    case 3u: { s = -stat(b, i, SS_ENTROPY); }
    case 4u: { s = -f32(i); }
    default: {}
  }
  return vec2<f32>(s, s);
}

fn strategy_rule(b: u32, sample: u32, step: u32, start: u32, end: u32, M: u32) -> u32 {
  if (S.per_block > 0u) { return llada_count(b, S.per_block); }
  return S.k;
}
