/**
 * Why a model cannot be used: the message is meant for people (the page shows it). Every part of
 * the model path throws it (ONNX reader, compiler, vocabulary, runtimes, the WGSL engine), so it
 * lives on its own rather than in any one of them.
 */
export class ModelError extends Error {
  override name = 'ModelError';
  constructor(
    message: string,
    readonly code: 'not-onnx' | 'io' | 'dims' | 'operator' | 'vocab' | 'weights' | 'runtime',
    /** Unsupported operator types, for code 'operator'. */
    readonly operators: string[] = [],
  ) {
    super(message);
  }
}
