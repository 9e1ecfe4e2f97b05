import { SupportDistribution } from './distribution';
import type { TaskDefinition, TaskParams, TaskSample } from './tasks/types';

/** What a sample holds besides its support (prompt, reference, description, objects), in cells: about 1 KB. */
const SAMPLE_CELLS = 256;

/**
 * The samples a sweep generated for its last task (with its parameters and seed), kept for the
 * next configuration: a sweep's consecutive configurations decode the same samples with other
 * strategies, and building them again (a text task's support lists hundreds of paraphrases) was
 * a fifth of the ParallelBench suite's CPU time.
 *
 * A sample is a pure function of (task, parameters, seed, index), and a decode only reads it (a
 * support's conditioning caches are checked against each canvas), so a kept sample decodes as a
 * new one would. Memory is bounded by the supports' token cells: once the budget is spent no
 * more samples are kept, and those kept stay (a sweep walks its samples in the same order for
 * every configuration: dropping the oldest would leave nothing to reuse).
 */
export class SampleCache {
  private key = '';
  private readonly samples = new Map<number, TaskSample>();
  private cells = 0;

  /** `budgetCells`: the most support cells (members x length, 4 bytes each) kept at once. */
  constructor(private readonly budgetCells: number) {}

  get(task: TaskDefinition, params: TaskParams, seed: number, index: number): TaskSample {
    const key = `${task.id}\u0000${JSON.stringify(params)}\u0000${seed}`;
    if (key !== this.key) {
      this.clear();
      this.key = key;
    }
    let sample = this.samples.get(index);
    if (!sample) {
      sample = task.generate(params, seed, index);
      const cells = SAMPLE_CELLS + (sample.truth instanceof SupportDistribution ? sample.truth.members.length : 0);
      if (this.cells + cells <= this.budgetCells) {
        this.samples.set(index, sample);
        this.cells += cells;
      }
    }
    return sample;
  }

  /** How many samples are kept now (tests). */
  get size(): number {
    return this.samples.size;
  }

  clear(): void {
    this.key = '';
    this.samples.clear();
    this.cells = 0;
  }
}
