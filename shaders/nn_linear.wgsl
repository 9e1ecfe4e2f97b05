// Matrix multiply with bias: out = x W + bias (twin: cpu-kernels.ts linear), W K x N row-major.
// Tiled in workgroup memory: a 64 x 64 output tile per workgroup of 8 x 8 threads; per step of
// 16 along K the workgroup stages a 64 x 16 tile of x and a 16 x 64 tile of W in workgroup
// memory, and each thread accumulates an 8 x 8 block in sixteen vec4 registers. Every loop over
// the block is written out: CPU implementations such as SwiftShader keep dynamically indexed
// private arrays in memory (this layout measured 5-10x faster there than a 16 x 16-thread,
// 4 x 4-per-thread version with indexed accumulators).
// Output row m is sample m / rows_out, row row_start + m % rows_out of its rows_in input rows:
// the output logits use this to compute only the 32 canvas rows of the 64.
// ACT 1 applies GELU in the epilogue (a Linear followed by GELU, fused); RESIDUAL 1 adds
// res[m, n] (a Linear followed by a residual add, fused).
override ACT: u32 = 0u;
override RESIDUAL: u32 = 0u;
const TM: u32 = 64u;
const TN: u32 = 64u;
const TK: u32 = 16u;
// Bindings and struct P: src/model/nn/kernels.ts (nnKernels.linear).

var<workgroup> As: array<f32, 1024>;       // TM x TK
var<workgroup> Bs: array<vec4<f32>, 256>;  // TK x TN, four columns per element

@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let row0 = wid.y * TM;
  let col0 = wid.x * TN;
  let tid = lid.y * 8u + lid.x;
  var acc0_0 = vec4<f32>(0.0);
  var acc0_1 = vec4<f32>(0.0);
  var acc1_0 = vec4<f32>(0.0);
  var acc1_1 = vec4<f32>(0.0);
  var acc2_0 = vec4<f32>(0.0);
  var acc2_1 = vec4<f32>(0.0);
  var acc3_0 = vec4<f32>(0.0);
  var acc3_1 = vec4<f32>(0.0);
  var acc4_0 = vec4<f32>(0.0);
  var acc4_1 = vec4<f32>(0.0);
  var acc5_0 = vec4<f32>(0.0);
  var acc5_1 = vec4<f32>(0.0);
  var acc6_0 = vec4<f32>(0.0);
  var acc6_1 = vec4<f32>(0.0);
  var acc7_0 = vec4<f32>(0.0);
  var acc7_1 = vec4<f32>(0.0);
  for (var k0 = 0u; k0 < P.K; k0 = k0 + TK) {
    // A tile: 1024 values, 16 per thread; B tile: 256 vec4, 4 per thread.
    for (var e = 0u; e < 16u; e = e + 1u) {
      let idx = tid + 64u * e;
      let r = idx / TK;
      let c = idx % TK;
      let m = row0 + r;
      let k = k0 + c;
      var v = 0.0;
      if (m < P.M && k < P.K) { v = x[((m / P.rows_out) * P.rows_in + P.row_start + m % P.rows_out) * P.K + k]; }
      As[idx] = v;
    }
    for (var e = 0u; e < 4u; e = e + 1u) {
      let idx = tid + 64u * e;
      let kk = k0 + idx / 16u;
      let n0 = col0 + 4u * (idx % 16u);
      var wv = vec4<f32>(0.0);
      if (kk < P.K) {
        let o = kk * P.N + n0;
        if (n0 + 3u < P.N) {
          wv = vec4<f32>(w[o], w[o + 1u], w[o + 2u], w[o + 3u]);
        } else {
          if (n0 < P.N) { wv.x = w[o]; }
          if (n0 + 1u < P.N) { wv.y = w[o + 1u]; }
          if (n0 + 2u < P.N) { wv.z = w[o + 2u]; }
        }
      }
      Bs[idx] = wv;
    }
    workgroupBarrier();
    let abase = (8u * lid.y) * TK;
    for (var t = 0u; t < TK; t = t + 1u) {
      let b0 = Bs[t * 16u + 2u * lid.x];
      let b1 = Bs[t * 16u + 2u * lid.x + 1u];
      let a0 = As[abase + 0u * TK + t];
      acc0_0 = acc0_0 + a0 * b0;
      acc0_1 = acc0_1 + a0 * b1;
      let a1 = As[abase + 1u * TK + t];
      acc1_0 = acc1_0 + a1 * b0;
      acc1_1 = acc1_1 + a1 * b1;
      let a2 = As[abase + 2u * TK + t];
      acc2_0 = acc2_0 + a2 * b0;
      acc2_1 = acc2_1 + a2 * b1;
      let a3 = As[abase + 3u * TK + t];
      acc3_0 = acc3_0 + a3 * b0;
      acc3_1 = acc3_1 + a3 * b1;
      let a4 = As[abase + 4u * TK + t];
      acc4_0 = acc4_0 + a4 * b0;
      acc4_1 = acc4_1 + a4 * b1;
      let a5 = As[abase + 5u * TK + t];
      acc5_0 = acc5_0 + a5 * b0;
      acc5_1 = acc5_1 + a5 * b1;
      let a6 = As[abase + 6u * TK + t];
      acc6_0 = acc6_0 + a6 * b0;
      acc6_1 = acc6_1 + a6 * b1;
      let a7 = As[abase + 7u * TK + t];
      acc7_0 = acc7_0 + a7 * b0;
      acc7_1 = acc7_1 + a7 * b1;
    }
    workgroupBarrier();
  }
  let mBase = row0 + 8u * lid.y;
  let nBase = col0 + 8u * lid.x;
  store_row(mBase + 0u, nBase, acc0_0);
  store_row(mBase + 0u, nBase + 4u, acc0_1);
  store_row(mBase + 1u, nBase, acc1_0);
  store_row(mBase + 1u, nBase + 4u, acc1_1);
  store_row(mBase + 2u, nBase, acc2_0);
  store_row(mBase + 2u, nBase + 4u, acc2_1);
  store_row(mBase + 3u, nBase, acc3_0);
  store_row(mBase + 3u, nBase + 4u, acc3_1);
  store_row(mBase + 4u, nBase, acc4_0);
  store_row(mBase + 4u, nBase + 4u, acc4_1);
  store_row(mBase + 5u, nBase, acc5_0);
  store_row(mBase + 5u, nBase + 4u, acc5_1);
  store_row(mBase + 6u, nBase, acc6_0);
  store_row(mBase + 6u, nBase + 4u, acc6_1);
  store_row(mBase + 7u, nBase, acc7_0);
  store_row(mBase + 7u, nBase + 4u, acc7_1);
}

fn epilogue(m: u32, n: u32, acc: f32) {
  if (m >= P.M || n >= P.N) { return; }
  var y = acc;
  if (P.has_bias != 0u) { y = y + bias[n]; }
  if (ACT == 1u) { y = nn_gelu(y); }
  if (RESIDUAL == 1u) { y = y + res[m * P.N + n]; }
  out[m * P.N + n] = y;
}

fn store_row(m: u32, n: u32, acc: vec4<f32>) {
  epilogue(m, n, acc.x);
  epilogue(m, n + 1u, acc.y);
  epilogue(m, n + 2u, acc.z);
  epilogue(m, n + 3u, acc.w);
}
