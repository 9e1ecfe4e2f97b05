// Model input on the GPU (twin: src/engine/model-format.ts encodeModelInput): for the GPU
// unmasking core, which keeps canvases in a GPU buffer. ids[b, s] = prompt[b, s] for s < 32 (the
// prompt, already padded with [PAD]), canvas[b, s - 32] for 32 <= s < 32 + L, else [PAD].
override WG: u32 = 256u;
// Bindings and struct P: src/model/nn/kernels.ts (nnKernels.compose).

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = nn_index(gid, nwg, WG);
  let seq = 2u * P.prompt_length;
  if (i >= P.batch * seq) { return; }
  let b = i / seq;
  let s = i % seq;
  var id = i32(P.pad_id);
  if (s < P.prompt_length) {
    id = prompt[b * P.prompt_length + s];
  } else if (s - P.prompt_length < P.canvas_length) {
    id = canvas[b * P.canvas_length + s - P.prompt_length];
  }
  ids[i] = id;
}
