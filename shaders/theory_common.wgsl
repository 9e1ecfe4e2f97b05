// Shared by the two theory kernels (theory_set.wgsl, theory_pairs.wgsl), which both bind the
// support members and the oracle histogram.
// @needs P members hist V
const LN2: f32 = 0.6931472;

// Token of support member m at position i (four 8-bit tokens per word).
fn tok(m: u32, i: u32) -> u32 {
  return (members[m * P.member_words + i / 4u] >> (8u * (i % 4u))) & 0xffu;
}

// Entropy in bits of a row of integer weights with total t.
fn row_entropy(row: u32, t: f32) -> f32 {
  var a = 0.0;
  for (var v = 0u; v < V; v++) {
    let w = f32(hist[row + v]);
    if (w > 0.0) { a = a + w * ln_f32(w); }
  }
  return max(0.0, (ln_f32(t) - a / t) / LN2);
}
