// Scores for predictions: r², RMSE and MAE for regression; accuracy, the confusion matrix and
// per-class precision, recall and F1 for classification. Plain numbers in, plain numbers out.
import { checkOptions, type TensorLike, ValueError } from '@backprop/core';
import { checkFinite, checkSameLength, labelsOf, vectorOf } from './data/input.js';

// ---------------------------------------------------------------- regression

/** Targets and predictions as numbers, one per sample ([n] and [n, 1] mix freely). */
function regressionPair(fn: string, yTrue: TensorLike, yPred: TensorLike) {
  const t = vectorOf(fn, 'yTrue', yTrue);
  const p = vectorOf(fn, 'yPred', yPred);
  checkSameLength(fn, 'yTrue', t.length, 'yPred', p.length);
  if (t.length === 0) throw new ValueError(`${fn}: needs at least one sample, got none`);
  checkFinite(fn, 'yTrue', t);
  checkFinite(fn, 'yPred', p);
  return { t, p, n: t.length };
}

/**
 * The coefficient of determination r² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)²: 1 for perfect predictions,
 * 0 for always predicting the mean, negative for worse. For a constant target (Σ(y − ȳ)² = 0) r²
 * is 1 when the predictions are perfect and 0 otherwise, as scikit-learn's r2_score (force_finite).
 * @example
 * // 1 − 1.5 / 29.1875 (scikit-learn's example)
 * console.log(r2Score([3, -0.5, 2, 7], [2.5, 0, 2, 8]), 1 - 1.5 / 29.1875); // → 0.9486081370449679 0.9486081370449679
 */
export function r2Score(yTrue: TensorLike, yPred: TensorLike): number {
  const { t, p, n } = regressionPair('r2Score', yTrue, yPred);
  let sum = 0;
  let constant = true;
  for (let i = 0; i < n; i++) {
    sum += t[i];
    if (t[i] !== t[0]) constant = false;
  }
  const mean = sum / n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    ssRes += (t[i] - p[i]) ** 2;
    ssTot += (t[i] - mean) ** 2;
  }
  // Tested on the values, not on ssTot, which rounding can leave a hair above 0 (mean of 0.1s).
  if (constant) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

/**
 * The mean squared error Σ(y − ŷ)² / n.
 * @example
 * // (0.25 + 0.25 + 0 + 1) / 4
 * console.log(meanSquaredError([3, -0.5, 2, 7], [2.5, 0, 2, 8])); // → 0.375
 */
export function meanSquaredError(yTrue: TensorLike, yPred: TensorLike): number {
  const { t, p, n } = regressionPair('meanSquaredError', yTrue, yPred);
  let s = 0;
  for (let i = 0; i < n; i++) s += (t[i] - p[i]) ** 2;
  return s / n;
}

/**
 * The root mean squared error √(Σ(y − ŷ)² / n), in the target's units.
 * @example
 * console.log(rmse([3, -0.5, 2, 7], [2.5, 0, 2, 8]), Math.sqrt(0.375)); // → 0.6123724356957945 0.6123724356957945
 */
export function rmse(yTrue: TensorLike, yPred: TensorLike): number {
  const { t, p, n } = regressionPair('rmse', yTrue, yPred);
  let s = 0;
  for (let i = 0; i < n; i++) s += (t[i] - p[i]) ** 2;
  return Math.sqrt(s / n);
}

/**
 * The mean absolute error Σ|y − ŷ| / n.
 * @example
 * // (0.5 + 0.5 + 0 + 1) / 4
 * console.log(meanAbsoluteError([3, -0.5, 2, 7], [2.5, 0, 2, 8])); // → 0.5
 */
export function meanAbsoluteError(yTrue: TensorLike, yPred: TensorLike): number {
  const { t, p, n } = regressionPair('meanAbsoluteError', yTrue, yPred);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(t[i] - p[i]);
  return s / n;
}

// ---------------------------------------------------------------- classification

/** Class labels (integers ≥ 0) for both, of the same length, at least one. */
function labelPair(fn: string, yTrue: TensorLike, yPred: TensorLike) {
  const t = labelsOf(fn, 'yTrue', yTrue);
  const p = labelsOf(fn, 'yPred', yPred);
  checkSameLength(fn, 'yTrue', t.length, 'yPred', p.length);
  if (t.length === 0) throw new ValueError(`${fn}: needs at least one sample, got none`);
  return { t, p, n: t.length };
}

/**
 * The fraction of samples whose predicted class label equals the true one.
 * @example
 * // 3 of 4 right
 * console.log(accuracy([0, 1, 2, 2], [0, 2, 2, 2])); // → 0.75
 */
export function accuracy(yTrue: TensorLike, yPred: TensorLike): number {
  const { t, p, n } = labelPair('accuracy', yTrue, yPred);
  let hits = 0;
  for (let i = 0; i < n; i++) if (t[i] === p[i]) hits++;
  return hits / n;
}

/**
 * The confusion matrix C: C[i][j] counts the samples of true class i predicted as class j (rows
 * true, columns predicted, as scikit-learn). `numClasses` defaults to the largest label + 1.
 * @example
 * // row: the true class, column: the predicted one
 * console.log(confusionMatrix([0, 1, 2, 2], [0, 2, 2, 2])); // → [ [ 1, 0, 0 ], [ 0, 0, 1 ], [ 0, 0, 2 ] ]
 */
export function confusionMatrix(
  yTrue: TensorLike,
  yPred: TensorLike,
  numClasses?: number,
): number[][] {
  const fn = 'confusionMatrix';
  const { t, p, n } = labelPair(fn, yTrue, yPred);
  const k = classCount(fn, t, p, numClasses);
  const c = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < n; i++) c[t[i]][p[i]] += 1;
  return c;
}

function classCount(fn: string, t: Int32Array, p: Int32Array, numClasses?: number): number {
  let largest = 0;
  for (let i = 0; i < t.length; i++) largest = Math.max(largest, t[i], p[i]);
  if (numClasses === undefined) return largest + 1;
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new ValueError(`${fn}: numClasses must be an integer ≥ 1, got ${numClasses}`);
  }
  if (largest >= numClasses) {
    throw new ValueError(
      `${fn}: label ${largest} is out of range for ${numClasses} classes (0 … ${numClasses - 1})`,
    );
  }
  return numClasses;
}

/** Precision, recall and F1 averaged over the classes one way (`macro` or `weighted`). */
export interface Averages {
  /** Of the samples predicted as a class, the share that is of that class. */
  precision: number;
  /** Of the samples of a class, the share predicted as it. */
  recall: number;
  /** The harmonic mean of precision and recall. */
  f1: number;
}

/** Per-class scores (index = class label) and their averages. */
export interface ClassificationScores {
  /** Per class: of the samples predicted as it, the share that is of it. */
  precision: number[];
  /** Per class: of its samples, the share predicted as it. */
  recall: number[];
  /** Per class: the harmonic mean of precision and recall. */
  f1: number[];
  /** The number of true samples of each class. */
  support: number[];
  /** The unweighted mean over classes (each class counts the same). */
  macro: Averages;
  /** The mean over classes weighted by support. */
  weighted: Averages;
  /** The share of samples predicted right (equal to micro-averaged precision, recall and F1). */
  accuracy: number;
}

/**
 * Per-class precision tp / (tp + fp), recall tp / (tp + fn) and F1 = 2tp / (2tp + fp + fn), with
 * macro and support-weighted averages over the classes 0 … numClasses − 1. A ratio 0/0 (a class
 * never predicted, or never present) counts as 0, as scikit-learn with zero_division=0.
 * @example
 * // class 0 predicted twice, right once; class 1 predicted once, wrongly; class 2 twice, right
 * console.log(precisionRecallF1([0, 1, 2, 2, 2], [0, 0, 2, 2, 1]).precision); // → [ 0.5, 0, 1 ]
 */
export function precisionRecallF1(
  yTrue: TensorLike,
  yPred: TensorLike,
  numClasses?: number,
): ClassificationScores {
  const c = confusionMatrix(yTrue, yPred, numClasses);
  const k = c.length;
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  const support: number[] = [];
  let n = 0;
  let hits = 0;
  for (let j = 0; j < k; j++) {
    const tp = (c[j] as number[])[j];
    let predicted = 0;
    let actual = 0;
    for (let i = 0; i < k; i++) {
      predicted += (c[i] as number[])[j];
      actual += (c[j] as number[])[i];
    }
    precision.push(ratio(tp, predicted));
    recall.push(ratio(tp, actual));
    f1.push(ratio(2 * tp, predicted + actual));
    support.push(actual);
    n += actual;
    hits += tp;
  }
  const average = (v: number[], w?: number[]) =>
    w ? v.reduce((s, x, i) => s + x * w[i], 0) / n : v.reduce((s, x) => s + x, 0) / k;
  return {
    precision,
    recall,
    f1,
    support,
    macro: { precision: average(precision), recall: average(recall), f1: average(f1) },
    weighted: {
      precision: average(precision, support),
      recall: average(recall, support),
      f1: average(f1, support),
    },
    accuracy: hits / n,
  };
}

/** Options of `classificationReport`. */
export interface ClassificationReportOptions {
  /** Row names for classes 0, 1, … (e.g. a data set's `classes`); default the labels. */
  classNames?: readonly string[];
  /** Decimal places (default 2). */
  digits?: number;
  /** The number of classes (default the largest label + 1). */
  numClasses?: number;
}

/**
 * A text table of per-class precision, recall, F1 and support, then accuracy and the macro and
 * weighted averages, laid out as scikit-learn's classification_report.
 * @example
 * // say classificationReport(yTest, argmax(model.forward(xTest)), { classNames: data.classes })
 * const report = classificationReport([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], {
 *   classNames: ['setosa', 'versicolor', 'virginica'],
 * });
 * // one row per class: precision, recall, F1, support
 * console.log(report.split('\n').find((row) => row.includes('virginica'))?.trim()); // → virginica       1.00      0.67      0.80         3
 */
export function classificationReport(
  yTrue: TensorLike,
  yPred: TensorLike,
  options: ClassificationReportOptions = {},
): string {
  checkOptions('classificationReport', options, ['classNames', 'digits', 'numClasses']);
  const { digits = 2, classNames } = options;
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) {
    throw new ValueError(`classificationReport: digits must be an integer 0 … 20, got ${digits}`);
  }
  const s = precisionRecallF1(yTrue, yPred, options.numClasses ?? classNames?.length);
  const k = s.support.length;
  if (classNames !== undefined && classNames.length !== k) {
    throw new ValueError(
      `classificationReport: ${classNames.length} class names for ${k} classes; give one per class`,
    );
  }
  const names = classNames ? [...classNames] : s.support.map((_, j) => String(j));
  const total = s.support.reduce((a, b) => a + b, 0);
  const width = Math.max(...names.map((name) => name.length), 'weighted avg'.length, digits);
  const cell = (v: string) => ` ${v.padStart(9)}`;
  const num = (v: number) => cell(formatFixed(v, digits));
  const row = (name: string, cells: string) => `${name.padStart(width)} ${cells}\n`;
  let out = row('', ['precision', 'recall', 'f1-score', 'support'].map(cell).join(''));
  out += '\n';
  for (let j = 0; j < k; j++) {
    const cells = [s.precision[j], s.recall[j], s.f1[j]].map((v) => num(v)).join('');
    out += row(names[j] as string, cells + cell(String(s.support[j])));
  }
  out += '\n';
  out += row('accuracy', cell('') + cell('') + num(s.accuracy) + cell(String(total)));
  for (const [name, a] of [
    ['macro avg', s.macro],
    ['weighted avg', s.weighted],
  ] as const) {
    out += row(name, num(a.precision) + num(a.recall) + num(a.f1) + cell(String(total)));
  }
  return out;
}

/**
 * `x.toFixed(digits)`, except that an exact tie rounds to even, as Python's format does (JS
 * rounds it up: 0.125 → '0.13' where scikit-learn prints '0.12').
 */
function formatFixed(x: number, digits: number): string {
  const extra = 40; // more digits than a double in [0, 1e3] can differ by from a tie
  const long = x.toFixed(digits + extra);
  const tail = long.slice(-extra);
  if (tail !== `5${'0'.repeat(extra - 1)}`) return x.toFixed(digits);
  const kept = long.slice(0, -extra).replace(/\.$/, '');
  const last = Number(kept.at(-1));
  return last % 2 === 0 ? kept : x.toFixed(digits);
}
