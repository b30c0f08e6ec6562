// fit's data: x and y as tensors with a sample axis, finite and row for row, and the rows that
// validationSplit holds out.
import {
  type Captured,
  capture,
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

/** What fit runs on a minibatch: the model and the loss (and backward), given x's and y's rows. */
export type BatchFn = (xb: Tensor, yb: Tensor) => Tensor | [Tensor, Tensor];

/** fit's step, or its evaluation, on minibatches of x and y. */
export interface BatchRunner {
  /** The data it takes the rows of. */
  readonly x: Tensor;
  readonly y: Tensor;
  /**
   * `fn` on rows `order[start]`, …, `order[end − 1]` of x and y: the loss, with the prediction
   * where fit asked for it. A captured runner's next batch refills these tensors.
   */
  run(order: readonly number[], start: number, end: number): Tensor | [Tensor, Tensor];
  /** The x and y rows of the last batch `run` was given. */
  batch(): [Tensor, Tensor];
  /** `t`, one of the tensors `run` returned, kept past the next batch (and cut off from any graph). */
  keep(t: Tensor): Tensor;
}

/**
 * A runner of `fn` on minibatches of `x` and `y`. Captured (`capture` from core, one trace per
 * batch size) where fit compiles: each batch's rows are copied into the trace's inputs and its
 * steps replayed, with nothing else around them. Otherwise eager, on a fresh view or copy of the
 * rows (`batchRows`): a graph, or a user's model, may keep the batch it was given.
 */
export function batchRunner(fn: BatchFn, x: Tensor, y: Tensor, captured: boolean): BatchRunner {
  return captured ? new CapturedRunner(fn, x, y) : new EagerRunner(fn, x, y);
}

class EagerRunner implements BatchRunner {
  private last: [Tensor, Tensor] | null = null;
  constructor(
    private readonly fn: BatchFn,
    readonly x: Tensor,
    readonly y: Tensor,
  ) {}

  run(order: readonly number[], start: number, end: number): Tensor | [Tensor, Tensor] {
    const xb = batchRows(this.x, order, start, end);
    const yb = batchRows(this.y, order, start, end);
    this.last = [xb, yb];
    return this.fn(xb, yb);
  }

  batch(): [Tensor, Tensor] {
    return this.last as [Tensor, Tensor];
  }

  keep(t: Tensor): Tensor {
    return t.detach(); // each batch's tensors are its own
  }
}

class CapturedRunner implements BatchRunner {
  private readonly made = new Map<number, Captured<Tensor | [Tensor, Tensor]>>();
  private last: Captured<Tensor | [Tensor, Tensor]> | null = null;
  constructor(
    private readonly fn: BatchFn,
    readonly x: Tensor,
    readonly y: Tensor,
  ) {}

  run(order: readonly number[], start: number, end: number): Tensor | [Tensor, Tensor] {
    const count = end - start;
    let c = this.made.get(count);
    if (c === undefined) {
      // the batch's first run is the trace (capture copies its arguments)
      c = capture(
        this.fn,
        batchRows(this.x, order, start, end),
        batchRows(this.y, order, start, end),
      );
      this.made.set(count, c);
    } else {
      copyRows(this.x, order, start, end, (c.inputs[0] as Tensor).data);
      copyRows(this.y, order, start, end, (c.inputs[1] as Tensor).data);
      c.replay();
    }
    this.last = c;
    return c.outputs;
  }

  batch(): [Tensor, Tensor] {
    const inputs = (this.last as Captured<unknown>).inputs;
    return [inputs[0] as Tensor, inputs[1] as Tensor];
  }

  keep(t: Tensor): Tensor {
    return t.clone(); // the next batch's replay refills it
  }
}
