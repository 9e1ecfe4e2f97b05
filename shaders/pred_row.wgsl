// Reading one position's prediction row, shared by stats.wgsl and strategies/klass_history.wgsl: the oracle's u32
// integer weights, or (LOGITS) f32 logits bits turned into weights exp(logit - row max).
// @needs pred V
override LOGITS: bool = false;

fn row_max(row: u32) -> f32 {
  if (!LOGITS) { return 0.0; }
  var m = bitcast<f32>(pred[row]);
  for (var v = 1u; v < V; v++) { m = max(m, bitcast<f32>(pred[row + v])); }
  return m;
}

fn weight_at(row: u32, v: u32, m: f32) -> f32 {
  if (LOGITS) { return exp(bitcast<f32>(pred[row + v]) - m); }
  return f32(pred[row + v]);
}
