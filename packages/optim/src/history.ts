// What fit reports: the history of a run, epoch by epoch, and what onBatchEnd is told.

/** What `onBatchEnd` is told after each optimiser step. */
export interface BatchInfo {
  /** 1 … epochs. */
  epoch: number;
  /** 1 … batches. */
  batch: number;
  /** How many batches an epoch has. */
  batches: number;
  /** This batch's loss (before the step). */
  loss: number;
  /** The rows of `x` (as passed to `fit`) in this batch, in order. */
  indices: readonly number[];
}

/** One epoch in the history. */
export interface EpochLog {
  /** 1 … epochs. */
  epoch: number;
  /**
   * The batches' losses weighted by their sizes, Σ nᵦ·Lᵦ / n, taken while the weights change (as
   * Keras). For a loss that averages over the batch this is the mean loss per sample.
   */
  loss: number;
  /** The same over the validation data, in batches of batchSize, after the epoch (no graph). */
  valLoss?: number;
  /** Each metric on the epoch's training predictions (made while the weights changed, as the loss). */
  metrics: Record<string, number>;
  /** Each metric on the validation data after the epoch; present when there is validation data. */
  valMetrics?: Record<string, number>;
  /** The learning rate used in this epoch (of parameter group 0). */
  lr: number;
  /** Wall-clock time of the epoch, validation included. */
  seconds: number;
}

/** What `fit` returns: a log of every epoch and how training ended. */
export interface History {
  /** One log per epoch that ran, in order. */
  epochs: EpochLog[];
  /**
   * The training loss at the initial weights, before any step (Σ nᵦ·Lᵦ / n in batches, no graph):
   * the reference of `divergenceFactor`. Absent with `divergenceFactor: Infinity`.
   */
  initialLoss?: number;
  /** The epoch with the lowest monitored loss (valLoss when there is validation data, else loss). */
  bestEpoch: number;
  /** True when early stopping or a callback's `'stop'` ended training before `epochs`. */
  stoppedEarly: boolean;
  /** Why: `'earlyStopping'` or `'callback'`; absent when all epochs ran. */
  stopReason?: 'earlyStopping' | 'callback';
  /** With `validationSplit`: the rows of `x` held out for validation. */
  validationIndices?: number[];
}
