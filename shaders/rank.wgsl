// The ranking that select.wgsl and strategies/tc_bound_count.wgsl share, so that tc-bound's count applies
// to the very order select.wgsl reveals in (twin: strategies/common.ts, ties to the lower
// position). The kernel fills is_cand and score; rank_candidates writes sorted[r] = the r-th
// candidate, highest score first. Every thread of the workgroup calls it.
// @needs WG L
var<workgroup> score: array<f32, L>;
var<workgroup> is_cand: array<u32, L>;
var<workgroup> sorted: array<u32, L>;

fn rank_candidates(lid: u32) {
  for (var i = lid; i < L; i += WG) {
    if (is_cand[i] != 0u) {
      let s = score[i];
      var r = 0u;
      for (var j = 0u; j < L; j++) {
        if (is_cand[j] != 0u && (score[j] > s || (score[j] == s && j < i))) { r++; }
      }
      sorted[r] = i;
    }
  }
}
