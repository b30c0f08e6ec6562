// Reductions over one, several or all axes, each with the derivative that spreads the gradient back.
import { allocate, type TypedArray } from '../dtype.js';
import { noGrad, record } from '../engine.js';
import { ValueError } from '../errors.js';
import { reduce, sum as sumKernel } from '../kernels/reduce.js';
import { formatShape, normalizeAxes, sizeOf } from '../shape-math.js';
import { Tensor, type TensorLike, toTensor } from '../tensor.js';
import { compute } from '../trace.js';
import { where } from './binary.js';

/** Which axes to reduce: one, several, or all (`undefined`/`null`); negative axes count from the end. */
export type Axis = number | readonly number[] | null | undefined;

interface Reduction {
  x: Tensor;
  axes: number[];
  /** The output's shape with the reduced axes kept as size 1: gradients are reshaped to it and broadcast back. */
  kept: number[];
  shape: number[];
}

function plan(op: string, input: TensorLike, axis: Axis, keepDims: boolean): Reduction {
  const x = toTensor(input);
  const axes = normalizeAxes(op, axis, x.ndim);
  const kept: number[] = [];
  const shape: number[] = [];
  for (let i = 0, a = 0; i < x.ndim; i++) {
    const reduced = axes[a] === i; // axes are sorted
    if (reduced) a++;
    kept.push(reduced ? 1 : (x.shape[i] as number));
    if (!reduced) shape.push(x.shape[i] as number);
  }
  return { x, axes, kept, shape: keepDims ? kept : shape };
}

function output(r: Reduction): TypedArray {
  return allocate(r.x.dtype, sizeOf(r.kept));
}

/** Sum of the elements over `axis`. */
export function sum(input: TensorLike, axis?: Axis, keepDims = false): Tensor {
  const r = plan('sum', input, axis, keepDims);
  const out = output(r);
  compute(out, () => sumKernel(r.x.data, r.x.shape, r.axes, out));
  const y = new Tensor(out, r.shape);
  return record('sum', [r.x], y, (g) => [g.reshape(r.kept).broadcastTo(r.x.shape)]); // each element counts once
}

/** Mean of the elements over `axis` (the sum divided by the count). */
export function mean(input: TensorLike, axis?: Axis, keepDims = false): Tensor {
  const r = plan('mean', input, axis, keepDims);
  const count = r.axes.reduce((n, a) => n * (r.x.shape[a] as number), 1);
  const out = output(r);
  compute(out, () => {
    sumKernel(r.x.data, r.x.shape, r.axes, out);
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / count;
  });
  const y = new Tensor(out, r.shape);
  // each element counts 1/count
  return record('mean', [r.x], y, (g) => [
    (count === 1 ? g : g.div(count)).reshape(r.kept).broadcastTo(r.x.shape),
  ]);
}

function extreme(op: 'max' | 'min', input: TensorLike, axis: Axis, keepDims: boolean): Tensor {
  const r = plan(op, input, axis, keepDims);
  if (r.axes.some((a) => r.x.shape[a] === 0)) {
    throw new ValueError(
      `${op}: cannot reduce an empty axis (shape ${formatShape(r.x.shape)}, axes ${JSON.stringify(r.axes)})`,
    );
  }
  const y = fold(r, op === 'max' ? -Infinity : Infinity, op === 'max' ? maxNaN : minNaN);
  // the gradient goes to the element(s) that attain the extreme, shared evenly between ties
  return record(op, [r.x], y, (g) => {
    const hit = r.x.eq(y.reshape(r.kept));
    return [g.reshape(r.kept).mul(hit).div(hit.sum(r.axes, true))];
  });
}

function fold(r: Reduction, init: number, combine: (acc: number, v: number) => number): Tensor {
  const out = output(r);
  compute(out, () => reduce(r.x.data, r.x.shape, r.axes, init, combine, out));
  return new Tensor(out, r.shape);
}

const maxNaN = (acc: number, v: number) => (v > acc || Number.isNaN(v) ? v : acc);
const minNaN = (acc: number, v: number) => (v < acc || Number.isNaN(v) ? v : acc);

/** Largest element over `axis`; ties share the gradient evenly. */
export function max(input: TensorLike, axis?: Axis, keepDims = false): Tensor {
  return extreme('max', input, axis, keepDims);
}

/** Smallest element over `axis`; ties share the gradient evenly. */
export function min(input: TensorLike, axis?: Axis, keepDims = false): Tensor {
  return extreme('min', input, axis, keepDims);
}

/** log Σ exp(x) over `axis`, computed as m + log Σ exp(x − m) with m the maximum, so it never overflows. */
export function logsumexp(input: TensorLike, axis?: Axis, keepDims = false): Tensor {
  const r = plan('logsumexp', input, axis, keepDims);
  const y = noGrad(() => {
    const m = fold({ ...r, shape: r.kept }, -Infinity, maxNaN); // −∞ on an empty axis: log 0
    const shift = where(m.abs().lt(Infinity), m, 0); // all −∞ along the axis gives −∞, not NaN
    return shift.add(r.x.sub(shift).exp().sum(r.axes, true).log()).reshape(r.shape);
  });
  // ∂/∂xᵢ = exp(xᵢ − y): the softmax of x
  return record('logsumexp', [r.x], y, (g) => [
    g.reshape(r.kept).mul(r.x.sub(y.reshape(r.kept)).exp()),
  ]);
}
