import type { DecodeTrace } from '../engine/decode';
import type { SweepProgress, SweepRecord, SweepSpec } from '../engine/sweep';

/** Messages between the page and src/worker/engine.worker.ts. Every request carries an id. */

export interface DecodeRequest {
  task: string;
  /** Only for tasks with sizes. */
  n?: number;
  rho?: number;
  seed: number;
  sample: number;
  strategy: string;
  params: Record<string, number>;
  block: number;
  temperature: number;
  noise: number;
  engine: 'auto' | 'cpu';
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
  /** The GPU backend module is part of this build. */
  gpuModule: boolean;
  adapter: string | null;
  /** Why the CPU engine is used, when it is. */
  note: string | null;
}

export interface VerifyResult {
  same: boolean;
  /** The first difference, in words, or null. */
  difference: string | null;
  cpuMs: number;
  gpuMs: number;
}

export type ToWorker =
  | { type: 'decode'; id: number; req: DecodeRequest }
  | { type: 'sweep'; id: number; spec: SweepSpec; skip: number; engine: 'auto' | 'cpu' }
  | { type: 'cancel'; id: number }
  | { type: 'info'; id: number; engine: 'auto' | 'cpu' }
  | { type: 'verify'; id: number; req: DecodeRequest };

export type FromWorker =
  | { type: 'decoded'; id: number; trace: DecodeTrace; sample: SampleInfo; ms: number; backend: string }
  | { type: 'record'; id: number; index: number; record: SweepRecord }
  | { type: 'progress'; id: number; progress: SweepProgress }
  | { type: 'done'; id: number; cancelled: boolean }
  | { type: 'error'; id: number; message: string }
  | { type: 'info'; id: number; info: BackendInfo }
  | { type: 'verified'; id: number; result: VerifyResult }
  | { type: 'notice'; level: 'warning' | 'info'; message: string };
