// Test kernel: one Philox block per counter (checks shaders/rng.wgsl against rng.ts).
override WG: u32 = 64u;
// Bindings (input, keys, output, floats): test/browser/gpu-philox.test.ts.

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= arrayLength(&input)) { return; }
  let w = philox4x32(keys[i].x, keys[i].y, input[i]);
  output[i] = w;
  floats[i] = vec4<f32>(unit24(w.x), open_unit(w.y), gumbel(open_unit(w.z)), 0.0);
}
