import type { DecodeTrace } from '../engine/decode';
import type { SweepProgress, SweepRecord, SweepSpec } from '../engine/sweep';
import type { BackendInfo, DecodeRequest, FromWorker, SampleInfo, ToWorker, VerifyResult } from '../worker/protocol';

/** The page's handle on the engine worker: promises for decodes, callbacks for sweeps. */

export interface Decoded {
  trace: DecodeTrace;
  sample: SampleInfo;
  ms: number;
  backend: string;
}

export interface SweepHandlers {
  onRecord(index: number, record: SweepRecord): void;
  onProgress(p: SweepProgress): void;
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
      else if (m.type === 'progress') p.sweep.onProgress(m.progress);
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
    if (m.type === 'error') p.reject(new Error(m.message));
    else if (m.type === 'decoded') p.resolve({ trace: m.trace, sample: m.sample, ms: m.ms, backend: m.backend });
    else if (m.type === 'info') p.resolve(m.info);
    else if (m.type === 'verified') p.resolve(m.result);
  }

  private request<T>(msg: ToWorker): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.set(msg.id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage(msg);
    });
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

  /** Starts a sweep at config `skip`; returns its id (for cancel). */
  sweep(spec: SweepSpec, skip: number, engine: 'auto' | 'cpu', handlers: SweepHandlers): number {
    const id = this.nextId++;
    this.pending.set(id, { sweep: handlers });
    this.worker.postMessage({ type: 'sweep', id, spec, skip, engine } satisfies ToWorker);
    return id;
  }

  cancel(id: number): void {
    this.worker.postMessage({ type: 'cancel', id } satisfies ToWorker);
  }

  terminate(): void {
    this.worker.terminate();
  }
}
