// Reductions over one, several or all axes, each with the derivative that spreads the gradient back.
import { ValueError } from '../errors.js';
import { reduce, sum as sumKernel } from '../kernels/reduce.js';
import { bind, bindComposite, type Primitive } from '../primitive.js';
import { formatShape, normalizeAxes } from '../shape-math.js';
import { type Tensor, type TensorLike, toTensor } from '../tensor.js';
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
    kept.push(reduced ? 1 : x.shape[i]);
    if (!reduced) shape.push(x.shape[i]);
  }
  return { x, axes, kept, shape: keepDims ? kept : shape };
}

/** Runs a reduction's primitive: the output has the kept shape's size, viewed as `r.shape`. */
function run(p: Primitive<Reduction, readonly [Tensor]>, r: Reduction): Tensor {
  return bind(p, [r.x], r, r.shape);
}

/** A reduction's batching rule: the same axes, one further along, on the batch. */
function batched(name: string, self: () => Primitive<Reduction, readonly [Tensor]>) {
  return (xs: readonly [Tensor], _b: readonly boolean[], r: Reduction): Tensor => {
    const keepDims = r.shape.length === r.kept.length;
    return run(
      self(),
      plan(
        name,
        xs[0],
        r.axes.map((a) => a + 1),
        keepDims,
      ),
    );
  };
}

const SUM: Primitive<Reduction, readonly [Tensor]> = {
  name: 'sum',
  kernel: (xs, out, r) => sumKernel(xs[0].data, xs[0].shape, r.axes, out),
  overwrites: false,
  vjp: (g, xs, _y, r) => [g.reshape(r.kept).broadcastTo(xs[0].shape)], // each element counts once
  jvp: ([t], _xs, _y, r) => bind(SUM, [t as Tensor], r, r.shape), // linear: the sum of the tangent
  batch: batched('sum', () => SUM),
};

/** Sum of the elements over `axis`. */
export function sum(input: TensorLike, axis?: Axis, keepDims = false): Tensor {
  return run(SUM, plan('sum', input, axis, keepDims));
}

/** How many elements each output of a reduction takes in. */
function count(r: Reduction): number {
  return r.axes.reduce((n, a) => n * r.x.shape[a], 1);
}

const MEAN: Primitive<Reduction, readonly [Tensor]> = {
  name: 'mean',
  kernel: (xs, out, r) => {
    const n = count(r);
    sumKernel(xs[0].data, xs[0].shape, r.axes, out);
    for (let i = 0; i < out.length; i++) out[i] = out[i] / n;
  },
  overwrites: false,
  // each element counts 1/count
  vjp: (g, xs, _y, r) => {
    const n = count(r);
    return [(n === 1 ? g : g.div(n)).reshape(r.kept).broadcastTo(xs[0].shape)];
  },
  jvp: ([t], _xs, _y, r) => bind(MEAN, [t as Tensor], r, r.shape), // linear
  batch: batched('mean', () => MEAN),
};

/** Mean of the elements over `axis` (the sum divided by the count). */
export function mean(input: TensorLike, axis?: Axis, keepDims = false): Tensor {
  return run(MEAN, plan('mean', input, axis, keepDims));
}

const maxNaN = (acc: number, v: number) => (v > acc || Number.isNaN(v) ? v : acc);
const minNaN = (acc: number, v: number) => (v < acc || Number.isNaN(v) ? v : acc);

/** The largest or smallest element over an axis (NaN wins): a fold from ∓∞. */
function extremum(name: 'max' | 'min'): Primitive<Reduction, readonly [Tensor]> {
  const init = name === 'max' ? -Infinity : Infinity;
  const combine = name === 'max' ? maxNaN : minNaN;
  const p: Primitive<Reduction, readonly [Tensor]> = {
    name,
    kernel: (xs, out, r) => reduce(xs[0].data, xs[0].shape, r.axes, init, combine, out),
    overwrites: false,
    // the gradient goes to the element(s) that attain the extreme, shared evenly between ties
    vjp: (g, xs, y, r) => {
      const hit = xs[0].eq(y.reshape(r.kept));
      return [g.reshape(r.kept).mul(hit).div(hit.sum(r.axes, true))];
    },
    // the tangent of the element(s) attaining it, averaged over ties as the gradient is shared
    jvp: ([t], xs, y, r) => {
      const hit = xs[0].eq(y.reshape(r.kept));
      return (t as Tensor).mul(hit).sum(r.axes, true).div(hit.sum(r.axes, true)).reshape(r.shape);
    },
    batch: batched(name, () => p),
  };
  return p;
}

const MAX = extremum('max');
const MIN = extremum('min');
/** max without a derivative, for logsumexp's shift (a constant of its stable forward pass). */
const SHIFT: Primitive<Reduction, readonly [Tensor]> = {
  ...MAX,
  vjp: null,
  jvp: null,
  batch: batched('max', () => SHIFT),
};

function extreme(
  p: Primitive<Reduction, readonly [Tensor]>,
  input: TensorLike,
  axis: Axis,
  keepDims: boolean,
): Tensor {
  const r = plan(p.name, input, axis, keepDims);
  if (r.axes.some((a) => r.x.shape[a] === 0)) {
    throw new ValueError(
      `${p.name}: cannot reduce an empty axis (shape ${formatShape(r.x.shape)}, axes ${JSON.stringify(r.axes)})`,
    );
  }
  return run(p, r);
}

/** Largest element over `axis`; ties share the gradient evenly. */
export function max(input: TensorLike, axis?: Axis, keepDims = false): Tensor {
  return extreme(MAX, input, axis, keepDims);
}

/** Smallest element over `axis`; ties share the gradient evenly. */
export function min(input: TensorLike, axis?: Axis, keepDims = false): Tensor {
  return extreme(MIN, input, axis, keepDims);
}

/** log Σ exp(x) over `axis`, computed as m + log Σ exp(x − m) with m the maximum, so it never overflows. */
export function logsumexp(input: TensorLike, axis?: Axis, keepDims = false): Tensor {
  const r = plan('logsumexp', input, axis, keepDims);
  return bindComposite(
    'logsumexp',
    [r.x],
    () => {
      const m = run(SHIFT, { ...r, shape: r.kept }); // −∞ on an empty axis: log 0
      const shift = where(m.abs().lt(Infinity), m, 0); // all −∞ along the axis gives −∞, not NaN
      return shift.add(r.x.sub(shift).exp().sum(r.axes, true).log()).reshape(r.shape);
    },
    // ∂/∂xᵢ = exp(xᵢ − y): the softmax of x
    (g, y) => [g.reshape(r.kept).mul(r.x.sub(y.reshape(r.kept)).exp())],
  );
}
