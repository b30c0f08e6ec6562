// fit's data: x and y as tensors with a sample axis, finite and row for row, and the rows that
// validationSplit holds out.
import {
  type Generator,
  noGrad,
  ShapeError,
  Tensor,
  type TensorLike,
  type TypedArray,
  toTensor,
  ValueError,
} from '@backprop/core';
import { shuffleIndices } from './data/split.js';
import { inContext, shapeOf } from './fit-errors.js';

export interface Data {
  x: Tensor;
  y: Tensor;
}

/** x and y as tensors with a sample axis, the same number of rows, and finite values. */
export function readData(
  fn: string,
  xName: string,
  yName: string,
  xIn: TensorLike,
  yIn: TensorLike,
): Data {
  const x = asData(fn, xName, xIn);
  return { x, y: matchRows(fn, xName, yName, x, asData(fn, yName, yIn)) };
}

/** y, once it is known to have a row for each of x's, and x to have rows. */
export function matchRows(fn: string, xName: string, yName: string, x: Tensor, y: Tensor): Tensor {
  const nx = x.shape[0];
  const ny = y.shape[0];
  if (nx !== ny) {
    throw new ShapeError(
      `${fn}: ${xName} has ${nx} rows (samples) but ${yName} has ${ny}; they must match (x ${shapeOf(x)}, y ${shapeOf(y)})`,
    );
  }
  if (nx === 0) throw new ValueError(`${fn}: ${xName} has no samples`);
  return y;
}

/** A tensor with a sample axis and finite values, cut off from any graph. */
export function asData(fn: string, name: string, value: TensorLike): Tensor {
  if (value === undefined || value === null) throw new ValueError(`${fn}: ${name} is required`);
  const t = inContext(`${fn}: ${name}`, () => (value instanceof Tensor ? value : toTensor(value)));
  if (t.ndim === 0) {
    throw new ShapeError(
      `${fn}: ${name} is a scalar; it needs a sample axis (axis 0), one row per sample`,
    );
  }
  const bad = t.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    const row = Math.floor(bad / (t.size / t.shape[0]));
    throw new ValueError(
      `${fn}: ${name} holds ${t.data[bad]} in row ${row}; the data must be finite`,
    );
  }
  // Data computed with a graph (from tensors that require grad) is cut off from it, so that no
  // batch backpropagates into whatever made it.
  return t.isLeaf ? t : t.detach();
}

/** What splitData needs of fit's checked settings (fit-options.ts's FitSettings has it all). */
interface DataSettings extends Data {
  validation?: Data;
  validationSplit?: number;
  generator: Generator;
}

/** The training data, and the validation data (given, or held out by validationSplit). */
export function splitData(
  settings: DataSettings,
): Data & { rows: number[] | null; validation?: Data; validationIndices?: number[] } {
  const { x, y, validationSplit: split, generator } = settings;
  if (split === undefined) return { x, y, rows: null, validation: settings.validation };
  const n = x.shape[0];
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

/**
 * The minibatch of rows `order[start]`, …, `order[end − 1]` of `t` (a leaf: fit's data is cut
 * off from any graph), the values `t.gather(order.slice(start, end))` gives. One sample is its
 * row seen in place; more are copied row by row. With per-sample SGD (p. 10) a step is a few
 * microseconds, and an op (index checks, a node, its arrays) for each batch would cost as much.
 */
function batchRows(t: Tensor, order: readonly number[], start: number, end: number): Tensor {
  const count = end - start;
  const shape = [count, ...t.shape.slice(1)];
  const w = width(t);
  if (count === 1) {
    const row = order[start] as number;
    return new Tensor(t.data.subarray(row * w, (row + 1) * w), shape);
  }
  const out = t.dtype === 'float32' ? new Float32Array(count * w) : new Float64Array(count * w);
  copyRows(t, order, start, end, out);
  return new Tensor(out, shape);
}

/** The number of values in a row (a sample) of `t`. */
function width(t: Tensor): number {
  const n = t.shape[0] as number;
  return n === 0 ? 0 : t.size / n;
}

/** Rows `order[start]`, …, `order[end − 1]` of `t`, one after another into `out`. */
function copyRows(
  t: Tensor,
  order: readonly number[],
  start: number,
  end: number,
  out: TypedArray,
): void {
  const w = width(t);
  const from = t.data;
  for (let r = start, o = 0; r < end; r++) {
    for (let i = (order[r] as number) * w, stop = i + w; i < stop; i++)
      out[o++] = from[i] as number;
  }
}

/** The minibatches of a tensor: `rows(order, start, end)` is rows `order[start]`, …, `order[end − 1]`. */
export interface Batches {
  rows(order: readonly number[], start: number, end: number): Tensor;
}

/**
 * The minibatches of `t`. With `reuse`, in tensors of its own refilled for every batch (one per
 * batch size): for a compiled step, which copies its arguments into its trace and keeps nothing
 * of them, so a batch costs no objects at all. Without, each a fresh view or copy (`batchRows`):
 * for eager steps, whose graph (or a user's model) may keep the batch it was given.
 */
export function batchesOf(t: Tensor, reuse: boolean): Batches {
  return reuse
    ? new ReusedBatches(t)
    : { rows: (order, start, end) => batchRows(t, order, start, end) };
}

/** `batchRows` into a tensor per batch size, refilled for every batch. */
class ReusedBatches implements Batches {
  private readonly made = new Map<number, Tensor>();
  constructor(private readonly t: Tensor) {}

  rows(order: readonly number[], start: number, end: number): Tensor {
    const count = end - start;
    let batch = this.made.get(count);
    if (batch === undefined) {
      batch = batchRows(this.t, order, start, end).clone();
      this.made.set(count, batch);
    } else copyRows(this.t, order, start, end, batch.data);
    return batch;
  }
}
