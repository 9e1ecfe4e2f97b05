// Test kernel: one Philox block per counter (checks shaders/rng.wgsl against rng.ts).
override WG: u32 = 64u;

@group(0) @binding(0) var<storage, read> input: array<vec4<u32>>;   // (c0, c1, c2, c3)
@group(0) @binding(1) var<storage, read> keys: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read_write> output: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read_write> floats: array<vec4<f32>>; // unit24, open_unit, gumbel, 0

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= arrayLength(&input)) { return; }
  let w = philox4x32(keys[i].x, keys[i].y, input[i]);
  output[i] = w;
  floats[i] = vec4<f32>(unit24(w.x), open_unit(w.y), gumbel(open_unit(w.z)), 0.0);
}
