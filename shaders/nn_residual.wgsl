// Residual add and the other binary elementwise ops (twin: cpu-kernels.ts binary):
// out[i] = a[i] (op) b[i % period]; period = b's length (the size of a for a residual add,
// seq x width for a positional embedding, 1 for a scalar). swap computes b (op) a.
// op: 0 add, 1 sub, 2 mul, 3 div, 4 pow.
override WG: u32 = 256u;
// Bindings and struct P: src/model/nn/kernels.ts (nnKernels.binary).

fn apply(op: u32, x: f32, y: f32) -> f32 {
  switch op {
    case 0u: { return x + y; }
    case 1u: { return x - y; }
    case 2u: { return x * y; }
    case 3u: { return x / y; }
    case 4u: {
      if (y == 2.0) { return x * x; }
      return pow(x, y);
    }
    // Unreachable from the host (opCode in src/model/program.ts); a quiet NaN, never a guessed op.
    default: { return bitcast<f32>(0x7fc00000u | (P.total & 0u)); }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = nn_index(gid, nwg, WG);
  if (i >= P.total) { return; }
  let x = a[i];
  let y = b[i % P.period];
  out[i] = select(apply(P.op, x, y), apply(P.op, y, x), P.swap != 0u);
}
