// fit: the training loop users call instead of writing one. Minibatches of a seeded shuffle
// (batch size 1 is the lecture's per-sample SGD, p. 10), validation without a graph, metrics,
// early stopping with the best weights restored, LR schedules, clipping, callbacks and progress.
import {
  BackpropError,
  compile,
  concat,
  Generator,
  NonFiniteError,
  noGrad,
  ShapeError,
  Tensor,
  type TensorLike,
  type TypedArray,
  toTensor,
  ValueError,
} from '@backprop/core';
import { clipGradNorm } from './clip.js';
import { shuffleIndices } from './data/split.js';
import { describe, Optimizer } from './optimizer.js';
import { formatNumber, nowMs, ProgressDisplay, type ProgressSetting } from './progress.js';
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

/** What `onBatchEnd` is told after each optimiser step. */
export interface BatchInfo {
  /** 1 … epochs. */
  epoch: number;
  /** 1 … batches. */
  batch: number;
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

export interface History {
  epochs: EpochLog[];
  /** The epoch with the lowest monitored loss (valLoss when there is validation data, else loss). */
  bestEpoch: number;
  /** True when early stopping or a callback's `'stop'` ended training before `epochs`. */
  stoppedEarly: boolean;
  /** Why: `'earlyStopping'` or `'callback'`; absent when all epochs ran. */
  stopReason?: 'earlyStopping' | 'callback';
  /** With `validationSplit`: the rows of `x` held out for validation. */
  validationIndices?: number[];
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

/**
 * Trains `model` on `x`, `y`: every epoch, shuffles the samples, and for each minibatch runs the
 * model, the loss, `backward()`, optional gradient clipping and `optimizer.step()`; then validates,
 * computes the metrics, applies early stopping and the schedule, and calls the callbacks.
 * Parameters are updated in place. Returns the history.
 *
 * @example
 * const model = new MLP({ inputs: 10, hidden: [8], seed: 0 });
 * const history = fit(model, {
 *   x: xTrain, y: yTrain, loss: mse, optimizer: new Adam(model.parameters(), { lr: 0.01 }),
 *   epochs: 200, batchSize: 16, validationSplit: 0.2, metrics: { r2: r2Score },
 *   earlyStopping: { patience: 20 },
 * });
 * history.epochs.at(-1)?.valMetrics?.r2;
 *
 * With `batchSize: 1` and `SGD` this is the lecture's per-sample training (p. 10): for each
 * sample in turn, w ← w − η ∂E/∂w.
 */
export function fit(model: Trainable, options: FitOptions): History {
  const o = readOptions(model, options);
  const { optimizer, epochs, batchSize, loss, metrics, callbacks, earlyStopping: stop } = o;
  const generator = options.generator ?? new Generator(options.seed ?? 0);
  const { x, y, rows, validation, validationIndices } = splitData(o, generator);
  const n = x.shape[0] as number;
  const batches = Math.ceil(n / batchSize);
  const monitor = stop?.monitor ?? (validation ? 'valLoss' : 'loss');
  if (monitor === 'valLoss' && !validation) {
    throw new ValueError(
      "fit: earlyStopping monitors 'valLoss' but there is no validation data; pass validation or validationSplit, or monitor 'loss'",
    );
  }
  const minDelta = stop?.minDelta ?? 0;
  const patience = stop?.patience ?? 5;
  const params = model.parameters();
  // one batch: forward, loss, backward (the loss is checked for divergence before the step)
  let batchWhere = 'fit'; // named in errors from the model's output or the loss
  const forwardBackward = (xb: Tensor, yb: Tensor): [Tensor, Tensor | null] => {
    const prediction = model.forward(xb);
    const l = lossValue(batchWhere, loss, prediction, yb);
    l.backward();
    return [l, metrics ? prediction : null];
  };
  const runBatch = o.compile ? compile(forwardBackward) : forwardBackward;

  const history: History = { epochs: [], bestEpoch: 0, stoppedEarly: false };
  if (validationIndices) history.validationIndices = validationIndices;
  let best = Number.POSITIVE_INFINITY;
  let badEpochs = 0;
  let bestWeights: TypedArray[] | null = null;
  const display = ProgressDisplay.create(o.progress, epochs, n);
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const start = nowMs();
      const lr = optimizer.paramGroups[0]?.lr as number;
      display?.startEpoch(epoch);
      const order = o.shuffle
        ? shuffleIndices(n, { generator })
        : Array.from({ length: n }, (_, i) => i);
      let lossSum = 0;
      let done = 0;
      const predictions: Tensor[] = [];
      for (let b = 0; b < batches; b++) {
        const indices = order.slice(b * batchSize, (b + 1) * batchSize);
        const where = `fit: epoch ${epoch}, batch ${b + 1}/${batches}`;
        const value = inContext(where, () => {
          optimizer.zeroGrad();
          batchWhere = where;
          const [l, prediction] = runBatch(x.gather(indices), y.gather(indices));
          const v = l.item();
          if (!Number.isFinite(v)) throw divergence(where, v, lr, indices, rows);
          if (o.clipGradNorm !== undefined) clipGradNorm(optimizer.params, o.clipGradNorm);
          optimizer.step();
          if (prediction) predictions.push(prediction.detach());
          return v;
        });
        lossSum += value * indices.length;
        done += indices.length;
        display?.batchEnd(done, lossSum / done);
        callbacks?.onBatchEnd?.({
          epoch,
          batch: b + 1,
          batches,
          loss: value,
          indices: rows ? indices.map((i) => rows[i] as number) : indices,
        });
      }

      const log: EpochLog = { epoch, loss: lossSum / n, metrics: {}, lr, seconds: 0 };
      if (metrics) {
        const prediction = noGrad(() => concat(predictions));
        log.metrics = scores(`fit: epoch ${epoch}`, metrics, y.gather(order), prediction);
      }
      if (validation) {
        const v = evaluate(
          `fit: epoch ${epoch}, validation`,
          model,
          loss,
          validation,
          batchSize,
          metrics,
        );
        log.valLoss = v.loss;
        log.valMetrics = v.metrics;
      }
      log.seconds = (nowMs() - start) / 1000;
      history.epochs.push(log);

      const monitored = (monitor === 'valLoss' ? log.valLoss : log.loss) as number;
      if (monitored < best - minDelta) {
        best = monitored;
        history.bestEpoch = epoch;
        badEpochs = 0;
        if (stop && stop.restoreBest !== false) bestWeights = params.map((p) => p.data.slice());
      } else {
        badEpochs += 1;
      }
      if (o.schedule instanceof ReduceLROnPlateau) o.schedule.step(monitored);
      else o.schedule?.step();

      if (stop && badEpochs >= patience) {
        history.stoppedEarly = true;
        history.stopReason = 'earlyStopping';
      }
      if (callbacks?.onEpochEnd?.(log, history) === 'stop' && !history.stoppedEarly) {
        history.stoppedEarly = true;
        history.stopReason = 'callback';
      }
      display?.endEpoch(log, history.stoppedEarly || epoch === epochs);
      if (history.stopReason === 'earlyStopping') {
        display?.line(
          `stopped early: ${monitor} has not improved by more than ${minDelta} for ${patience} epoch${patience === 1 ? '' : 's'} (best: epoch ${history.bestEpoch}, ${monitor} ${formatNumber(best)})`,
        );
      }
      if (history.stoppedEarly) break;
    }
    const last = history.epochs.length;
    if (bestWeights && history.bestEpoch !== last) {
      params.forEach((p, i) => {
        p.data.set(bestWeights?.[i] as TypedArray);
      });
      display?.line(`restored the weights of epoch ${history.bestEpoch}`);
    }
    callbacks?.onTrainEnd?.(history);
  } finally {
    display?.close();
  }
  return history;
}

// ---------------------------------------------------------------- one batch

/** Calls the loss and checks it gave a one-element tensor; names the shapes when they do not fit. */
function lossValue(where: string, loss: LossFn, prediction: Tensor, target: Tensor): Tensor {
  if (!(prediction instanceof Tensor)) {
    throw new ValueError(`${where}: model.forward returned ${describe(prediction)}, not a tensor`);
  }
  let l: Tensor;
  try {
    l = loss(prediction, target);
  } catch (e) {
    if (e instanceof ShapeError && !sameShape(prediction.shape, target.shape)) {
      e.message += ` (the model's output has shape ${shapeOf(prediction)}, the targets ${shapeOf(target)}: give y the model's output shape)`;
    }
    throw e;
  }
  if (!(l instanceof Tensor) || l.size !== 1) {
    throw new ValueError(
      `${where}: the loss must return a one-element tensor, got ${l instanceof Tensor ? `shape ${shapeOf(l)} (reduce it with reduction 'mean' or 'sum')` : describe(l)}`,
    );
  }
  return l;
}

function divergence(
  where: string,
  value: number,
  lr: number,
  indices: readonly number[],
  rows: readonly number[] | null,
): NonFiniteError {
  const first = rows ? rows[indices[0] as number] : indices[0];
  const samples =
    indices.length === 1 ? `sample ${first}` : `${indices.length} samples, first ${first}`;
  return new NonFiniteError(
    `${where} (${samples}): the loss is ${value}. Training diverged: try a lower learning rate (lr is ${lr}) or clipGradNorm, ` +
      'and find the first op that made a non-finite value with detectAnomaly(() => fit(model, options))',
  );
}

/** Prefixes `where` to the message of a library error thrown by `fn`, so it says when it happened. */
function inContext<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof BackpropError && !e.message.startsWith('fit'))
      e.message = `${where}: ${e.message}`;
    throw e;
  }
}

// ---------------------------------------------------------------- validation and metrics

interface Data {
  x: Tensor;
  y: Tensor;
}

/** The loss (Σ nᵦ·Lᵦ / n in batches of batchSize, as in training) and metrics, with no graph. */
function evaluate(
  where: string,
  model: Trainable,
  loss: LossFn,
  data: Data,
  batchSize: number,
  metrics: Record<string, MetricFn> | undefined,
): { loss: number; metrics: Record<string, number> } {
  const n = data.x.shape[0] as number;
  const predictions: Tensor[] = [];
  let sum = 0;
  noGrad(() => {
    for (let start = 0; start < n; start += batchSize) {
      const indices = Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
      const v = inContext(where, () => {
        const prediction = model.forward(data.x.gather(indices));
        predictions.push(prediction);
        return lossValue(where, loss, prediction, data.y.gather(indices)).item();
      });
      if (!Number.isFinite(v)) {
        throw new NonFiniteError(
          `${where}: the loss is ${v} on validation samples ${start}…${start + indices.length - 1} (the training loss was finite): check the validation data, or use detectAnomaly(() => fit(model, options))`,
        );
      }
      sum += v * indices.length;
    }
  });
  return {
    loss: sum / n,
    metrics: metrics
      ? scores(
          where,
          metrics,
          data.y,
          noGrad(() => concat(predictions)),
        )
      : {},
  };
}

function scores(
  where: string,
  metrics: Record<string, MetricFn>,
  target: Tensor,
  prediction: Tensor,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, metric] of Object.entries(metrics)) {
    const v = inContext(`${where}, metric ${JSON.stringify(name)}`, () =>
      metric(target, prediction),
    );
    if (typeof v !== 'number') {
      throw new ValueError(
        `${where}: metric ${JSON.stringify(name)} returned ${describe(v)}, not a number`,
      );
    }
    out[name] = v;
  }
  return out;
}

// ---------------------------------------------------------------- options and data

interface Resolved {
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

function readOptions(model: Trainable, options: FitOptions): Resolved {
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

/** x and y as tensors with a sample axis, the same number of rows, and finite values. */
function readData(
  fn: string,
  xName: string,
  yName: string,
  xIn: TensorLike,
  yIn: TensorLike,
): Data {
  const x = asData(fn, xName, xIn);
  const y = asData(fn, yName, yIn);
  const nx = x.shape[0] as number;
  const ny = y.shape[0] as number;
  if (nx !== ny) {
    throw new ShapeError(
      `${fn}: ${xName} has ${nx} rows (samples) but ${yName} has ${ny}; they must match (x ${shapeOf(x)}, y ${shapeOf(y)})`,
    );
  }
  if (nx === 0) throw new ValueError(`${fn}: ${xName} has no samples`);
  return { x, y };
}

function asData(fn: string, name: string, value: TensorLike): Tensor {
  if (value === undefined || value === null) throw new ValueError(`${fn}: ${name} is required`);
  const t = inContext(`${fn}: ${name}`, () => (value instanceof Tensor ? value : toTensor(value)));
  if (t.ndim === 0) {
    throw new ShapeError(
      `${fn}: ${name} is a scalar; it needs a sample axis (axis 0), one row per sample`,
    );
  }
  const bad = t.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    const row = Math.floor(bad / (t.size / (t.shape[0] as number)));
    throw new ValueError(
      `${fn}: ${name} holds ${t.data[bad]} in row ${row}; the data must be finite`,
    );
  }
  // Data computed with a graph (from tensors that require grad) is cut off from it, so that no
  // batch backpropagates into whatever made it.
  return t.isLeaf ? t : t.detach();
}

/** The training data, and the validation data (given, or held out by validationSplit). */
function splitData(
  o: Resolved,
  generator: Generator,
): Data & { rows: number[] | null; validation?: Data; validationIndices?: number[] } {
  const { x, y, validationSplit: split } = o;
  if (split === undefined) return { x, y, rows: null, validation: o.validation };
  const n = x.shape[0] as number;
  const nVal = Math.ceil(split * n - 1e-9); // 0.2 · 10 is 2.0000000000000004
  if (nVal < 1 || nVal >= n) {
    throw new ValueError(
      `fit: validationSplit ${split} of ${n} samples leaves ${n - nVal} for training and ${nVal} for validation; each needs at least 1`,
    );
  }
  const order = shuffleIndices(n, { generator });
  const rows = order.slice(0, n - nVal);
  const validationIndices = order.slice(n - nVal);
  return noGrad(() => ({
    x: x.gather(rows),
    y: y.gather(rows),
    rows,
    validation: { x: x.gather(validationIndices), y: y.gather(validationIndices) },
    validationIndices,
  }));
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function shapeOf(t: Tensor | readonly number[]): string {
  return `[${(t instanceof Tensor ? t.shape : t).join(', ')}]`;
}
