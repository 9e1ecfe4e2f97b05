import { ModelError } from './errors';
import { DT, DT_NAMES, decodeModelProto, toNum, type AttributeMsg, type ModelMsg, type NodeMsg, type TensorMsg, type ValueInfoMsg } from './onnx-proto';

/**
 * An ONNX model read into plain TypeScript: nodes, constant tensors (initializers, Constant
 * nodes and everything folded from them) and, for every runtime value, its inferred shape.
 * Runtime shapes write the batch axis (dynamic) as -1, so a folded Shape -> Gather -> Concat
 * chain produces a Reshape target such as [-1, 64, 4, 32] that Reshape reads as "infer".
 */

export interface ConstTensor {
  dims: number[];
  /** 'float' tensors are float32 in `f`; integer and bool tensors are numbers in `i`. */
  type: 'float' | 'int';
  f?: Float32Array;
  i?: number[];
}

export interface GraphNode {
  index: number;
  name: string;
  op: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attrs: Map<string, AttributeMsg>;
}

export interface IoInfo {
  name: string;
  elemType: number;
  /** Dimensions; null for a symbolic or missing dimension. */
  dims: (number | null)[] | null;
}

export interface OnnxGraph {
  opset: number;
  irVersion: number;
  producer: string;
  nodes: GraphNode[];
  consts: Map<string, ConstTensor>;
  /** Inferred runtime shapes (batch = -1); absent when a node's shape could not be inferred. */
  shapes: Map<string, number[]>;
  inputs: IoInfo[];
  outputs: IoInfo[];
  /** Nodes whose operator neither folds nor has a shape rule (named in errors later). */
  unknown: GraphNode[];
  /** Model metadata_props. */
  metadata: Record<string, string>;
}

export const BATCH = -1;

export function attrInt(n: GraphNode, name: string, def: number): number {
  const a = n.attrs.get(name);
  return a ? toNum(a.i) : def;
}
export function attrFloat(n: GraphNode, name: string, def: number): number {
  const a = n.attrs.get(name);
  return a && a.f !== undefined ? a.f : def;
}
export function attrInts(n: GraphNode, name: string): number[] | undefined {
  const a = n.attrs.get(name);
  return a ? (a.ints ?? []).map(toNum) : undefined;
}

const product = (d: readonly number[]) => d.reduce((a, b) => a * b, 1);

/** Reads a TensorProto's data. Throws ModelError for external data or unsupported types. */
export function readTensor(t: TensorMsg): ConstTensor {
  const dims = (t.dims ?? []).map(toNum);
  const n = product(dims);
  const dt = t.dataType ?? 0;
  if ((t.externalData?.length ?? 0) > 0 || t.dataLocation === 1) {
    throw new ModelError(`tensor "${t.name}" keeps its data in an external file; export the model as one .onnx file (no external data)`, 'weights');
  }
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : null;
  const need = (bytes: number) => {
    if (raw && raw.length < n * bytes) throw new ModelError(`tensor "${t.name}" is truncated: ${raw.length} bytes for ${n} elements`, 'weights');
  };
  switch (dt) {
    case DT.FLOAT: {
      const f = new Float32Array(n);
      if (view) {
        need(4);
        for (let i = 0; i < n; i++) f[i] = view.getFloat32(i * 4, true);
      } else if (t.floatData && t.floatData.length === n) f.set(t.floatData);
      else if (n > 0) throw new ModelError(`tensor "${t.name}" has ${t.floatData?.length ?? 0} values for ${n} elements`, 'weights');
      return { dims, type: 'float', f };
    }
    case DT.DOUBLE: {
      const f = new Float32Array(n);
      if (view) {
        need(8);
        for (let i = 0; i < n; i++) f[i] = view.getFloat64(i * 8, true);
      } else f.set(t.doubleData ?? []);
      return { dims, type: 'float', f };
    }
    case DT.FLOAT16: {
      const f = new Float32Array(n);
      for (let i = 0; i < n; i++) f[i] = halfToFloat(view ? view.getUint16(i * 2, true) : (t.int32Data?.[i] ?? 0));
      return { dims, type: 'float', f };
    }
    case DT.INT64: {
      const i64: number[] = [];
      if (view) {
        need(8);
        for (let i = 0; i < n; i++) i64.push(Number(view.getBigInt64(i * 8, true)));
      } else for (const v of t.int64Data ?? []) i64.push(toNum(v));
      return { dims, type: 'int', i: i64 };
    }
    case DT.INT32:
    case DT.INT8:
    case DT.UINT8:
    case DT.BOOL: {
      const out: number[] = [];
      if (view) {
        const bytes = dt === DT.INT32 ? 4 : 1;
        need(bytes);
        for (let i = 0; i < n; i++) out.push(dt === DT.INT32 ? view.getInt32(i * 4, true) : dt === DT.INT8 ? view.getInt8(i) : view.getUint8(i));
      } else out.push(...(t.int32Data ?? []));
      return { dims, type: 'int', i: out };
    }
    default:
      throw new ModelError(`tensor "${t.name}" has element type ${DT_NAMES[dt] ?? dt}, which the engine does not read (float32, float16, int64, int32 are supported)`, 'weights');
  }
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (m / 1024);
  if (e === 31) return m ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + m / 1024);
}

function ioInfo(v: ValueInfoMsg): IoInfo {
  const tt = v.type?.tensorType;
  const dims = tt?.shape?.dim ? tt.shape.dim.map((d) => (d.dimValue !== undefined && d.dimValue !== null && !d.dimParam ? toNum(d.dimValue) : null)) : null;
  return { name: v.name ?? '', elemType: tt?.elemType ?? 0, dims };
}

/** Does this byte string look like a protobuf ModelProto at all? (cheap pre-check) */
function looksLikeOnnx(bytes: Uint8Array): string | null {
  if (bytes.length < 16) return `the file is only ${bytes.length} bytes`;
  const head = new TextDecoder().decode(bytes.subarray(0, Math.min(64, bytes.length))).trimStart();
  if (head.startsWith('{') || head.startsWith('[')) return 'it is JSON text (did you pick the vocabulary file?)';
  if (head.startsWith('<')) return 'it is HTML/XML text (a web page, not the model file?)';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'it is a ZIP archive (a PyTorch checkpoint? export with torch.onnx.export)';
  // ModelProto starts with a field key: ir_version (0x08) is conventionally first.
  if (bytes[0] !== 0x08 && bytes[0] !== 0x12 && bytes[0] !== 0x1a && bytes[0] !== 0x3a && bytes[0] !== 0x42) return 'its first byte is not an ONNX ModelProto field';
  return null;
}

/** Parses an .onnx file. Throws ModelError('not-onnx') for anything that is not an ONNX model. */
export function parseOnnx(bytes: Uint8Array): OnnxGraph {
  const why = looksLikeOnnx(bytes);
  if (why) throw new ModelError(`not an ONNX model: ${why}`, 'not-onnx');
  let model: ModelMsg;
  try {
    model = decodeModelProto(bytes);
  } catch (e) {
    throw new ModelError(`not an ONNX model: the protobuf decoder failed (${(e as Error).message})`, 'not-onnx');
  }
  const g = model.graph;
  if (!g || !g.node || g.node.length === 0) throw new ModelError('not an ONNX model: it has no graph (or an empty one)', 'not-onnx');
  const opset = toNum((model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 0);
  const consts = new Map<string, ConstTensor>();
  for (const t of g.initializer ?? []) consts.set(t.name ?? '', readTensor(t));
  const inputs = (g.input ?? []).filter((v) => !consts.has(v.name ?? '')).map(ioInfo);
  const outputs = (g.output ?? []).map(ioInfo);
  const nodes: GraphNode[] = (g.node ?? []).map((n: NodeMsg, index) => ({
    index,
    name: n.name || `${n.opType}_${index}`,
    op: n.opType ?? '',
    domain: n.domain ?? '',
    inputs: n.input ?? [],
    outputs: n.output ?? [],
    attrs: new Map((n.attribute ?? []).map((a) => [a.name ?? '', a])),
  }));
  const metadata: Record<string, string> = {};
  for (const p of model.metadataProps ?? []) if (p.key) metadata[p.key] = p.value ?? '';
  const graph: OnnxGraph = {
    opset,
    irVersion: toNum(model.irVersion),
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    nodes,
    consts,
    shapes: new Map(),
    inputs,
    outputs,
    unknown: [],
    metadata,
  };
  for (const inp of inputs) {
    if (inp.dims) graph.shapes.set(inp.name, inp.dims.map((d, i) => (i === 0 ? BATCH : (d ?? BATCH))));
  }
  foldAndInfer(graph);
  return graph;
}

// ---------------------------------------------------------------------------------------------
// Constant folding (shape arithmetic) and shape inference.

/** Operators whose outputs we can compute when every input is constant. */
const FOLDABLE = new Set(['Constant', 'Identity', 'Cast', 'Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'Concat', 'Slice', 'Reshape', 'Add', 'Sub', 'Mul', 'Div', 'Sqrt', 'Neg', 'ConstantOfShape', 'Transpose', 'Range', 'Equal', 'Where', 'Expand']);

function constOf(g: OnnxGraph, name: string): ConstTensor | undefined {
  return name ? g.consts.get(name) : undefined;
}

function ints(t: ConstTensor): number[] {
  return t.type === 'int' ? t.i! : Array.from(t.f!);
}

function normAxis(a: number, rank: number) {
  return a < 0 ? a + rank : a;
}

function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | null {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x === y || y === 1) out.push(x);
    else if (x === 1) out.push(y);
    else if (x === BATCH || y === BATCH) out.push(BATCH);
    else return null;
  }
  return out;
}

/** Resolves a Reshape target against an input shape (0 = copy, -1 = infer; batch stays -1). */
export function reshapeTarget(input: readonly number[], target: readonly number[], allowZero = false): number[] | null {
  const out = target.map((t, i) => (t === 0 && !allowZero ? input[i] : t));
  const batchIn = input.includes(BATCH);
  const known = out.filter((d) => d !== -1);
  const inKnown = product(input.filter((d) => d !== BATCH));
  const minus = out.filter((d) => d === -1).length;
  if (!batchIn) {
    if (minus === 0) return product(out) === product(input) ? out : null;
    if (minus > 1) return null;
    const k = product(known);
    if (k === 0 || product(input) % k) return null;
    return out.map((d) => (d === -1 ? product(input) / k : d));
  }
  // Runtime tensor with a dynamic batch: exactly one -1 in the output may absorb the batch.
  if (minus !== 1) return null;
  if (product(known) !== inKnown) return null;
  return out;
}

function evalConst(g: OnnxGraph, n: GraphNode): ConstTensor[] | null {
  const ins = n.inputs.map((name) => constOf(g, name));
  const inp = (i: number) => ins[i];
  const f32 = (dims: number[], f: Float32Array): ConstTensor => ({ dims, type: 'float', f });
  const i64 = (dims: number[], i: number[]): ConstTensor => ({ dims, type: 'int', i });
  switch (n.op) {
    case 'Constant': {
      const a = n.attrs.get('value');
      if (a?.t) return [readTensor(a.t)];
      const vf = n.attrs.get('value_float');
      if (vf) return [f32([], new Float32Array([vf.f ?? 0]))];
      const vfs = n.attrs.get('value_floats');
      if (vfs) return [f32([vfs.floats?.length ?? 0], new Float32Array(vfs.floats ?? []))];
      const vi = n.attrs.get('value_int');
      if (vi) return [i64([], [toNum(vi.i)])];
      const vis = n.attrs.get('value_ints');
      if (vis) return [i64([vis.ints?.length ?? 0], (vis.ints ?? []).map(toNum))];
      return null;
    }
    case 'Shape': {
      const s = ins[0]?.dims ?? g.shapes.get(n.inputs[0]);
      if (!s) return null;
      const start = normAxis(attrInt(n, 'start', 0), s.length);
      const endA = n.attrs.has('end') ? normAxis(attrInt(n, 'end', s.length), s.length) : s.length;
      return [i64([endA - start], s.slice(start, endA))];
    }
    case 'ConstantOfShape': {
      if (!inp(0)) return null;
      const dims = ints(inp(0)!);
      if (dims.some((d) => d < 0)) return null;
      const v = n.attrs.get('value')?.t;
      const val = v ? readTensor(v) : f32([1], new Float32Array([0]));
      return [val.type === 'float' ? f32(dims, new Float32Array(product(dims)).fill(val.f![0])) : i64(dims, new Array(product(dims)).fill(val.i![0]))];
    }
  }
  if (ins.some((t, i) => !t && n.inputs[i] !== '')) return null;
  const a = inp(0)!;
  switch (n.op) {
    case 'Identity':
      return [a];
    case 'Cast': {
      const to = attrInt(n, 'to', DT.FLOAT);
      if (to === DT.FLOAT || to === DT.DOUBLE || to === DT.FLOAT16) return [f32(a.dims, a.type === 'float' ? a.f! : Float32Array.from(a.i!))];
      return [i64(a.dims, ints(a).map(Math.trunc))];
    }
    case 'Gather': {
      const idx = inp(1)!;
      const axis = normAxis(attrInt(n, 'axis', 0), a.dims.length);
      if (axis !== 0) return null;
      const row = product(a.dims.slice(1));
      const ids = ints(idx).map((v) => (v < 0 ? v + a.dims[0] : v));
      const dims = [...idx.dims, ...a.dims.slice(1)];
      if (a.type === 'int') return [i64(dims, ids.flatMap((id) => a.i!.slice(id * row, (id + 1) * row)))];
      const f = new Float32Array(ids.length * row);
      ids.forEach((id, k) => f.set(a.f!.subarray(id * row, (id + 1) * row), k * row));
      return [f32(dims, f)];
    }
    case 'Unsqueeze': {
      const axes = inp(1) ? ints(inp(1)!) : (attrInts(n, 'axes') ?? []);
      const rank = a.dims.length + axes.length;
      const dims = [...a.dims];
      for (const ax of axes.map((x) => normAxis(x, rank)).sort((x, y) => x - y)) dims.splice(ax, 0, 1);
      return [{ ...a, dims }];
    }
    case 'Squeeze': {
      const axes = inp(1) ? ints(inp(1)!) : attrInts(n, 'axes');
      const drop = new Set((axes ?? a.dims.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((x) => normAxis(x, a.dims.length)));
      return [{ ...a, dims: a.dims.filter((_, i) => !drop.has(i)) }];
    }
    case 'Concat': {
      const parts = ins.map((t) => t!);
      if (parts.some((p) => p.dims.length !== 1)) return null;
      if (parts.every((p) => p.type === 'int')) return [i64([parts.reduce((s, p) => s + p.i!.length, 0)], parts.flatMap((p) => p.i!))];
      const all = parts.flatMap((p) => Array.from(p.type === 'float' ? p.f! : p.i!));
      return [f32([all.length], Float32Array.from(all))];
    }
    case 'Slice': {
      if (a.dims.length !== 1) return null;
      const starts = ints(inp(1)!);
      const ends = ints(inp(2)!);
      const steps = inp(4) ? ints(inp(4)!) : [1];
      if (steps[0] !== 1) return null;
      const len = a.dims[0];
      const clamp = (v: number) => Math.max(0, Math.min(len, v < 0 ? v + len : v));
      const s = clamp(starts[0]);
      const e = clamp(ends[0]);
      const vals = a.type === 'int' ? a.i!.slice(s, e) : Array.from(a.f!.slice(s, e));
      return [a.type === 'int' ? i64([vals.length], vals) : f32([vals.length], Float32Array.from(vals))];
    }
    case 'Reshape': {
      const dims = reshapeTarget(a.dims, ints(inp(1)!), attrInt(n, 'allowzero', 0) === 1);
      return dims ? [{ ...a, dims }] : null;
    }
    case 'Range': {
      const [s, l, d] = [ints(a)[0], ints(inp(1)!)[0], ints(inp(2)!)[0]];
      const out: number[] = [];
      for (let v = s; d > 0 ? v < l : v > l; v += d) out.push(v);
      return [a.type === 'int' ? i64([out.length], out) : f32([out.length], Float32Array.from(out))];
    }
    case 'Transpose': {
      const perm = attrInts(n, 'perm') ?? a.dims.map((_, i) => a.dims.length - 1 - i);
      const dims = perm.map((p) => a.dims[p]);
      const total = product(a.dims);
      const stridesIn = a.dims.map((_, i) => product(a.dims.slice(i + 1)));
      const get = (flat: number) => {
        let rem = flat;
        let src = 0;
        for (let k = 0; k < dims.length; k++) {
          const st = product(dims.slice(k + 1));
          const c = Math.floor(rem / st);
          rem -= c * st;
          src += c * stridesIn[perm[k]];
        }
        return src;
      };
      if (a.type === 'int') return [i64(dims, Array.from({ length: total }, (_, k) => a.i![get(k)]))];
      const f = new Float32Array(total);
      for (let k = 0; k < total; k++) f[k] = a.f![get(k)];
      return [f32(dims, f)];
    }
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
    case 'Equal':
    case 'Where':
    case 'Expand':
    case 'Sqrt':
    case 'Neg':
      return evalElementwise(n.op, ins.map((t) => t!));
  }
  return null;
}

function evalElementwise(op: string, ins: ConstTensor[]): ConstTensor[] | null {
  if (op === 'Expand') {
    const shape = broadcastShapes(ins[0].dims, ints(ins[1]));
    if (!shape) return null;
    ins = [ins[0], { dims: shape, type: 'int', i: new Array(product(shape)).fill(0) }];
    op = 'Add';
  }
  const shape = ins.map((t) => t.dims).reduce<number[] | null>((s, d) => (s ? broadcastShapes(s, d) : null), []);
  if (!shape || shape.some((d) => d < 0)) return null;
  const total = product(shape);
  const isInt = ins.every((t) => t.type === 'int') || (op === 'Where' && ins[1].type === 'int' && ins[2].type === 'int');
  const at = (t: ConstTensor, flat: number) => {
    // broadcast index
    let idx = 0;
    let stride = 1;
    let rem = flat;
    const coords: number[] = [];
    for (let k = shape.length - 1; k >= 0; k--) {
      coords[k] = rem % shape[k];
      rem = Math.floor(rem / shape[k]);
    }
    for (let k = t.dims.length - 1; k >= 0; k--) {
      const c = coords[shape.length - t.dims.length + k];
      idx += (t.dims[k] === 1 ? 0 : c) * stride;
      stride *= t.dims[k];
    }
    return t.type === 'int' ? t.i![idx] : t.f![idx];
  };
  const vals: number[] = new Array(total);
  for (let k = 0; k < total; k++) {
    const x = at(ins[0], k);
    const y = ins.length > 1 ? at(ins[1], k) : 0;
    switch (op) {
      case 'Add': vals[k] = x + y; break;
      case 'Sub': vals[k] = x - y; break;
      case 'Mul': vals[k] = x * y; break;
      case 'Div': vals[k] = isInt ? Math.trunc(x / y) : x / y; break;
      case 'Equal': vals[k] = x === y ? 1 : 0; break;
      case 'Where': vals[k] = x ? y : at(ins[2], k); break;
      case 'Sqrt': vals[k] = Math.sqrt(x); break;
      case 'Neg': vals[k] = -x; break;
    }
  }
  return [isInt ? { dims: shape, type: 'int', i: vals } : { dims: shape, type: 'float', f: Float32Array.from(vals) }];
}

/** Shape rules for the runtime operators the engine knows (batch = -1). */
function inferShape(g: OnnxGraph, n: GraphNode): number[][] | null {
  const s = (i: number) => (n.inputs[i] ? (g.shapes.get(n.inputs[i]) ?? g.consts.get(n.inputs[i])?.dims) : undefined);
  const a = s(0);
  switch (n.op) {
    case 'Identity': case 'Erf': case 'Sqrt': case 'Relu': case 'Tanh': case 'Sigmoid': case 'Neg': case 'Exp': case 'Softmax':
    case 'Gelu': case 'Cast': case 'Dropout': case 'Reciprocal': case 'Abs':
      return a ? [a] : null;
    case 'LayerNormalization':
      return a ? [a] : null;
    case 'Add': case 'Sub': case 'Mul': case 'Div': case 'Pow': {
      const b = s(1);
      if (!a || !b) return null;
      const r = broadcastShapes(a, b);
      return r ? [r] : null;
    }
    case 'Gather': {
      const idx = s(1);
      if (!a || !idx) return null;
      const axis = normAxis(attrInt(n, 'axis', 0), a.length);
      return [[...a.slice(0, axis), ...idx, ...a.slice(axis + 1)]];
    }
    case 'MatMul': {
      const b = s(1);
      if (!a || !b || a.length < 2 || b.length < 2) return null;
      if (a[a.length - 1] !== b[b.length - 2] && a[a.length - 1] !== BATCH && b[b.length - 2] !== BATCH) return null;
      const batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2));
      return batch ? [[...batch, a[a.length - 2], b[b.length - 1]]] : null;
    }
    case 'Gemm': {
      const b = s(1);
      if (!a || !b) return null;
      const m = attrInt(n, 'transA', 0) ? a[1] : a[0];
      const nn = attrInt(n, 'transB', 0) ? b[0] : b[1];
      return [[m, nn]];
    }
    case 'Transpose': {
      if (!a) return null;
      const perm = attrInts(n, 'perm') ?? a.map((_, i) => a.length - 1 - i);
      return [perm.map((p) => a[p])];
    }
    case 'Reshape': {
      const t = constOf(g, n.inputs[1]);
      if (!a || !t) return null;
      const r = reshapeTarget(a, ints(t), attrInt(n, 'allowzero', 0) === 1);
      return r ? [r] : null;
    }
    case 'Unsqueeze': case 'Squeeze': case 'Flatten':
      return null;
    case 'ReduceMean': {
      if (!a) return null;
      const axes = (n.inputs[1] && constOf(g, n.inputs[1]) ? ints(constOf(g, n.inputs[1])!) : attrInts(n, 'axes')) ?? a.map((_, i) => i);
      const keep = attrInt(n, 'keepdims', 1);
      const ax = new Set(axes.map((x) => normAxis(x, a.length)));
      return [keep ? a.map((d, i) => (ax.has(i) ? 1 : d)) : a.filter((_, i) => !ax.has(i))];
    }
  }
  return null;
}

function foldAndInfer(g: OnnxGraph): void {
  for (const n of g.nodes) {
    const knownOp = FOLDABLE.has(n.op);
    if (knownOp) {
      let folded: ConstTensor[] | null;
      try {
        folded = evalConst(g, n);
      } catch {
        folded = null;
      }
      if (folded) {
        folded.forEach((t, i) => n.outputs[i] && g.consts.set(n.outputs[i], t));
        continue;
      }
    }
    const shapes = inferShape(g, n);
    if (shapes) shapes.forEach((sh, i) => n.outputs[i] && g.shapes.set(n.outputs[i], sh));
    else if (!KNOWN_RUNTIME_OPS.has(n.op)) g.unknown.push(n);
  }
}

/** Operators the compiler handles somewhere (directly, in a fusion, or as a layout no-op). */
export const KNOWN_RUNTIME_OPS = new Set([
  'Gather', 'MatMul', 'Gemm', 'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Sqrt', 'Erf', 'Gelu', 'ReduceMean', 'LayerNormalization',
  'Softmax', 'Transpose', 'Reshape', 'Identity', 'Cast', 'Dropout', 'Constant', 'Shape', 'Concat', 'Unsqueeze', 'Squeeze',
  'Slice', 'ConstantOfShape', 'Range', 'Neg', 'Tanh', 'Relu', 'Sigmoid', 'Equal', 'Where', 'Expand', 'Exp', 'Reciprocal', 'Abs',
]);
