// GELU, erf form (twin: cpu-kernels.ts gelu), elementwise.
override WG: u32 = 256u;
struct GeluParams { total: u32, p1: u32, p2: u32, p3: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> P: GeluParams;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = nn_index(gid, nwg, WG);
  if (i >= P.total) { return; }
  out[i] = nn_gelu(x[i]);
}
