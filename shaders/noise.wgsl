// Oracle + noise (twin: denoiser.ts addLogNoise): weights become log-probabilities plus seeded
// Gaussian noise sigma * z; impossible tokens stay at ZERO_PROB_LOGIT. f32 logs and cosines
// (ln_f32, cos_2pi) keep the logits within a few ulp of the CPU's double-then-f32 values.
override WG: u32 = 64u;
// Leave-one-out decodes: revealed rows (their leave-one-out rows) get the same noise.
override LOO: bool = false;
const ZERO_PROB_LOGIT: f32 = -1e30;
// Bindings: src/gpu/kernels.ts (noise).

// cos(2 pi u) for u = k 2^-24 in [0, 1): reduced exactly to a quarter turn plus |x| <= pi/4
// (WGSL's cos() only promises an absolute error of 2^-11).
fn cos_2pi(u: f32) -> f32 {
  let q = round(u * 4.0);
  let x = (u - q * 0.25) * 6.2831855;
  let x2 = x * x;
  let c = 1.0 - x2 * (0.5 - x2 * (0.041666668 - x2 * (0.0013888889 - x2 * 2.4801587e-5)));
  let s = x * (1.0 - x2 * (0.16666667 - x2 * (0.008333334 - x2 * (1.984127e-4 - x2 * 2.7557319e-6))));
  let quadrant = u32(q) % 4u;
  if (quadrant == 0u) { return c; }
  if (quadrant == 1u) { return -s; }
  if (quadrant == 2u) { return -c; }
  return s;
}

fn normal(x1: u32, x2: u32) -> f32 {
  return sqrt(-2.0 * ln_f32(open_unit(x1))) * cos_2pi(unit24(x2));
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = linear_index(gid, nwg, WG);
  let b = idx / L;
  let i = idx % L;
  if (b >= P.batch || state[b * ST_STRIDE + ST_DONE] != 0u || (canvas[idx] != MASK_ID && !LOO)) { return; }
  let sample = info[b * INFO_STRIDE + INFO_SAMPLE];
  let step = state[b * ST_STRIDE + ST_STEP];
  let row = (b * L + i) * V;
  var total = 0u;
  for (var v = 0u; v < V; v++) { total += hist[row + v]; }
  let ftotal = f32(total);
  for (var v = 0u; v < V; v++) {
    let w = hist[row + v];
    if (w > 0u) {
      // Draws 2v and 2v + 1 share one Philox block (counter sub = v >> 1, lanes 2(v & 1) + 0, 1).
      let block = philox4x32(P.seed, 0u, vec4<u32>(sample, step, i, (PURPOSE_NOISE << 24u) | (v >> 1u)));
      let lane = 2u * (v & 1u);
      let z = normal(block[lane], block[lane + 1u]);
      logits[row + v] = ln_f32(f32(w) / ftotal) + P.sigma * z;
    } else {
      logits[row + v] = ZERO_PROB_LOGIT;
    }
  }
}
