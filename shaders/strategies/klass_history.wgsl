// KLASS history, its prepass (twin: src/engine/strategies/klass.ts; bindings listed there): for every masked position, the KL
// divergence of this step's probability row from the previous step's, and the run of
// consecutive steps with KL < tau_KL. Runs before select.wgsl. stable = 0xffffffff: no
// previous row yet (the position's first step).
override WG: u32 = 64u;
const KL_FLOOR: f32 = 1e-30;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = linear_index(gid, nwg, WG);
  let b = idx / L;
  if (b >= P.batch || state[b * ST_STRIDE + ST_DONE] != 0u || canvas[idx] != MASK_ID) { return; }
  let row = idx * V;
  let m = row_max(row);
  var s = 0.0;
  for (var v = 0u; v < V; v++) { s = s + weight_at(row, v, m); }
  let had = stable[idx] != 0xffffffffu;
  var kl = 0.0;
  for (var v = 0u; v < V; v++) {
    let p = weight_at(row, v, m) / s;
    if (had && p > 0.0) {
      let q = max(prev[row + v], KL_FLOOR);
      kl = kl + p * (ln_f32(p) - ln_f32(q));
    }
    prev[row + v] = p;
  }
  if (!had) {
    stable[idx] = 0u;
  } else if (kl < S.kl_threshold) {
    stable[idx] = stable[idx] + 1u;
  } else {
    stable[idx] = 0u;
  }
}
