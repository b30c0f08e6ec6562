// The scores the tool reports: r², RMSE and MAE for regression; accuracy, per-class precision,
// recall and F1 and the confusion matrix for classification. All from @backprop/optim's metrics.
import { tensor } from '@backprop/core';
import {
  confusionMatrix,
  meanAbsoluteError,
  precisionRecallF1,
  r2Score,
  rmse,
} from '@backprop/optim';

export interface RegressionScores {
  r2: number;
  rmse: number;
  mae: number;
}

export interface ClassificationScores {
  accuracy: number;
  macroF1: number;
  /** Per class, in the order of the class names. */
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
  /** Rows: the true class; columns: the predicted class. */
  confusion: number[][];
}

export type Scores = RegressionScores | ClassificationScores;

export function regressionScores(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
): RegressionScores {
  const t = tensor(Array.from(yTrue));
  const p = tensor(Array.from(yPred));
  return { r2: r2Score(t, p), rmse: rmse(t, p), mae: meanAbsoluteError(t, p) };
}

export function classificationScores(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  numClasses: number,
): ClassificationScores {
  const t = Array.from(yTrue);
  const p = Array.from(yPred);
  const s = precisionRecallF1(t, p, numClasses);
  return {
    accuracy: s.accuracy,
    macroF1: s.macro.f1,
    precision: s.precision,
    recall: s.recall,
    f1: s.f1,
    support: s.support,
    confusion: confusionMatrix(t, p, numClasses),
  };
}

/** Mean and sample standard deviation of one score over the CV folds. */
export interface Spread {
  mean: number;
  sd: number;
}

export function spread(values: readonly number[]): Spread {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd };
}
