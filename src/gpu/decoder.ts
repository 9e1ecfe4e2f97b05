import type { BatchRequest } from '../engine/backend';
import { makeDenoiser } from '../engine/backend';
import { pairwiseMI, recordCandidates, totalCorrelation, type DecodeTrace, type StepTrace } from '../engine/decode';
import { PermutationDistribution, SupportDistribution } from '../engine/distribution';
import { rowProbabilities } from '../engine/stats';
import { getStrategy, resolveParams, type StrategyParams } from '../engine/strategies';
import { dreamTimesteps } from '../engine/strategies/common';
import { dreamRevealFraction } from '../engine/strategies/schedules';
import { remdmSchedule, remdmUnmaskProbability } from '../engine/strategies/remdm';
import { getTask, type ScoreResult, type TaskSample } from '../engine/tasks';
import { MASK_ID, PAD_ID, VOCAB_SIZE } from '../engine/vocab';
import { MODEL_CANVAS_LENGTH, MODEL_PROMPT_LENGTH } from '../engine/model-format';
import { dispatch1d } from './device';
import { GPU_ORACLE_STRATEGY, GPU_STRATEGY, INFO, NEVER, RV, SS, ST, THEORY_STORAGE_BUFFERS, WG, decodeKernels, packParams, type DecodeKernels, type GpuParams } from './kernels';

/** Why a request cannot run on the GPU (the backend then runs it on the CPU engine). */
export class GpuUnsupportedError extends Error {
  override name = 'GpuUnsupportedError';
}

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
const USAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

interface Plan {
  samples: readonly TaskSample[];
  B: number;
  L: number;
  params: StrategyParams;
  strategyId: string;
  strategyNum: number;
  temperature: number;
  blockLength: number;
  blockCount: number;
  record: 'summary' | 'full';
  theory: boolean;
  maxSteps: number;
  noise: number;
  seed: number;
  denoiserId: string;
  /** The neural denoiser in place of the oracle, or null. */
  model: GpuLogitsModel | null;
}

/**
 * Runs batches of oracle decodes on one device. Buffers grow to the largest batch seen and are
 * reused; pipelines come from the per-device cache. Benchmark mode ('summary') encodes many
 * steps per submit and reads back only a small state array between chunks; step-through
 * ('full') reads each step's statistics back to build the same trace as the CPU engine.
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

  private write(name: string, data: ArrayBufferView, usage?: number): GPUBuffer {
    const b = this.buffer(name, data.byteLength, usage);
    this.device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
    return b;
  }

  /** Copies several buffer ranges into one staging buffer, maps it once, returns the pieces. */
  private async readBack(parts: { buf: GPUBuffer; bytes: number }[]): Promise<ArrayBuffer[]> {
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
    await staging.mapAsync(GPUMapMode.READ, 0, Math.max(16, Math.ceil(total / 16) * 16));
    const range = staging.getMappedRange(0, Math.max(16, Math.ceil(total / 16) * 16));
    const out: ArrayBuffer[] = [];
    off = 0;
    for (const p of parts) {
      const n = Math.ceil(p.bytes / 4) * 4;
      out.push(range.slice(off, off + n));
      off += n;
    }
    staging.unmap();
    return out;
  }

  plan(request: BatchRequest, model: GpuLogitsModel | null = null): Plan {
    const { samples, options } = request;
    const L = samples[0].canvasLength;
    if (samples.some((s) => s.canvasLength !== L)) throw new Error('a batch must share one canvas length');
    const def = getStrategy(request.strategy);
    const params = resolveParams(def, request.params);
    const temperature = options.temperature ?? 0;
    if (!(temperature >= 0 && Number.isFinite(temperature))) throw new RangeError(`temperature must be >= 0, got ${temperature}`);
    const blockLength = options.block && options.block > 0 ? options.block : L;
    if (!Number.isInteger(blockLength)) throw new RangeError(`block must be an integer, got ${options.block}`);
    if (blockLength !== L && !def.blocks) throw new RangeError(`strategy ${def.id} does not use semi-AR blocks; drop --block`);
    if (request.denoiser.kind === 'model' && !model) throw new GpuUnsupportedError('model denoisers need a GPU-resident model (GpuDecoder.decode(request, model))');
    const exact = !model && request.denoiser.noise === 0;
    if (def.oracleOnly && !exact) throw new RangeError(`strategy ${def.id} needs the exact oracle (no noise, no model)`);
    const strategyNum = GPU_STRATEGY[def.id] ?? GPU_ORACLE_STRATEGY[def.id];
    if (strategyNum === undefined) throw new GpuUnsupportedError(`strategy ${def.id} has no GPU kernel`);
    for (const s of model ? [] : samples) {
      if (!(s.truth instanceof SupportDistribution) && !(s.truth instanceof PermutationDistribution)) {
        throw new GpuUnsupportedError(`task ${s.task}: its true distribution has no GPU oracle`);
      }
    }
    if (model && (L > MODEL_CANVAS_LENGTH || samples.some((s) => s.prompt.length > MODEL_PROMPT_LENGTH))) {
      throw new RangeError(`the model takes prompts of up to ${MODEL_PROMPT_LENGTH} and canvases of up to ${MODEL_CANVAS_LENGTH} tokens`);
    }
    if (L > 1024) throw new GpuUnsupportedError(`canvas length ${L} is above the GPU selection kernel's 1024`);
    const record = options.record ?? 'summary';
    return {
      samples,
      B: samples.length,
      L,
      params,
      strategyId: def.id,
      strategyNum,
      temperature,
      blockLength,
      blockCount: Math.ceil(L / blockLength),
      record,
      theory: (options.theory ?? record === 'full') && exact,
      maxSteps: options.maxSteps ?? Math.max(1024, 8 * L),
      noise: model ? 0 : request.denoiser.noise,
      seed: options.seed,
      denoiserId: model ? model.id : makeDenoiser(request.denoiser, options.seed).id,
      model,
    };
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
    const plan = this.plan(request, model);
    // Validation and memory errors would otherwise only show up as wrong tokens.
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    let out: DecodeTrace[] | null = null;
    let failure: unknown = null;
    let forward: ModelForward | null = null;
    try {
      forward = model ? this.modelForward(plan, model) : null;
      out = await this.run(plan, undefined, forward);
    } catch (e) {
      failure = e;
    } finally {
      forward?.dispose();
    }
    const validation = await this.device.popErrorScope();
    const oom = await this.device.popErrorScope();
    const gpuError = validation ?? oom;
    if (gpuError) throw new Error(`WebGPU error during decode: ${gpuError.message}`, { cause: failure ?? undefined });
    if (failure !== null || !out) throw failure;
    return out;
  }

  /**
   * Kernel probe for the parity tests: one step from the given canvases and step numbers; returns
   * the oracle rows, the statistics and the canvases after selection and commit.
   */
  async probe(request: BatchRequest, canvases: Int32Array, steps: readonly number[]): Promise<ProbeResult> {
    const plan = this.plan(request);
    this.device.pushErrorScope('validation');
    const out = (await this.run(plan, { canvases, steps })) as unknown as ProbeResult;
    const e = await this.device.popErrorScope();
    if (e) throw new Error(`WebGPU error during probe: ${e.message}`);
    return out;
  }

  /**
   * The model's forward pass over this decoder's canvas and logits buffers (sized here as run()
   * will find them). Bind groups are built once per decode; each step only records dispatches.
   */
  private modelForward(plan: Plan, model: GpuLogitsModel): ModelForward {
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

  private async run(plan: Plan, probe?: { canvases: Int32Array; steps: readonly number[] }, forward: ModelForward | null = null): Promise<DecodeTrace[]> {
    const started = performance.now();
    const { device } = this;
    const { B, L, samples, params } = plan;
    const V = VOCAB_SIZE;
    const W = Math.ceil(L / 4);

    // ---- upload the batch: per-sequence info, support members (4 tokens per word), permutations
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
    const anyPerm = !plan.model && samples.some((s) => s.truth instanceof PermutationDistribution);
    const logTableSize = maxTotal + 1 <= MAX_LOG_TABLE ? maxTotal + 1 : 0;
    const lnTable = new Float32Array(Math.max(1, logTableSize));
    for (let i = 1; i < logTableSize; i++) lnTable[i] = Math.fround(Math.log(i));

    // ---- schedules, computed on the host in f32 exactly as the CPU strategies do
    const def = getStrategy(plan.strategyId);
    let schedSteps = 0;
    let sched = new Float32Array(2);
    if (def.id.startsWith('dream-')) {
      schedSteps = params.steps > 0 ? params.steps : L;
      const t = dreamTimesteps(schedSteps);
      sched = new Float32Array(2 * schedSteps);
      for (let i = 0; i + 1 < schedSteps; i++) sched[2 * i] = dreamRevealFraction(t, i);
    } else if (def.id === 'maskgit-cosine') {
      schedSteps = params.steps;
      const tc = Math.fround(params.choiceTemperature);
      sched = new Float32Array(2 * schedSteps);
      for (let i = 0; i + 1 < schedSteps; i++) {
        const ratio = Math.fround((i + 1) / schedSteps);
        sched[2 * i] = Math.fround(tc * Math.fround(1 - ratio));
        sched[2 * i + 1] = Math.floor(L * Math.cos((Math.PI / 2) * ratio));
      }
    } else if (def.id.startsWith('remdm-')) {
      // Per step: sigma (cap, rescale) or the mean sigma (conf), and the unmasking probability.
      schedSteps = params.steps > 0 ? params.steps : L;
      const eta = Math.fround(params.eta);
      sched = new Float32Array(2 * schedSteps);
      for (let i = 0; i + 1 < schedSteps; i++) {
        const { alphaT, alphaS, sigmaMax } = remdmSchedule(i, schedSteps);
        const sigma = def.id === 'remdm-rescale' ? Math.fround(eta * sigmaMax) : Math.min(eta, sigmaMax);
        sched[2 * i] = sigma;
        sched[2 * i + 1] = remdmUnmaskProbability(alphaT, alphaS, def.id === 'remdm-conf' ? 0 : sigma);
      }
    }
    const isTopk = def.id.startsWith('topk-');
    const gp: GpuParams = {
      batch: B,
      seed: plan.seed >>> 0,
      blockLength: plan.blockLength,
      blockCount: plan.blockCount,
      maxSteps: plan.maxSteps,
      k: params.k ?? 0,
      perBlock: isTopk && params.steps > 0 ? Math.max(1, Math.round(params.steps / plan.blockCount)) : 0,
      schedSteps,
      temperature: plan.temperature,
      invT: plan.temperature > 0 ? Math.fround(1 / plan.temperature) : 0,
      sigma: plan.noise,
      threshold: Math.fround(def.id === 'klass' ? params.confThreshold : (params.threshold ?? 0)),
      factor: Math.fround(params.factor ?? 0),
      // tc-bound: the CPU's threshold ε + 1e-12 (select_tcbound.wgsl); EB: its budget γ.
      gamma: Math.fround(def.id === 'tc-bound' ? params.epsilon + 1e-12 : (params.gamma ?? 0)),
      algTemp: Math.fround(params.algTemp ?? 0),
      klThreshold: Math.fround(params.klThreshold ?? 0),
      logTableSize,
      totalMembers,
      history: params.history ?? 0,
      memberWords: W,
    };

    const state = new Uint32Array(B * ST.stride);
    for (let b = 0; b < B; b++) state[b * ST.stride + ST.blockIndex] = NEVER;
    const reveal = new Uint32Array(B * L * RV.stride);
    for (let i = 0; i < B * L; i++) reveal[i * RV.stride + RV.step] = NEVER;
    const isKlass = def.id === 'klass';
    const isRemask = def.id.startsWith('remdm-');
    const isTcBound = def.id === 'tc-bound';

    const bufs = {
      params: this.write('params', new Uint8Array(packParams(gp)), GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST),
      info: this.write('info', info),
      perm: this.write('perm', perm),
      members: this.write('members', members),
      memberWeight: this.write('memberWeight', memberWeight),
      memberSeq: this.write('memberSeq', memberSeq),
      lnTable: this.write('lnTable', lnTable),
      sched: this.write('sched', sched),
      state: this.write('state', state),
      canvas: this.write('canvas', new Int32Array(B * L)),
      reveal: this.write('reveal', reveal),
      mis: this.buffer('mis', totalMembers * 4),
      minMis: this.buffer('minMis', B * 4),
      hist: this.buffer('hist', B * L * V * 4),
      logits: this.buffer('logits', plan.noise > 0 || plan.model ? B * L * V * 4 : 16),
      stats: this.buffer('stats', B * L * SS.stride * 4),
      prev: this.buffer('prev', isKlass ? B * L * V * 4 : 16),
      // KLASS: run of stable steps (NEVER = no previous row); ReMDM: confidence at reveal;
      // tc-bound: the count per sequence, then 4 scratch words per support member.
      aux: this.write('aux', new Uint32Array(isKlass || isRemask ? B * L : isTcBound ? B + 4 * totalMembers : 4).fill(isKlass ? NEVER : 0)),
    };
    const logits = plan.noise > 0 || plan.model !== null;
    const gpuTheory = plan.theory && plan.record === 'full' && device.limits.maxStorageBuffersPerShaderStage >= THEORY_STORAGE_BUFFERS;
    const theoryBufs = gpuTheory
      ? {
          canvasPrev: this.buffer('canvasPrev', B * L * 4),
          theory: this.buffer('theory', B * 4 * 4),
          mi: this.buffer('mi', B * L * L * 4),
        }
      : null;
    const k: DecodeKernels = decodeKernels(L, V, { logits, strategy: plan.strategyNum });
    const pred = logits ? bufs.logits : bufs.hist;
    const groups = {
      init: k.oracleInit.bindGroup(device, [bufs.params, bufs.state, bufs.minMis, bufs.hist, bufs.canvas]),
      mismatch: k.oracleMismatch.bindGroup(device, [bufs.params, bufs.members, bufs.memberSeq, bufs.canvas, bufs.state, bufs.mis, bufs.minMis]),
      hist: k.oracleHist.bindGroup(device, [bufs.params, bufs.members, bufs.memberSeq, bufs.memberWeight, bufs.state, bufs.mis, bufs.minMis, bufs.hist, bufs.canvas]),
      perm: k.oraclePerm.bindGroup(device, [bufs.params, bufs.info, bufs.perm, bufs.canvas, bufs.state, bufs.hist]),
      noise: plan.noise > 0 ? k.noise.bindGroup(device, [bufs.params, bufs.info, bufs.state, bufs.hist, bufs.logits, bufs.canvas]) : null,
      stats: k.stats.bindGroup(device, [bufs.params, bufs.info, bufs.canvas, bufs.state, pred, bufs.lnTable, bufs.stats]),
      klass: isKlass ? k.klass.bindGroup(device, [bufs.params, bufs.canvas, bufs.state, pred, bufs.prev, bufs.aux]) : null,
      select: k.select.bindGroup(device, [bufs.params, bufs.info, bufs.canvas, bufs.state, bufs.stats, bufs.reveal, bufs.sched, bufs.aux]),
      tcBound: isTcBound
        ? k.selectTcBound.bindGroup(device, [bufs.params, bufs.info, bufs.canvas, bufs.stats, bufs.members, bufs.memberWeight, bufs.mis, bufs.perm, bufs.aux])
        : null,
    };
    const theoryGroups = theoryBufs
      ? {
          set: k.theorySet.bindGroup(device, [bufs.params, bufs.info, bufs.members, bufs.memberWeight, bufs.mis, bufs.minMis, bufs.hist, theoryBufs.canvasPrev, bufs.canvas, bufs.perm, theoryBufs.theory]),
          pairs: k.theoryPairs.bindGroup(device, [bufs.params, bufs.info, bufs.members, bufs.memberWeight, bufs.mis, bufs.minMis, bufs.hist, theoryBufs.canvasPrev, bufs.perm, theoryBufs.mi]),
        }
      : null;
    const pipes = {
      init: k.oracleInit.pipeline(device),
      mismatch: k.oracleMismatch.pipeline(device),
      hist: k.oracleHist.pipeline(device),
      perm: k.oraclePerm.pipeline(device),
      noise: k.noise.pipeline(device),
      stats: k.stats.pipeline(device),
      klass: k.klass.pipeline(device),
      select: k.select.pipeline(device),
      tcBound: isTcBound ? k.selectTcBound.pipeline(device) : null,
    };
    const anySupport = totalMembers > 0;
    const encodeStep = (pass: GPUComputePassEncoder) => {
      const run = (p: GPUComputePipeline, g: GPUBindGroup, count: number) => {
        pass.setPipeline(p);
        pass.setBindGroup(0, g);
        dispatch1d(pass, count, WG);
      };
      forward?.encode(pass);
      if (anySupport) {
        run(pipes.init, groups.init, B * L);
        run(pipes.mismatch, groups.mismatch, totalMembers);
        run(pipes.hist, groups.hist, totalMembers);
      }
      if (anyPerm) run(pipes.perm, groups.perm, B * L);
      if (groups.noise) run(pipes.noise, groups.noise, B * L);
      run(pipes.stats, groups.stats, B * L);
      if (groups.klass) run(pipes.klass, groups.klass, B * L);
      const x = Math.min(B, 65535);
      if (groups.tcBound) {
        // One workgroup per sequence, as select.wgsl, which reads the count it leaves in aux.
        pass.setPipeline(pipes.tcBound!);
        pass.setBindGroup(0, groups.tcBound);
        pass.dispatchWorkgroups(x, Math.ceil(B / x));
      }
      pass.setPipeline(pipes.select);
      pass.setBindGroup(0, groups.select);
      pass.dispatchWorkgroups(x, Math.ceil(B / x));
    };
    const dispatchesPerStep = (anySupport ? 3 : 0) + (anyPerm ? 1 : 0) + (plan.noise > 0 ? 1 : 0) + 1 + (isKlass ? 1 : 0) + (isTcBound ? 1 : 0) + 1;
    // Bytes touched per step (rough): rows written and read, members scanned, small arrays.
    const bytesPerStep =
      (anySupport ? totalMembers * W * 4 * 2 + B * L * V * 4 * 2 : 0) + (anyPerm ? B * L * V * 4 : 0) +
      (logits ? B * L * V * 8 : 0) + B * L * V * 4 + (isKlass ? B * L * V * 8 : 0) + B * L * (SS.stride + RV.stride + 2) * 4;

    // ---- timestamps: one begin/end pair per submitted chunk
    const useTs = this.hasTimestamps && plan.record === 'summary';
    if (useTs && !this.querySet) this.querySet = device.createQuerySet({ type: 'timestamp', count: 2 });
    const tsResolve = useTs ? this.buffer('tsResolve', 16, GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC) : null;
    let kernelNs = 0n;
    let readbackMs = 0;
    let submits = 0;
    let readbacks = 0;

    if (probe) {
      for (let b = 0; b < B; b++) state[b * ST.stride + ST.step] = probe.steps[b];
      this.write('state', state);
      this.write('canvas', probe.canvases);
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      encodeStep(pass);
      pass.end();
      device.queue.submit([enc.finish()]);
      const [hB, lB, sB, cB] = await this.readBack([
        { buf: bufs.hist, bytes: B * L * V * 4 },
        { buf: bufs.logits, bytes: logits ? B * L * V * 4 : 4 },
        { buf: bufs.stats, bytes: B * L * SS.stride * 4 },
        { buf: bufs.canvas, bytes: B * L * 4 },
      ]);
      const result: ProbeResult = {
        weights: new Uint32Array(hB),
        logits: logits ? new Float32Array(lB) : null,
        stats: new Float32Array(sB),
        canvasAfter: new Int32Array(cB),
      };
      return result as unknown as DecodeTrace[];
    }

    const traces: StepTrace[][] = samples.map(() => []);
    const bounds = new Float64Array(B);
    let stepsRun = 0;
    let stateNow = state;
    let canvasNow = new Int32Array(B * L);

    if (plan.record === 'full') {
      // Step-through: one step per submit, read back what the page shows.
      for (;;) {
        const enc = device.createCommandEncoder();
        if (theoryBufs) enc.copyBufferToBuffer(bufs.canvas, 0, theoryBufs.canvasPrev, 0, B * L * 4);
        const pass = enc.beginComputePass();
        encodeStep(pass);
        if (theoryGroups) {
          // Theory of the step just taken: from the canvas before it and the oracle rows.
          pass.setPipeline(k.theorySet.pipeline(device));
          pass.setBindGroup(0, theoryGroups.set);
          pass.dispatchWorkgroups(B);
          pass.setPipeline(k.theoryPairs.pipeline(device));
          pass.setBindGroup(0, theoryGroups.pairs);
          dispatch1d(pass, B * L * L, WG);
        }
        pass.end();
        device.queue.submit([enc.finish()]);
        submits++;
        const t0 = performance.now();
        const parts = [
          { buf: bufs.state, bytes: B * ST.stride * 4 },
          { buf: bufs.canvas, bytes: B * L * 4 },
          { buf: bufs.stats, bytes: B * L * SS.stride * 4 },
          { buf: bufs.reveal, bytes: B * L * RV.stride * 4 },
          { buf: pred, bytes: B * L * V * 4 },
        ];
        if (theoryBufs) parts.push({ buf: theoryBufs.theory, bytes: B * 16 }, { buf: theoryBufs.mi, bytes: B * L * L * 4 });
        const [stB, cvB, ssB, rvB, prB, thB, miB] = await this.readBack(parts);
        const th = thB ? new Float32Array(thB) : null;
        const miAll = miB ? new Float32Array(miB) : null;
        readbackMs += performance.now() - t0;
        readbacks++;
        stepsRun++;
        const st = new Uint32Array(stB);
        const cv = new Int32Array(cvB);
        const ss = new Float32Array(ssB);
        const ssU = new Uint32Array(ssB);
        const rv = new Uint32Array(rvB);
        const rows = logits ? new Float32Array(prB) : Float32Array.from(new Uint32Array(prB));
        for (let b = 0; b < B; b++) {
          if (stateNow[b * ST.stride + ST.done]) continue;
          const step = stateNow[b * ST.stride + ST.step];
          const before = canvasNow.subarray(b * L, (b + 1) * L);
          const trace = stepTraceFromReveal(rv, (p) => cv[b * L + p], b, L, step, [st[b * ST.stride + ST.blockStart], st[b * ST.stride + ST.blockEnd]], def.id);
          for (let p = 0; p < L; p++) if (before[p] !== MASK_ID && cv[b * L + p] === MASK_ID) trace.remasked.push(p);
          trace.canvasBefore = before.slice();
          trace.x0 = new Int32Array(L).fill(-1);
          trace.confidence = new Float32Array(L);
          trace.margin = new Float32Array(L);
          trace.entropy = new Float32Array(L);
          const row = new Float32Array(V);
          const tempered = new Float32Array(V);
          const predView = { kind: logits ? ('logits' as const) : ('weights' as const), data: rows };
          for (let p = 0; p < L; p++) {
            if (before[p] !== MASK_ID) continue;
            const o = (b * L + p) * SS.stride;
            trace.x0[p] = ssU[o + SS.x0];
            trace.confidence[p] = ss[o + SS.conf];
            trace.margin[p] = ss[o + SS.margin];
            trace.entropy[p] = ss[o + SS.entropy];
            rowProbabilities(predView, b * L + p, row);
            recordCandidates(trace, L, p, row, plan.temperature, tempered);
          }
          if (plan.theory && th && miAll) {
            // Exact theory from shaders/theory_set.wgsl and theory_pairs.wgsl.
            const tc = th[b * 4];
            bounds[b] += tc;
            trace.theory = {
              totalCorrelation: tc,
              validProbability: th[b * 4 + 1],
              bound: bounds[b],
              consistentBefore: th[b * 4 + 2] === 1,
              pairwiseMI: miAll.slice(b * L * L, (b + 1) * L * L),
            };
          } else if (plan.theory) {
            // Host fallback where the device binds too few storage buffers for the theory kernels.
            const c = samples[b].truth.condition(before);
            const tc = totalCorrelation(c, trace.revealed);
            bounds[b] += tc;
            trace.theory = {
              totalCorrelation: tc,
              validProbability: trace.revealed.length > 0 ? c.productValidProbability(trace.revealed) : 1,
              bound: bounds[b],
              consistentBefore: c.consistent,
            };
            const masked: number[] = [];
            for (let p = 0; p < L; p++) if (before[p] === MASK_ID) masked.push(p);
            trace.theory.pairwiseMI = pairwiseMI(c, masked, L);
          }
          traces[b].push(trace);
        }
        stateNow = st;
        canvasNow = cv;
        let allDone = true;
        for (let b = 0; b < B; b++) if (!st[b * ST.stride + ST.done]) allDone = false;
        if (allDone) break;
      }
    } else {
      // Benchmark: many steps per submit; between chunks read back only the state array.
      // First chunk: the exact step count where the rule fixes it, else a short guess; then
      // chunks of 8. Steps past a sequence's end are dispatches that return at once.
      let chunk = Math.min(plan.maxSteps, expectedSteps(plan, schedSteps));
      for (;;) {
        const enc = device.createCommandEncoder();
        const pass = enc.beginComputePass(
          useTs ? { timestampWrites: { querySet: this.querySet!, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : undefined,
        );
        for (let s = 0; s < chunk; s++) encodeStep(pass);
        pass.end();
        if (useTs) enc.resolveQuerySet(this.querySet!, 0, 2, tsResolve!, 0);
        device.queue.submit([enc.finish()]);
        submits++;
        stepsRun += chunk;
        const t0 = performance.now();
        const parts = [{ buf: bufs.state, bytes: B * ST.stride * 4 }];
        if (useTs) parts.push({ buf: tsResolve!, bytes: 16 });
        const got = await this.readBack(parts);
        readbackMs += performance.now() - t0;
        readbacks++;
        stateNow = new Uint32Array(got[0]);
        if (useTs) {
          const ts = new BigUint64Array(got[1]);
          if (ts[1] > ts[0]) kernelNs += ts[1] - ts[0];
        }
        let allDone = true;
        for (let b = 0; b < B; b++) if (!stateNow[b * ST.stride + ST.done]) allDone = false;
        if (allDone || stepsRun >= plan.maxSteps) break;
        chunk = Math.min(8, plan.maxSteps - stepsRun);
      }
    }

    const t0 = performance.now();
    const [cvB, rvB] = await this.readBack([
      { buf: bufs.canvas, bytes: B * L * 4 },
      { buf: bufs.reveal, bytes: B * L * RV.stride * 4 },
    ]);
    readbackMs += performance.now() - t0;
    readbacks++;
    const canvas = new Int32Array(cvB);
    const rv = new Uint32Array(rvB);

    const out = samples.map((sample, b): DecodeTrace => {
      const output = canvas.slice(b * L, (b + 1) * L);
      const nfe = stateNow[b * ST.stride + ST.step];
      const revealStep = new Int32Array(L);
      for (let p = 0; p < L; p++) revealStep[p] = rv[(b * L + p) * RV.stride + RV.step] | 0;
      // Summary traces are rebuilt from each position's last reveal: exact without remasking;
      // with ReMDM they omit the reveals that were later undone.
      const steps =
        plan.record === 'full' ? traces[b] : summarySteps(rv, output, b, L, nfe, plan.blockLength, def.id);
      const score: ScoreResult = output.includes(MASK_ID)
        ? { ok: false, reason: `decode stopped after ${nfe} steps with masked positions left`, culprits: [] }
        : getTask(sample.task).score(sample, output);
      return {
        task: sample.task,
        index: sample.index,
        seed: plan.seed,
        strategy: def.id,
        strategyParams: params,
        denoiser: plan.denoiserId,
        temperature: plan.temperature,
        block: plan.blockLength === L ? 0 : plan.blockLength,
        prompt: sample.prompt,
        canvasLength: L,
        steps,
        output,
        revealStep,
        nfe,
        tps: L / nfe,
        score,
      };
    });
    this.lastTimings = {
      kernelMs: useTs ? Number(kernelNs) / 1e6 : null,
      readbackMs,
      wallMs: performance.now() - started,
      submits,
      readbacks,
      steps: stepsRun,
      bytesPerStep,
      dispatchesPerStep,
      theoryOnGpu: gpuTheory,
    };
    return out;
  }
}

/** Steps a decode takes when the rule fixes it (top-k, schedules); a guess of 8 otherwise. */
function expectedSteps(plan: Plan, schedSteps: number): number {
  const { L, blockLength, params } = plan;
  if (plan.strategyId.startsWith('topk-')) {
    const perBlock = params.steps > 0 ? Math.max(1, Math.round(params.steps / plan.blockCount)) : 0;
    let steps = 0;
    for (let start = 0; start < L; start += blockLength) {
      const n = Math.min(blockLength, L - start);
      steps += perBlock > 0 ? Math.min(perBlock, n) : Math.ceil(n / params.k);
    }
    return steps;
  }
  if (schedSteps > 0) return schedSteps;
  return Math.min(L, 8);
}

/** One step's trace from the reveal records: positions revealed at `step`, in ranked order. */
function stepTraceFromReveal(rv: Uint32Array, tokenAt: (p: number) => number, b: number, L: number, step: number, block: [number, number], strategy: string): StepTrace {
  const hits: { p: number; order: number; score: number; conf: number }[] = [];
  const f = new Float32Array(rv.buffer, rv.byteOffset, rv.length);
  for (let p = 0; p < L; p++) {
    const o = (b * L + p) * RV.stride;
    if (rv[o + RV.step] === step) hits.push({ p, order: rv[o + RV.order], score: f[o + RV.score], conf: f[o + RV.conf] });
  }
  hits.sort((x, y) => x.order - y.order);
  return {
    step,
    nfe: step + 1,
    revealed: hits.map((h) => h.p),
    tokens: hits.map((h) => tokenAt(h.p)),
    probabilities: hits.map((h) => h.conf),
    remasked: [],
    // Dream's origin rule reports no scores on the CPU either.
    scores: strategy === 'dream-origin' ? [] : hits.map((h) => h.score),
    block,
  };
}

/** Summary traces rebuilt from the reveal records (no remasking: each position revealed once). */
function summarySteps(rv: Uint32Array, output: Int32Array, b: number, L: number, nfe: number, blockLength: number, strategy: string): StepTrace[] {
  const steps: StepTrace[] = [];
  for (let s = 0; s < nfe; s++) {
    // The block in force is that of the first position still masked before step s.
    let first = L;
    for (let p = 0; p < L; p++) {
      const at = rv[(b * L + p) * RV.stride + RV.step];
      if (at >= s && p < first) first = p;
    }
    const start = Math.floor(Math.min(first, L - 1) / blockLength) * blockLength;
    const t = stepTraceFromReveal(rv, (p) => output[p], b, L, s, [start, Math.min(L, start + blockLength)], strategy);
    steps.push(t);
  }
  return steps;
}

