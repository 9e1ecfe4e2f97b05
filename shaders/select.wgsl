// Per-sequence selection and commit for every GPU strategy (twins: src/engine/strategies/*
// and the step bookkeeping of decode.ts stepSequence). One workgroup per sequence:
//  1. thread 0 finds the masked positions and the semi-AR block;
//  2. every thread scores its candidates; ranks come from
//     rank(i) = #{j : s_j > s_i or (s_j == s_i and j < i)}   (ties to the lower position);
//  3. thread 0 runs the strategy's (short, sequential) rule over the ranked list;
//  4. every thread commits its revealed positions; thread 0 advances the step and the block.
// Per-step schedule numbers (Dream's fractions, MaskGIT's keep counts and anneal) are computed
// on the host in f32 exactly as the CPU does and read from `sched`.
override WG: u32 = 64u;
override STRATEGY: u32;

const S_TOPK_RANDOM: u32 = 0u;
const S_TOPK_CONFIDENCE: u32 = 1u;
const S_TOPK_MARGIN: u32 = 2u;
const S_TOPK_ENTROPY: u32 = 3u;
const S_TOPK_L2R: u32 = 4u;
const S_THRESHOLD: u32 = 5u;
const S_FACTOR: u32 = 6u;
const S_EB: u32 = 7u;
const S_DREAM_ORIGIN: u32 = 8u;
const S_DREAM_CONFIDENCE: u32 = 9u;
const S_DREAM_MARGIN: u32 = 10u;
const S_DREAM_ENTROPY: u32 = 11u;
const S_MASKGIT: u32 = 12u;
const S_KLASS: u32 = 13u;
const S_REMDM_CAP: u32 = 14u;
const S_REMDM_RESCALE: u32 = 15u;
const S_REMDM_CONF: u32 = 16u;
const S_TC_BOUND: u32 = 17u;
// ReMDM's three rules (tc-bound is numbered after them, so not a plain >= test).
override REMASKING: bool = STRATEGY >= S_REMDM_CAP && STRATEGY <= S_REMDM_CONF;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> info: array<u32>;
@group(0) @binding(2) var<storage, read_write> canvas: array<i32>;
@group(0) @binding(3) var<storage, read_write> state: array<u32>;
@group(0) @binding(4) var<storage, read> stats: array<f32>;
@group(0) @binding(5) var<storage, read_write> reveal: array<u32>;
@group(0) @binding(6) var<storage, read> sched: array<f32>;     // per step: two numbers (see decoder.ts)
// Per position: KLASS's run of stable steps, or ReMDM's confidence at reveal (f32 bits);
// tc-bound: aux[b] = the count select_tcbound.wgsl chose from the same ranking.
@group(0) @binding(7) var<storage, read_write> aux: array<u32>;

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

fn base_score(b: u32, i: u32, sample: u32, step: u32) -> f32 {
  switch (STRATEGY) {
    case 0u: { return unit24(random_u32(P.seed, sample, step, i, PURPOSE_RANDOM_SCORE, 0u)); }
    case 2u, 10u: { return stat(b, i, SS_MARGIN); }
    case 3u, 7u, 11u: { return -stat(b, i, SS_ENTROPY); }
    case 4u, 8u, 14u, 15u, 16u: { return -f32(i); }
    default: { return stat(b, i, SS_CONF); }
  }
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
      let base = base_score(b, i, sample, step);
      var key = base;
      var shown = base;
      if ((STRATEGY == S_DREAM_CONFIDENCE || STRATEGY == S_DREAM_MARGIN || STRATEGY == S_DREAM_ENTROPY) && P.alg_temp > 0.0) {
        // Sampling without replacement from softmax(score / T) = top-k of score / T + Gumbel.
        key = base / P.alg_temp + gumbel(open_unit(random_u32(P.seed, sample, step, i, PURPOSE_POSITION_NOISE, 0u)));
      }
      if (STRATEGY == S_MASKGIT) {
        let anneal = sched[2u * step];
        key = ln_f32(base) + anneal * gumbel(open_unit(random_u32(P.seed, sample, step, i, PURPOSE_POSITION_NOISE, 0u)));
        shown = key;
      }
      if (REMASKING) { shown = stat(b, i, SS_CONF); }
      score[i] = key;
      trace_score[i] = shown;
    }
  }
  workgroupBarrier();
  rank_candidates(lid);
  workgroupBarrier();

  // 3. The rule: how many of the ranked candidates to reveal, or which.
  if (lid == 0u) {
    var M = 0u;
    var masked_total = 0u;
    for (var i = 0u; i < L; i++) {
      M += is_cand[i];
      if (canvas[b * L + i] == MASK_ID) { masked_total++; }
    }
    sh_m = M;
    var n = 0u; // reveal the first n ranked
    switch (STRATEGY) {
      case 0u, 1u, 2u, 3u, 4u: {
        n = P.k;
        if (P.per_block > 0u) {
          let mas = state[so + ST_MASKED_AT_START];
          let bs = state[so + ST_BLOCK_STEP];
          n = max(1u, mas / P.per_block + select(0u, 1u, bs < mas % P.per_block));
        }
      }
      case 5u: {
        n = 1u;
        for (var r = 1u; r < M; r++) {
          if (above(b, sorted[r], P.threshold)) { chosen[sorted[r]] = 1u; }
        }
      }
      case 6u: {
        n = 1u;
        for (var r = 1u; r <= M; r++) {
          let p = sorted[r - 1u];
          let sw = stat(b, p, SS_SUM_W);
          if (f32(r + 1u) * (sw - stat(b, p, SS_CONF_W)) < P.factor * sw) { n = r; }
        }
      }
      case 7u: {
        var sum = 0.0;
        var count = 0u;
        for (var r = 0u; r < M; r++) {
          let e = stat(b, sorted[r], SS_ENTROPY);
          sum = sum + e;
          if (count > 0u && sum - e > P.gamma) { break; }
          count++;
        }
        n = max(1u, count);
      }
      case 8u: {
        if (step + 1u >= P.sched_steps) {
          n = M;
        } else {
          let p = sched[2u * step];
          for (var i = start; i < end; i++) {
            if (is_cand[i] != 0u && unit24(random_u32(P.seed, sample, step, i, PURPOSE_DREAM_REVEAL, 0u)) < p) { chosen[i] = 1u; }
          }
        }
      }
      case 9u, 10u, 11u: {
        if (step + 1u >= P.sched_steps) {
          n = M;
        } else {
          n = u32(floor(f32(M) * sched[2u * step]));
        }
      }
      case 12u: {
        if (step + 1u >= P.sched_steps) {
          n = M;
        } else {
          let keep = min(max(i32(sched[2u * step + 1u]), 1), i32(M) - 1);
          n = u32(max(1, i32(M) - keep));
        }
      }
      case 13u: {
        var any = false;
        for (var r = 0u; r < M; r++) {
          let p = sorted[r];
          let st = aux[b * L + p];
          if (st != 0xffffffffu && st >= P.history && above(b, p, P.threshold)) {
            chosen[p] = 1u;
            any = true;
          }
        }
        if (!any) { n = P.k; }
      }
      case 14u, 15u, 16u: {
        if (step + 1u >= P.sched_steps) {
          n = M;
        } else {
          let sigma = sched[2u * step];      // cap / rescale: sigma; conf: the mean sigma
          let unmask_p = sched[2u * step + 1u];
          if (STRATEGY == S_REMDM_CONF) {
            // sigma_i = min(1, n softmax(-p_at_reveal)_i * sigma), over the revealed positions.
            var lo = 3.4e38;
            var count = 0u;
            for (var i = 0u; i < L; i++) {
              if (canvas[b * L + i] != MASK_ID) { lo = min(lo, bitcast<f32>(aux[b * L + i])); count++; }
            }
            var sum = 0.0;
            for (var i = 0u; i < L; i++) {
              if (canvas[b * L + i] != MASK_ID) { sum = sum + exp(lo - bitcast<f32>(aux[b * L + i])); }
            }
            for (var i = 0u; i < L; i++) {
              if (canvas[b * L + i] != MASK_ID) {
                let x = exp(lo - bitcast<f32>(aux[b * L + i]));
                let sig = min(1.0, (f32(count) * x) / sum * sigma);
                if (unit24(random_u32(P.seed, sample, step, i, PURPOSE_REMASK, 0u)) < sig) { remasked[i] = 1u; }
              }
            }
          } else if (sigma > 0.0) {
            for (var i = 0u; i < L; i++) {
              if (canvas[b * L + i] != MASK_ID && unit24(random_u32(P.seed, sample, step, i, PURPOSE_REMASK, 0u)) < sigma) {
                remasked[i] = 1u;
              }
            }
          }
          for (var i = start; i < end; i++) {
            if (is_cand[i] != 0u && unit24(random_u32(P.seed, sample, step, i, PURPOSE_DREAM_REVEAL, 0u)) < unmask_p) { chosen[i] = 1u; }
          }
        }
      }
      case 17u: {
        n = aux[b];
      }
      default: {}
    }
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
