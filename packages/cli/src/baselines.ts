// The baselines a network must beat, fitted on the same training rows and scored on the same test
// rows: the training mean and least squares (regression), the majority class and multinomial
// logistic regression (classification).
import type { Tensor } from '@backprop/core';
import { crossEntropy, MLP } from '@backprop/layers';
import { Adam, fit, StandardScaler } from '@backprop/optim';

/** The training mean, for every row. */
export function meanBaseline(yTrain: Tensor, rows: number): number[] {
  const y = yTrain.data;
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += y[i];
  return new Array<number>(rows).fill(sum / y.length);
}

/**
 * Ordinary least squares with an intercept, in closed form: the normal equations (XᵀX) β = Xᵀy on
 * the standardised features, solved by Gaussian elimination with partial pivoting. A direction the
 * training rows do not span (collinear columns) gets a coefficient of 0.
 */
export function leastSquaresBaseline(xTrain: Tensor, yTrain: Tensor, xTest: Tensor): number[] {
  const scaler = new StandardScaler().fit(xTrain);
  const a = withIntercept(scaler.transform(xTrain));
  const [n, p] = [a.length, (a[0] as number[]).length];
  const m = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  for (let i = 0; i < n; i++) {
    const row = a[i] as number[];
    for (let j = 0; j < p; j++) {
      for (let k = 0; k < p; k++) m[j][k] += row[j] * row[k];
      m[j][p] += row[j] * yTrain.data[i];
    }
  }
  const beta = solve(m, p);
  return withIntercept(scaler.transform(xTest)).map((row) =>
    row.reduce((s, v, j) => s + v * beta[j], 0),
  );
}

function withIntercept(x: Tensor): number[][] {
  return (x.toArray() as number[][]).map((row) => [1, ...row]);
}

/** Solves the augmented p × (p + 1) system in place. */
function solve(m: number[][], p: number): number[] {
  const scale = Math.max(...m.map((row, j) => Math.abs(row[j])));
  const tiny = 1e-12 * scale;
  const pivots: number[] = [];
  let r = 0;
  for (let c = 0; c < p && r < p; c++) {
    let best = r;
    for (let i = r + 1; i < p; i++) if (Math.abs(m[i][c]) > Math.abs(m[best][c])) best = i;
    if (Math.abs(m[best][c]) <= tiny) continue; // a direction with no data: coefficient 0
    [m[r], m[best]] = [m[best], m[r]];
    for (let i = 0; i < p; i++) {
      if (i === r) continue;
      const f = m[i][c] / m[r][c];
      for (let k = c; k <= p; k++) m[i][k] -= f * m[r][k];
    }
    pivots[c] = r++;
  }
  return Array.from({ length: p }, (_, c) =>
    pivots[c] === undefined ? 0 : m[pivots[c]][p] / m[pivots[c]][c],
  );
}

/** The most frequent training class (the first of them on a tie), for every row. */
export function majorityBaseline(yTrain: Tensor, numClasses: number, rows: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const c of yTrain.data) counts[c] += 1;
  const majority = counts.indexOf(Math.max(...counts));
  return new Array<number>(rows).fill(majority);
}

/** Epochs and step size of the logistic regression: full-batch Adam, enough to settle on these data sets. */
export const LOGISTIC = { epochs: 500, lr: 0.05, weightDecay: 1e-3 };

/**
 * Multinomial logistic regression: a network with no hidden layer (softmax of a linear map) on the
 * standardised features, minimising the cross-entropy plus a small L2 penalty (weightDecay, so
 * separable classes do not send the weights to infinity) with full-batch Adam.
 */
export function logisticBaseline(
  xTrain: Tensor,
  yTrain: Tensor,
  numClasses: number,
  xTest: Tensor,
): number[] {
  const scaler = new StandardScaler().fit(xTrain);
  const model = new MLP({
    inputs: xTrain.shape[1] as number,
    hidden: [],
    outputs: numClasses,
    seed: 0,
  });
  const rows = xTrain.shape[0] as number;
  fit(model, {
    x: scaler.transform(xTrain),
    y: yTrain,
    loss: (prediction, target) => crossEntropy(prediction, target),
    optimizer: new Adam(model.parameters(), { lr: LOGISTIC.lr, weightDecay: LOGISTIC.weightDecay }),
    epochs: LOGISTIC.epochs,
    batchSize: rows,
    shuffle: false,
    progress: false,
  });
  const logits = model.forward(scaler.transform(xTest));
  const out = logits.toArray() as number[][];
  return out.map((row) => row.indexOf(Math.max(...row)));
}
