// fit: the training loop users call instead of writing one. Minibatches of a seeded shuffle
// (batch size 1 is the lecture's per-sample SGD, p. 10), validation without a graph, metrics,
// early stopping with the best weights restored, LR schedules, clipping, callbacks and progress.
// Its options and their checks are in fit-options.ts, what it returns in history.ts.
import {
  concat,
  echoValue,
  NonFiniteError,
  noGrad,
  ShapeError,
  Tensor,
  type TypedArray,
  ValueError,
} from '@backprop/core';
import { isCompileSafe, isCompileSafeLoss } from '@backprop/layers';
import { clipGradNorm } from './clip.js';
import { shuffleIndices } from './data/split.js';
import { type BatchFn, type BatchRunner, batchRunner, type Data, splitData } from './fit-data.js';
import {
  DivergenceError,
  divergence,
  explosion,
  inContext,
  nonFiniteGradient,
  shapeOf,
  withContext,
} from './fit-errors.js';
import {
  type FitOptions,
  type FitSettings,
  type LossFn,
  type MetricFn,
  readMonitor,
  readOptions,
  type Trainable,
} from './fit-options.js';
import type { EpochLog, History } from './history.js';
import { sameShape } from './optimizer.js';
import { backwardClippedPerSample } from './per-sample-clip.js';
import { formatNumber, nowMs, ProgressDisplay } from './progress.js';
import { ReduceLROnPlateau } from './schedules.js';

/**
 * Trains `model` on `x`, `y`: every epoch, shuffles the samples, and for each minibatch runs the
 * model, the loss, `backward()`, optional gradient clipping and `optimizer.step()`; then validates,
 * computes the metrics, applies early stopping and the schedule, and calls the callbacks.
 * Parameters are updated in place. Returns the history.
 *
 * With `batchSize: 1` and `SGD` this is the lecture's per-sample training (p. 10): for each
 * sample in turn, w ← w − η ∂E/∂w.
 *
 * A loss, or a gradient, that becomes NaN or infinite stops training with a `NonFiniteError`
 * before that step changes the weights. An epoch whose loss is more than `divergenceFactor` (1e6)
 * times the loss at the initial weights stops it with a `DivergenceError`. Either error's
 * `history` holds the epochs so far, and with `earlyStopping.restoreBest` the best epoch's weights
 * are put back first.
 *
 * @example
 * // y = x₀ − 2x₁ on an 8 × 8 grid of the unit square
 * const xTrain = tensor(Array.from({ length: 64 }, (_, i) => [(i % 8) / 7, Math.floor(i / 8) / 7]));
 * const yTrain = xTrain.matmul(tensor([[1], [-2]]));
 * const model = new MLP({ inputs: 2, hidden: [8], seed: 0 });
 * const history = fit(model, {
 *   x: xTrain, y: yTrain, loss: mse, optimizer: new Adam(model.parameters(), { lr: 0.01 }),
 *   epochs: 200, batchSize: 16, validationSplit: 0.2, metrics: { r2: r2Score },
 *   earlyStopping: { patience: 20 }, progress: false,
 * });
 * console.log(history.epochs.at(-1)?.valMetrics?.r2.toFixed(3)); // → 0.995
 */
export function fit(model: Trainable, options: FitOptions): History {
  const o = readOptions(model, options);
  const { optimizer, epochs, batchSize, loss, metrics, callbacks, earlyStopping: stop } = o;
  const { x, y, rows, validation, validationIndices } = splitData(o);
  const n = x.shape[0];
  const batches = Math.ceil(n / batchSize);
  const monitor = readMonitor(stop, validation !== undefined);
  const minDelta = stop?.minDelta ?? 0; // without early stopping, any fall is an improvement
  const params = model.parameters();
  // one batch: forward, loss, backward (the loss is checked for divergence before the step).
  // Errors name the epoch and batch; the words are put together only when one is thrown.
  const batchWhere = () => `fit: epoch ${t.epoch}, batch ${t.batch}/${batches}`;
  const perSampleClip = o.clipPerSampleGradNorm;
  const forwardBackward: BatchFn = (xb, yb) => {
    const prediction = model.forward(xb);
    const l = lossValue(batchWhere, loss, prediction, yb);
    if (perSampleClip === undefined) l.backward(); // else each sample's, clipped, after the batch
    return metrics ? [l, prediction] : l; // the prediction only where a metric needs it
  };
  // compiled (captured: compile's trace, replayed on its own arrays) by default only where the
  // replay is known to be exact (the library's own model and loss); a callback may change state
  // the model reads (a JS flag, say), which a trace would have frozen, so after any callback
  // runs the step is traced afresh
  const exact = isCompileSafe(model) && isCompileSafeLoss(loss);
  const compiling = o.compile ?? (perSampleClip === undefined && exact);
  // the loss before training and on validation data, compiled on the same terms (nothing is
  // clipped there)
  const ev = evaluator(model, loss, o.compile ?? exact, metrics !== undefined);
  const stepRunner = () => batchRunner(forwardBackward, x, y, compiling);
  const validationRunner = () => (validation ? ev.runner(validation) : null);
  const t: Trainer = {
    settings: o,
    model,
    n,
    rows,
    batches,
    step: stepRunner(),
    validating: validationRunner(),
    renew: () => {
      t.step = stepRunner();
      t.validating = validationRunner();
    },
    display: null,
    where: batchWhere,
    epoch: 0,
    batch: 0,
  };

  const history: History = { epochs: [], bestEpoch: 0, stoppedEarly: false };
  if (validationIndices) history.validationIndices = validationIndices;
  const factor = o.divergenceFactor;
  if (factor !== Number.POSITIVE_INFINITY) {
    // rows of x as the user passed it (validationSplit takes some out)
    const row = (i: number) => (rows ? rows[i] : i);
    history.initialLoss = inContext('fit', () =>
      evaluate(
        'fit: before training',
        ev,
        ev.runner({ x, y }),
        batchSize,
        undefined,
        (v, s, e) =>
          `the loss is ${v} at the initial weights on the training samples of rows ${row(s)}…${row(e)}, before any step: check x, y and the model's initial weights, or use detectAnomaly(() => fit(model, options))`,
      ),
    ).loss;
  }
  let best = Number.POSITIVE_INFINITY;
  let badEpochs = 0;
  let bestWeights: TypedArray[] | null = null;
  const display = ProgressDisplay.create(o.progress, epochs, n);
  t.display = display;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const start = nowMs();
      const lr = optimizer.paramGroups[0]?.lr as number;
      display?.startEpoch(epoch);
      const order = o.shuffle
        ? shuffleIndices(n, { generator: o.generator })
        : Array.from({ length: n }, (_, i) => i);
      const { lossSum, predictions } = trainEpoch(t, epoch, order, lr);

      const log: EpochLog = { epoch, loss: lossSum / n, metrics: {}, lr, seconds: 0 };
      const initial = history.initialLoss;
      if (initial !== undefined && initial > 0 && log.loss > factor * initial) {
        throw explosion(epoch, log.loss, factor, lr, history);
      }
      if (metrics) {
        const prediction = noGrad(() => concat(predictions));
        log.metrics = scores(`fit: epoch ${epoch}`, metrics, y.gather(order), prediction);
      }
      if (t.validating) {
        const v = evaluate(
          `fit: epoch ${epoch}, validation`,
          ev,
          t.validating,
          batchSize,
          metrics,
          (value, first, last) =>
            `the loss is ${value} on validation samples ${first}…${last} (the training loss was finite): check the validation data, or use detectAnomaly(() => fit(model, options))`,
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
        if (stop?.restoreBest) bestWeights = params.map((p) => p.data.slice());
      } else {
        badEpochs += 1;
      }
      if (o.schedule instanceof ReduceLROnPlateau) o.schedule.step(monitored);
      else o.schedule?.step();

      if (stop && badEpochs >= stop.patience) {
        history.stoppedEarly = true;
        history.stopReason = 'earlyStopping';
      }
      if (callbacks?.onEpochEnd) {
        if (callbacks.onEpochEnd(log, history) === 'stop' && !history.stoppedEarly) {
          history.stoppedEarly = true;
          history.stopReason = 'callback';
        }
        t.renew();
      }
      display?.endEpoch(log, history.stoppedEarly || epoch === epochs);
      if (stop && history.stopReason === 'earlyStopping') {
        const { patience } = stop;
        display?.line(
          `stopped early: ${monitor} has not improved by more than ${minDelta} for ${patience} epoch${patience === 1 ? '' : 's'} (best: epoch ${history.bestEpoch}, ${monitor} ${formatNumber(best)})`,
        );
      }
      if (history.stoppedEarly) break;
    }
    const last = history.epochs.length;
    if (bestWeights && history.bestEpoch !== last) {
      restoreWeights(params, bestWeights);
      display?.line(`restored the weights of epoch ${history.bestEpoch}`);
    }
    callbacks?.onTrainEnd?.(history);
  } catch (e) {
    if (e instanceof NonFiniteError || e instanceof DivergenceError) {
      // what was learnt is not lost: the best weights (if kept) and the history go with the error
      Object.assign(e, { history });
      if (bestWeights) {
        restoreWeights(params, bestWeights);
        const epochs = history.epochs.length;
        e.message += ` The weights of epoch ${history.bestEpoch} (the best ${monitor}) were restored; error.history holds the ${epochs} epoch${epochs === 1 ? '' : 's'} before.`;
      }
    }
    throw e;
  } finally {
    display?.close();
  }
  return history;
}

/** Puts saved weights back, marking each parameter changed (a graph of the old ones is stale). */
function restoreWeights(params: readonly Tensor[], weights: readonly TypedArray[]): void {
  params.forEach((p, i) => {
    p.data.set(weights[i] as TypedArray);
    p.markChanged();
  });
}

// ---------------------------------------------------------------- one epoch

/** What `trainEpoch` needs: fit's settings and data, and the step it runs. */
interface Trainer {
  readonly settings: FitSettings;
  readonly model: Trainable;
  /** The number of training samples. */
  readonly n: number;
  /** Rows of x as the user passed it, where validationSplit took some out (for errors). */
  readonly rows: number[] | null;
  readonly batches: number;
  /** Forward, loss and backward of a batch: the loss, with the prediction where a metric needs it. */
  step: BatchRunner;
  /** The validation pass's runner, where there is validation data. */
  validating: BatchRunner | null;
  /** Traces the step and the validation pass afresh, after a callback (it may change state the model reads). */
  readonly renew: () => void;
  display: ProgressDisplay | null;
  /** Where training is, for errors: "fit: epoch 3, batch 7/20". */
  readonly where: () => string;
  epoch: number;
  batch: number;
}

/**
 * One epoch: the minibatches of `order`, each zeroGrad, forward, loss, backward, the checks and
 * the step. Returns the loss summed over the samples, and the predictions if a metric needs them.
 * A function of its own, not a loop inside `fit`: V8 optimises a function once it has run its
 * bytecode about 450 times over (more for a longer one), and a loop inside a function as long as
 * `fit` ran unoptimised for most of a short training (docs/performance.md).
 */
function trainEpoch(
  t: Trainer,
  epoch: number,
  order: readonly number[],
  lr: number,
): { lossSum: number; predictions: Tensor[] } {
  const o = t.settings;
  const optimizer = o.optimizer;
  const batchSize = o.batchSize;
  const n = t.n;
  const optimized = optimizer.params; // a new array on every read: read once an epoch
  const perSampleClip = o.clipPerSampleGradNorm;
  const callbacks = o.callbacks;
  const predictions: Tensor[] = [];
  let lossSum = 0;
  let done = 0;
  t.epoch = epoch;
  for (let b = 0; b < t.batches; b++) {
    const first = b * batchSize;
    const end = Math.min(first + batchSize, n);
    t.batch = b + 1;
    let value: number;
    try {
      optimizer.zeroGrad();
      const out = t.step.run(order, first, end);
      const l = out instanceof Tensor ? out : out[0];
      if (perSampleClip !== undefined) {
        const [xb, yb] = t.step.batch();
        backwardClippedPerSample(t.model, o.loss, xb, yb, perSampleClip);
      }
      value = l.item();
      if (!Number.isFinite(value)) throw badStep(t, value, null, optimized, lr, order, first, end);
      // a non-finite gradient must not reach the weights, even when the loss is finite
      const bad = nonFiniteGradient(optimized);
      if (bad !== null) throw badStep(t, value, bad, optimized, lr, order, first, end);
      if (o.clipGradNorm !== undefined) clipGradNorm(optimized, o.clipGradNorm);
      optimizer.step();
      if (!(out instanceof Tensor)) predictions.push(t.step.keep(out[1]));
    } catch (e) {
      throw withContext(t.where(), e);
    }
    lossSum += value * (end - first);
    done += end - first;
    t.display?.batchEnd(done, lossSum / done);
    if (callbacks?.onBatchEnd) {
      const rows = t.rows;
      callbacks.onBatchEnd({
        epoch,
        batch: b + 1,
        batches: t.batches,
        loss: value,
        indices: order.slice(first, end).map((i) => (rows ? (rows[i] as number) : i)),
      });
      t.renew();
    }
  }
  return { lossSum, predictions };
}

/** The error for a batch whose loss, or a gradient (`bad`), is not finite: the step is not taken. */
function badStep(
  t: Trainer,
  value: number,
  bad: { index: number; value: number } | null,
  params: readonly Tensor[],
  lr: number,
  order: readonly number[],
  first: number,
  end: number,
): NonFiniteError {
  const what =
    bad === null
      ? `the loss is ${value}`
      : `the loss is ${value} but the gradient of parameter ${bad.index} (shape ${shapeOf(params[bad.index] as Tensor)}) holds ${bad.value}`;
  return divergence(t.where(), what, lr, order.slice(first, end), t.rows);
}

// ---------------------------------------------------------------- one batch

/** Calls the loss and checks it gave a one-element tensor; names the shapes when they do not fit. */
function lossValue(where: () => string, loss: LossFn, prediction: Tensor, target: Tensor): Tensor {
  if (!(prediction instanceof Tensor)) {
    throw new ValueError(
      `${where()}: model.forward returned ${echoValue(prediction)}, not a tensor`,
    );
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
      `${where()}: the loss must return a one-element tensor, got ${l instanceof Tensor ? `shape ${shapeOf(l)} (reduce it with reduction 'mean' or 'sum')` : echoValue(l)}`,
    );
  }
  return l;
}

// ---------------------------------------------------------------- validation and metrics

/**
 * What `evaluate` runs on each batch: the model's prediction and the loss on it. Captured where
 * fit compiles its step (a replay runs the same kernels on the same values, so the numbers are
 * the eager ones), for a validation pass of a few microseconds a batch. `where` names the pass
 * in progress in an error's message.
 */
interface Evaluator {
  /** A runner of the pass on `data`'s batches (the loss, with the prediction where a metric needs it). */
  runner(data: Data): BatchRunner;
  where: string;
}

function evaluator(
  model: Trainable,
  loss: LossFn,
  compiling: boolean,
  predictions: boolean,
): Evaluator {
  const forward: BatchFn = (xb, yb) => {
    const prediction = model.forward(xb);
    const l = lossValue(() => ev.where, loss, prediction, yb);
    return predictions ? [l, prediction] : l;
  };
  const ev: Evaluator = {
    runner: (data) => batchRunner(forward, data.x, data.y, compiling),
    where: 'fit',
  };
  return ev;
}

/**
 * The loss (Σ nᵦ·Lᵦ / n in batches of batchSize, as in training) and metrics, with no graph. A
 * batch whose loss is not finite is a `NonFiniteError` that `nonFinite` words (samples first…last).
 */
function evaluate(
  where: string,
  ev: Evaluator,
  runner: BatchRunner,
  batchSize: number,
  metrics: Record<string, MetricFn> | undefined,
  nonFinite: (value: number, first: number, last: number) => string,
): { loss: number; metrics: Record<string, number> } {
  const n = runner.x.shape[0];
  const order = Array.from({ length: n }, (_, i) => i);
  ev.where = where;
  const predictions: Tensor[] = [];
  let sum = 0;
  noGrad(() => {
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(start + batchSize, n);
      const v = inContext(where, () => {
        const out = runner.run(order, start, end);
        if (out instanceof Tensor) return out.item();
        if (metrics) predictions.push(runner.keep(out[1]));
        return out[0].item();
      });
      if (!Number.isFinite(v)) {
        throw new NonFiniteError(`${where}: ${nonFinite(v, start, end - 1)}`);
      }
      sum += v * (end - start);
    }
  });
  return {
    loss: sum / n,
    metrics: metrics
      ? scores(
          where,
          metrics,
          runner.y,
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
    const v = inContext(
      `${where}, metric ${JSON.stringify(name)}`,
      () => metric(target, prediction),
      true, // the user's function: its own errors get the epoch too
    );
    if (typeof v !== 'number') {
      throw new ValueError(
        `${where}: metric ${JSON.stringify(name)} returned ${echoValue(v)}, not a number`,
      );
    }
    out[name] = v;
  }
  return out;
}
