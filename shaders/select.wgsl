// Per-sequence selection and commit, shared by every GPU strategy (twins: the strategies'
// select() and the step bookkeeping of decode.ts stepSequence). One workgroup per sequence:
//  1. thread 0 finds the masked positions and the semi-AR block;
//  2. every thread scores its candidates with the strategy's strategy_score (ranking key, score
//     shown in traces); ranks come from
//     rank(i) = #{j : s_j > s_i or (s_j == s_i and j < i)}   (ties to the lower position);
//  3. thread 0 runs the strategy's strategy_rule over the ranked list: it returns n (reveal the
//     first n ranked) and may also set chosen[i] / remasked[i] itself;
//  4. every thread commits its revealed positions; thread 0 advances the step and the block.
// The strategy's file (shaders/strategies/<name>.wgsl, named by its module's GPU descriptor)
// follows this one; its uniforms are the struct S, its per-step table `sched`, its scratch `aux`.
// Bindings: src/gpu/kernels.ts selectProgram.
// @needs P info canvas state stats reveal sched aux strategy_score strategy_rule
override WG: u32 = 64u;
// Remasking rules run a fixed number of steps (P.sched_steps) and keep each position's
// confidence at its last reveal in aux (f32 bits).
override REMASKING: bool = false;
// Rules that decide when their decode ends (GpuStrategy.stops: edit-only passes after the last
// mask) set rule_done; the sequence then finishes exactly when they do (or at P.max_steps).
override RULE_STOPS: bool = false;
var<private> rule_done: bool;

var<workgroup> trace_score: array<f32, L>;
var<workgroup> chosen: array<u32, L>;
var<workgroup> remasked: array<u32, L>;
var<workgroup> sh_done: u32;
var<workgroup> sh_start: u32;
var<workgroup> sh_end: u32;
var<workgroup> sh_m: u32;

fn stat(b: u32, i: u32, field: u32) -> f32 {
  return stats[(b * L + i) * SS_STRIDE + field];
}

// p = w / s > gamma without a division (twin: strategies/common.ts above()).
fn above(b: u32, i: u32, gamma: f32) -> bool {
  return stat(b, i, SS_CONF_W) > gamma * stat(b, i, SS_SUM_W);
}

// A token-to-token edit by the rule (thread 0) at a revealed position: the token is rewritten
// now (nothing later in this kernel reads it) and the reveal record says "edited at this step"
// (twin: decode.ts stepSequence, which sets an edited position's reveal step).
fn edit_token(b: u32, i: u32, tok: u32, step: u32) {
  canvas[b * L + i] = i32(tok);
  let o = (b * L + i) * RV_STRIDE;
  reveal[o + RV_STEP] = step;
  reveal[o + RV_ORDER] = RV_EDIT;
}

// LLaDA's step budget: the block's masked count at its start spread over `steps` steps, the
// first (N mod steps) taking one more, at least 1 (twin: strategies/common.ts lladaCount).
fn llada_count(b: u32, steps: u32) -> u32 {
  let so = b * ST_STRIDE;
  let mas = state[so + ST_MASKED_AT_START];
  let bs = state[so + ST_BLOCK_STEP];
  return max(1u, mas / steps + select(0u, 1u, bs < mas % steps));
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid3: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let lid = lid3.x;
  let b = wid.x + wid.y * nwg.x;
  if (b >= P.batch) { return; }
  let so = b * ST_STRIDE;
  let sample = info[b * INFO_STRIDE + INFO_SAMPLE];

  // 1. Masked positions and the block (decode.ts: advance to the first block with a mask).
  if (lid == 0u) {
    sh_done = state[so + ST_DONE];
    if (sh_done == 0u) {
      var first = L;
      for (var i = 0u; i < L; i++) {
        if (canvas[b * L + i] == MASK_ID) { first = i; break; }
      }
      // Remasking strategies may step a canvas with nothing masked: the block then stays.
      let bi = state[so + ST_BLOCK_INDEX];
      var fb = first / P.block_length;
      if (first == L) { fb = select(bi, 0u, bi == 0xffffffffu); }
      let start = fb * P.block_length;
      let end = min(L, start + P.block_length);
      if (fb != bi) {
        var in_block = 0u;
        for (var i = start; i < end; i++) {
          if (canvas[b * L + i] == MASK_ID) { in_block++; }
        }
        state[so + ST_BLOCK_INDEX] = fb;
        state[so + ST_BLOCK_STEP] = 0u;
        state[so + ST_MASKED_AT_START] = in_block;
      }
      sh_start = start;
      sh_end = end;
    }
  }
  if (workgroupUniformLoad(&sh_done) != 0u) { return; }
  let step = state[so + ST_STEP];
  let start = sh_start;
  let end = sh_end;

  // 2. Scores of the candidates (masked, inside the block).
  for (var i = lid; i < L; i += WG) {
    let c = i >= start && i < end && canvas[b * L + i] == MASK_ID;
    is_cand[i] = select(0u, 1u, c);
    chosen[i] = 0u;
    remasked[i] = 0u;
    if (c) {
      let ks = strategy_score(b, i, sample, step);
      score[i] = ks.x;
      trace_score[i] = ks.y;
    }
  }
  workgroupBarrier();
  rank_candidates(lid);
  workgroupBarrier();

  // 3. The strategy's rule.
  if (lid == 0u) {
    var M = 0u;
    var masked_total = 0u;
    for (var i = 0u; i < L; i++) {
      M += is_cand[i];
      if (canvas[b * L + i] == MASK_ID) { masked_total++; }
    }
    sh_m = M;
    // The rule: how many of the ranked candidates to reveal (and any it picks itself).
    rule_done = false;
    var n = strategy_rule(b, sample, step, start, end, M);
    n = min(n, M);
    for (var r = 0u; r < n; r++) { chosen[sorted[r]] = 1u; }
    var revealed = 0u;
    var remask_count = 0u;
    for (var i = 0u; i < L; i++) {
      revealed += chosen[i];
      remask_count += remasked[i];
    }
    let left = masked_total - revealed + remask_count;
    state[so + ST_REVEALED] = revealed;
    state[so + ST_BLOCK_START] = start;
    state[so + ST_BLOCK_END] = end;
    state[so + ST_STEP] = step + 1u;
    state[so + ST_BLOCK_STEP] = state[so + ST_BLOCK_STEP] + 1u;
    // Remasking strategies run a fixed number of steps; the others stop when nothing is masked.
    var finished = left == 0u;
    if (REMASKING) { finished = step + 1u >= P.sched_steps; }
    if (RULE_STOPS) { finished = rule_done; }
    if (finished || step + 1u >= P.max_steps) { state[so + ST_DONE] = 1u; }
  }
  workgroupBarrier();

  // 4. Commit: write x0 at the revealed positions, with their order in the ranked list (by
  // position for Dream's origin rule, whose score is -position) and their score, for traces.
  let M = workgroupUniformLoad(&sh_m);
  for (var r = lid; r < M; r += WG) {
    let i = sorted[r];
    if (chosen[i] != 0u) {
      canvas[b * L + i] = bitcast<i32>(bitcast<u32>(stat(b, i, SS_X0)));
      let o = (b * L + i) * RV_STRIDE;
      reveal[o + RV_STEP] = step;
      reveal[o + RV_ORDER] = r;
      reveal[o + RV_SCORE] = bitcast<u32>(trace_score[i]);
      reveal[o + RV_CONF] = bitcast<u32>(stat(b, i, SS_CONF));
      if (REMASKING) { aux[b * L + i] = bitcast<u32>(stat(b, i, SS_CONF)); }
    }
  }
  for (var i = lid; i < L; i += WG) {
    if (remasked[i] != 0u) {
      canvas[b * L + i] = MASK_ID;
      reveal[(b * L + i) * RV_STRIDE + RV_STEP] = 0xffffffffu;
    }
  }
}
