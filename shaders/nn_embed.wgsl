// Embedding gather (twin: cpu-kernels.ts embed): out[r, c] = table[ids[r], c].
override WG: u32 = 256u;
struct EmbedParams { total: u32, width: u32, vocab: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> ids: array<i32>;
@group(0) @binding(1) var<storage, read> table: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> P: EmbedParams;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = nn_index(gid, nwg, WG);
  if (i >= P.total) { return; }
  let row = i / P.width;
  let col = i % P.width;
  // Ids are checked on the CPU before upload; clamp anyway so a bad id cannot read out of bounds.
  let id = min(u32(max(ids[row], 0)), P.vocab - 1u);
  out[i] = table[id * P.width + col];
}
