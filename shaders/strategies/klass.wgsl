// KLASS's selection (twin: src/engine/strategies/klass.ts): every candidate whose confidence is
// strictly above S.threshold and whose KL stayed below τ_KL for the last S.history steps (the
// run its prepass klass_history.wgsl keeps in aux); if none, the S.k most confident.
fn strategy_score(b: u32, i: u32, sample: u32, step: u32) -> vec2<f32> {
  let s = stat(b, i, SS_CONF);
  return vec2<f32>(s, s);
}

fn strategy_rule(b: u32, sample: u32, step: u32, start: u32, end: u32, M: u32) -> u32 {
  var any = false;
  for (var r = 0u; r < M; r++) {
    let p = sorted[r];
    let st = aux[b * L + p];
    if (st != 0xffffffffu && st >= S.history && above(b, p, S.threshold)) {
      chosen[p] = 1u;
      any = true;
    }
  }
  if (any) { return 0u; }
  return S.k;
}
