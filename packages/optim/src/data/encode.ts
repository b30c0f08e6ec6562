// Class labels to one-hot rows (targets for a softmax output) and scores back to labels.
import { ShapeError, Tensor, type TensorLike, ValueError } from '@backprop/core';
import { asTensor, formatShape } from './input.js';

/**
 * One row per label with a 1 in the label's column: labels [n] (or [n, 1]) → [n, numClasses].
 * Labels must be integers 0 … numClasses − 1; `numClasses` defaults to the largest label + 1.
 * @example
 * console.log(oneHot([0, 2, 1]).toArray()); // → [ [ 1, 0, 0 ], [ 0, 0, 1 ], [ 0, 1, 0 ] ]
 */
export function oneHot(labels: TensorLike, numClasses?: number): Tensor {
  const t = asTensor(labels);
  if (!(t.ndim === 1 || (t.ndim === 2 && t.shape[1] === 1))) {
    throw new ShapeError(
      `oneHot: labels have shape ${formatShape(t.shape)}; expected one label per sample, shape [n] or [n, 1]`,
    );
  }
  const n = t.size;
  for (let i = 0; i < n; i++) {
    const v = t.data[i];
    if (!Number.isInteger(v) || v < 0) {
      throw new ValueError(`oneHot: label ${i} is ${v}; class labels must be integers ≥ 0`);
    }
  }
  let k: number;
  if (numClasses === undefined) {
    if (n === 0) throw new ValueError('oneHot: no labels; pass numClasses to encode an empty list');
    k = 0;
    for (let i = 0; i < n; i++) k = Math.max(k, t.data[i] + 1);
  } else {
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new ValueError(`oneHot: numClasses must be an integer ≥ 1, got ${numClasses}`);
    }
    k = numClasses;
    for (let i = 0; i < n; i++) {
      if (t.data[i] >= k) {
        throw new ValueError(
          `oneHot: label ${i} is ${t.data[i]}, out of range for ${k} classes (0 … ${k - 1})`,
        );
      }
    }
  }
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) out[i * k + t.data[i]] = 1;
  return new Tensor(out, [n, k]);
}

/**
 * The column of each row's largest value: scores or probabilities [n, c] → predicted class
 * labels (n numbers). Ties go to the first column, as NumPy's argmax; a NaN is an error.
 * @example
 * console.log(argmax([[0.1, 0.7, 0.2], [0.8, 0.1, 0.1]])); // → [ 1, 0 ]
 */
export function argmax(scores: TensorLike): number[] {
  const t = asTensor(scores);
  if (t.ndim !== 2 || t.shape[1] < 1) {
    throw new ShapeError(
      `argmax: scores have shape ${formatShape(t.shape)}; expected [n, classes] with at least one class`,
    );
  }
  const [n, c] = t.shape as [number, number];
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 0; j < c; j++) {
      const v = t.data[i * c + j];
      if (Number.isNaN(v)) throw new ValueError(`argmax: row ${i}, column ${j} is NaN`);
      if (v > t.data[i * c + best]) best = j;
    }
    out[i] = best;
  }
  return out;
}
