// @backprop/optim: optimisers, learning-rate schedules and training utilities for @backprop/core.
// The public API, listed.

/**
 * Optimisers (SGD, Adam, AdamW, RMSprop, Adagrad), learning-rate schedules, the `fit()` training
 * loop, CSV data, scaling, splits and metrics for `@backprop/core` models; and the lecture's
 * hand-derived backpropagation (p. 10–19), written out literally.
 * @module @backprop/optim
 */

// ---- optimisers, learning-rate schedules, gradient clipping
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adam, type AdamOptions, AdamW } from './adam.js';
export { clipGradNorm, clipGradValue } from './clip.js';
// ---- data (CSV, autoscaling, splits, one-hot); readCsv is in @backprop/optim/node
export { CsvError, type CsvOptions, type Dataset, parseCsv } from './data/csv.js';
export { argmax, oneHot } from './data/encode.js';
export {
  StandardScaler,
  type StandardScalerOptions,
  type StandardScalerState,
} from './data/scaler.js';
export {
  type Fold,
  type KFoldOptions,
  kFold,
  type SeedOptions,
  shuffleIndices,
  type TrainTestSplit,
  type TrainTestSplitOptions,
  trainTestSplit,
} from './data/split.js';
// ---- the training loop: fit, what it takes and what it returns (its progress options below)
export { fit } from './fit.js';
export { DivergenceError } from './fit-errors.js';
export type {
  EarlyStoppingOptions,
  FitCallbacks,
  FitOptions,
  LossFn,
  MetricFn,
  Trainable,
} from './fit-options.js';
export type { BatchInfo, EpochLog, History } from './history.js';
// ---- metrics
export {
  type Averages,
  accuracy,
  type ClassificationReportOptions,
  type ClassificationScores,
  classificationReport,
  confusionMatrix,
  meanAbsoluteError,
  meanSquaredError,
  precisionRecallF1,
  r2Score,
  rmse,
} from './metrics.js';
// ---- the Optimizer base, to write an optimiser of your own
export {
  buffer,
  type Defaults,
  Optimizer,
  type OptimizerSpec,
  type OptimizerState,
  type OptionValue,
  type ParamGroup,
  type ParamGroupSpec,
  type ParamState,
  type Params,
} from './optimizer.js';
export {
  backwardClippedPerSample,
  type ClippedGradients,
  clipPerSampleGradNorm,
} from './per-sample-clip.js';
// ---- fit's progress display
export type { ProgressOptions, ProgressSetting } from './progress.js';
// ---- optimisers and learning-rate schedules (continued)
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export {
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  LRScheduler,
  type PlateauState,
  ReduceLROnPlateau,
  type ReduceLROnPlateauOptions,
  type SchedulerState,
  StepLR,
} from './schedules.js';
export { SGD, type SGDOptions } from './sgd.js';
// ---- the lecture's hand-derived backpropagation, literally (p. 5, 10–19)
export {
  readSlideNetwork,
  type SlideActivation,
  type SlideBackward,
  type SlideForward,
  type SlideWeights,
  slideActivations,
  slideBackward,
  slideErrorSignals,
  slideForward,
  slideGradients,
  slideStep,
  slideUpdate,
  writeSlideWeights,
} from './slide-backprop.js';
