// Ops that change shape or move elements: each with the derivative that moves gradients back.
import { AxisError, ShapeError, ValueError } from '../errors.js';
import { activeDepth, batchFrameOf } from '../frames.js';
import { broadcastCopy } from '../kernels/elementwise.js';
import * as layout from '../kernels/layout.js';
import * as reduce from '../kernels/reduce.js';
import { bind, bindView, type Primitive } from '../primitive.js';
import {
  broadcastShapes,
  checkShape,
  formatShape,
  normalizeAxes,
  normalizeAxis,
  type Shape,
  sameShape,
} from '../shape-math.js';
import { type IndicesLike, Tensor, type TensorLike, toTensor } from '../tensor.js';
import { lift, spread } from './batching.js';
import { operands } from './operands.js';

/** The same elements in a new shape; one size may be −1 (inferred). Shares the data. */
export function reshape(input: TensorLike, shape: readonly number[]): Tensor {
  const x = toTensor(input);
  let unknown = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (d === -1 && unknown < 0) unknown = i;
    else if (d === -1)
      throw new ShapeError(`reshape: only one size may be −1, got ${formatShape(shape)}`);
    else if (Number.isInteger(d) && d >= 0) known *= d;
    else {
      throw new ShapeError(
        `reshape: invalid shape ${formatShape(shape)}; sizes must be non-negative integers or one −1`,
      );
    }
  }
  if (unknown < 0 && sameShape(shape, x.shape)) return x;
  const target = [...shape]; // the caller's array may change later; the tensor's shape must not
  if (unknown >= 0) {
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(
        `reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)}`,
      );
    }
    target[unknown] = x.size / known;
    if (sameShape(target, x.shape)) return x;
  } else if (known !== x.size) {
    throw new ShapeError(
      `reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)} (${known} elements)`,
    );
  }
  return bindView('reshape', x, target, (g) => g.reshape(x.shape));
}

/** Permutes the axes (`perm[i]` is the input axis that becomes axis i); by default reverses them. */
export function transpose(input: TensorLike, perm?: readonly number[]): Tensor {
  const x = toTensor(input);
  const p = perm
    ? perm.map((a) => normalizeAxis('transpose', a, x.ndim))
    : x.shape.map((_, i) => x.ndim - 1 - i);
  if (p.length !== x.ndim || new Set(p).size !== p.length) {
    throw new AxisError(
      `transpose: perm ${JSON.stringify(perm)} is not a permutation of the ${x.ndim} axes of a tensor of shape ${formatShape(x.shape)}`,
    );
  }
  if (p.every((a, i) => a === i)) return x;
  return bind(
    TRANSPOSE,
    [x],
    p,
    p.map((a) => x.shape[a]),
  );
}

/** Its parameter: the permutation. */
const TRANSPOSE: Primitive<readonly number[], readonly [Tensor]> = {
  name: 'transpose',
  kernel: (xs, out, perm) => layout.transpose(xs[0].data, xs[0].shape, perm, out),
  overwrites: true,
  vjp: (g, _x, _y, perm) => [g.transpose(perm.map((_, i) => perm.indexOf(i)))],
  jvp: ([t], _x, _y, perm) => (t as Tensor).transpose(perm),
  batch: (xs, _b, perm) => xs[0].transpose([0, ...perm.map((a) => a + 1)]),
};

/** Repeats `x` along new leading axes and axes of size 1 to reach `shape` (NumPy rules). */
export function broadcastTo(input: TensorLike, shape: readonly number[]): Tensor {
  const x = toTensor(input);
  if (sameShape(x.shape, shape)) return x; // as in every derivative rule that spreads a gradient back
  const target = checkShape('broadcastTo', shape);
  if (
    x.ndim > target.length ||
    !sameShape(broadcastShapes('broadcastTo', x.shape, target), target)
  ) {
    throw new ShapeError(
      `broadcastTo: cannot broadcast shape ${formatShape(x.shape)} to ${formatShape(target)}`,
    );
  }
  return bind(BROADCAST_TO, [x], target, target);
}

/** Its parameter: the target shape. */
const BROADCAST_TO: Primitive<Shape, readonly [Tensor]> = {
  name: 'broadcastTo',
  kernel: (xs, out, target) => broadcastCopy(xs[0].data, xs[0].shape, target, out),
  overwrites: true,
  vjp: (g, xs) => [sumTo(g, xs[0].shape)], // copies' gradients add up
  jvp: ([t], _x, _y, target) => (t as Tensor).broadcastTo(target),
  // the sample's axes right-aligned after the batch axis, then broadcast
  batch: (xs, _b, target) =>
    lift(xs[0], true, target.length).broadcastTo([xs[0].shape[0] as number, ...target]),
};

/**
 * Sums `x` over the axes that broadcasting added or stretched, giving a tensor of `shape`: the
 * adjoint of `broadcastTo`, and how every broadcasting op sums its gradients back.
 */
// #region sum-to
export function sumTo(x: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const lead = x.ndim - shape.length;
  let fits = lead >= 0;
  const axes: number[] = []; // the added axes, and those stretched from size 1
  for (let i = 0; i < x.ndim && fits; i++) {
    const d = i < lead ? 1 : shape[i - lead];
    if (d === 1 && x.shape[i] !== 1) axes.push(i);
    else fits = d === x.shape[i];
  }
  if (!fits) {
    throw new ShapeError(
      `sumTo: cannot sum shape ${formatShape(x.shape)} to ${formatShape(shape)}, which does not broadcast to it`,
    );
  }
  return bind(SUM_TO, [x], axes, [...shape]); // a copy of the shape: the caller's array may change later
}

/** Its parameter: the axes summed over. */
const SUM_TO: Primitive<readonly number[], readonly [Tensor]> = {
  name: 'sumTo',
  kernel: (xs, out, axes) => reduce.sum(xs[0].data, xs[0].shape, axes, out),
  overwrites: false,
  vjp: (g, xs) => [g.broadcastTo(xs[0].shape)], // each copy gets the sum's gradient
  jvp: ([t], _x, y, axes) => bind(SUM_TO, [t as Tensor], axes, y.shape), // linear
  // the same axes one further along; the axes it drops were summed to size 1, so a view drops them
  batch: (xs, _b, axes, { shape, size }) =>
    bind(
      SUM_TO,
      xs,
      axes.map((a) => a + 1),
      [size, ...shape],
    ),
};
// #endregion sum-to

/** Removes axes of size 1 (all of them, or those named). */
export function squeeze(input: TensorLike, axis?: number | readonly number[]): Tensor {
  const x = toTensor(input);
  const axes =
    axis === undefined
      ? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : normalizeAxes('squeeze', axis, x.ndim);
  for (const a of axes) {
    if (x.shape[a] !== 1)
      throw new ShapeError(
        `squeeze: axis ${a} of shape ${formatShape(x.shape)} has size ${x.shape[a]}, not 1`,
      );
  }
  return reshape(
    x,
    x.shape.filter((_, i) => !axes.includes(i)),
  );
}

/** Inserts an axis of size 1 at `axis` (−1 appends). */
export function unsqueeze(input: TensorLike, axis: number): Tensor {
  const x = toTensor(input);
  const a = normalizeAxis('unsqueeze', axis, x.ndim + 1);
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

/**
 * The block from `starts` (inclusive) to `ends` (exclusive) on each axis, like Python's
 * `x[s0:e0, s1:e1]`: negative positions count from the end, `null` or a missing entry means the
 * whole axis, positions past the end are clipped.
 */
export function slice(
  input: TensorLike,
  starts: readonly (number | null)[],
  ends: readonly (number | null)[] = [],
): Tensor {
  const x = toTensor(input);
  if (starts.length > x.ndim || ends.length > x.ndim) {
    throw new AxisError(
      `slice: got ${Math.max(starts.length, ends.length)} positions for a tensor of ${x.ndim} axes (shape ${formatShape(x.shape)})`,
    );
  }
  const begin: number[] = [];
  const size: number[] = [];
  x.shape.forEach((d, i) => {
    const s = clip(starts[i] ?? 0, d, 'start', i);
    const e = clip(ends[i] ?? d, d, 'end', i);
    begin.push(s);
    size.push(Math.max(0, e - s));
  });
  if (sameShape(size, x.shape)) return x;
  return bind(SLICE, [x], { begin, size, zeros: origin(size) }, size);
}

/** Where a block starts, and its size; `zeros` is [0, 0, …]. */
interface Block {
  begin: number[];
  size: number[];
  zeros: number[];
}

const SLICE: Primitive<Block, readonly [Tensor]> = {
  name: 'slice',
  kernel: (xs, out, { begin, size, zeros }) =>
    layout.copyRegion(xs[0].data, xs[0].shape, begin, out, size, zeros, size),
  overwrites: false,
  vjp: (g, xs, _y, { begin, size }) => [
    g.pad(begin.map((b, i) => [b, xs[0].shape[i] - b - size[i]])),
  ],
  jvp: ([t], _x, _y, block) => bind(SLICE, [t as Tensor], block, block.size), // linear
  batch: (xs, _b, { begin, size }) =>
    xs[0].slice([0, ...begin], [xs[0].shape[0] as number, ...begin.map((b, i) => b + size[i])]),
};

/** The first position of every axis of `shape`: [0, 0, …]. */
const origin = (shape: Shape) => shape.map(() => 0);

function clip(pos: number, dim: number, what: string, axis: number): number {
  if (!Number.isInteger(pos))
    throw new ValueError(`slice: ${what} ${pos} on axis ${axis} is not an integer`);
  const p = pos < 0 ? pos + dim : pos;
  return Math.min(Math.max(p, 0), dim);
}

/** Adds `widths[i] = [before, after]` zeros around axis i. The adjoint of `slice`. */
export function pad(input: TensorLike, widths: readonly (readonly [number, number])[]): Tensor {
  const x = toTensor(input);
  if (
    widths.length !== x.ndim ||
    widths.some((w) => w.length !== 2 || w.some((v) => !Number.isInteger(v) || v < 0))
  ) {
    throw new ValueError(
      `pad: expected ${x.ndim} pairs [before, after] of non-negative integers for shape ${formatShape(x.shape)}, got ${JSON.stringify(widths)}`,
    );
  }
  const shape = x.shape.map((d, i) => d + (widths[i]?.[0] ?? 0) + (widths[i]?.[1] ?? 0));
  if (sameShape(shape, x.shape)) return x;
  const before = widths.map((w) => w[0]);
  return bind(PAD, [x], { begin: before, size: shape, zeros: origin(x.shape) }, shape);
}

/** Its parameters: where the input's block starts in the output, and the output's shape. */
const PAD: Primitive<Block, readonly [Tensor]> = {
  name: 'pad',
  kernel: (xs, out, { begin, size, zeros }) => {
    const t = xs[0];
    layout.copyRegion(t.data, t.shape, zeros, out, size, begin, t.shape);
  },
  overwrites: false,
  vjp: (g, xs, _y, { begin }) => [
    g.slice(
      begin,
      begin.map((b, i) => b + xs[0].shape[i]),
    ),
  ],
  jvp: ([t], _x, _y, block) => bind(PAD, [t as Tensor], block, block.size), // linear
  batch: (xs, _b, { begin, size }) => {
    const x = xs[0];
    return x.pad([
      [0, 0],
      ...begin.map((b, i): [number, number] => [b, size[i] - b - x.shape[i + 1]]),
    ]);
  },
};

/** Joins tensors along an existing axis; all other sizes must agree. */
export function concat(inputs: readonly TensorLike[], axis = 0): Tensor {
  if (inputs.length === 0) throw new ValueError('concat: expected at least one tensor');
  const xs = operands('concat', ...inputs);
  const first = xs[0] as Tensor;
  const a = normalizeAxis('concat', axis, first.ndim);
  for (const [i, x] of xs.entries()) {
    if (x.ndim !== first.ndim || x.shape.some((d, k) => k !== a && d !== first.shape[k])) {
      throw new ShapeError(
        `concat: tensor ${i} has shape ${formatShape(x.shape)} but tensor 0 has ${formatShape(first.shape)}; ` +
          `all sizes except axis ${a} must agree`,
      );
    }
  }
  if (xs.length === 1) return first;
  const shape = [...first.shape];
  shape[a] = xs.reduce((n, x) => n + x.shape[a], 0);
  const offsets: number[] = [];
  let offset = 0;
  for (const x of xs) {
    offsets.push(offset);
    offset += x.shape[a];
  }
  // where each input's block starts in the output
  const starts = offsets.map((o) => shape.map((_, k) => (k === a ? o : 0)));
  return bind(CONCAT, xs, { axis: a, shape, offsets, starts, zeros: origin(shape) }, shape);
}

interface Joint {
  axis: number;
  shape: number[];
  /** Where each input starts along the axis, and where its block starts in the output. */
  offsets: number[];
  starts: number[][];
  zeros: number[];
}

const CONCAT: Primitive<Joint> = {
  name: 'concat',
  kernel: (xs, out, { shape, starts, zeros }) => {
    xs.forEach((x, i) => {
      layout.copyRegion(x.data, x.shape, zeros, out, shape, starts[i] as number[], x.shape);
    });
  },
  overwrites: false,
  // each input's gradient is its block of the output's gradient
  vjp: (g, xs, _y, { axis, shape, offsets }) =>
    xs.map((x, i) => {
      const from = offsets[i];
      return g.slice(
        shape.map((_, k) => (k === axis ? from : 0)),
        shape.map((d, k) => (k === axis ? from + x.shape[axis] : d)),
      );
    }),
  // the tangents joined like the values (zeros for inputs without one)
  jvp: (ts, xs, _y, { axis }) =>
    concat(
      ts.map((t, i) => t ?? (xs[i] as Tensor).zerosLike()),
      axis,
    ),
  batch: (xs, batched, { axis }, { size }) =>
    concat(
      xs.map((x, i) => spread(x, batched[i] as boolean, size)),
      axis + 1,
    ),
};

/** Joins tensors of equal shape along a new axis. */
export function stack(inputs: readonly TensorLike[], axis = 0): Tensor {
  if (inputs.length === 0) throw new ValueError('stack: expected at least one tensor');
  const xs = operands('stack', ...inputs);
  const first = xs[0] as Tensor;
  xs.forEach((x, i) => {
    if (!sameShape(x.shape, first.shape)) {
      throw new ShapeError(
        `stack: tensor ${i} has shape ${formatShape(x.shape)} but tensor 0 has ${formatShape(first.shape)}; all must be equal`,
      );
    }
  });
  const a = normalizeAxis('stack', axis, first.ndim + 1);
  return concat(
    xs.map((x) => x.unsqueeze(a)),
    a,
  );
}

/** Indices that vmap batched would be read as NaN (they are not an input the batching rule sees). */
function checkIndices(op: string, indices: IndicesLike): void {
  if (indices instanceof Tensor && activeDepth() > 0 && batchFrameOf(indices) !== undefined) {
    throw new ValueError(
      `${op}: the indices differ per sample (vmap batched them); ${op} inside vmap takes indices that ` +
        'are the same for every sample: give them inAxes null, or pick with a one-hot mask (mul, sum)',
    );
  }
}

function indexCount(indices: IndicesLike): number {
  return indices instanceof Tensor ? indices.size : indices.length;
}

function toIndices(op: string, indices: IndicesLike, size: number, axis: number): Int32Array {
  const raw: ArrayLike<number> = indices instanceof Tensor ? indices.data : indices;
  const out = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (!Number.isInteger(v) || v < -size || v >= size) {
      throw new ValueError(
        `${op}: index ${v} (position ${i}) is out of range for axis ${axis} of size ${size}`,
      );
    }
    out[i] = v < 0 ? v + size : v;
  }
  return out;
}

/** The slices at `indices` along `axis` (rows by default): `x.gather([2, 0])` picks rows 2 and 0. */
export function gather(input: TensorLike, indices: IndicesLike, axis = 0): Tensor {
  const x = toTensor(input);
  checkIndices('gather', indices);
  const a = normalizeAxis('gather', axis, x.ndim);
  const shape = [...x.shape];
  shape[a] = indexCount(indices);
  return bind(GATHER, [x], { indices, axis: a, size: x.shape[a], count: shape[a] }, shape);
}

/**
 * The indices (read by the kernel when it runs, so a compiled function reads them afresh on every
 * call), the axis, the size of the axis they index, and how many there were when the op ran.
 */
interface Picks {
  indices: IndicesLike;
  axis: number;
  size: number;
  count: number;
}

/**
 * A compiled function replays its kernels on the arrays of its first call: indices it closes over
 * may change their values between calls, not their number (that would change the output's shape).
 */
function sameCount(op: string, { indices, count }: Picks): void {
  const n = indexCount(indices);
  if (n !== count) {
    throw new ValueError(
      `${op}: ${n} indices where the compiled function was traced with ${count}; indices it closes ` +
        'over may change their values between calls, not their number: pass them as an argument ' +
        '(an Int32Array or a tensor), so that a new number traces again',
    );
  }
}

const GATHER: Primitive<Picks, readonly [Tensor]> = {
  name: 'gather',
  kernel: (xs, out, picks) => {
    sameCount('gather', picks);
    const { indices, axis, size } = picks;
    const t = xs[0];
    layout.gather(t.data, t.shape, axis, toIndices('gather', indices, size, axis), out);
  },
  overwrites: false,
  vjp: (g, _x, _y, { indices, axis, size }) => [scatterAdd(g, indices, size, axis)], // picked rows get their gradients back, summed
  jvp: ([t], _x, y, picks) => bind(GATHER, [t as Tensor], picks, y.shape), // linear
  batch: (xs, _b, { indices, axis }) => gather(xs[0], indices, axis + 1),
};

/** The adjoint of `gather`: a tensor with `size` slices along `axis`, where slice j of `x` is added at `indices[j]`. */
export function scatterAdd(
  input: TensorLike,
  indices: IndicesLike,
  size: number,
  axis = 0,
): Tensor {
  const x = toTensor(input);
  checkIndices('scatterAdd', indices);
  const a = normalizeAxis('scatterAdd', axis, x.ndim);
  const count = indexCount(indices);
  if (count !== x.shape[a]) {
    throw new ShapeError(
      `scatterAdd: ${count} indices for axis ${a} of shape ${formatShape(x.shape)}; expected ${x.shape[a]}`,
    );
  }
  if (!Number.isInteger(size) || size < 0) {
    throw new ValueError(`scatterAdd: size must be a non-negative integer, got ${size}`);
  }
  const shape = [...x.shape];
  shape[a] = size;
  return bind(SCATTER_ADD, [x], { indices, axis: a, size, count, shape }, shape);
}

const SCATTER_ADD: Primitive<Picks & { shape: Shape }, readonly [Tensor]> = {
  name: 'scatterAdd',
  kernel: (xs, out, picks) => {
    sameCount('scatterAdd', picks);
    const { indices, axis, size, shape } = picks;
    const idx = toIndices('scatterAdd', indices, size, axis);
    layout.scatterAdd(xs[0].data, shape, axis, idx, out);
  },
  overwrites: false,
  vjp: (g, _x, _y, { indices, axis }) => [g.gather(indices, axis)],
  jvp: ([t], _x, y, picks) => bind(SCATTER_ADD, [t as Tensor], picks, y.shape), // linear
  batch: (xs, _b, { indices, axis, size }) => scatterAdd(xs[0], indices, size, axis + 1),
};
