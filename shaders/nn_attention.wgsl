// Bidirectional multi-head attention with a fused softmax (twin: cpu-kernels.ts attention).
// q, k, v, out: [batch, seq, heads * HEAD_DIM]. One thread per query row, one workgroup per
// (64 queries, head, sample); keys and values stream through workgroup memory in tiles of 32
// and the softmax is computed online (running max and sum, rescaled per tile), so the
// seq x seq score matrix never exists in memory. Every query sees every key (no mask).
override HEAD_DIM: u32 = 32u;
const KV_TILE: u32 = 32u;
const MAX_HEAD_DIM: u32 = 128u;
struct AttnParams { batch: u32, seq: u32, heads: u32, scale: f32 }
@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> P: AttnParams;

var<workgroup> Ks: array<f32, KV_TILE * HEAD_DIM>;
var<workgroup> Vs: array<f32, KV_TILE * HEAD_DIM>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = wid.x * 64u + lid.x;
  let h = wid.y;
  let b = wid.z;
  let width = P.heads * HEAD_DIM;
  let base = b * P.seq * width + h * HEAD_DIM;
  let live = i < P.seq;
  var qv: array<f32, MAX_HEAD_DIM>;
  var acc: array<f32, MAX_HEAD_DIM>;
  if (live) {
    for (var d = 0u; d < HEAD_DIM; d = d + 1u) {
      qv[d] = q[base + i * width + d];
      acc[d] = 0.0;
    }
  }
  var m = -3.0e38;
  var l = 0.0;
  var s: array<f32, KV_TILE>;
  for (var j0 = 0u; j0 < P.seq; j0 = j0 + KV_TILE) {
    let n = min(KV_TILE, P.seq - j0);
    for (var e = lid.x; e < KV_TILE * HEAD_DIM; e = e + 64u) {
      let jj = e / HEAD_DIM;
      let d = e % HEAD_DIM;
      var kv = 0.0;
      var vv = 0.0;
      if (jj < n) {
        let src = base + (j0 + jj) * width + d;
        kv = k[src];
        vv = v[src];
      }
      Ks[e] = kv;
      Vs[e] = vv;
    }
    workgroupBarrier();
    if (live) {
      var tmax = m;
      for (var jj = 0u; jj < n; jj = jj + 1u) {
        var dot = 0.0;
        for (var d = 0u; d < HEAD_DIM; d = d + 1u) { dot = dot + qv[d] * Ks[jj * HEAD_DIM + d]; }
        s[jj] = dot * P.scale;
        tmax = max(tmax, s[jj]);
      }
      let corr = exp(m - tmax);
      l = l * corr;
      for (var d = 0u; d < HEAD_DIM; d = d + 1u) { acc[d] = acc[d] * corr; }
      for (var jj = 0u; jj < n; jj = jj + 1u) {
        let p = exp(s[jj] - tmax);
        l = l + p;
        for (var d = 0u; d < HEAD_DIM; d = d + 1u) { acc[d] = acc[d] + p * Vs[jj * HEAD_DIM + d]; }
      }
      m = tmax;
    }
    workgroupBarrier();
  }
  if (live) {
    let inv = 1.0 / l;
    for (var d = 0u; d < HEAD_DIM; d = d + 1u) { out[base + i * width + d] = acc[d] * inv; }
  }
}
