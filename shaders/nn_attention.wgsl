// Bidirectional multi-head attention with a fused softmax (twin: cpu-kernels.ts attention).
// q, k, v, out: [batch, seq, heads * HEAD_DIM]. One thread per query row, one workgroup per
// (64 queries, head, sample); keys and values stream through workgroup memory in tiles of 32
// and the softmax is computed online (running max and sum, rescaled once per tile), so the
// seq x seq score matrix never exists in memory. Every query sees every key (no mask).
// Vectors are vec4 (HEAD_DIM must be a multiple of 4) and every loop has a trip count known
// when the pipeline is created (keys past the end of a tile score -inf), so compilers can keep
// the per-thread arrays in registers: SwiftShader otherwise keeps them in memory.
override HEAD_DIM: u32 = 32u;
const KV_TILE: u32 = 32u;
const MAX_D4: u32 = 32u; // head size up to 128
// Bindings and struct P: src/model/nn/kernels.ts (nnKernels.attention).

var<workgroup> Ks: array<vec4<f32>, KV_TILE * HEAD_DIM / 4u>;
var<workgroup> Vs: array<vec4<f32>, KV_TILE * HEAD_DIM / 4u>;

fn load4(buf_k: bool, at: u32) -> vec4<f32> {
  if (buf_k) { return vec4<f32>(k[at], k[at + 1u], k[at + 2u], k[at + 3u]); }
  return vec4<f32>(v[at], v[at + 1u], v[at + 2u], v[at + 3u]);
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let D4 = HEAD_DIM / 4u;
  let i = wid.x * 64u + lid.x;
  let h = wid.y;
  let b = wid.z;
  let width = P.heads * HEAD_DIM;
  let base = b * P.seq * width + h * HEAD_DIM;
  let live = i < P.seq;
  var qv: array<vec4<f32>, MAX_D4>;
  var acc: array<vec4<f32>, MAX_D4>;
  if (live) {
    let qo = base + i * width;
    for (var d = 0u; d < D4; d = d + 1u) {
      qv[d] = vec4<f32>(q[qo + 4u * d], q[qo + 4u * d + 1u], q[qo + 4u * d + 2u], q[qo + 4u * d + 3u]);
      acc[d] = vec4<f32>(0.0);
    }
  }
  var m = -3.0e38;
  var l = 0.0;
  var s: array<f32, KV_TILE>;
  for (var j0 = 0u; j0 < P.seq; j0 = j0 + KV_TILE) {
    let n = min(KV_TILE, P.seq - j0);
    for (var e = lid.x; e < KV_TILE * D4; e = e + 64u) {
      let jj = e / D4;
      let d = e % D4;
      var kv = vec4<f32>(0.0);
      var vv = vec4<f32>(0.0);
      if (jj < n) {
        let src = base + (j0 + jj) * width + 4u * d;
        kv = load4(true, src);
        vv = load4(false, src);
      }
      Ks[e] = kv;
      Vs[e] = vv;
    }
    workgroupBarrier();
    if (live) {
      var tmax = m;
      for (var jj = 0u; jj < KV_TILE; jj = jj + 1u) {
        var dot4 = vec4<f32>(0.0);
        for (var d = 0u; d < D4; d = d + 1u) { dot4 = dot4 + qv[d] * Ks[jj * D4 + d]; }
        let sc = select(-3.0e38, (dot4.x + dot4.y + dot4.z + dot4.w) * P.scale, jj < n);
        s[jj] = sc;
        tmax = max(tmax, sc);
      }
      let corr = exp(m - tmax);
      l = l * corr;
      for (var d = 0u; d < D4; d = d + 1u) { acc[d] = acc[d] * corr; }
      for (var jj = 0u; jj < KV_TILE; jj = jj + 1u) {
        let p = select(0.0, exp(s[jj] - tmax), jj < n);
        l = l + p;
        for (var d = 0u; d < D4; d = d + 1u) { acc[d] = acc[d] + p * Vs[jj * D4 + d]; }
      }
      m = tmax;
    }
    workgroupBarrier();
  }
  if (live) {
    let inv = 1.0 / l;
    let oo = base + i * width;
    for (var d = 0u; d < D4; d = d + 1u) {
      let y = acc[d] * inv;
      out[oo + 4u * d] = y.x;
      out[oo + 4u * d + 1u] = y.y;
      out[oo + 4u * d + 2u] = y.z;
      out[oo + 4u * d + 3u] = y.w;
    }
  }
}
