import { GpuContext } from '../../gpu/device';
import type { Program as GpuProgram } from '../../gpu/program';
import { opCode, withOutputRows, type Program } from '../program';
import { checkIds, rowRange, sliceRows, type ModelRuntime, type RowSelection } from '../runtime';
import { ModelError } from '../errors';
import { grid, MAX_HEAD_DIM, nnKernels, pack } from './kernels';

/**
 * Our WGSL transformer engine: runs a compiled Program (src/model/compile.ts) on a GPUDevice.
 *
 * - Weights are uploaded once, when the runtime is created.
 * - Per batch size a plan is built once: activation buffers (reused by liveness, sized for the
 *   next power of two of the batch), uniform buffers and bind groups (by binding name, from each
 *   step's named buffers: src/gpu/program.ts). Pipelines come from the per-device cache in
 *   src/gpu/device.ts, created before the first forward pass.
 * - A forward pass writes the ids, encodes every layer's dispatches into one compute pass,
 *   copies the logits into a staging buffer and maps it: one submit, one read-back.
 * - Fusions on top of the program: Linear + GELU and Linear + residual Add run as one
 *   nn_linear dispatch (epilogue), and the output logits compute only the rows requested.
 */

interface GpuStep {
  kernel: GpuProgram;
  /**
   * The buffer of each binding, by binding name (nnKernels' lists; the params uniform P is bound
   * by the plan): 'v<id>' values, 'w:<name>' weights, 'ids', 'dummy'. The output is `out`.
   */
  bindings: { out: string } & Record<string, string>;
  params: (batch: number) => ArrayBuffer;
  grid: (batch: number) => [number, number, number];
  label: string;
}

interface Plan {
  batch: number;
  capacity: number;
  passes: { pipeline: GPUComputePipeline; bindGroup: GPUBindGroup; grid: [number, number, number] }[];
  uniforms: GPUBuffer[];
}

const STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;

let sharedContext: GpuContext | null = null;

/** Translates the program into GPU steps, fusing Linear + GELU and Linear + residual Add. */
export function planSteps(p: Program): { steps: GpuStep[]; uses: Map<number, number> } {
  const uses = new Map<number, number>();
  const use = (v: number | string | null) => {
    if (typeof v === 'number') uses.set(v, (uses.get(v) ?? 0) + 1);
  };
  for (const op of p.ops) {
    switch (op.kind) {
      case 'embed': break;
      case 'layernorm': case 'unary': case 'mean': use(op.x); break;
      case 'linear': use(op.x); break;
      case 'attention': use(op.q); use(op.k); use(op.v); break;
      case 'binary': use(op.a); use(op.b); break;
    }
  }
  use(p.output);
  const size = (v: number) => p.values[v].size;
  const steps: GpuStep[] = [];
  const ops = p.ops;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    switch (op.kind) {
      case 'embed':
        steps.push({
          kernel: nnKernels.embed(),
          bindings: { ids: 'ids', table: `w:${op.table}`, out: `v${op.out}` },
          params: (B) => pack.embed(B * size(op.out), op.width, op.vocab),
          grid: (B) => grid.elementwise(B * size(op.out)),
          label: 'embed',
        });
        break;
      case 'layernorm':
        steps.push({
          kernel: nnKernels.layernorm(),
          bindings: { x: `v${op.x}`, gamma: `w:${op.gamma}`, beta: op.beta ? `w:${op.beta}` : 'dummy', out: `v${op.out}` },
          params: (B) => pack.norm((B * size(op.x)) / op.width, op.width, !!op.beta, op.eps),
          grid: (B) => grid.rows((B * size(op.x)) / op.width),
          label: 'layernorm',
        });
        break;
      case 'mean':
        steps.push({
          kernel: nnKernels.mean(),
          bindings: { x: `v${op.x}`, gamma: 'dummy', beta: 'dummy2', out: `v${op.out}` },
          params: (B) => pack.norm((B * size(op.x)) / op.width, op.width, false, 0),
          grid: (B) => grid.rows((B * size(op.x)) / op.width),
          label: 'mean',
        });
        break;
      case 'linear': {
        let act: 0 | 1 = 0;
        let residual: number | null = null;
        let out = op.out;
        const next = ops[i + 1];
        if (next && next.kind === 'unary' && next.op === 'gelu' && next.x === out && uses.get(out) === 1 && out !== p.output) {
          act = 1;
          out = next.out;
          i++;
        }
        const after = ops[i + 1];
        if (
          after && after.kind === 'binary' && after.op === 'add' && typeof after.b === 'number' && uses.get(out) === 1 && out !== p.output &&
          (after.a === out || after.b === out) && size(after.a) === size(after.b) && op.rowsOut === op.rowsIn
        ) {
          residual = after.a === out ? after.b : after.a;
          out = after.out;
          i++;
        }
        const o = op;
        steps.push({
          kernel: nnKernels.linear(act, residual === null ? 0 : 1),
          bindings: { x: `v${o.x}`, w: `w:${o.w}`, bias: o.bias ? `w:${o.bias}` : 'dummy', res: residual === null ? 'dummy2' : `v${residual}`, out: `v${out}` },
          params: (B) => pack.linear(B * o.rowsOut, o.n, o.k, o.rowsIn, o.rowStart, o.rowsOut, !!o.bias),
          grid: (B) => grid.linear(B * o.rowsOut, o.n),
          label: `linear${act ? '+gelu' : ''}${residual !== null ? '+residual' : ''}`,
        });
        break;
      }
      case 'attention': {
        if (op.headDim > MAX_HEAD_DIM || op.headDim % 4 !== 0) throw new ModelError(`attention head size ${op.headDim}: the WGSL kernel takes multiples of 4 up to ${MAX_HEAD_DIM}; use another runtime`, 'operator', ['Attention']);
        const o = op;
        steps.push({
          kernel: nnKernels.attention(op.headDim),
          bindings: { q: `v${o.q}`, k: `v${o.k}`, v: `v${o.v}`, out: `v${o.out}` },
          params: (B) => pack.attention(B, o.seq, o.heads, o.scale),
          grid: (B) => grid.attention(B, o.seq, o.heads),
          label: 'attention',
        });
        break;
      }
      case 'binary': {
        const o = op;
        const period = typeof o.b === 'string' ? o.period : size(o.b);
        const code = opCode('binary', o.op);
        steps.push({
          kernel: nnKernels.binary(),
          bindings: { a: `v${o.a}`, b: typeof o.b === 'string' ? `w:${o.b}` : `v${o.b}`, out: `v${o.out}` },
          params: (B) => pack.binary(B * size(o.out), typeof o.b === 'string' ? period : B * period, code, o.swap),
          grid: (B) => grid.elementwise(B * size(o.out)),
          label: `binary:${o.op}`,
        });
        break;
      }
      case 'unary': {
        const o = op;
        const code = opCode('unary', o.op);
        steps.push({ kernel: nnKernels.unary(), bindings: { x: `v${o.x}`, out: `v${o.out}` }, params: (B) => pack.unary(B * size(o.out), code), grid: (B) => grid.elementwise(B * size(o.out)), label: `unary:${o.op}` });
        break;
      }
    }
  }
  return { steps, uses };
}

export class GpuModelRuntime implements ModelRuntime {
  readonly name = 'webgpu' as const;
  readonly vocab: number;
  private readonly weights = new Map<string, GPUBuffer>();
  private readonly pools = new Map<string, Map<string, GPUBuffer>>();
  private readonly plans = new Map<number, Plan>();
  private readonly steps: GpuStep[];
  private readonly program: Program;
  /** The program as compiled (all 64 output rows). */
  private readonly base: Program;
  private readonly sliced: boolean;
  private readonly dummy: GPUBuffer[];
  private idsBuffer: GPUBuffer | null = null;
  private staging: GPUBuffer | null = null;
  private busy: Promise<unknown> = Promise.resolve();
  /** Why the device is gone, once it is: forward passes then reject (create a new runtime). */
  private lost: string | null = null;
  /** Dispatches per forward pass (after fusion). */
  readonly dispatches: number;
  readonly labels: string[];

  private constructor(
    readonly device: GPUDevice,
    program: Program,
    readonly rows: RowSelection,
  ) {
    this.vocab = program.vocab;
    this.base = program;
    const { start, count } = rowRange(rows);
    const windowed = rows === 'canvas' ? withOutputRows(program, start, count) : null;
    this.program = windowed ?? program;
    this.sliced = rows === 'canvas' && !windowed;
    this.steps = planSteps(this.program).steps;
    this.dispatches = this.steps.length;
    this.labels = this.steps.map((s) => s.label);
    // Weights: uploaded once.
    for (const [name, data] of this.program.weights) {
      const buf = device.createBuffer({ label: `w:${name}`, size: Math.max(16, Math.ceil(data.byteLength / 16) * 16), usage: STORAGE() });
      device.queue.writeBuffer(buf, 0, data.buffer, data.byteOffset, data.byteLength);
      this.weights.set(name, buf);
    }
    this.dummy = [0, 1].map((i) => device.createBuffer({ label: `nn-dummy${i}`, size: 16, usage: STORAGE() }));
    // Pipelines: created (or found in the cache) now, never inside a forward pass. A shader
    // that fails to compile would otherwise only show as zeros: check once.
    void device.lost.then((info) => {
      this.lost = info.reason === 'destroyed' ? 'the GPU device was destroyed' : `the GPU device was lost (${info.message || info.reason})`;
    });
    device.pushErrorScope('validation');
    for (const s of this.steps) s.kernel.pipeline(device);
    this.ready = device.popErrorScope().then((e) => {
      if (e) throw new ModelError(`the WGSL engine failed to build its pipelines: ${e.message}`, 'runtime');
    });
  }

  /** Resolves when the pipelines are known to be valid (rejects with the compiler's message). */
  readonly ready: Promise<void>;

  static async create(program: Program, rows: RowSelection = 'canvas', context?: GpuContext): Promise<GpuModelRuntime> {
    sharedContext ??= new GpuContext();
    const acq = await (context ?? sharedContext).get();
    const rt = GpuModelRuntime.onDevice(acq.device, program, rows);
    await rt.ready;
    return rt;
  }

  /** For tests and benchmarks that hold their own device. */
  static onDevice(device: GPUDevice, program: Program, rows: RowSelection = 'canvas'): GpuModelRuntime {
    return new GpuModelRuntime(device, program, rows);
  }

  private outRows(): number {
    return this.program.values[this.program.output].size / this.vocab;
  }

  /** Activation buffers for a batch capacity, reused by liveness (a value's buffer returns to
   *  the free list after its last reader). */
  private buffersFor(capacity: number, p: Program = this.program, steps: GpuStep[] = this.steps, variant = ''): Map<string, GPUBuffer> {
    const key = `${capacity}${variant}`;
    let pool = this.pools.get(key);
    if (pool) return pool;
    pool = new Map();
    const lastUse = new Map<number, number>();
    const reads = (s: GpuStep) =>
      Object.entries(s.bindings)
        .filter(([binding, b]) => binding !== 'out' && b.startsWith('v'))
        .map(([, b]) => Number(b.slice(1)));
    steps.forEach((s, i) => reads(s).forEach((v) => lastUse.set(v, i)));
    lastUse.set(p.output, Infinity);
    const free: GPUBuffer[] = [];
    const live = new Map<number, GPUBuffer>();
    steps.forEach((s, i) => {
      const outName = s.bindings.out;
      const out = Number(outName.slice(1));
      const bytes = Math.max(16, capacity * p.values[out].size * 4);
      const idx = free.findIndex((b) => b.size >= bytes);
      let buf: GPUBuffer;
      if (idx >= 0) {
        buf = free[idx];
        free.splice(idx, 1);
      } else buf = this.device.createBuffer({ label: `act${pool!.size}`, size: Math.ceil(bytes / 16) * 16, usage: STORAGE() });
      live.set(out, buf);
      pool!.set(outName, buf);
      for (const v of new Set(reads(s))) {
        if (lastUse.get(v) === i && live.has(v)) {
          free.push(live.get(v)!);
          live.delete(v);
        }
      }
    });
    this.pools.set(key, pool);
    return pool;
  }

  private plan(batch: number): Plan {
    let plan = this.plans.get(batch);
    if (plan) return plan;
    const capacity = 1 << Math.ceil(Math.log2(Math.max(1, batch)));
    const pool = this.buffersFor(capacity);
    const uniforms: GPUBuffer[] = [];
    const passes = this.steps.map((s) => {
      const params = s.params(batch);
      const u = this.device.createBuffer({ label: `${s.label}-params`, size: Math.max(16, params.byteLength), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      this.device.queue.writeBuffer(u, 0, params);
      uniforms.push(u);
      const buffers = this.stepBuffers(s, u, (b) => this.buffer(b, pool, () => this.ids(capacity)));
      return { pipeline: s.kernel.pipeline(this.device), bindGroup: s.kernel.bindGroup(this.device, buffers), grid: s.grid(batch) };
    });
    plan = { batch, capacity, passes, uniforms };
    this.plans.set(batch, plan);
    return plan;
  }

  /** A step's buffers by binding name, its params uniform as P. */
  private stepBuffers(s: GpuStep, params: GPUBuffer, buffer: (name: string) => GPUBuffer): Record<string, GPUBuffer> {
    const out: Record<string, GPUBuffer> = { P: params };
    for (const [binding, name] of Object.entries(s.bindings)) out[binding] = buffer(name);
    return out;
  }

  /** The buffer a step names: 'ids', a dummy, a weight 'w:<name>' or an activation 'v<id>' of the pool. */
  private buffer(name: string, pool: Map<string, GPUBuffer>, ids: () => GPUBuffer): GPUBuffer {
    if (name === 'ids') return ids();
    if (name === 'dummy') return this.dummy[0];
    if (name === 'dummy2') return this.dummy[1];
    if (name.startsWith('w:')) return this.weights.get(name.slice(2))!;
    const buf = pool.get(name);
    if (!buf) throw new Error(`internal: value ${name} has no buffer`);
    return buf;
  }

  private ids(capacity: number): GPUBuffer {
    const bytes = capacity * this.program.seq * 4;
    if (!this.idsBuffer || this.idsBuffer.size < bytes) {
      // Plans bound to the old buffer are rebuilt.
      for (const p of this.plans.values()) p.uniforms.forEach((u) => u.destroy());
      this.plans.clear();
      this.idsBuffer?.destroy();
      this.idsBuffer = this.device.createBuffer({ label: 'nn-ids', size: Math.max(16, bytes), usage: STORAGE() });
    }
    return this.idsBuffer;
  }

  async forward(ids: Int32Array, batch: number): Promise<Float32Array> {
    checkIds(ids, batch, this.vocab);
    // One forward at a time: plans share activation buffers.
    const run = this.busy.then(() => this.forwardNow(ids, batch));
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async forwardNow(ids: Int32Array, batch: number): Promise<Float32Array> {
    await this.ready;
    if (this.lost) throw new ModelError(`${this.lost}; load the model on the runtime again`, 'runtime');
    const capacity = 1 << Math.ceil(Math.log2(Math.max(1, batch)));
    this.ids(capacity);
    const plan = this.plan(batch);
    this.device.queue.writeBuffer(this.idsBuffer!, 0, ids.buffer, ids.byteOffset, ids.byteLength);
    const outBytes = batch * this.outRows() * this.vocab * 4;
    if (!this.staging || this.staging.size < outBytes) {
      this.staging?.destroy();
      this.staging = this.device.createBuffer({ label: 'nn-staging', size: Math.ceil(outBytes / 16) * 16, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    }
    const enc = this.device.createCommandEncoder({ label: 'nn-forward' });
    const pass = enc.beginComputePass({ label: 'nn-forward' });
    for (const s of plan.passes) {
      pass.setPipeline(s.pipeline);
      pass.setBindGroup(0, s.bindGroup);
      pass.dispatchWorkgroups(...s.grid);
    }
    pass.end();
    const outBuf = this.pools.get(`${plan.capacity}`)!.get(`v${this.program.output}`)!;
    enc.copyBufferToBuffer(outBuf, 0, this.staging, 0, outBytes);
    this.device.queue.submit([enc.finish()]);
    await this.staging.mapAsync(GPUMapMode.READ, 0, Math.ceil(outBytes / 16) * 16);
    const out = new Float32Array(this.staging.getMappedRange(0, Math.ceil(outBytes / 16) * 16).slice(0, outBytes));
    this.staging.unmap();
    if (!this.sliced) return out;
    const { start, count } = rowRange(this.rows);
    return sliceRows(out, batch, this.vocab, start, count);
  }

  /**
   * For the GPU unmasking core (src/gpu/decoder.ts): a forward pass that never leaves the GPU.
   * Reads prompts (batch x 32 i32, engine ids, [PAD]-padded) and canvases (batch x L i32, [MASK]
   * where masked) from the caller's buffers and writes the canvas logits (batch x L x vocab
   * f32) into `logits`: the layout of the decoder's logits buffer. Bind groups are built here
   * once; encode() only records dispatches (compose + every layer) into the caller's pass, so
   * the decoder can put model, statistics and selection in one submit. Needs a model whose
   * vocabulary is the engine's (handle.vocab.engineToModel === null).
   */
  gpuForward(opts: { batch: number; canvasLength: number; prompts: GPUBuffer; canvases: GPUBuffer; logits: GPUBuffer; padId: number }): { encode(pass: GPUComputePassEncoder): void; dispose(): void } {
    const { batch, canvasLength: L } = opts;
    const { start } = rowRange('canvas');
    const program = withOutputRows(this.base, start, L);
    if (!program) throw new ModelError('the model\'s output is not a linear layer: the GPU-resident forward needs the output row window', 'operator');
    const { steps } = planSteps(program);
    for (const st of steps) st.kernel.pipeline(this.device);
    const compose = nnKernels.compose();
    const capacity = 1 << Math.ceil(Math.log2(Math.max(1, batch)));
    const pool = this.buffersFor(capacity, program, steps, `ext${L}`);
    const ids = this.device.createBuffer({ label: 'nn-ext-ids', size: Math.max(16, batch * program.seq * 4), usage: STORAGE() });
    const uniforms: GPUBuffer[] = [];
    const uniform = (data: ArrayBuffer) => {
      const u = this.device.createBuffer({ size: Math.max(16, data.byteLength), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      this.device.queue.writeBuffer(u, 0, data);
      uniforms.push(u);
      return u;
    };
    const passes = [
      {
        pipeline: compose.pipeline(this.device),
        bindGroup: compose.bindGroup(this.device, { prompt: opts.prompts, canvas: opts.canvases, ids, P: uniform(pack.compose(batch, L, opts.padId, start)) }),
        grid: grid.elementwise(batch * program.seq),
      },
      ...steps.map((st) => {
        const logits = `v${program.output}`;
        const buffers = this.stepBuffers(st, uniform(st.params(batch)), (b) => (b === logits ? opts.logits : this.buffer(b, pool, () => ids)));
        return { pipeline: st.kernel.pipeline(this.device), bindGroup: st.kernel.bindGroup(this.device, buffers), grid: st.grid(batch) };
      }),
    ];
    return {
      encode: (pass) => {
        if (this.lost) throw new ModelError(`${this.lost}; load the model on the runtime again`, 'runtime');
        for (const p of passes) {
          pass.setPipeline(p.pipeline);
          pass.setBindGroup(0, p.bindGroup);
          pass.dispatchWorkgroups(...p.grid);
        }
      },
      dispose: () => {
        ids.destroy();
        uniforms.forEach((u) => u.destroy());
      },
    };
  }

  /**
   * Where the time goes: runs each dispatch of one forward pass in its own submit and waits for
   * it (benchmarks only; the sum exceeds a normal forward's time by the per-submit overhead).
   */
  async profile(ids: Int32Array, batch: number): Promise<{ label: string; ms: number }[]> {
    await this.forward(ids, batch); // builds the plan
    const plan = this.plan(batch);
    const out: { label: string; ms: number }[] = [];
    for (let i = 0; i < plan.passes.length; i++) {
      const s = plan.passes[i];
      await this.device.queue.onSubmittedWorkDone();
      const t0 = performance.now();
      const enc = this.device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(s.pipeline);
      pass.setBindGroup(0, s.bindGroup);
      pass.dispatchWorkgroups(...s.grid);
      pass.end();
      this.device.queue.submit([enc.finish()]);
      await this.device.queue.onSubmittedWorkDone();
      out.push({ label: this.labels[i], ms: performance.now() - t0 });
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.busy;
    for (const b of this.weights.values()) b.destroy();
    for (const pool of this.pools.values()) for (const b of new Set(pool.values())) b.destroy();
    for (const p of this.plans.values()) p.uniforms.forEach((u) => u.destroy());
    this.dummy.forEach((b) => b.destroy());
    this.idsBuffer?.destroy();
    this.staging?.destroy();
    this.weights.clear();
    this.pools.clear();
    this.plans.clear();
  }
}
