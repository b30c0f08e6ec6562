// What fit takes: the model, the loss and metrics, and the options, each checked with an error
// that says what was expected and what came.
import {
  echoValue,
  Generator,
  ShapeError,
  type Tensor,
  type TensorLike,
  ValueError,
} from '@backprop/core';
import { asData, matchRows, readData } from './fit-data.js';
import { shapeOf } from './fit-errors.js';
import type { BatchInfo, EpochLog, History } from './history.js';
import { checkBoolean, checkOptions, Optimizer, optionNames, sameShape } from './optimizer.js';
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

/** Options of `fit`'s early stopping: stop when the monitored loss stops improving. */
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

/** Functions `fit` calls as training goes. */
export interface FitCallbacks {
  /** After each optimiser step. */
  onBatchEnd?: (info: BatchInfo) => void;
  /** After each epoch (its log is already in `history`); return `'stop'` to end training. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a callback that returns nothing is fine
  onEpochEnd?: (log: EpochLog, history: History) => 'stop' | void;
  /** Once, after the last epoch (and after restoring the best weights). */
  onTrainEnd?: (history: History) => void;
}

/** What `fit` takes: the model, the data, the loss and optimiser, and how to train. */
export interface FitOptions {
  /** The inputs, samples along axis 0. */
  x: TensorLike;
  /** The targets, one row per sample of x, shaped as the model's output (the loss checks). */
  y: TensorLike;
  /** The loss, called as `loss(prediction, target)` (e.g. `mse` from `@backprop/layers`). */
  loss: LossFn;
  /** The optimiser over the model's parameters; `fit` calls its `step` and `zeroGrad`. */
  // biome-ignore lint/suspicious/noExplicitAny: any optimiser, whatever its options
  optimizer: Optimizer<any>;
  /** How many passes over the training data. */
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
  validation?: {
    /** The validation inputs. */
    x: TensorLike;
    /** The validation targets. */
    y: TensorLike;
  };
  /** Or hold out this fraction of x, y (in (0, 1), rounded up; drawn at random with the seed). */
  validationSplit?: number;
  /** Named metrics, called as `metric(target, prediction)`: `{ r2: r2Score, rmse }`. */
  metrics?: Record<string, MetricFn>;
  /** Stop when the monitored loss stops improving (off by default). */
  earlyStopping?: EarlyStoppingOptions;
  /**
   * A learning-rate schedule for `optimizer`, stepped once after every epoch; a
   * ReduceLROnPlateau is given the monitored loss (valLoss when there is validation data).
   */
  schedule?: LRScheduler | ReduceLROnPlateau;
  /** Clip the gradients to this global norm before each step (see `clipGradNorm`). */
  clipGradNorm?: number;
  /**
   * Clip each sample's gradient to this norm before averaging them into the step's gradient
   * (DP-SGD-style clipping, without noise or privacy accounting; see `clipPerSampleGradNorm`).
   * The per-sample gradients come from `perSampleGradients` (core's vmap): the loss is called on
   * one sample as a batch of one, so it must be a mean or sum over its batch (as `mse` and
   * `crossEntropy` are), and `crossEntropy`'s targets must be one-hot rows.
   */
  clipPerSampleGradNorm?: number;
  /**
   * Training has diverged when an epoch's loss is more than this many times the loss at the initial
   * weights (default 1e6): fit then throws a `DivergenceError` (restoring the best weights with
   * `earlyStopping.restoreBest`). A loss that is NaN or infinite is caught at its batch whatever
   * this says. `Infinity` turns the check off, and the initial loss is then not computed.
   */
  divergenceFactor?: number;
  /** Functions called after each batch, each epoch and at the end. */
  callbacks?: FitCallbacks;
  /**
   * `'auto'` (default): a progress bar and a line per epoch when stdout is a terminal, nothing
   * otherwise (tests, CI, pipes). `true`: also when not a terminal, as one line every ⌈epochs / 10⌉
   * epochs. `false`: nothing. Or `{ write, isTTY, every }` to send it elsewhere (see ProgressOptions).
   */
  progress?: ProgressSetting;
  /**
   * Run each batch's forward pass, loss and `backward()` as core's `compile` does: traced once
   * per batch size, then only its kernel calls are replayed (with core's `capture`, on the
   * trace's own arrays), which is faster for small models (the same numbers as without). By
   * default fit does so when the replay is known to be exact: a model and a loss of the
   * library's own (layers' `isCompileSafe` and `isCompileSafeLoss`), and no
   * `clipPerSampleGradNorm`. `true` compiles any model: its forward pass and loss must
   * then compute with backprop's ops only (see `compile` for what it cannot follow); `false`
   * never compiles. After each callback the step is traced again, so state a callback changes (a
   * flag the model reads) counts from the next batch, as without compile. The loss before
   * training and on validation data is computed the same way (compiled by default for the
   * library's own model and loss, clipping or not).
   */
  compile?: boolean;
}

/** What a check may look at besides its own option. */
interface CheckContext {
  readonly model: Trainable;
  /** The options as given. */
  readonly options: FitOptions;
  /** The options before this one in its table, as their checks returned them. */
  readonly read: Readonly<Record<string, unknown>>;
}

/**
 * A table of checks, one per option of O: the option as given in, an error for people if it is
 * wrong, the value fit uses out (defaults filled in). Typed so that an option without a check, or
 * a check without an option, does not compile.
 */
type Checks<O> = { [K in keyof O]-?: (value: O[K], context: CheckContext) => unknown };

/** What a table of checks returns: each option as fit uses it. */
type Checked<T> = { [K in keyof T]: T[K] extends (...args: never[]) => infer R ? R : never };

/** fit's options, in the order its errors list them and its checks run. */
const FIT_OPTIONS = {
  x: (x) => asData('fit', 'x', x),
  y: (y, { read }) => matchRows('fit', 'x', 'y', read.x as Tensor, asData('fit', 'y', y)),
  loss: (loss) => {
    if (typeof loss !== 'function') {
      throw new ValueError(
        `fit: loss must be a function (prediction, target) => Tensor such as mse, got ${echoValue(loss)}`,
      );
    }
    return loss;
  },
  optimizer: (optimizer, { model }) => {
    if (!(optimizer instanceof Optimizer)) {
      throw new ValueError(
        `fit: optimizer must be an optimiser such as new SGD(model.parameters(), { lr: 0.01 }), got ${echoValue(optimizer)}`,
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
    return optimizer;
  },
  epochs: (epochs) => {
    if (!Number.isInteger(epochs) || epochs <= 0) {
      throw new ValueError(`fit: epochs must be an integer ≥ 1, got ${echoValue(epochs)}`);
    }
    return epochs;
  },
  batchSize: (batchSize = 32) => {
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new ValueError(
        `fit: batchSize must be an integer ≥ 1 (1 for per-sample SGD), got ${echoValue(batchSize)}`,
      );
    }
    return batchSize;
  },
  shuffle: (shuffle = true) => checkBoolean('fit', 'shuffle', shuffle),
  seed: (seed) => {
    if (seed !== undefined && !Number.isFinite(seed)) {
      throw new ValueError(`fit: seed must be a finite number, got ${echoValue(seed)}`);
    }
    return seed;
  },
  generator: (generator, { options }) => {
    if (generator !== undefined && !(generator instanceof Generator)) {
      throw new ValueError(`fit: generator must be a Generator, got ${echoValue(generator)}`);
    }
    return generator ?? new Generator(options.seed ?? 0);
  },
  validation: (validation, { options, read }) => {
    if (validation === undefined) return undefined;
    if (validation === null || typeof validation !== 'object') {
      throw new ValueError(`fit: validation must be { x, y }, got ${echoValue(validation)}`);
    }
    if (options.validationSplit !== undefined) {
      throw new ValueError('fit: give validation or validationSplit, not both');
    }
    const data = readData('fit', 'validation.x', 'validation.y', validation.x, validation.y);
    const rows = (read.x as Tensor).shape.slice(1);
    if (!sameShape(data.x.shape.slice(1), rows)) {
      throw new ShapeError(
        `fit: validation.x has rows of shape ${shapeOf(data.x.shape.slice(1))} but x's are ${shapeOf(rows)}`,
      );
    }
    return data;
  },
  validationSplit: (split) => {
    if (split !== undefined && !(typeof split === 'number' && split > 0 && split < 1)) {
      throw new ValueError(
        `fit: validationSplit must be a fraction in (0, 1), such as 0.2, got ${echoValue(split)}`,
      );
    }
    return split;
  },
  metrics: (metrics) => {
    if (metrics === undefined) return undefined;
    if (metrics === null || typeof metrics !== 'object') {
      throw new ValueError(
        `fit: metrics must be an object of named functions { r2: r2Score }, got ${echoValue(metrics)}`,
      );
    }
    for (const [name, m] of Object.entries(metrics)) {
      if (typeof m !== 'function') {
        throw new ValueError(
          `fit: metric ${JSON.stringify(name)} must be a function (target, prediction) => number, got ${echoValue(m)}`,
        );
      }
    }
    return metrics;
  },
  earlyStopping: (stop, context) => {
    if (stop === undefined) return undefined;
    if (stop === null || typeof stop !== 'object') {
      throw new ValueError(
        `fit: earlyStopping must be an object { patience, minDelta, monitor }, got ${echoValue(stop)}`,
      );
    }
    return readTable('fit: earlyStopping', EARLY_STOPPING, stop, context);
  },
  schedule: (schedule, { options }) => {
    if (schedule === undefined) return undefined;
    if (!(schedule instanceof LRScheduler || schedule instanceof ReduceLROnPlateau)) {
      throw new ValueError(
        `fit: schedule must be a learning-rate schedule (StepLR, CosineAnnealingLR, ReduceLROnPlateau, …), got ${echoValue(schedule)}`,
      );
    }
    if (schedule.optimizer !== options.optimizer) {
      throw new ValueError(
        'fit: the schedule drives another optimiser than the one given; create it with this one',
      );
    }
    return schedule;
  },
  clipGradNorm: (clip) => optionalPositive('clipGradNorm', clip),
  clipPerSampleGradNorm: (clip) => optionalPositive('clipPerSampleGradNorm', clip),
  divergenceFactor: (factor = 1e6) => {
    if (!(typeof factor === 'number' && factor > 1)) {
      throw new ValueError(
        `fit: divergenceFactor must be a number > 1 (or Infinity to turn the check off), got ${echoValue(factor)}`,
      );
    }
    return factor;
  },
  callbacks: (callbacks) => {
    if (callbacks === undefined) return undefined;
    if (callbacks === null || typeof callbacks !== 'object') {
      throw new ValueError(`fit: callbacks must be an object, got ${echoValue(callbacks)}`);
    }
    for (const [key, fn] of Object.entries(callbacks)) {
      if (!CALLBACKS.includes(key)) {
        throw new ValueError(
          `fit: unknown callback ${JSON.stringify(key)}; the callbacks are ${CALLBACKS.join(', ')}`,
        );
      }
      if (typeof fn !== 'function') {
        throw new ValueError(`fit: callback ${key} must be a function, got ${echoValue(fn)}`);
      }
    }
    return callbacks;
  },
  // checked by ProgressDisplay.create, which knows whether stdout is a terminal
  progress: (progress): ProgressSetting => progress ?? 'auto',
  // undefined: fit decides (compiles what it knows replays exactly)
  compile: (compile) =>
    compile === undefined ? undefined : checkBoolean('fit', 'compile', compile),
} satisfies Checks<FitOptions>;

/** earlyStopping's options, in the order its errors list them and its checks run. */
const EARLY_STOPPING = {
  monitor: (monitor) => {
    if (monitor !== undefined && monitor !== 'valLoss' && monitor !== 'loss') {
      throw new ValueError(
        `fit: earlyStopping.monitor must be 'valLoss' or 'loss', got ${echoValue(monitor)}`,
      );
    }
    return monitor;
  },
  patience: (patience = 5) => {
    if (!(Number.isInteger(patience) && patience >= 1)) {
      throw new ValueError(
        `fit: earlyStopping.patience must be an integer ≥ 1, got ${echoValue(patience)}`,
      );
    }
    return patience;
  },
  minDelta: (minDelta = 0) => {
    if (!(typeof minDelta === 'number' && minDelta >= 0)) {
      throw new ValueError(
        `fit: earlyStopping.minDelta must be a number ≥ 0, got ${echoValue(minDelta)}`,
      );
    }
    return minDelta;
  },
  restoreBest: (restoreBest = true) =>
    checkBoolean('fit', 'earlyStopping.restoreBest', restoreBest),
} satisfies Checks<EarlyStoppingOptions>;

const CALLBACKS = optionNames<FitCallbacks>({
  onBatchEnd: true,
  onEpochEnd: true,
  onTrainEnd: true,
});

/** fit's options as it uses them: checked, defaults filled in, x and y as tensors. */
export type FitSettings = Checked<typeof FIT_OPTIONS>;

/** Checks the model and every option (the first problem is the error), and fills in defaults. */
export function readOptions(model: Trainable, options: FitOptions): FitSettings {
  if (
    model === null ||
    typeof model !== 'object' ||
    typeof model.forward !== 'function' ||
    typeof model.parameters !== 'function'
  ) {
    throw new ValueError(
      `fit: the model must have forward(x) and parameters() (a Module such as MLP or Linear), got ${echoValue(model)}`,
    );
  }
  if (options === null || typeof options !== 'object') {
    throw new ValueError(
      `fit: expected options { x, y, loss, optimizer, epochs, … }, got ${echoValue(options)}`,
    );
  }
  return readTable('fit', FIT_OPTIONS, options, { model, options });
}

/**
 * What early stopping and bestEpoch watch: earlyStopping's monitor, else valLoss when there is
 * validation data, else the training loss.
 */
export function readMonitor(
  stop: FitSettings['earlyStopping'],
  hasValidation: boolean,
): 'valLoss' | 'loss' {
  const monitor = stop?.monitor ?? (hasValidation ? 'valLoss' : 'loss');
  if (monitor === 'valLoss' && !hasValidation) {
    throw new ValueError(
      "fit: earlyStopping monitors 'valLoss' but there is no validation data; pass validation or validationSplit, or monitor 'loss'",
    );
  }
  return monitor;
}

/** Refuses an option the table lacks (listing the table's), then runs its checks in order. */
function readTable<T extends Record<string, (value: never, context: CheckContext) => unknown>>(
  where: string,
  checks: T,
  given: object,
  context: Omit<CheckContext, 'read'>,
): Checked<T> {
  checkOptions(where, given, Object.keys(checks));
  const read: Record<string, unknown> = {};
  for (const key of Object.keys(checks)) {
    const check = checks[key] as (value: unknown, context: CheckContext) => unknown;
    read[key] = check((given as Record<string, unknown>)[key], { ...context, read });
  }
  return read as Checked<T>;
}

/** A clipping norm: absent, or a number > 0. */
function optionalPositive(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && !(typeof value === 'number' && value > 0)) {
    throw new ValueError(`fit: ${name} must be a number > 0, got ${echoValue(value)}`);
  }
  return value;
}
