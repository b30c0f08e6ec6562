// Internal helpers shared by the data utilities and the metrics: reading inputs as plain numbers
// with errors that name the function and the argument, and copying rows of a tensor.
import {
  ShapeError,
  Tensor,
  type TensorLike,
  type TypedArray,
  tensor,
  ValueError,
} from '@backprop/core';

/** A tensor as given, or a fresh one from numbers / nested arrays (non-finite values kept, checked later). */
export function asTensor(value: TensorLike): Tensor {
  return value instanceof Tensor ? value : tensor(value, { allowNonFinite: true });
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** One value per sample: shape [n] or [n, 1]. */
export function vectorOf(fn: string, arg: string, value: TensorLike): TypedArray {
  const t = asTensor(value);
  if (t.ndim === 1 || (t.ndim === 2 && t.shape[1] === 1)) return t.data;
  throw new ShapeError(
    `${fn}: ${arg} has shape ${formatShape(t.shape)}; expected one value per sample, shape [n] or [n, 1]`,
  );
}

/** Throws when an element is NaN or ±Infinity, naming its index. */
export function checkFinite(fn: string, arg: string, data: ArrayLike<number>): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v))
      throw new ValueError(`${fn}: ${arg}[${i}] is ${v}; expected a finite number`);
  }
}

/** Class labels: integers ≥ 0, one per sample. */
export function labelsOf(fn: string, arg: string, value: TensorLike): Int32Array {
  const t = asTensor(value);
  if (!(t.ndim === 1 || (t.ndim === 2 && t.shape[1] === 1))) {
    const hint =
      t.ndim === 2 ? ' (for scores or probabilities per class, take argmax(scores) first)' : '';
    throw new ShapeError(
      `${fn}: ${arg} has shape ${formatShape(t.shape)}; expected one class label per sample, shape [n] or [n, 1]${hint}`,
    );
  }
  const out = new Int32Array(t.size);
  for (let i = 0; i < t.size; i++) {
    const v = t.data[i];
    if (!Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1) {
      throw new ValueError(`${fn}: ${arg}[${i}] is ${v}; class labels must be integers ≥ 0`);
    }
    out[i] = v;
  }
  return out;
}

export function checkSameLength(fn: string, a: string, na: number, b: string, nb: number): void {
  if (na !== nb) {
    throw new ShapeError(`${fn}: ${a} has ${na} samples but ${b} has ${nb}; they must match`);
  }
}

/** A new leaf holding the rows `indices` (along axis 0) of `t`, in that order. */
export function takeRows(t: Tensor, indices: readonly number[]): Tensor {
  const rowSize = t.ndim === 0 ? 1 : t.size / t.shape[0];
  const out =
    t.dtype === 'float32'
      ? new Float32Array(indices.length * rowSize)
      : new Float64Array(indices.length * rowSize);
  for (let r = 0; r < indices.length; r++) {
    const start = indices[r] * rowSize;
    out.set(t.data.subarray(start, start + rowSize), r * rowSize);
  }
  return new Tensor(out, [indices.length, ...t.shape.slice(1)]);
}
