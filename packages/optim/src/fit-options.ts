// What fit takes: the model, the loss and metrics, and the options, each checked with an error
// that says what was expected and what came.
import { Generator, ShapeError, type Tensor, type TensorLike, ValueError } from '@backprop/core';
import { type Data, readData } from './fit-data.js';
import { shapeOf } from './fit-errors.js';
import type { BatchInfo, EpochLog, History } from './history.js';
import { describe, Optimizer, sameShape } from './optimizer.js';
import type { ProgressSetting } from './progress.js';
import { LRScheduler, ReduceLROnPlateau } from './schedules.js';

/** What `fit` trains: any `Module` of @backprop/layers, or an object of your own with these two. */
export interface Trainable {
  /** The predictions for a batch (rows are samples). */
  forward(x: Tensor): Tensor;
  /** The tensors the optimiser updates. */
  parameters(): Tensor[];
}

/** A loss: a scalar tensor from the predictions and targets of a batch (as `mse`, `crossEntropy`). */
export type LossFn = (prediction: Tensor, target: Tensor) => Tensor;

/**
 * A metric: a number from the targets and the predictions, **in that order** — the order of
 * scikit-learn and of this package's `r2Score`, `rmse`, `accuracy`, …, so those can be passed as
 * they are (`metrics: { r2: r2Score }`).
 */
export type MetricFn = (target: Tensor, prediction: Tensor) => number;

export interface EarlyStoppingOptions {
  /** What must improve: `'valLoss'` (the default when there is validation data) or `'loss'`. */
  monitor?: 'valLoss' | 'loss';
  /** Epochs in a row without improvement after which training stops (default 5). */
  patience?: number;
  /** An improvement is a fall by more than this (default 0). */
  minDelta?: number;
  /** When training ends, put back the weights of the best epoch (default true). */
  restoreBest?: boolean;
}

export interface FitCallbacks {
  /** After each optimiser step. */
  onBatchEnd?: (info: BatchInfo) => void;
  /** After each epoch (its log is already in `history`); return `'stop'` to end training. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a callback that returns nothing is fine
  onEpochEnd?: (log: EpochLog, history: History) => 'stop' | void;
  /** Once, after the last epoch (and after restoring the best weights). */
  onTrainEnd?: (history: History) => void;
}

export interface FitOptions {
  /** The inputs, samples along axis 0. */
  x: TensorLike;
  /** The targets, one row per sample of x, shaped as the model's output (the loss checks). */
  y: TensorLike;
  loss: LossFn;
  // biome-ignore lint/suspicious/noExplicitAny: any optimiser, whatever its options
  optimizer: Optimizer<any>;
  epochs: number;
  /** Samples per optimiser step (default 32); 1 is the lecture's per-sample SGD (p. 10). The last batch may be smaller. */
  batchSize?: number;
  /** Visit the samples in a new random order each epoch (default true). */
  shuffle?: boolean;
  /**
   * Seeds the shuffles (default 0): the same seed gives the same run bit for bit. Epoch e visits
   * the rows in the order of the e-th `shuffleIndices(n, { generator })` on `new Generator(seed)`
   * (after the validationSplit's draw, if any).
   */
  seed?: number;
  /** Or draw the shuffles from this generator (it advances). */
  generator?: Generator;
  /** Data to validate on after every epoch. */
  validation?: { x: TensorLike; y: TensorLike };
  /** Or hold out this fraction of x, y (in (0, 1), rounded up; drawn at random with the seed). */
  validationSplit?: number;
  /** Named metrics, called as `metric(target, prediction)`: `{ r2: r2Score, rmse }`. */
  metrics?: Record<string, MetricFn>;
  earlyStopping?: EarlyStoppingOptions;
  /**
   * A learning-rate schedule for `optimizer`, stepped once after every epoch; a
   * ReduceLROnPlateau is given the monitored loss (valLoss when there is validation data).
   */
  schedule?: LRScheduler | ReduceLROnPlateau;
  /** Clip the gradients to this global norm before each step (see `clipGradNorm`). */
  clipGradNorm?: number;
  callbacks?: FitCallbacks;
  /**
   * `'auto'` (default): a progress bar and a line per epoch when stdout is a terminal, nothing
   * otherwise (tests, CI, pipes). `true`: also when not a terminal, as one line every ⌈epochs / 10⌉
   * epochs. `false`: nothing. Or `{ write, isTTY, every }` to send it elsewhere (see ProgressOptions).
   */
  progress?: ProgressSetting;
  /**
   * Run each batch's forward pass, loss and `backward()` through core's `compile` (default
   * false): traced once per batch size, then only its kernel calls are replayed, which is faster
   * for small models (the same numbers as without). The model's forward pass and the loss must
   * then compute with backprop's ops only (what a model from `@backprop/layers` does); see
   * `compile` for what it cannot follow.
   */
  compile?: boolean;
}

const KNOWN_OPTIONS = [
  'x',
  'y',
  'loss',
  'optimizer',
  'epochs',
  'batchSize',
  'shuffle',
  'seed',
  'generator',
  'validation',
  'validationSplit',
  'metrics',
  'earlyStopping',
  'schedule',
  'clipGradNorm',
  'callbacks',
  'progress',
  'compile',
];

/** The options as fit uses them: checked, with the defaults filled in. */
export interface Resolved {
  x: Tensor;
  y: Tensor;
  loss: LossFn;
  // biome-ignore lint/suspicious/noExplicitAny: any optimiser
  optimizer: Optimizer<any>;
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  validation?: Data;
  validationSplit?: number;
  metrics?: Record<string, MetricFn>;
  earlyStopping?: EarlyStoppingOptions;
  schedule?: LRScheduler | ReduceLROnPlateau;
  clipGradNorm?: number;
  callbacks?: FitCallbacks;
  progress: ProgressSetting;
  compile: boolean;
}

function readCompile(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') {
    throw new ValueError(`fit: compile must be true or false, got ${describe(value)}`);
  }
  return value;
}

export function readOptions(model: Trainable, options: FitOptions): Resolved {
  if (
    model === null ||
    typeof model !== 'object' ||
    typeof model.forward !== 'function' ||
    typeof model.parameters !== 'function'
  ) {
    throw new ValueError(
      `fit: the model must have forward(x) and parameters() (a Module such as MLP or Linear), got ${describe(model)}`,
    );
  }
  if (options === null || typeof options !== 'object') {
    throw new ValueError(
      `fit: expected options { x, y, loss, optimizer, epochs, … }, got ${describe(options)}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.includes(key)) {
      throw new ValueError(
        `fit: unknown option ${JSON.stringify(key)}; it takes ${KNOWN_OPTIONS.join(', ')}`,
      );
    }
  }
  const { epochs, batchSize = 32, shuffle = true, optimizer, loss } = options;
  if (!Number.isInteger(epochs) || epochs <= 0) {
    throw new ValueError(`fit: epochs must be an integer ≥ 1, got ${describe(epochs)}`);
  }
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new ValueError(
      `fit: batchSize must be an integer ≥ 1 (1 for per-sample SGD), got ${describe(batchSize)}`,
    );
  }
  if (typeof shuffle !== 'boolean') {
    throw new ValueError(`fit: shuffle must be true or false, got ${describe(shuffle)}`);
  }
  if (typeof loss !== 'function') {
    throw new ValueError(
      `fit: loss must be a function (prediction, target) => Tensor such as mse, got ${describe(loss)}`,
    );
  }
  if (!(optimizer instanceof Optimizer)) {
    throw new ValueError(
      `fit: optimizer must be an optimiser such as new SGD(model.parameters(), { lr: 0.01 }), got ${describe(optimizer)}`,
    );
  }
  const params = model.parameters();
  if (!Array.isArray(params) || params.length === 0) {
    throw new ValueError('fit: the model has no parameters to train');
  }
  const optimised = new Set(optimizer.params);
  if (!params.some((p) => optimised.has(p))) {
    throw new ValueError(
      "fit: the optimiser holds none of the model's parameters; create it with the model's: new SGD(model.parameters(), { lr })",
    );
  }
  if (options.seed !== undefined && !Number.isFinite(options.seed)) {
    throw new ValueError(`fit: seed must be a finite number, got ${describe(options.seed)}`);
  }
  if (options.generator !== undefined && !(options.generator instanceof Generator)) {
    throw new ValueError(`fit: generator must be a Generator, got ${describe(options.generator)}`);
  }
  const { x, y } = readData('fit', 'x', 'y', options.x, options.y);
  let validation: Data | undefined;
  if (options.validation !== undefined) {
    const v = options.validation;
    if (v === null || typeof v !== 'object') {
      throw new ValueError(`fit: validation must be { x, y }, got ${describe(v)}`);
    }
    if (options.validationSplit !== undefined) {
      throw new ValueError('fit: give validation or validationSplit, not both');
    }
    validation = readData('fit', 'validation.x', 'validation.y', v.x, v.y);
    if (!sameShape(validation.x.shape.slice(1), x.shape.slice(1))) {
      throw new ShapeError(
        `fit: validation.x has rows of shape ${shapeOf(validation.x.shape.slice(1))} but x's are ${shapeOf(x.shape.slice(1))}`,
      );
    }
  }
  const split = options.validationSplit;
  if (split !== undefined && !(typeof split === 'number' && split > 0 && split < 1)) {
    throw new ValueError(
      `fit: validationSplit must be a fraction in (0, 1), such as 0.2, got ${describe(split)}`,
    );
  }
  const metrics = options.metrics;
  if (metrics !== undefined) {
    if (metrics === null || typeof metrics !== 'object') {
      throw new ValueError(
        `fit: metrics must be an object of named functions { r2: r2Score }, got ${describe(metrics)}`,
      );
    }
    for (const [name, m] of Object.entries(metrics)) {
      if (typeof m !== 'function') {
        throw new ValueError(
          `fit: metric ${JSON.stringify(name)} must be a function (target, prediction) => number, got ${describe(m)}`,
        );
      }
    }
  }
  const stop = options.earlyStopping;
  if (stop !== undefined) readEarlyStopping(stop);
  const schedule = options.schedule;
  if (schedule !== undefined) {
    if (!(schedule instanceof LRScheduler || schedule instanceof ReduceLROnPlateau)) {
      throw new ValueError(
        `fit: schedule must be a learning-rate schedule (StepLR, CosineAnnealingLR, ReduceLROnPlateau, …), got ${describe(schedule)}`,
      );
    }
    if (schedule.optimizer !== optimizer) {
      throw new ValueError(
        'fit: the schedule drives another optimiser than the one given; create it with this one',
      );
    }
  }
  const clip = options.clipGradNorm;
  if (clip !== undefined && !(typeof clip === 'number' && clip > 0)) {
    throw new ValueError(`fit: clipGradNorm must be a number > 0, got ${describe(clip)}`);
  }
  const callbacks = options.callbacks;
  if (callbacks !== undefined) {
    if (callbacks === null || typeof callbacks !== 'object') {
      throw new ValueError(`fit: callbacks must be an object, got ${describe(callbacks)}`);
    }
    const known = ['onBatchEnd', 'onEpochEnd', 'onTrainEnd'];
    for (const [key, fn] of Object.entries(callbacks)) {
      if (!known.includes(key)) {
        throw new ValueError(
          `fit: unknown callback ${JSON.stringify(key)}; the callbacks are ${known.join(', ')}`,
        );
      }
      if (typeof fn !== 'function') {
        throw new ValueError(`fit: callback ${key} must be a function, got ${describe(fn)}`);
      }
    }
  }
  return {
    x,
    y,
    loss,
    optimizer,
    epochs,
    batchSize,
    shuffle,
    validation,
    validationSplit: split,
    metrics,
    earlyStopping: stop,
    schedule,
    clipGradNorm: clip,
    callbacks,
    progress: options.progress ?? 'auto',
    compile: readCompile(options.compile),
  };
}

function readEarlyStopping(stop: EarlyStoppingOptions): void {
  const where = 'fit: earlyStopping';
  if (stop === null || typeof stop !== 'object') {
    throw new ValueError(
      `${where} must be an object { patience, minDelta, monitor }, got ${describe(stop)}`,
    );
  }
  const known = ['monitor', 'patience', 'minDelta', 'restoreBest'];
  for (const key of Object.keys(stop)) {
    if (!known.includes(key)) {
      throw new ValueError(
        `${where}: unknown option ${JSON.stringify(key)}; it takes ${known.join(', ')}`,
      );
    }
  }
  if (stop.monitor !== undefined && stop.monitor !== 'valLoss' && stop.monitor !== 'loss') {
    throw new ValueError(
      `${where}.monitor must be 'valLoss' or 'loss', got ${describe(stop.monitor)}`,
    );
  }
  if (stop.patience !== undefined && !(Number.isInteger(stop.patience) && stop.patience >= 1)) {
    throw new ValueError(
      `${where}.patience must be an integer ≥ 1, got ${describe(stop.patience)}`,
    );
  }
  if (stop.minDelta !== undefined && !(typeof stop.minDelta === 'number' && stop.minDelta >= 0)) {
    throw new ValueError(`${where}.minDelta must be a number ≥ 0, got ${describe(stop.minDelta)}`);
  }
  if (stop.restoreBest !== undefined && typeof stop.restoreBest !== 'boolean') {
    throw new ValueError(
      `${where}.restoreBest must be true or false, got ${describe(stop.restoreBest)}`,
    );
  }
}
