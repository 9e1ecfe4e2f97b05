// APD's verification, its prepass (twin: src/engine/strategies/apd.ts apdTarget and
// sampleTarget; bindings listed there). One thread per verified drafted position (the k-th
// masked position, k >= 1, oracle_draft_init.wgsl): d = its row of this step's pass, a = its
// verifier row (vpred: the oracle given the draft before it, vhist or its noisy vlogits); the target
// t_v = R ln d_v + (1 - R) ln a_v in f32 with ln_f32, -inf where d_v = 0 (R > 0) or a_v = 0,
// sampled with the draft's own noise (Gumbel keys at T > 0, tie-break keys at T = 0);
// agree = whether that sample is the drafted token. Every operation in the twin's order: exact
// for oracle weights; noisy rows agree within the few ulp of exp (as every noisy decode).
override WG: u32 = 64u;

// The verifier row as pred_row.wgsl reads the step's row: u32 weights, or (LOGITS, oracle noise)
// f32 logits bits turned into weights exp(logit - row max).
fn vrow_max(row: u32) -> f32 {
  if (!LOGITS) { return 0.0; }
  var m = bitcast<f32>(vpred[row]);
  for (var v = 1u; v < V; v++) { m = max(m, bitcast<f32>(vpred[row + v])); }
  return m;
}

fn vweight_at(row: u32, v: u32, m: f32) -> f32 {
  if (LOGITS) { return exp(bitcast<f32>(vpred[row + v]) - m); }
  return f32(vpred[row + v]);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = linear_index(gid, nwg, WG);
  let b = idx / L;
  let i = idx % L;
  if (b >= P.batch || P.draft_rows == 0u || state[b * ST_STRIDE + ST_DONE] != 0u) { return; }
  let dt = draft_tok[idx];
  if (dt == DRAFT_NONE || (dt & DRAFT_VERIFIED) == 0u) { return; }
  let sample = info[b * INFO_STRIDE + INFO_SAMPLE];
  let step = state[b * ST_STRIDE + ST_STEP];
  let row = idx * V;
  let m = row_max(row);
  let vm = vrow_max(row);
  var sd = 0.0;
  var sa = 0.0;
  for (var v = 0u; v < V; v++) {
    sd = sd + weight_at(row, v, m);
    sa = sa + vweight_at(row, v, vm);
  }
  var best = 0.0;
  var arg = DRAFT_NONE;
  var have_key = false;
  var key = 0u;
  for (var v = 0u; v < V; v++) {
    let d = weight_at(row, v, m) / sd;
    let a = vweight_at(row, v, vm) / sa;
    if ((S.r > 0.0 && d == 0.0) || a == 0.0) { continue; }
    var ld = 0.0;
    if (S.r > 0.0) { ld = S.r * ln_f32(d); }
    let t = ld + S.rest * ln_f32(a);
    if (P.temperature > 0.0) {
      let s = t * P.inv_t + gumbel(open_unit(random_u32(P.seed, sample, step, i, PURPOSE_GUMBEL, v)));
      if (arg == DRAFT_NONE || s > best) {
        best = s;
        arg = v;
      }
    } else if (arg == DRAFT_NONE || t > best) {
      best = t;
      arg = v;
      have_key = false;
    } else if (t == best) {
      // Exact ties go to the tied token with the largest tie-break key (as stats.wgsl).
      if (!have_key) {
        key = random_u32(P.seed, sample, step, i, PURPOSE_TIE_BREAK, arg);
        have_key = true;
      }
      let k = random_u32(P.seed, sample, step, i, PURPOSE_TIE_BREAK, v);
      if (k > key) {
        key = k;
        arg = v;
      }
    }
  }
  agree[idx] = select(0u, 1u, arg == (dt & DRAFT_TOKEN));
}
