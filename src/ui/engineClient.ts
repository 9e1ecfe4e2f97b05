import type { DecodeTrace } from '../engine/decode';
import type { PartialConfig, SweepProgress, SweepRecord, SweepSpec } from '../engine/sweep';
import type { BackendInfo, DecodeRequest, FromWorker, ModelInfo, ModelRun, ModelSource, NeuralModel, SampleInfo, ToWorker, VerifyResult } from '../worker/protocol';

/** The page's handle on the engine worker: promises for decodes, callbacks for sweeps. */

export interface Decoded {
  trace: DecodeTrace;
  sample: SampleInfo;
  ms: number;
  backend: string;
  /** What a model decode ran on (absent for the oracle). */
  model?: ModelRun;
}

/** An error from the worker; `code` is ModelError's for model loads (not-onnx, io, dims, operator, vocab, ...), or 'device-lost' when the GPU device was lost (the typed GpuUnavailableError reason). */
export class WorkerError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface SweepHandlers {
  onRecord(index: number, record: SweepRecord): void;
  /** `workers`: how many Web Workers decode the sweep. */
  onProgress(p: SweepProgress, workers?: number): void;
  /** The finished samples of the configuration in progress (kept on cancel). */
  onPartial?(p: PartialConfig): void;
  onDone(cancelled: boolean): void;
  onError(message: string): void;
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void } | { sweep: SweepHandlers };

export class EngineClient {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  onNotice: (level: 'warning' | 'info', message: string) => void = () => {};

  constructor(worker?: Worker) {
    this.worker = worker ?? new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<FromWorker>) => this.receive(ev.data);
    this.worker.onerror = (ev) => {
      const message = `The engine worker failed: ${ev.message || 'unknown error'}`;
      for (const [id, p] of this.pending) {
        if ('sweep' in p) p.sweep.onError(message);
        else p.reject(new Error(message));
        this.pending.delete(id);
      }
      this.onNotice('warning', message);
    };
  }

  private receive(m: FromWorker): void {
    if (m.type === 'notice') {
      this.onNotice(m.level, m.message);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    if ('sweep' in p) {
      if (m.type === 'record') p.sweep.onRecord(m.index, m.record);
      else if (m.type === 'progress') p.sweep.onProgress(m.progress, m.workers);
      else if (m.type === 'partial') p.sweep.onPartial?.(m.partial);
      else if (m.type === 'done') {
        this.pending.delete(m.id);
        p.sweep.onDone(m.cancelled);
      } else if (m.type === 'error') {
        this.pending.delete(m.id);
        p.sweep.onError(m.message);
      }
      return;
    }
    this.pending.delete(m.id);
    if (m.type === 'error') p.reject(new WorkerError(m.message, m.code));
    else if (m.type === 'decoded') p.resolve({ trace: m.trace, sample: m.sample, ms: m.ms, backend: m.backend, ...(m.model ? { model: m.model } : {}) });
    else if (m.type === 'modelLoaded') p.resolve(m.info);
    else if (m.type === 'info') p.resolve(m.info);
    else if (m.type === 'verified') p.resolve(m.result);
  }

  private request<T>(msg: ToWorker, transfer: Transferable[] = []): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.set(msg.id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage(msg, transfer);
    });
  }

  /** Loads (and validates) a model in the worker; rejects with a WorkerError naming the problem. */
  loadModel(which: NeuralModel, source: ModelSource): Promise<ModelInfo> {
    return this.request({ type: 'loadModel', id: this.nextId++, which, source }, source.kind === 'bytes' ? [source.onnx] : []);
  }

  decode(req: DecodeRequest): Promise<Decoded> {
    return this.request({ type: 'decode', id: this.nextId++, req });
  }

  info(engine: 'auto' | 'cpu'): Promise<BackendInfo> {
    return this.request({ type: 'info', id: this.nextId++, engine });
  }

  verify(req: DecodeRequest): Promise<VerifyResult> {
    return this.request({ type: 'verify', id: this.nextId++, req });
  }

  /**
   * Starts a sweep at config `skip` (from its finished samples `partial`, if any); returns its id (for cancel).
   * `workers`: the pool size for a CPU sweep (default: every core).
   */
  sweep(spec: SweepSpec, skip: number, engine: 'auto' | 'cpu', handlers: SweepHandlers, partial?: PartialConfig, workers?: number): number {
    const id = this.nextId++;
    this.pending.set(id, { sweep: handlers });
    this.worker.postMessage({ type: 'sweep', id, spec, skip, engine, ...(partial ? { partial } : {}), ...(workers ? { workers } : {}) } satisfies ToWorker);
    return id;
  }

  cancel(id: number): void {
    this.worker.postMessage({ type: 'cancel', id } satisfies ToWorker);
  }

  terminate(): void {
    this.worker.terminate();
  }
}
