// Embedding gather (twin: cpu-kernels.ts embed): out[r, c] = table[ids[r], c].
override WG: u32 = 256u;
// Bindings and struct P: src/model/nn/kernels.ts (nnKernels.embed).

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
