import { MODEL_SEQUENCE_LENGTH } from '../engine/model-format';
import { RandomStream } from '../engine/rng';
import { AT, DT, encodeModelProto, type AttributeMsg, type ModelMsg, type NodeMsg, type TensorMsg, type ValueInfoMsg } from './onnx-proto';

/**
 * Writes ONNX files from TypeScript: a seeded random transformer with exactly the node layout
 * torch.onnx.export gives models/train/train.py's TinyMDM (Gather, LayerNormalization,
 * MatMul + Add, Reshape/Transpose/Mul/MatMul/Softmax attention, the erf GELU chain), for tests
 * that need a model without the trained file, and hand-made broken models for validation tests.
 */

export function floatTensor(name: string, dims: number[], data: Float32Array): TensorMsg {
  return { name, dims, dataType: DT.FLOAT, rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) };
}

export function int64Tensor(name: string, dims: number[], values: number[]): TensorMsg {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { name, dims, dataType: DT.INT64, rawData: raw };
}

export function valueInfo(name: string, elemType: number, dims: (number | string)[]): ValueInfoMsg {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

const intsAttr = (name: string, ints: number[]): AttributeMsg => ({ name, type: AT.INTS, ints });
const intAttr = (name: string, i: number): AttributeMsg => ({ name, type: AT.INT, i });
const floatAttr = (name: string, f: number): AttributeMsg => ({ name, type: AT.FLOAT, f });

export interface TinyTransformerSpec {
  vocab: number;
  d: number;
  heads: number;
  ff: number;
  layers: number;
  seed: number;
  /** Weight scale (std of the normal init). */
  std?: number;
  /** Layer norm as opset < 17 exports it (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add). */
  decomposedNorm?: boolean;
  /** Opset to declare (17 by default; 14 with decomposedNorm, the old ReduceMean form). */
  opset?: number;
}

/** Builds the ModelMsg of a random TinyMDM-shaped transformer (opset 17, dynamic batch). */
export function tinyTransformerModel(spec: TinyTransformerSpec): ModelMsg {
  const { vocab: V, d, heads: H, ff, layers, seed } = spec;
  const S = MODEL_SEQUENCE_LENGTH;
  const hd = d / H;
  const std = spec.std ?? 0.3;
  const rng = new RandomStream(seed, 0);
  const randn = (n: number, s = std) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const u1 = Math.max(rng.next(), 1e-12);
      const u2 = rng.next();
      out[i] = s * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
    return out;
  };
  const inits: TensorMsg[] = [];
  const nodes: NodeMsg[] = [];
  let k = 0;
  const w = (name: string, dims: number[], data?: Float32Array) => {
    inits.push(floatTensor(name, dims, data ?? randn(dims.reduce((a, b) => a * b, 1))));
    return name;
  };
  const constNode = (t: TensorMsg) => {
    const out = `/Constant_${k++}_output_0`;
    nodes.push({ opType: 'Constant', name: `/Constant_${k}`, input: [], output: [out], attribute: [{ name: 'value', type: AT.TENSOR, t }] });
    return out;
  };
  const scalar = (v: number) => constNode(floatTensor('', [], new Float32Array([v])));
  const shape = (dims: number[]) => constNode(int64Tensor('', [dims.length], dims));
  const node = (op: string, inputs: string[], attrs: AttributeMsg[] = []) => {
    const out = `/${op}_${k++}_output_0`;
    nodes.push({ opType: op, name: `/${op}_${k}`, input: inputs, output: [out], attribute: attrs });
    return out;
  };
  const ones = (n: number) => new Float32Array(n).map(() => 1 + 0.1 * randn(1, 1)[0]);
  const linear = (x: string, name: string, din: number, dout: number) => node('Add', [w(`${name}.bias`, [dout], randn(dout, 0.1)), node('MatMul', [x, w(`${name}.weight`, [din, dout], randn(din * dout, 1 / Math.sqrt(din)))])]);
  const ln = (x: string, name: string) => {
    const gamma = w(`${name}.weight`, [d], ones(d));
    const beta = w(`${name}.bias`, [d], randn(d, 0.1));
    if (!spec.decomposedNorm) return node('LayerNormalization', [x, gamma, beta], [intAttr('axis', -1), floatAttr('epsilon', 1e-5)]);
    const mean = node('ReduceMean', [x], [intsAttr('axes', [-1])]);
    const dev = node('Sub', [x, mean]);
    const v = node('ReduceMean', [node('Pow', [dev, scalar(2)])], [intsAttr('axes', [-1])]);
    const y = node('Div', [dev, node('Sqrt', [node('Add', [v, scalar(1e-5)])])]);
    return node('Add', [node('Mul', [y, gamma]), beta]);
  };

  let x = node('Add', [node('Gather', [w('tok.weight', [V, d]), 'input_ids']), w('pos', [1, S, d])]);
  for (let l = 0; l < layers; l++) {
    const h = ln(x, `blocks.${l}.ln1`);
    const split = (y: string, perm: number[]) => node('Transpose', [node('Reshape', [y, shape([-1, S, H, hd])], [intAttr('allowzero', 0)])], [intsAttr('perm', perm)]);
    const q = split(linear(h, `blocks.${l}.q`, d, d), [0, 2, 1, 3]);
    const kk = split(linear(h, `blocks.${l}.k`, d, d), [0, 2, 3, 1]);
    const v = split(linear(h, `blocks.${l}.v`, d, d), [0, 2, 1, 3]);
    const att = node('Softmax', [node('MatMul', [node('Mul', [q, scalar(1 / Math.sqrt(hd))]), kk])], [intAttr('axis', -1)]);
    const y = node('Reshape', [node('Transpose', [node('MatMul', [att, v])], [intsAttr('perm', [0, 2, 1, 3])]), shape([-1, S, d])], [intAttr('allowzero', 0)]);
    x = node('Add', [x, linear(y, `blocks.${l}.o`, d, d)]);
    const f = linear(ln(x, `blocks.${l}.ln2`), `blocks.${l}.fc1`, d, ff);
    const g = node('Mul', [node('Mul', [f, node('Add', [node('Erf', [node('Div', [f, scalar(Math.SQRT2)])]), scalar(1)])]), scalar(0.5)]);
    x = node('Add', [x, linear(g, `blocks.${l}.fc2`, ff, d)]);
  }
  const logits = linear(ln(x, 'ln_f'), 'head', d, V);
  nodes[nodes.length - 1].output = ['logits'];
  void logits;
  return {
    irVersion: 8,
    producerName: 'unmask-test-builder',
    opsetImport: [{ domain: '', version: spec.opset ?? (spec.decomposedNorm ? 14 : 17) }],
    graph: {
      name: 'tiny',
      node: nodes,
      initializer: inits,
      input: [valueInfo('input_ids', DT.INT64, ['batch', S])],
      output: [valueInfo('logits', DT.FLOAT, ['batch', S, V])],
    },
  };
}

export function tinyTransformerOnnx(spec: TinyTransformerSpec): Uint8Array {
  return encodeModelProto(tinyTransformerModel(spec));
}

export { encodeModelProto };
