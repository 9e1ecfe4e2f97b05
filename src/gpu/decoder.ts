import type { BatchRequest } from '../engine/backend';
import { makeDenoiser } from '../engine/backend';
import { assembleTrace, hostTheory, recordStepDetail, type DecodeTrace, type StepTrace, type TraceHeader } from '../engine/decode';
import { PermutationDistribution, SupportDistribution } from '../engine/distribution';
import { resolveDecode, type ResolvedDecode } from '../engine/options';
import { rowProbabilities } from '../engine/stats';
import type { GpuPlanContext, GpuStrategy } from '../engine/strategies/types';
import type { TaskSample } from '../engine/tasks';
import { MASK_ID, PAD_ID, VOCAB_SIZE } from '../engine/vocab';
import { MODEL_CANVAS_LENGTH, MODEL_PROMPT_LENGTH } from '../engine/model-format';
import { dispatch1d, throwIfLost } from './device';
import { GpuUnsupportedError } from './errors';
import { DECODE_PARAMS, INFO, NEVER, RV, RV_EDIT, SS, SS_LOO, ST, THEORY_STORAGE_BUFFERS, WG, decodePrograms, strategyPrograms, type DecodeParams } from './kernels';

export { GpuUnsupportedError };

/** Where the time of the last decode went (for bench/gpu-vs-cpu.ts). */
export interface GpuTimings {
  /** GPU time inside the compute passes (timestamp queries), or null without them. */
  kernelMs: number | null;
  /** Wall time spent waiting for read-backs (includes the GPU work they wait on). */
  readbackMs: number;
  wallMs: number;
  submits: number;
  readbacks: number;
  steps: number;
  bytesPerStep: number;
  dispatchesPerStep: number;
  /** Whether step-through theory ran in the theory kernels (false: host fallback or none). */
  theoryOnGpu: boolean;
}

export interface ProbeResult {
  /** B x L x V oracle weights (before noise). */
  weights: Uint32Array;
  /** B x L x V noisy log-probabilities, when the request has noise. */
  logits: Float32Array | null;
  /** B x L x 8 statistics (layout SS; x0 as its bits). */
  stats: Float32Array;
  canvasAfter: Int32Array;
  /** B x L x V draft verification rows (vhist) at verified drafted positions, when the strategy drafts. */
  draftWeights: Uint32Array | null;
}

/**
 * A neural denoiser resident on the decoder's device (GpuModelRuntime.gpuForward in
 * src/gpu/nn/engine.ts): each step it reads the prompts and the canvases from the decoder's
 * buffers and writes the B x L x V logits rows that stats.wgsl reads with LOGITS, recording its
 * dispatches into the step's pass (no read-back). Its vocabulary must be the engine's.
 */
export interface GpuLogitsModel {
  /** The denoiser id the traces carry ('model:tiny@webgpu'). */
  readonly id: string;
  gpuForward(opts: { batch: number; canvasLength: number; prompts: GPUBuffer; canvases: GPUBuffer; logits: GPUBuffer; padId: number }): {
    encode(pass: GPUComputePassEncoder): void;
    dispose(): void;
  };
}

type ModelForward = ReturnType<GpuLogitsModel['gpuForward']>;

/** Largest support total (+1) for which stats.wgsl looks up ln(weight) in the CPU's own table. */
const MAX_LOG_TABLE = 1 << 22;
/** Bytes of step-through history mapped at once (the chunk shrinks for big canvases, down to one step). */
const HISTORY_BYTES = 32 << 20;
const USAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** A checked request, ready to run: made once by plan(), reused for every chunk of a batch. */
export interface GpuPlan {
  samples: readonly TaskSample[];
  B: number;
  L: number;
  /** The validated settings (engine/options.ts resolveDecode). */
  d: ResolvedDecode;
  gpu: GpuStrategy;
  noise: number;
  denoiserId: string;
  /** The neural denoiser in place of the oracle, or null. */
  model: GpuLogitsModel | null;
  /** The strategy verifies revealed tokens by their leave-one-out rows (`verify: 'loo'`). */
  loo: boolean;
  /** Masked positions drafted per step whose left-to-right verifier rows the oracle computes (GpuStrategy.draftRows; 0 = none). */
  draft: number;
}

/** Buffers of one decode, by the names the programs bind. */
type Buffers = Record<string, GPUBuffer>;

/** What upload() put on the device. */
interface Uploaded {
  bufs: Buffers;
  totalMembers: number;
  anyPerm: boolean;
  /** Rows are logits (noise or a model), not oracle weights. */
  logits: boolean;
  schedSteps: number;
  /** The initial per-sequence state (also the host's view of it before the first step). */
  state: Uint32Array;
}

/** What bind() prepared: the commands of one step, and of its theory. */
interface Bound {
  encodeStep(pass: GPUComputePassEncoder): void;
  /** Step-through theory in the theory kernels, or null (host fallback or none). */
  encodeTheory: ((pass: GPUComputePassEncoder) => void) | null;
  dispatchesPerStep: number;
  bytesPerStep: number;
}

/** Counters of one decode (GpuTimings). */
interface Counters {
  kernelNs: bigint;
  readbackMs: number;
  submits: number;
  readbacks: number;
  steps: number;
}

/**
 * Runs batches of decodes on one device, in named phases: plan (validate once), upload (the
 * batch's oracle data and the strategy's tables), bind (programs and bind groups by name),
 * encode a step, run (step-through or benchmark chunks), read back, assemble traces (the
 * engine's assembleTrace, as the CPU). Buffers grow to the largest batch seen and are reused;
 * pipelines come from the per-device cache.
 */
export class GpuDecoder {
  private readonly buffers = new Map<string, GPUBuffer>();
  private querySet: GPUQuerySet | null = null;
  lastTimings: GpuTimings | null = null;

  constructor(
    readonly device: GPUDevice,
    readonly hasTimestamps = false,
  ) {
    if (MASK_ID !== 0) throw new Error('the GPU kernels assume MASK_ID = 0');
    if (VOCAB_SIZE > 256) throw new Error('the GPU oracle packs tokens in bytes: vocabulary must be <= 256');
  }

  destroy(): void {
    for (const b of this.buffers.values()) b.destroy();
    this.buffers.clear();
    this.querySet?.destroy();
  }

  private buffer(name: string, bytes: number, usage = USAGE()): GPUBuffer {
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    let b = this.buffers.get(name);
    if (!b || b.size < size) {
      b?.destroy();
      b = this.device.createBuffer({ label: name, size, usage });
      this.buffers.set(name, b);
    }
    return b;
  }

  private write(name: string, data: ArrayBufferView | ArrayBuffer, usage?: number): GPUBuffer {
    const view = data instanceof ArrayBuffer ? new Uint8Array(data) : data;
    const b = this.buffer(name, view.byteLength, usage);
    this.device.queue.writeBuffer(b, 0, view.buffer, view.byteOffset, view.byteLength);
    return b;
  }

  /** Read back: copies several buffer ranges into one staging buffer, maps it once. */
  private async readBack(parts: { buf: GPUBuffer; bytes: number }[], c?: Counters): Promise<ArrayBuffer[]> {
    const t0 = performance.now();
    const total = parts.reduce((a, p) => a + Math.ceil(p.bytes / 4) * 4, 0);
    const staging = this.buffer('staging', total, GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ);
    const enc = this.device.createCommandEncoder();
    let off = 0;
    for (const p of parts) {
      const n = Math.ceil(p.bytes / 4) * 4;
      if (n > 0) enc.copyBufferToBuffer(p.buf, 0, staging, off, n);
      off += n;
    }
    this.device.queue.submit([enc.finish()]);
    const mapped = Math.max(16, Math.ceil(total / 16) * 16);
    await throwIfLost(this.device, staging.mapAsync(GPUMapMode.READ, 0, mapped));
    const range = staging.getMappedRange(0, mapped);
    const out: ArrayBuffer[] = [];
    off = 0;
    for (const p of parts) {
      const n = Math.ceil(p.bytes / 4) * 4;
      out.push(range.slice(off, off + n));
      off += n;
    }
    staging.unmap();
    if (c) {
      c.readbackMs += performance.now() - t0;
      c.readbacks++;
    }
    return out;
  }

  // ---- phase 1: plan ------------------------------------------------------------------------

  /** Checks a request once (resolveDecode plus what the GPU can run); throws GpuUnsupportedError for CPU-only work. */
  plan(request: BatchRequest, model: GpuLogitsModel | null = null): GpuPlan {
    const { samples, options } = request;
    const L = samples[0].canvasLength;
    if (samples.some((s) => s.canvasLength !== L)) throw new Error('a batch must share one canvas length');
    if (request.denoiser.kind === 'model' && !model) throw new GpuUnsupportedError('model denoisers need a GPU-resident model (GpuDecoder.decode(request, model))');
    const exact = !model && request.denoiser.noise === 0;
    const d = resolveDecode({ strategy: request.strategy, params: request.params, options, canvasLength: L, exact });
    const gpu = d.strategy.gpu;
    if (!gpu) throw new GpuUnsupportedError(`strategy ${d.strategy.id} has no GPU kernel (no GPU descriptor in its module); it runs on the CPU engine`);
    const loo = d.strategy.verify === 'loo';
    if (loo && model) {
      // A model's leave-one-out rows are extra input rows (one forward call each batch of them),
      // which the GPU-resident model path does not run; the CPU engine does.
      throw new GpuUnsupportedError(`strategy ${d.strategy.id} verifies with leave-one-out rows, which the GPU model path does not compute; it runs on the CPU engine`);
    }
    const draft = gpu.draftRows?.(d.params) ?? 0;
    if (draft > 0 && model) {
      // The oracle computes the verifier rows in place; a model's would be extra input rows (one
      // further forward call), which the GPU-resident model path does not run.
      throw new GpuUnsupportedError(`strategy ${d.strategy.id} verifies its draft with left-to-right rows, which the GPU computes for the oracle only; with a model it runs on the CPU engine`);
    }
    for (const s of model ? [] : samples) {
      if (!(s.truth instanceof SupportDistribution) && !(s.truth instanceof PermutationDistribution)) {
        throw new GpuUnsupportedError(`task ${s.task}: its true distribution has no GPU oracle`);
      }
    }
    if (model && (L > MODEL_CANVAS_LENGTH || samples.some((s) => s.prompt.length > MODEL_PROMPT_LENGTH))) {
      throw new RangeError(`the model takes prompts of up to ${MODEL_PROMPT_LENGTH} and canvases of up to ${MODEL_CANVAS_LENGTH} tokens`);
    }
    if (L > 1024) throw new GpuUnsupportedError(`canvas length ${L} is above the GPU selection kernel's 1024`);
    return {
      samples,
      B: samples.length,
      L,
      d,
      gpu,
      noise: model ? 0 : request.denoiser.noise,
      denoiserId: model ? model.id : makeDenoiser(request.denoiser, options.seed).id,
      model,
      loo,
      draft,
    };
  }

  /** The same plan for a slice of its samples (the backend splits batches that exceed limits). */
  static slicePlan(plan: GpuPlan, from: number, to: number): GpuPlan {
    const samples = plan.samples.slice(from, to);
    return { ...plan, samples, B: samples.length };
  }

  /** Bytes the batch needs in its largest buffers (the backend splits batches that exceed limits). */
  static bytesNeeded(samples: readonly TaskSample[]): { members: number; rows: number } {
    const L = samples[0].canvasLength;
    const W = Math.ceil(L / 4);
    let members = 0;
    for (const s of samples) if (s.truth instanceof SupportDistribution) members += s.truth.supportSize;
    return { members: members * W * 4, rows: samples.length * L * VOCAB_SIZE * 4 };
  }

  /** Decodes a batch; with `model`, the model's logits replace the oracle's rows every step. */
  async decode(request: BatchRequest, model: GpuLogitsModel | null = null): Promise<DecodeTrace[]> {
    if (request.samples.length === 0) return [];
    return this.decodePlan(this.plan(request, model));
  }

  /** Decodes a planned batch (validation and memory errors surface as errors, not wrong tokens). */
  async decodePlan(plan: GpuPlan): Promise<DecodeTrace[]> {
    if (plan.B === 0) return [];
    return this.withErrorScopes('decode', async () => {
      const forward = plan.model ? this.modelForward(plan, plan.model) : null;
      try {
        return await this.run(plan, forward);
      } finally {
        forward?.dispose();
      }
    });
  }

  /**
   * Kernel probe for the parity tests: one step from the given canvases and step numbers; returns
   * the oracle rows, the statistics and the canvases after selection and commit. With `loo` (or a
   * strategy that verifies) the rows and statistics of revealed positions are their leave-one-out ones.
   */
  async probe(request: BatchRequest, canvases: Int32Array, steps: readonly number[], opts: { loo?: boolean } = {}): Promise<ProbeResult> {
    const planned = this.plan(request);
    const plan = opts.loo ? { ...planned, loo: true } : planned;
    return this.withErrorScopes('probe', async () => {
      const up = this.upload(plan);
      const bound = this.bind(plan, up, null);
      for (let b = 0; b < plan.B; b++) up.state[b * ST.stride + ST.step] = steps[b];
      this.write('state', up.state);
      this.write('canvas', canvases);
      this.submit((pass) => bound.encodeStep(pass));
      const { B, L } = plan;
      const V = VOCAB_SIZE;
      const [hB, lB, sB, cB, dB] = await this.readBack([
        { buf: up.bufs.hist, bytes: B * L * V * 4 },
        { buf: up.bufs.logits, bytes: up.logits ? B * L * V * 4 : 4 },
        { buf: up.bufs.stats, bytes: B * L * SS.stride * 4 },
        { buf: up.bufs.canvas, bytes: B * L * 4 },
        { buf: up.bufs.vhist, bytes: plan.draft > 0 ? B * L * V * 4 : 4 },
      ]);
      return {
        weights: new Uint32Array(hB),
        logits: up.logits ? new Float32Array(lB) : null,
        stats: new Float32Array(sB),
        canvasAfter: new Int32Array(cB),
        draftWeights: plan.draft > 0 ? new Uint32Array(dB) : null,
      };
    });
  }

  private async withErrorScopes<T>(what: string, body: () => Promise<T>): Promise<T> {
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    let out: T | undefined;
    let failure: unknown = null;
    try {
      out = await body();
    } catch (e) {
      failure = e;
    }
    const validation = await this.device.popErrorScope();
    const oom = await this.device.popErrorScope();
    const gpuError = validation ?? oom;
    if (gpuError) throw new Error(`WebGPU error during ${what}: ${gpuError.message}`, { cause: failure ?? undefined });
    if (failure !== null) throw failure;
    return out as T;
  }

  /**
   * The model's forward pass over this decoder's canvas and logits buffers (sized here as upload()
   * will find them). Bind groups are built once per decode; each step only records dispatches.
   */
  private modelForward(plan: GpuPlan, model: GpuLogitsModel): ModelForward {
    const { B, L, samples } = plan;
    const prompts = new Int32Array(B * MODEL_PROMPT_LENGTH).fill(PAD_ID);
    samples.forEach((s, b) => prompts.set(s.prompt, b * MODEL_PROMPT_LENGTH));
    return model.gpuForward({
      batch: B,
      canvasLength: L,
      prompts: this.write('prompts', prompts),
      canvases: this.buffer('canvas', B * L * 4),
      logits: this.buffer('logits', B * L * VOCAB_SIZE * 4),
      padId: PAD_ID,
    });
  }

  private context(plan: GpuPlan, totalMembers: number): GpuPlanContext {
    return { batch: plan.B, canvasLength: plan.L, blockLength: plan.d.blockLength, blockCount: plan.d.blockCount, totalMembers };
  }

  // ---- phase 2: upload ----------------------------------------------------------------------

  /** The batch's oracle data (support members 4 tokens per word, permutations) as arrays. */
  private oracleArrays(plan: GpuPlan) {
    const { B, L, samples } = plan;
    const W = Math.ceil(L / 4);
    const info = new Uint32Array(B * INFO.stride);
    const perm = new Int32Array(B * 3 * L);
    let totalMembers = 0;
    let maxTotal = 1;
    for (const s of plan.model ? [] : samples) {
      if (s.truth instanceof SupportDistribution) {
        totalMembers += s.truth.supportSize;
        let t = 0;
        for (const w of s.truth.weights) t += w;
        maxTotal = Math.max(maxTotal, t);
      } else maxTotal = Math.max(maxTotal, (s.truth as PermutationDistribution).items.length);
    }
    const members = new Uint32Array(Math.max(1, totalMembers * W));
    const memberWeight = new Uint32Array(Math.max(1, totalMembers));
    const memberSeq = new Uint32Array(Math.max(1, totalMembers));
    let m0 = 0;
    samples.forEach((s, b) => {
      info[b * INFO.stride + INFO.sample] = s.index;
      if (plan.model) return; // the model needs no oracle data
      const truth = s.truth;
      if (truth instanceof SupportDistribution) {
        info[b * INFO.stride + INFO.kind] = 0;
        info[b * INFO.stride + INFO.memberOffset] = m0;
        info[b * INFO.stride + INFO.memberCount] = truth.supportSize;
        for (let m = 0; m < truth.supportSize; m++, m0++) {
          memberWeight[m0] = truth.weights[m];
          memberSeq[m0] = b;
          for (let i = 0; i < L; i++) members[m0 * W + (i >> 2)] |= truth.members[m * L + i] << (8 * (i & 3));
        }
      } else {
        const p = truth as PermutationDistribution;
        info[b * INFO.stride + INFO.kind] = 1;
        info[b * INFO.stride + INFO.items] = p.items.length;
        const base = b * 3 * L;
        for (const slot of p.slots) perm[base + slot] = 1;
        for (let i = 0; i < L; i++) perm[base + L + i] = p.isSlot(i) ? 0 : p.fixed[i];
        p.items.forEach((t, j) => (perm[base + 2 * L + j] = t));
      }
    });
    const logTableSize = maxTotal + 1 <= MAX_LOG_TABLE ? maxTotal + 1 : 0;
    const lnTable = new Float32Array(Math.max(1, logTableSize));
    for (let i = 1; i < logTableSize; i++) lnTable[i] = Math.fround(Math.log(i));
    const anyPerm = !plan.model && samples.some((s) => s.truth instanceof PermutationDistribution);
    return { info, perm, members, memberWeight, memberSeq, lnTable, logTableSize, totalMembers, anyPerm, W };
  }

  /** The strategy's per-sample tables, one after another (one word when it has none). */
  private sampleTables(plan: GpuPlan, ctx: GpuPlanContext): Float32Array {
    const make = plan.gpu.sampleTable;
    if (!make) return new Float32Array(4);
    const tables = plan.samples.map((s) => make(plan.d.params, s, ctx));
    const n = tables[0].length;
    if (tables.some((t) => t.length !== n)) throw new Error(`strategy ${plan.d.strategy.id}: its per-sample tables differ in length`);
    const out = new Float32Array(Math.max(4, n * tables.length));
    tables.forEach((t, b) => out.set(t, b * n));
    return out;
  }

  /** Puts the batch, the strategy's uniforms, schedule and scratch, and the initial state on the device. */
  private upload(plan: GpuPlan): Uploaded {
    const { B, L, d, gpu } = plan;
    const V = VOCAB_SIZE;
    const o = this.oracleArrays(plan);
    const ctx = this.context(plan, o.totalMembers);
    const sched = gpu.schedule?.(d.params, ctx) ?? { steps: 0, table: new Float32Array(2) };
    const params: DecodeParams = {
      batch: B,
      seed: d.seed >>> 0,
      block_length: d.blockLength,
      max_steps: d.maxSteps,
      sched_steps: sched.steps,
      temperature: d.temperature,
      inv_t: d.temperature > 0 ? Math.fround(1 / d.temperature) : 0,
      sigma: plan.noise,
      log_table_size: o.logTableSize,
      total_members: o.totalMembers,
      member_words: o.W,
      draft_rows: plan.draft,
    };
    const state = new Uint32Array(B * ST.stride);
    for (let b = 0; b < B; b++) state[b * ST.stride + ST.blockIndex] = NEVER;
    const reveal = new Uint32Array(B * L * RV.stride);
    for (let i = 0; i < B * L; i++) reveal[i * RV.stride + RV.step] = NEVER;
    const aux = gpu.aux?.(ctx) ?? { words: 4, fill: 0 };
    const logits = plan.noise > 0 || plan.model !== null;
    const uniform = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    const { uniforms } = strategyPrograms(d.strategy, L, V, { logits });
    const bufs: Buffers = {
      params: this.write('params', DECODE_PARAMS.pack(params), uniform),
      info: this.write('info', o.info),
      perm: this.write('perm', o.perm),
      members: this.write('members', o.members),
      member_weight: this.write('member_weight', o.memberWeight),
      member_seq: this.write('member_seq', o.memberSeq),
      ln_table: this.write('ln_table', o.lnTable),
      sched: this.write('sched', sched.table),
      state: this.write('state', state),
      canvas: this.write('canvas', new Int32Array(B * L)),
      reveal: this.write('reveal', reveal),
      mis: this.buffer('mis', o.totalMembers * 4),
      min_mis: this.buffer('min_mis', B * 4),
      loo_min: this.buffer('loo_min', plan.loo ? B * L * 4 : 16),
      // Draft verification (plan.draft): per position the draft record, the fewest mismatches, and the rows.
      draft_tok: this.buffer('draft_tok', plan.draft > 0 ? B * L * 4 : 16),
      draft_min: this.buffer('draft_min', plan.draft > 0 ? B * L * 4 : 16),
      vhist: this.buffer('vhist', plan.draft > 0 ? B * L * V * 4 : 16),
      vlogits: this.buffer('vlogits', plan.draft > 0 && logits ? B * L * V * 4 : 16),
      hist: this.buffer('hist', B * L * V * 4),
      logits: this.buffer('logits', logits ? B * L * V * 4 : 16),
      stats: this.buffer('stats', B * L * SS.stride * 4),
      aux: this.write('aux', new Uint32Array(aux.words).fill(aux.fill)),
      table: this.write('table', this.sampleTables(plan, ctx)),
    };
    if (uniforms) bufs.strategyParams = this.write('strategyParams', uniforms.pack(gpu.uniformValues?.(d.params, ctx) ?? {}), uniform);
    for (const [name, words] of Object.entries(gpu.prepass?.scratch ?? {})) bufs[name] = this.buffer(`scratch:${name}`, words(ctx) * 4);
    bufs.pred = logits ? bufs.logits : bufs.hist;
    bufs.vpred = logits ? bufs.vlogits : bufs.vhist;
    return { bufs, totalMembers: o.totalMembers, anyPerm: o.anyPerm, logits, schedSteps: sched.steps, state };
  }

  // ---- phase 3: bind ------------------------------------------------------------------------

  /** Programs, pipelines and bind groups by name; the commands of one step. */
  private bind(plan: GpuPlan, up: Uploaded, forward: ModelForward | null): Bound {
    const { device } = this;
    const { B, L, gpu } = plan;
    const V = VOCAB_SIZE;
    const { bufs, totalMembers, anyPerm, logits } = up;
    const k = decodePrograms(L, V, { logits, loo: plan.loo });
    const sp = strategyPrograms(plan.d.strategy, L, V, { logits });
    const anySupport = totalMembers > 0;
    const perSequence = (n: number): [number, number] => [Math.min(n, 65535), Math.ceil(n / Math.min(n, 65535))];
    // [program, dispatch]: 1-D over `count` threads, or one workgroup per sequence.
    type Item = { pipe: GPUComputePipeline; group: GPUBindGroup; threads?: number };
    const item = (p: { pipeline(d: GPUDevice): GPUComputePipeline; bindGroup(d: GPUDevice, b: Buffers): GPUBindGroup }, threads?: number): Item => ({
      pipe: p.pipeline(device),
      group: p.bindGroup(device, bufs),
      threads,
    });
    const items: Item[] = [];
    if (anySupport) items.push(item(k.oracleInit, B * L), item(k.oracleMismatch, totalMembers), item(k.oracleHist, totalMembers));
    if (anySupport && plan.loo) items.push(item(k.oracleLooMin, totalMembers * L), item(k.oracleLooHist, totalMembers * L));
    if (anyPerm) items.push(item(k.oraclePerm, B * L));
    if (plan.noise > 0) items.push(item(k.noise, B * L));
    items.push(item(k.stats, B * L));
    if (plan.loo) items.push(item(k.looStats, B * L));
    if (plan.draft > 0) {
      // After the statistics: the verifier rows condition on this step's x0 at the draft.
      items.push(item(k.draftInit, B * L));
      if (anySupport) items.push(item(k.draftMin, totalMembers), item(k.draftHist, totalMembers));
      if (anyPerm) items.push(item(k.draftPerm, B * L));
      if (plan.noise > 0) items.push(item(k.noiseDraft, B * L));
    }
    if (sp.prepass) items.push(item(sp.prepass, gpu.prepass!.dispatch === 'positions' ? B * L : undefined));
    items.push(item(sp.select));
    const run = (pass: GPUComputePassEncoder, it: Item) => {
      pass.setPipeline(it.pipe);
      pass.setBindGroup(0, it.group);
      if (it.threads !== undefined) dispatch1d(pass, it.threads, WG);
      else pass.dispatchWorkgroups(...perSequence(B));
    };
    const gpuTheory = plan.d.theory && plan.d.record === 'full' && device.limits.maxStorageBuffersPerShaderStage >= THEORY_STORAGE_BUFFERS;
    let encodeTheory: Bound['encodeTheory'] = null;
    if (gpuTheory) {
      bufs.canvas_prev = this.buffer('canvas_prev', B * L * 4);
      bufs.theory = this.buffer('theory', B * 4 * 4);
      bufs.mi = this.buffer('mi', B * L * L * 4);
      const set = item(k.theorySet);
      const pairs = item(k.theoryPairs, B * L * L);
      encodeTheory = (pass) => {
        // Theory of the step just taken: from the canvas before it and the oracle rows.
        pass.setPipeline(set.pipe);
        pass.setBindGroup(0, set.group);
        pass.dispatchWorkgroups(B);
        run(pass, pairs);
      };
    }
    const rows = B * L * V * 4;
    return {
      encodeStep(pass) {
        forward?.encode(pass);
        for (const it of items) run(pass, it);
      },
      encodeTheory,
      dispatchesPerStep: items.length,
      // Bytes touched per step (rough): rows written and read, members scanned, small arrays.
      bytesPerStep:
        (anySupport ? totalMembers * Math.ceil(L / 4) * 4 * 2 + rows * 2 : 0) + (anyPerm ? rows : 0) + (logits ? rows * 2 : 0) + rows +
        (gpu.prepass?.predRow ? rows * 2 : 0) + (plan.draft > 0 ? rows * 2 : 0) + B * L * (SS.stride + RV.stride + 2) * 4,
    };
  }

  /** Encodes one compute pass and submits it. */
  private submit(encode: (pass: GPUComputePassEncoder) => void, before?: (enc: GPUCommandEncoder) => void, passDesc?: GPUComputePassDescriptor, after?: (enc: GPUCommandEncoder) => void): void {
    const enc = this.device.createCommandEncoder();
    before?.(enc);
    const pass = enc.beginComputePass(passDesc);
    encode(pass);
    pass.end();
    after?.(enc);
    this.device.queue.submit([enc.finish()]);
  }

  // ---- phase 4: run -------------------------------------------------------------------------

  private async run(plan: GpuPlan, forward: ModelForward | null): Promise<DecodeTrace[]> {
    const started = performance.now();
    const up = this.upload(plan);
    const bound = this.bind(plan, up, forward);
    const c: Counters = { kernelNs: 0n, readbackMs: 0, submits: 0, readbacks: 0, steps: 0 };
    const useTs = this.hasTimestamps && plan.d.record === 'summary';
    const full = plan.d.record === 'full' ? await this.runFull(plan, up, bound, c) : null;
    const state = full ? full.state : await this.runSummary(plan, up, bound, c, useTs);
    const [cvB, rvB] = await this.readBack(
      [
        { buf: up.bufs.canvas, bytes: plan.B * plan.L * 4 },
        { buf: up.bufs.reveal, bytes: plan.B * plan.L * RV.stride * 4 },
      ],
      c,
    );
    const out = this.assemble(plan, state, new Int32Array(cvB), new Uint32Array(rvB), full?.traces ?? null);
    this.lastTimings = {
      kernelMs: useTs ? Number(c.kernelNs) / 1e6 : null,
      readbackMs: c.readbackMs,
      wallMs: performance.now() - started,
      submits: c.submits,
      readbacks: c.readbacks,
      steps: c.steps,
      bytesPerStep: bound.bytesPerStep,
      dispatchesPerStep: bound.dispatchesPerStep,
      theoryOnGpu: bound.encodeTheory !== null,
    };
    return out;
  }

  /**
   * Step-through without a read-back per step: after each step's pass, copies on the GPU put
   * what the page shows (state, canvas, statistics, reveal records, rows, theory) into one slot
   * of a history buffer; the host maps it once per chunk of steps (chunks as in runSummary) and
   * builds each step's trace from its slot, as the CPU engine does.
   */
  private async runFull(plan: GpuPlan, up: Uploaded, bound: Bound, c: Counters): Promise<{ traces: StepTrace[][]; state: Uint32Array }> {
    const { B, L } = plan;
    const { bufs } = up;
    const traces: StepTrace[][] = plan.samples.map(() => []);
    const bounds = new Float64Array(B);
    let state = up.state;
    let canvas: Int32Array = new Int32Array(B * L);
    const parts = [
      { buf: bufs.state, bytes: B * ST.stride * 4 },
      { buf: bufs.canvas, bytes: B * L * 4 },
      { buf: bufs.stats, bytes: B * L * SS.stride * 4 },
      { buf: bufs.reveal, bytes: B * L * RV.stride * 4 },
      { buf: bufs.pred, bytes: B * L * VOCAB_SIZE * 4 },
    ];
    if (bound.encodeTheory) parts.push({ buf: bufs.theory, bytes: B * 16 }, { buf: bufs.mi, bytes: B * L * L * 4 });
    const slot = parts.reduce((a, p) => a + p.bytes, 0);
    const fits = Math.max(1, Math.floor(HISTORY_BYTES / slot));
    let chunk = Math.min(fits, plan.d.maxSteps, this.firstChunk(plan, up));
    for (;;) {
      const history = this.buffer('history', chunk * slot);
      const enc = this.device.createCommandEncoder();
      for (let s = 0; s < chunk; s++) {
        if (bound.encodeTheory) enc.copyBufferToBuffer(bufs.canvas, 0, bufs.canvas_prev, 0, B * L * 4);
        const pass = enc.beginComputePass();
        bound.encodeStep(pass);
        bound.encodeTheory?.(pass);
        pass.end();
        let off = s * slot;
        for (const p of parts) {
          enc.copyBufferToBuffer(p.buf, 0, history, off, p.bytes);
          off += p.bytes;
        }
      }
      this.device.queue.submit([enc.finish()]);
      c.submits++;
      const [all] = await this.readBack([{ buf: history, bytes: chunk * slot }], c);
      // Steps past every sequence's end return at once on the GPU; their slots are skipped.
      for (let s = 0; s < chunk && !allDone(state, B); s++) {
        c.steps++;
        let off = s * slot;
        const [stB, cvB, ssB, rvB, prB, thB, miB] = parts.map((p) => all.slice(off, (off += p.bytes)));
        const next = new Uint32Array(stB);
        const back: StepReadBack = {
          canvas: new Int32Array(cvB),
          stats: ssB,
          reveal: new Uint32Array(rvB),
          rows: up.logits ? new Float32Array(prB) : Float32Array.from(new Uint32Array(prB)),
          theory: thB ? new Float32Array(thB) : null,
          mi: miB ? new Float32Array(miB) : null,
        };
        for (let b = 0; b < B; b++) {
          if (state[b * ST.stride + ST.done]) continue;
          const trace = this.stepTrace(plan, up, b, state[b * ST.stride + ST.step], next, canvas.subarray(b * L, (b + 1) * L), back, bounds);
          traces[b].push(trace);
        }
        state = next;
        canvas = back.canvas;
      }
      if (allDone(state, B) || c.steps >= plan.d.maxSteps) return { traces, state };
      chunk = Math.min(fits, 8, plan.d.maxSteps - c.steps);
    }
  }

  /** One sequence's trace of the step just read back (record 'full'), as the CPU engine builds it. */
  private stepTrace(plan: GpuPlan, up: Uploaded, b: number, step: number, st: Uint32Array, before: Int32Array, back: StepReadBack, bounds: Float64Array): StepTrace {
    const { L } = plan;
    const cv = back.canvas;
    const block: [number, number] = [st[b * ST.stride + ST.blockStart], st[b * ST.stride + ST.blockEnd]];
    const trace = stepTraceFromReveal(back.reveal, (p) => cv[b * L + p], b, L, step, block, plan.gpu.scores !== false);
    for (let p = 0; p < L; p++) if (before[p] !== MASK_ID && cv[b * L + p] === MASK_ID) trace.remasked.push(p);
    const ss = new Float32Array(back.stats);
    const ssU = new Uint32Array(back.stats);
    if (plan.gpu.edits) {
      trace.edited = [];
      trace.editedTokens = [];
      for (let p = 0; p < L; p++) {
        const t = cv[b * L + p];
        if (before[p] !== MASK_ID && t !== MASK_ID && t !== before[p]) {
          trace.edited.push(p);
          trace.editedTokens.push(t);
        }
      }
    }
    if (plan.loo) {
      // Verified: the revealed positions of the block in force (as decode.ts looPositions), with
      // the leave-one-out probability of their token (loo_stats.wgsl).
      trace.checked = [];
      for (let p = block[0]; p < block[1]; p++) if (before[p] !== MASK_ID) trace.checked.push(p);
      trace.checkedProbabilities = trace.checked.map((p) => ss[(b * L + p) * SS.stride + SS_LOO.p]);
      trace.extraRows = trace.checked.length;
    }
    const masked: number[] = [];
    for (let p = 0; p < L; p++) if (before[p] === MASK_ID) masked.push(p);
    if (plan.gpu.draftRows) draftTraceFields(trace, plan.draft, masked.length);
    const predView = { kind: up.logits ? ('logits' as const) : ('weights' as const), data: back.rows };
    const row = new Float32Array(VOCAB_SIZE);
    const stat = (p: number) => {
      const o = (b * L + p) * SS.stride;
      return { x0: ssU[o + SS.x0], confidence: ss[o + SS.conf], margin: ss[o + SS.margin], entropy: ss[o + SS.entropy] };
    };
    const rowAt = (p: number) => {
      rowProbabilities(predView, b * L + p, row);
      return row;
    };
    recordStepDetail(trace, before, masked, stat, rowAt, plan.d.temperature);
    if (plan.d.theory && back.theory && back.mi) {
      // Exact theory from shaders/theory_set.wgsl and theory_pairs.wgsl.
      const th = back.theory;
      bounds[b] += th[b * 4];
      trace.theory = {
        totalCorrelation: th[b * 4],
        validProbability: th[b * 4 + 1],
        bound: bounds[b],
        consistentBefore: th[b * 4 + 2] === 1,
        pairwiseMI: back.mi.slice(b * L * L, (b + 1) * L * L),
      };
    } else if (plan.d.theory) {
      // Host fallback where the device binds too few storage buffers for the theory kernels.
      trace.theory = hostTheory(plan.samples[b].truth.condition(before), trace.revealed, masked, L, bounds[b], true);
      bounds[b] = trace.theory.bound;
    }
    return trace;
  }

  /**
   * Benchmark: many steps per submit; between chunks read back only the state array. First chunk:
   * the exact step count where the rule fixes it, else a short guess; then chunks of 8. Steps
   * past a sequence's end are dispatches that return at once.
   */
  private async runSummary(plan: GpuPlan, up: Uploaded, bound: Bound, c: Counters, useTs: boolean): Promise<Uint32Array> {
    const { B } = plan;
    const maxSteps = plan.d.maxSteps;
    if (useTs && !this.querySet) this.querySet = this.device.createQuerySet({ type: 'timestamp', count: 2 });
    const tsResolve = useTs ? this.buffer('tsResolve', 16, GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC) : null;
    let chunk = Math.min(maxSteps, this.firstChunk(plan, up));
    for (;;) {
      this.submit(
        (pass) => {
          for (let s = 0; s < chunk; s++) bound.encodeStep(pass);
        },
        undefined,
        useTs ? { timestampWrites: { querySet: this.querySet!, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : undefined,
        useTs ? (enc) => enc.resolveQuerySet(this.querySet!, 0, 2, tsResolve!, 0) : undefined,
      );
      c.submits++;
      c.steps += chunk;
      const parts = [{ buf: up.bufs.state, bytes: B * ST.stride * 4 }];
      if (tsResolve) parts.push({ buf: tsResolve, bytes: 16 });
      const got = await this.readBack(parts, c);
      const state = new Uint32Array(got[0]);
      if (tsResolve) {
        const ts = new BigUint64Array(got[1]);
        if (ts[1] > ts[0]) c.kernelNs += ts[1] - ts[0];
      }
      if (allDone(state, B) || c.steps >= maxSteps) return state;
      chunk = Math.min(8, maxSteps - c.steps);
    }
  }

  /** Steps in the first chunk: the exact count where the rule fixes it, else a short guess. */
  private firstChunk(plan: GpuPlan, up: Uploaded): number {
    return plan.gpu.expectedSteps?.(plan.d.params, this.context(plan, up.totalMembers)) ?? (up.schedSteps > 0 ? up.schedSteps : Math.min(plan.L, 8));
  }

  // ---- phase 5: assemble traces -------------------------------------------------------------

  private assemble(plan: GpuPlan, state: Uint32Array, canvas: Int32Array, rv: Uint32Array, full: StepTrace[][] | null): DecodeTrace[] {
    const { L, d } = plan;
    const header: TraceHeader = { seed: d.seed, strategy: d.strategy.id, strategyParams: d.params, denoiser: plan.denoiserId, temperature: d.temperature, blockLength: d.blockLength };
    return plan.samples.map((sample, b) => {
      const output = canvas.slice(b * L, (b + 1) * L);
      const nfe = state[b * ST.stride + ST.step];
      const revealStep = new Int32Array(L);
      for (let p = 0; p < L; p++) revealStep[p] = rv[(b * L + p) * RV.stride + RV.step] | 0;
      // Summary traces are rebuilt from each position's last reveal: exact without remasking;
      // with ReMDM they omit the reveals that were later undone.
      const steps = full ? full[b] : summarySteps(rv, output, b, L, nfe, d.blockLength, plan.gpu.scores !== false);
      if (!full && plan.gpu.draftRows) {
        // Drafting rules never remask, so the masked count before each step follows from the reveals.
        let masked = L;
        for (const st of steps) {
          draftTraceFields(st, plan.draft, masked);
          masked -= st.revealed.length;
        }
      }
      return assembleTrace(sample, header, { steps, output, revealStep, nfe });
    });
  }
}

/** What one step-through step reads back. */
interface StepReadBack {
  canvas: Int32Array;
  stats: ArrayBuffer;
  reveal: Uint32Array;
  rows: Float32Array;
  theory: Float32Array | null;
  mi: Float32Array | null;
}

/**
 * The verification fields of a draft-verifying step, as decode.ts records them for a strategy
 * with verifyRows: no revealed position checked, one extra row per drafted position after the first.
 */
function draftTraceFields(trace: StepTrace, draft: number, maskedBefore: number): void {
  trace.checked = [];
  trace.checkedProbabilities = [];
  trace.extraRows = draft > 0 ? Math.max(0, Math.min(draft, maskedBefore) - 1) : 0;
}

function allDone(state: Uint32Array, B: number): boolean {
  for (let b = 0; b < B; b++) if (!state[b * ST.stride + ST.done]) return false;
  return true;
}

/** One step's trace from the reveal records: positions revealed at `step`, in ranked order. */
function stepTraceFromReveal(rv: Uint32Array, tokenAt: (p: number) => number, b: number, L: number, step: number, block: [number, number], scores: boolean): StepTrace {
  const hits: { p: number; order: number; score: number; conf: number }[] = [];
  const f = new Float32Array(rv.buffer, rv.byteOffset, rv.length);
  for (let p = 0; p < L; p++) {
    const o = (b * L + p) * RV.stride;
    if (rv[o + RV.step] === step && rv[o + RV.order] !== RV_EDIT) hits.push({ p, order: rv[o + RV.order], score: f[o + RV.score], conf: f[o + RV.conf] });
  }
  hits.sort((x, y) => x.order - y.order);
  return {
    step,
    nfe: step + 1,
    revealed: hits.map((h) => h.p),
    tokens: hits.map((h) => tokenAt(h.p)),
    probabilities: hits.map((h) => h.conf),
    remasked: [],
    scores: scores ? hits.map((h) => h.score) : [],
    block,
  };
}

/** Summary traces rebuilt from the reveal records (no remasking: each position revealed once). */
function summarySteps(rv: Uint32Array, output: Int32Array, b: number, L: number, nfe: number, blockLength: number, scores: boolean): StepTrace[] {
  const steps: StepTrace[] = [];
  for (let s = 0; s < nfe; s++) {
    // The block in force is that of the first position still masked before step s.
    let first = L;
    for (let p = 0; p < L; p++) {
      const at = rv[(b * L + p) * RV.stride + RV.step];
      if (at >= s && p < first) first = p;
    }
    const start = Math.floor(Math.min(first, L - 1) / blockLength) * blockLength;
    steps.push(stepTraceFromReveal(rv, (p) => output[p], b, L, s, [start, Math.min(L, start + blockLength)], scores));
  }
  return steps;
}
