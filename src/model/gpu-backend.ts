import type { DecodeBackend } from '../engine/backend';
import { serialQueue } from '../engine/queue';
import { VOCAB_SIZE } from '../engine/vocab';
import { GpuContext } from '../gpu/device';
import { GpuDecoder, GpuUnsupportedError, type GpuLogitsModel, type GpuTimings } from '../gpu/decoder';
import { decodeBatch } from '../engine/decode';
import { ModelDenoiser } from './denoiser';
import { GpuModelRuntime } from './nn/engine';
import { withOutputWidth } from './program';
import { ModelError } from './errors';
import type { ModelHandle } from './load';

/**
 * Decodes with our WGSL transformer as the denoiser, fully on the GPU: every step the model's
 * forward pass (GpuModelRuntime.gpuForward) writes the logits rows into the GPU unmasking core's
 * buffer and the statistics, selection and commit kernels of src/gpu/decoder.ts run after it in
 * the same pass. Benchmark mode ('summary') reads back only the small state array between chunks
 * of steps, as with the oracle; 'full' reads each step back for the step-through trace.
 *
 *   const backend = await createWebgpuModelBackend(handle);
 *   const traces = await backend.decode({ samples, denoiser: { kind: 'model', model: 'tiny', runtime: 'webgpu', noise: 0 }, ... });
 *
 * Model requests decode with this handle's model whatever spec.model names (one backend, one
 * model); oracle requests run on the same GPU core without the model. Needs a model our engine
 * compiles whose vocabulary is the engine's (handle.vocab.engineToModel === null).
 */
type DecodeRequestOf = Parameters<DecodeBackend['decode']>[0];

export interface WebgpuModelBackend extends DecodeBackend {
  readonly runtime: GpuModelRuntime;
  /** Timings of the last batch (null before the first, and when it ran on the CPU loop). */
  readonly timings: GpuTimings | null;
  /** `decode` without the CPU-loop fallback: what the GPU core refuses rejects with GpuUnsupportedError (the page says why). */
  decodeResident(request: DecodeRequestOf): ReturnType<DecodeBackend['decode']>;
  dispose(): Promise<void>;
}

export async function createWebgpuModelBackend(handle: ModelHandle, opts: { device?: GPUDevice; hasTimestamps?: boolean } = {}): Promise<WebgpuModelBackend> {
  if (!handle.program) throw new ModelError(`${handle.name}: our engine cannot run this model (${handle.engineError ?? 'no program'})`, 'operator');
  // The engine's vocabulary, or a prefix of it (a model trained before tokens were appended):
  // its output layer is widened to the engine's rows, the appended tokens at probability 0.
  const map = handle.vocab.engineToModel;
  const modelVocab = handle.program.vocab;
  const prefix = map === null ? modelVocab === VOCAB_SIZE : modelVocab < VOCAB_SIZE && map.every((m, v) => m === (v < modelVocab ? v : -1));
  const program = modelVocab === VOCAB_SIZE ? handle.program : prefix ? withOutputWidth(handle.program, VOCAB_SIZE) : null;
  if (!program) {
    throw new ModelError(`${handle.name}: the GPU unmasking core needs the engine's vocabulary of ${VOCAB_SIZE} tokens, or a prefix of it`, 'vocab');
  }
  let context: GpuContext | null = null;
  let device = opts.device;
  let hasTimestamps = opts.hasTimestamps ?? false;
  if (!device) {
    context = new GpuContext();
    const acq = await context.get();
    device = acq.device;
    hasTimestamps = acq.hasTimestamps;
  }
  const runtime = GpuModelRuntime.onDevice(device, program, 'canvas');
  await runtime.ready;
  const decoder = new GpuDecoder(device, hasTimestamps);
  const model: GpuLogitsModel = { id: `model:${handle.name}@webgpu`, gpuForward: (o) => runtime.gpuForward(o) };
  // One decode at a time: the decoder's and the runtime's buffers are shared.
  const queue = serialQueue();
  // What the GPU core refuses (a strategy without a GPU kernel, leave-one-out rows): the CPU
  // unmasking loop with this same runtime's forward pass, as the page's non-resident path.
  let cpuLoop: ModelDenoiser | null = null;
  let onCpuLoop = false;
  const decodeModel = async (request: DecodeRequestOf, fallback: boolean) => {
    onCpuLoop = false;
    try {
      return await decoder.decode(request, model);
    } catch (e) {
      if (!fallback || !(e instanceof GpuUnsupportedError)) throw e;
      onCpuLoop = true;
      cpuLoop ??= new ModelDenoiser(runtime, handle.vocab, handle.name);
      return decodeBatch(request.samples, cpuLoop, request.strategy, request.params, request.options);
    }
  };
  const decode = (request: DecodeRequestOf, fallback: boolean): ReturnType<DecodeBackend['decode']> => {
    if (request.denoiser.kind === 'model') {
      // A token the model never saw has no embedding row: refuse it, as the CPU path does.
      for (const s of request.samples) {
        const bad = s.prompt.find((t) => t >= modelVocab);
        if (bad !== undefined) return Promise.reject(new ModelError(`${handle.name}: its vocabulary of ${modelVocab} tokens has no token ${bad} (task ${s.task} needs tokens appended after the model was trained)`, 'vocab'));
      }
    }
    return queue.run(() => (request.denoiser.kind === 'model' ? decodeModel(request, fallback) : decoder.decode(request, null)));
  };
  return {
    name: 'webgpu-model',
    runtime,
    get timings() {
      return onCpuLoop ? null : decoder.lastTimings;
    },
    decode: (request) => decode(request, true),
    decodeResident: (request) => decode(request, false),
    async dispose() {
      await queue.idle();
      decoder.destroy();
      await runtime.dispose();
      await context?.destroy();
    },
  };
}
