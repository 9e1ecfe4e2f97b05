// Matrix multiply with bias: out = x W + bias (twin: cpu-kernels.ts linear), W K x N row-major.
// Tiled in workgroup memory: a 64 x 64 output tile per workgroup of 16 x 16 threads, each thread
// 4 x 4 outputs (rows ty + 16 i, columns tx + 16 j), K in steps of 16.
// Output row m is sample m / rows_out, row row_start + m % rows_out of its rows_in input rows:
// the output logits use this to compute only the 32 canvas rows of the 64.
// ACT 1 applies GELU in the epilogue (a Linear followed by GELU, fused); RESIDUAL 1 adds
// res[m, n] (a Linear followed by a residual add, fused).
override ACT: u32 = 0u;
override RESIDUAL: u32 = 0u;
const TM: u32 = 64u;
const TN: u32 = 64u;
const TK: u32 = 16u;
struct LinearParams { M: u32, N: u32, K: u32, rows_in: u32, row_start: u32, rows_out: u32, has_bias: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read> res: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<uniform> P: LinearParams;

var<workgroup> As: array<f32, 1024>; // TM x TK
var<workgroup> Bs: array<f32, 1024>; // TK x TN

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let row0 = wid.y * TM;
  let col0 = wid.x * TN;
  let tid = lid.y * 16u + lid.x;
  var acc: array<f32, 16>;
  for (var e = 0u; e < 16u; e = e + 1u) { acc[e] = 0.0; }
  for (var k0 = 0u; k0 < P.K; k0 = k0 + TK) {
    for (var e = 0u; e < 4u; e = e + 1u) {
      let idx = tid + e * 256u;
      let r = idx / TK;
      let c = idx % TK;
      let m = row0 + r;
      let k = k0 + c;
      var v = 0.0;
      if (m < P.M && k < P.K) {
        let src = (m / P.rows_out) * P.rows_in + P.row_start + m % P.rows_out;
        v = x[src * P.K + k];
      }
      As[idx] = v;
      let br = idx / TN;
      let bc = idx % TN;
      let kk = k0 + br;
      let n = col0 + bc;
      var wv = 0.0;
      if (kk < P.K && n < P.N) { wv = w[kk * P.N + n]; }
      Bs[idx] = wv;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk = kk + 1u) {
      var a: array<f32, 4>;
      var b: array<f32, 4>;
      for (var i = 0u; i < 4u; i = i + 1u) { a[i] = As[(lid.y + 16u * i) * TK + kk]; }
      for (var j = 0u; j < 4u; j = j + 1u) { b[j] = Bs[kk * TN + lid.x + 16u * j]; }
      for (var i = 0u; i < 4u; i = i + 1u) {
        for (var j = 0u; j < 4u; j = j + 1u) { acc[i * 4u + j] = acc[i * 4u + j] + a[i] * b[j]; }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i = i + 1u) {
    let m = row0 + lid.y + 16u * i;
    if (m >= P.M) { continue; }
    for (var j = 0u; j < 4u; j = j + 1u) {
      let n = col0 + lid.x + 16u * j;
      if (n >= P.N) { continue; }
      var y = acc[i * 4u + j];
      if (P.has_bias != 0u) { y = y + bias[n]; }
      if (ACT == 1u) { y = nn_gelu(y); }
      if (RESIDUAL == 1u) { y = y + res[m * P.N + n]; }
      out[m * P.N + n] = y;
    }
  }
}
