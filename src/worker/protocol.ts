import type { DecodeTrace } from '../engine/decode';
import type { PartialConfig, SweepProgress, SweepRecord, SweepSpec } from '../engine/sweep';
import type { ModelRuntimeName } from '../model/runtime';

export type { ModelRuntimeName };
/** Which model a page decode uses: the bundled trained model or the user's own (one per tab). */
export type NeuralModel = 'tiny' | 'custom';
/** 'auto' = recommendRuntime (src/model/load.ts). */
export type RuntimeChoice = 'auto' | ModelRuntimeName;
export const RUNTIME_CHOICES: readonly RuntimeChoice[] = ['auto', 'webgpu', 'ort-webgpu', 'ort-wasm', 'cpu'];
/** The most Web Workers a page sweep fans out to (src/worker/pool.ts): each holds its own engine and models. */
export const MAX_SWEEP_WORKERS = 32;

export interface ModelRef {
  model: NeuralModel;
  runtime: RuntimeChoice;
  /** Which load of the custom model (a new file re-decodes). */
  loadId?: number;
}

/** A model loaded in the worker, as the page sees it. */
export interface ModelInfo {
  which: NeuralModel;
  /** 'tiny' or the file name. */
  name: string;
  /** Runtimes this model can use (ORT only when our engine cannot compile it). */
  runtimes: ModelRuntimeName[];
  /** What 'auto' picks here. */
  recommended: ModelRuntimeName;
  /** Why our engine (webgpu, cpu twin) cannot run it, or null. */
  engineError: string | null;
  warnings: string[];
  parameters: number;
  opset: number;
  producer: string;
  loadId: number;
}

export type ModelSource =
  | { kind: 'bundled' }
  | { kind: 'bytes'; onnx: ArrayBuffer; vocab: string; name: string }
  | { kind: 'urls'; onnx: string; vocab: string };

/** A sweep record as the page keeps it: which model and runtime made it ('tiny/ort-wasm'), if not the oracle. */
export type PageRecord = SweepRecord & { model?: string };

/** What a model decode ran on. */
export interface ModelRun {
  name: string;
  runtime: ModelRuntimeName;
  /** The runtime asked for ('auto' resolves to `runtime`). */
  asked: RuntimeChoice;
  forwards: number;
  /** Median time of one forward pass (GPU-resident: wall time per step, forward and selection). */
  msPerForward: number;
  /** Our WGSL engine ran GPU-resident: steps taken and read-backs made (once per chunk of steps). */
  resident?: { steps: number; readbacks: number };
  /** Why our WGSL engine ran the CPU unmasking loop instead of the GPU-resident path. */
  fallback?: string;
  /** Auto had not measured this model's runtimes yet: `runtime` is the adapter's recommendation, and they are being measured in the background. */
  autoGuess?: boolean;
}

/** Messages between the page and src/worker/engine.worker.ts. Every request carries an id. */

export interface DecodeRequest {
  task: string;
  /** Only for tasks with sizes. */
  n?: number;
  /** The task's own parameters (TaskDefinition.params) by name; defaults fill the rest. */
  taskParams?: Record<string, number>;
  seed: number;
  sample: number;
  strategy: string;
  params: Record<string, number>;
  block: number;
  temperature: number;
  noise: number;
  engine: 'auto' | 'cpu';
  /** A neural model instead of the oracle (noise is then 0). */
  model?: ModelRef;
}

export interface SampleInfo {
  description: string;
  reference: Int32Array;
  prompt: Int32Array;
}

export interface BackendInfo {
  /** The backend decodes run on now. */
  backend: string;
  /** navigator.gpu exists in the worker. */
  webgpu: boolean;
  adapter: string | null;
  /** Why the CPU engine is used, when it is. */
  note: string | null;
  /** The page is cross-origin isolated, and the threads ORT's wasm runs with (and why). */
  isolated?: boolean;
  ortThreads?: { threads: number; reason: string };
  /** Auto's measurements so far (src/worker/calibrate.ts). */
  calibrations?: Calibration[];
}

export interface VerifyResult {
  same: boolean;
  /** The first difference, in words, or null. */
  difference: string | null;
  cpuMs: number;
  gpuMs: number;
  /** What was compared with the CPU: 'GPU' for oracle decodes, e.g. 'tiny on ort-wasm' for models. */
  subject?: string;
  /** The reference: 'CPU' (oracle engine) or 'CPU twin'. */
  reference?: string;
  /** A remark, e.g. that the chosen runtime is the CPU twin itself. */
  note?: string;
}

export type ToWorker =
  | { type: 'decode'; id: number; req: DecodeRequest }
  /** workers: the sweep pool's size for a CPU sweep (default navigator.hardwareConcurrency; 1 = this worker alone). */
  | { type: 'sweep'; id: number; spec: SweepSpec; skip: number; engine: 'auto' | 'cpu'; partial?: PartialConfig; workers?: number }
  | { type: 'cancel'; id: number }
  | { type: 'info'; id: number; engine: 'auto' | 'cpu' }
  | { type: 'verify'; id: number; req: DecodeRequest }
  | { type: 'loadModel'; id: number; which: NeuralModel; source: ModelSource };

export type FromWorker =
  | { type: 'decoded'; id: number; trace: DecodeTrace; sample: SampleInfo; ms: number; backend: string; model?: ModelRun }
  | { type: 'record'; id: number; index: number; record: PageRecord }
  /** workers: how many Web Workers decode the sweep (1 = the engine worker alone). */
  | { type: 'progress'; id: number; progress: SweepProgress; workers?: number }
  | { type: 'partial'; id: number; partial: PartialConfig }
  | { type: 'done'; id: number; cancelled: boolean }
  | { type: 'error'; id: number; message: string; code?: string }
  | { type: 'modelLoaded'; id: number; info: ModelInfo }
  | { type: 'info'; id: number; info: BackendInfo }
  | { type: 'verified'; id: number; result: VerifyResult }
  | { type: 'notice'; level: 'warning' | 'info'; message: string };

/** One Auto calibration (src/worker/calibrate.ts): the engines measured for an adapter and task family. */
export interface Calibration {
  adapter: string;
  /** The task family ('waiting-line', 'letters', …): engines scale alike within one. */
  family: string;
  /** Median milliseconds per decode of the measured request, per engine name. */
  times: Record<string, number>;
  choice: string;
  cached: boolean;
  /** Set when the engines measured are this model's runtimes (names as RuntimeChoice). */
  model?: string;
  /** Engines that could not be measured, and why. */
  skipped?: Record<string, string>;
}
