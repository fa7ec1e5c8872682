// What the spec and the checkers may know of a workload without importing workloads/ (checkers
// import only core and history): its name, its own checkers, and what its history lets a
// checker tell. workloads/ describes each workload with these traits and more.

/**
 * How a workload's lost acknowledged writes can be named from its history: set: unique elements
 * added, each set read back whole; counter: increments, and final counts; register: unique values
 * written, and reads that prove one absent. The loss-window checker knows these three.
 */
export const LOSS_SHAPES = ["set", "counter", "register"] as const;
export type LossShape = (typeof LOSS_SHAPES)[number];

export interface WorkloadTraits {
  /** Its name in specs (workload.type). */
  readonly name: string;
  /** The checkers made for its history (by name), besides those that judge any history. */
  readonly checkers: readonly string[];
  /** How its lost writes show in the history, when they can be named; absent when they cannot. */
  readonly lossShape?: LossShape;
  /** It reads from replicas too, so it needs replicas, and a reader besides the writer. */
  readonly readsReplicas: boolean;
}
