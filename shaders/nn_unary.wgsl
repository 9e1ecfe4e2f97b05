// Unary elementwise ops, GELU included when it is not fused into nn_linear (twin: cpu-kernels.ts unary):
// op: 0 erf, 1 sqrt, 2 tanh, 3 relu, 4 sigmoid, 5 neg, 6 exp, 7 reciprocal, 8 abs, 9 gelu
// (UNARY_CODE in src/model/program.ts; the host rejects any other op before dispatch).
override WG: u32 = 256u;
// Bindings and struct P: src/model/nn/kernels.ts (nnKernels.unary).

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = nn_index(gid, nwg, WG);
  if (i >= P.total) { return; }
  let v = x[i];
  var y = 0.0;
  switch P.op {
    case 0u: { y = nn_erf(v); }
    case 1u: { y = sqrt(v); }
    case 2u: { y = tanh(v); }
    case 3u: { y = max(v, 0.0); }
    case 4u: { y = 1.0 / (1.0 + exp(-v)); }
    case 5u: { y = -v; }
    case 6u: { y = exp(v); }
    case 7u: { y = 1.0 / v; }
    case 8u: { y = abs(v); }
    case 9u: { y = nn_gelu(v); }
    // Unreachable from the host (opCode); a quiet NaN, never a guessed op. Built from a runtime
    // value (P.total & 0u), as a NaN constant expression is a shader-creation error.
    default: { y = bitcast<f32>(0x7fc00000u | (P.total & 0u)); }
  }
  out[i] = y;
}
