/** Why a request cannot run on the GPU (the backend then runs it on the CPU engine). */
export class GpuUnsupportedError extends Error {
  override name = 'GpuUnsupportedError';
}
