// Philox4x32-10, bit-identical to src/engine/rng.ts (its TypeScript twin). WGSL has no 64-bit
// integers and no mulhi, so the high word of the 32x32 product is built from 16-bit halves,
// exactly as the TypeScript does. Prepended to every kernel that draws random numbers.
//
// Counter layout (the one place it is defined is rng.ts): key = (seed, 0);
// counter = (sample index, step, position, purpose << 24 | sub >> 2); lane = sub & 3.

const PHILOX_M0: u32 = 0xd2511f53u;
const PHILOX_M1: u32 = 0xcd9e8d57u;
const PHILOX_W0: u32 = 0x9e3779b9u;
const PHILOX_W1: u32 = 0xbb67ae85u;

const PURPOSE_GUMBEL: u32 = 1u;
const PURPOSE_RANDOM_SCORE: u32 = 2u;
const PURPOSE_DREAM_REVEAL: u32 = 3u;
const PURPOSE_REMASK: u32 = 4u;
const PURPOSE_NOISE: u32 = 5u;
const PURPOSE_POSITION_NOISE: u32 = 7u;
const PURPOSE_TIE_BREAK: u32 = 8u;

// (high, low) words of a * b.
fn philox_mulhilo(a: u32, b: u32) -> vec2<u32> {
  let a_lo = a & 0xffffu;
  let a_hi = a >> 16u;
  let b_lo = b & 0xffffu;
  let b_hi = b >> 16u;
  let lolo = a_lo * b_lo;
  let hilo = a_hi * b_lo;
  let lohi = a_lo * b_hi;
  let mid = (lolo >> 16u) + (hilo & 0xffffu) + (lohi & 0xffffu);
  let hi = a_hi * b_hi + (hilo >> 16u) + (lohi >> 16u) + (mid >> 16u);
  return vec2<u32>(hi, a * b);
}

fn philox4x32(k0: u32, k1: u32, counter: vec4<u32>) -> vec4<u32> {
  var x = counter;
  var key = vec2<u32>(k0, k1);
  for (var round = 0u; round < 10u; round++) {
    let p0 = philox_mulhilo(PHILOX_M0, x.x);
    let p1 = philox_mulhilo(PHILOX_M1, x.z);
    x = vec4<u32>(p1.x ^ x.y ^ key.x, p1.y, p0.x ^ x.w ^ key.y, p0.y);
    key = key + vec2<u32>(PHILOX_W0, PHILOX_W1);
  }
  return x;
}

fn random_u32(seed: u32, sample: u32, step: u32, position: u32, purpose: u32, sub: u32) -> u32 {
  var w = philox4x32(seed, 0u, vec4<u32>(sample, step, position, (purpose << 24u) | (sub >> 2u)));
  return w[sub & 3u];
}

// Uniform in [0, 1) with 24 bits (exact in f32, as rng.ts unit24).
fn unit24(x: u32) -> f32 {
  return f32(x >> 8u) * 5.9604644775390625e-8;
}

// Uniform in [2^-24, 1 - 2^-24], every operation exact (rng.ts openUnit).
fn open_unit(x: u32) -> f32 {
  return (f32(x >> 9u) + 0.5) * 1.1920928955078125e-7;
}

// Natural log with about 1 ulp relative error everywhere. WGSL's log() only promises an
// absolute error of 2^-21 on [0.5, 2], which ruins -ln(u) for u near 1 (the Gumbel tail that wins
// argmaxes); this uses only +, *, / and frexp: ln x = e ln 2 + 2 atanh((m - 1) / (m + 1)).
fn ln_f32(x: f32) -> f32 {
  let fr = frexp(x);
  var m = fr.fract;
  var e = f32(fr.exp);
  if (m < 0.70710678) {
    m = m * 2.0;
    e = e - 1.0;
  }
  let z = (m - 1.0) / (m + 1.0);
  let z2 = z * z;
  let series = 2.0 * z * (1.0 + z2 * (0.33333333 + z2 * (0.2 + z2 * (0.14285714 + z2 * (0.11111111 + z2 * 0.09090909)))));
  // ln 2 split in two so that e * ln 2 stays accurate for large exponents.
  return e * 0.693145751953125 + (e * 1.4286068203094172e-6 + series);
}

// Standard Gumbel -ln(-ln u). Differs from the CPU's double logs rounded to f32 by an ulp or
// so: token and position choices differ only at near-exact ties of the keys (vanishingly rare).
fn gumbel(u: f32) -> f32 {
  return -ln_f32(-ln_f32(u));
}
