// Layer norm over the last axis, one workgroup per row (twin: cpu-kernels.ts layerNorm):
// two passes (mean, then mean of squared deviations), tree reductions in workgroup memory.
// MODE 1 writes only the row mean (ReduceMean over the last axis; twin: rowMean).
override WG: u32 = 64u;
override MODE: u32 = 0u;
struct NormParams { rows: u32, width: u32, has_beta: u32, eps: f32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> gamma: array<f32>;
@group(0) @binding(2) var<storage, read> beta: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> P: NormParams;

var<workgroup> red: array<f32, WG>;

fn reduce(v: f32, lid: u32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (lid < s) { red[lid] = red[lid] + red[lid + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid3: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= P.rows) { return; }
  let lid = lid3.x;
  let o = row * P.width;
  var s = 0.0;
  for (var i = lid; i < P.width; i = i + WG) { s = s + x[o + i]; }
  let mean = reduce(s, lid) / f32(P.width);
  if (MODE == 1u) {
    if (lid == 0u) { out[row] = mean; }
    return;
  }
  var v = 0.0;
  for (var i = lid; i < P.width; i = i + WG) {
    let d = x[o + i] - mean;
    v = v + d * d;
  }
  let inv = 1.0 / sqrt(reduce(v, lid) / f32(P.width) + P.eps);
  for (var i = lid; i < P.width; i = i + WG) {
    var y = (x[o + i] - mean) * inv * gamma[i];
    if (P.has_beta != 0u) { y = y + beta[i]; }
    out[o + i] = y;
  }
}
