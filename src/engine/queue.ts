/**
 * One-at-a-time execution: tasks run in call order, each after the previous one settled (a
 * failure does not stop the next). Used wherever shared resources (a decoder's buffers, the
 * worker's single decode) must not be used by two decodes at once.
 */
export interface SerialQueue {
  run<T>(task: () => Promise<T> | T): Promise<T>;
  /** Settles when everything queued so far has settled. */
  idle(): Promise<void>;
}

export function serialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(task: () => Promise<T> | T): Promise<T> {
      const result = tail.then(task);
      tail = result.catch(() => undefined);
      return result;
    },
    idle: () => tail.then(() => undefined),
  };
}
