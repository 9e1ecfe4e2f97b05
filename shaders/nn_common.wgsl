// Shared by the nn_* transformer kernels (twins: src/model/cpu-kernels.ts).

// 1-D index of a dispatch folded into x and y (src/gpu/device.ts dispatch1d).
fn nn_index(gid: vec3<u32>, nwg: vec3<u32>, wg: u32) -> u32 {
  return gid.x + gid.y * nwg.x * wg;
}

// erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), as cpu-kernels.ts erf().
fn nn_erf(x: f32) -> f32 {
  let a = abs(x);
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let y = 1.0 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-a * a);
  return select(y, -y, x < 0.0);
}

// GELU, erf form: 0.5 x (1 + erf(x / sqrt 2)).
fn nn_gelu(x: f32) -> f32 {
  return 0.5 * x * (1.0 + nn_erf(x * 0.70710678118654752));
}
