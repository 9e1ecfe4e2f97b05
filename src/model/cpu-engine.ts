import * as K from './cpu-kernels';
import { withOutputRows, type Program } from './program';
import { checkIds, rowRange, sliceRows, type ModelRuntime, type RowSelection } from './runtime';

/**
 * The TypeScript twin engine: runs a compiled Program with the CPU kernels. The `cpu` runtime
 * for models and the fallback where WebGPU is missing.
 */
export function runProgram(p: Program, ids: Int32Array, batch: number): Float32Array {
  const vals: Float32Array[] = [];
  const get = (id: number) => {
    const v = vals[id];
    if (!v) throw new Error(`internal: value ${p.values[id].name} read before it was written`);
    return v;
  };
  const alloc = (id: number) => (vals[id] = new Float32Array(batch * p.values[id].size));
  const w = (name: string) => {
    const t = p.weights.get(name);
    if (!t) throw new Error(`internal: missing weight ${name}`);
    return t;
  };
  for (const op of p.ops) {
    switch (op.kind) {
      case 'embed':
        K.embed(ids, w(op.table), op.vocab, op.width, alloc(op.out));
        break;
      case 'layernorm':
        K.layerNorm(get(op.x), w(op.gamma), op.beta ? w(op.beta) : null, op.eps, op.width, alloc(op.out));
        break;
      case 'linear': {
        const x = get(op.x);
        // rowsIn counts rows per sample; Gemm (2-D) has one row per sample.
        K.linear(x, w(op.w), op.bias ? w(op.bias) : null, op.k, op.n, batch, op.rowsIn, op.rowStart, op.rowsOut, alloc(op.out));
        break;
      }
      case 'attention':
        K.attention(get(op.q), get(op.k), get(op.v), batch, op.seq, op.heads, op.headDim, op.scale, alloc(op.out));
        break;
      case 'binary': {
        const b = typeof op.b === 'string' ? w(op.b) : get(op.b);
        K.binary(op.op, get(op.a), b, typeof op.b === 'string' ? op.period : b.length, op.swap, alloc(op.out));
        break;
      }
      case 'unary':
        K.unary(op.op, get(op.x), alloc(op.out));
        break;
      case 'mean':
        K.rowMean(get(op.x), op.width, alloc(op.out));
        break;
    }
  }
  return get(p.output);
}

export class CpuModelRuntime implements ModelRuntime {
  readonly name = 'cpu' as const;
  readonly vocab: number;
  private readonly program: Program;
  private readonly sliced: boolean;

  constructor(
    program: Program,
    readonly rows: RowSelection = 'canvas',
  ) {
    this.vocab = program.vocab;
    const { start, count } = rowRange(rows);
    const windowed = rows === 'canvas' ? withOutputRows(program, start, count) : null;
    this.program = windowed ?? program;
    this.sliced = rows === 'canvas' && !windowed;
  }

  async forward(ids: Int32Array, batch: number): Promise<Float32Array> {
    checkIds(ids, batch, this.vocab);
    const out = runProgram(this.program, ids, batch);
    if (!this.sliced) return out;
    const { start, count } = rowRange(this.rows);
    return sliceRows(out, batch, this.vocab, start, count);
  }

  async dispose(): Promise<void> {}
}
