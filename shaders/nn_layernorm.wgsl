// Layer norm over the last axis (twin: cpu-kernels.ts layerNorm): one thread per row, two
// passes (mean, then mean of squared deviations), summed in the twin's order. A thread per row
// needs no workgroup barriers: the first version (a 64-thread workgroup per row with tree
// reductions) spent a quarter of the forward pass here on SwiftShader, where every barrier
// switches all of a workgroup's invocations. Rows are 128 wide in the tiny model.
// MODE 1 writes only the row mean (ReduceMean over the last axis; twin: rowMean).
override WG: u32 = 64u;
override MODE: u32 = 0u;
// Bindings and struct P: src/model/nn/kernels.ts (nnKernels.layernorm).

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = nn_index(gid, nwg, WG);
  if (row >= P.rows) { return; }
  let o = row * P.width;
  var s = 0.0;
  for (var i = 0u; i < P.width; i = i + 1u) { s = s + x[o + i]; }
  let mean = s / f32(P.width);
  if (MODE == 1u) {
    out[row] = mean;
    return;
  }
  var v = 0.0;
  for (var i = 0u; i < P.width; i = i + 1u) {
    let d = x[o + i] - mean;
    v = v + d * d;
  }
  let inv = 1.0 / sqrt(v / f32(P.width) + P.eps);
  for (var i = 0u; i < P.width; i = i + 1u) {
    var y = (x[o + i] - mean) * inv * gamma[i];
    if (P.has_beta != 0u) { y = y + beta[i]; }
    out[o + i] = y;
  }
}
