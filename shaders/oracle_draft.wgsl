// Draft verification rows, support path (twin: SupportDistribution.condition of the canvas with
// the draft prefix revealed, weightsAt): one thread per support member walks its sequence's
// drafted positions left to right with a running mismatch count, the member's mismatches at
// revealed positions (mis, oracle_mismatch.wgsl) plus those at the drafted positions before the
// current one. Pass 1 (HIST = false) keeps the fewest per (sequence, drafted position) with
// atomicMin: the nearest members given that prefix (those consistent with it when any is, as the
// CPU's condition() takes them); pass 2 (HIST = true) adds the weight of every nearest member to
// its token's bin of that position's row of vhist. Rows and minima reset by oracle_draft_init.
override WG: u32 = 64u;
override HIST: bool;
// Bindings: src/gpu/kernels.ts (draftMin, draftHist).

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let m = linear_index(gid, nwg, WG);
  if (m >= P.total_members) { return; }
  let b = member_seq[m];
  if (state[b * ST_STRIDE + ST_DONE] != 0u) { return; }
  var d = mis[m];
  for (var i = 0u; i < L; i++) {
    let t = draft_tok[b * L + i];
    if (t == DRAFT_NONE) { continue; }
    let tok = (members[m * P.member_words + i / 4u] >> (8u * (i % 4u))) & 0xffu;
    if ((t & DRAFT_VERIFIED) != 0u) {
      if (!HIST) {
        atomicMin(&draft_min[b * L + i], d);
      } else if (d == atomicLoad(&draft_min[b * L + i])) {
        atomicAdd(&vhist[(b * L + i) * V + tok], member_weight[m]);
      }
    }
    if (tok != (t & DRAFT_TOKEN)) { d++; }
  }
}
