// The Tensor: an n-dimensional row-major array that remembers how it was computed.
import { tensor } from './create.js';
import { allocate, type DType, type TypedArray } from './dtype.js';
import { backward, type GraphNode } from './engine.js';
import { GradError, ShapeError, ValueError } from './errors.js';
import { formatTensor } from './format.js';
import { activeDepth, batchFrameOf, carryOver } from './frames.js';
import * as binary from './ops/binary.js';
import { matmul } from './ops/matmul.js';
import * as reduce from './ops/reduce.js';
import * as shapeOps from './ops/shape.js';
import { logSoftmax, softmax } from './ops/softmax.js';
import * as unary from './ops/unary.js';
import { currentRecording } from './recording.js';
import { checkShape, formatShape } from './shape-math.js';

/** Nested arrays of numbers, as `tensor()` takes and `toArray()` gives. */
export type NestedArray = number | readonly NestedArray[];

/** Anything an op accepts where a tensor is expected: a tensor, a number or nested arrays. */
export type TensorLike = Tensor | number | readonly NestedArray[] | TypedArray;

/** Indices for `gather`: plain integers, an Int32Array or a tensor holding integers. */
export type IndicesLike = readonly number[] | Int32Array | Tensor;

/**
 * An n-dimensional array of float64 or float32 numbers, row-major, that remembers the op that
 * computed it, so `backward()` can send gradients back to the leaves. Ops take `TensorLike`
 * operands and broadcast them as NumPy does; both operands of an op must have the same dtype.
 * Make tensors with `tensor()` and the other factories, not the constructor.
 * @example
 * import { tensor } from '@backprop/core';
 * const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const loss = w.matmul(tensor([1, 1])).square().sum(); // (1 + 2)² + (3 + 4)²
 * loss.backward();
 * console.log(loss.item()); // → 58
 */
export class Tensor {
  /**
   * The elements, row-major. Treat as read-only: tensors are immutable values (optimisers are the
   * exception: they update parameters in place). A small array may be a view into a larger shared
   * buffer, so use `data` itself, not `data.buffer`.
   */
  readonly data: TypedArray;
  /** The size of each axis, outermost first; `[]` for a scalar. Do not change it. */
  readonly shape: readonly number[];
  /** The element type: set once, since every op asks for it. */
  readonly dtype: DType;
  /** The gradient accumulated by `backward()` (leaves, and tensors marked with `retainGrad()`). */
  grad: Tensor | null = null;
  /** An optional label shown by `toString`, `toDot` and `toMermaid`. */
  label: string | undefined;
  /** @internal The op that produced this tensor; `null` for a leaf. */
  _node: GraphNode | null = null;
  /** @internal */
  _retainGrad = false;
  /** @internal How many times `data` was changed in place (`markChanged`); checked by backward. */
  _version = 0;
  /** @internal The engine's bookkeeping while it sorts the graph (see engine.ts). */
  _mark = 0;
  /** @internal */
  _slot = -1;
  /**
   * @internal The serial number `bind` (primitive.ts) gave the array it made for this tensor; 0
   * for any other tensor. How `backward` tells gradients its sweep made from older arrays.
   */
  _made = 0;
  private _leafRequiresGrad = false;

  /**
   * Wraps `data` as a tensor of `shape`; most code wants `tensor()` instead. Neither is copied:
   * tensors share shapes (ops pass their input's shape on), so a shape must not change afterwards.
   */
  constructor(data: TypedArray, shape: readonly number[]) {
    if (data instanceof Float64Array) this.dtype = 'float64';
    else if (data instanceof Float32Array) this.dtype = 'float32';
    else throw new ValueError('new Tensor(): data must be a Float64Array or a Float32Array');
    let size = 1;
    for (let i = 0; i < shape.length; i++) {
      const d = shape[i];
      if (!Number.isInteger(d) || d < 0) checkShape('new Tensor()', shape); // throws, naming the shape
      size *= d;
    }
    if (size !== data.length) {
      throw new ShapeError(
        `new Tensor(): shape ${formatShape(shape)} holds ${size} elements but data has ${data.length}`,
      );
    }
    this.data = data;
    // not frozen: V8 reads, slices and copies frozen arrays several times slower, on every op
    this.shape = shape;
  }

  /** The number of elements (the product of the shape). */
  get size(): number {
    return this.data.length;
  }
  /** The number of axes (0 for a scalar). */
  get ndim(): number {
    return this.shape.length;
  }
  /** True for tensors that were not computed by a recorded op. */
  get isLeaf(): boolean {
    return this._node === null;
  }
  /** The name of the op that produced this tensor, or `null` for a leaf. */
  get op(): string | null {
    return this._node?.op ?? null;
  }
  /** The tensors this one was computed from (empty for a leaf). */
  get inputs(): readonly Tensor[] {
    return this._node?.inputs ?? [];
  }

  /** Whether gradients flow to this tensor. Set it on leaves (parameters, inputs). */
  get requiresGrad(): boolean {
    return this._leafRequiresGrad || this._node !== null;
  }
  /** Only a leaf's can be set: a computed tensor requires grad when one of its inputs does. */
  set requiresGrad(value: boolean) {
    if (this._node !== null) {
      throw new GradError(
        `requiresGrad can only be set on a leaf tensor; this one was computed by ${this._node.op} ` +
          '(use .detach() to get a leaf)',
      );
    }
    this._leafRequiresGrad = value;
  }

  // ------------------------------------------------------------ autodiff

  /**
   * Backpropagates from this tensor: accumulates ∂this/∂leaf into `.grad` of every leaf that
   * requires grad. A non-scalar needs the seed gradient (the same shape as this tensor).
   */
  backward(seed?: TensorLike, options: { createGraph?: boolean } = {}): void {
    backward(this, seed === undefined ? undefined : toTensor(seed, this), options);
  }

  /** Keeps this intermediate's gradient in `.grad` after `backward()` (for inspecting ∂E/∂a). */
  retainGrad(): this {
    this._retainGrad = true;
    return this;
  }

  /**
   * Says that `data` was changed in place (an optimiser's step does this for every parameter),
   * so that `backward()` through a graph recorded before the change refuses to run: its
   * derivative rules would mix the old values with the new. Writes to `.data` that skip this
   * are not seen.
   */
  markChanged(): this {
    this._version++;
    return this;
  }

  /** Sets `.grad` back to null. */
  zeroGrad(): this {
    this.grad = null;
    return this;
  }

  /**
   * The same values as a new leaf, cut off from the graph (shares the data). Inside `jvp` its
   * tangent is zero (a constant, like JAX's `stop_gradient`); inside `vmap` it is still batched.
   */
  detach(): Tensor {
    const d = new Tensor(this.data, this.shape);
    if (activeDepth() > 0) carryOver(this, d, (f) => f.kind === 'vmap');
    return d;
  }

  /** A copy with its own data, as a new leaf. */
  clone(): Tensor {
    return unary.copy(this);
  }

  // ------------------------------------------------------------ reading values

  /** The single value of a one-element tensor. */
  item(): number {
    readingValues('item()', this);
    if (this.size !== 1) {
      throw new ValueError(
        `item(): the tensor has shape ${formatShape(this.shape)}; only a one-element tensor has an item`,
      );
    }
    return this.data[0];
  }

  /** The values as nested arrays (a number for a scalar). */
  toArray(): NestedArray {
    readingValues('toArray()', this);
    // built from the innermost axis out, without recursion (a tensor may have 10,000 axes)
    const shape = this.shape;
    if (shape.length === 0) return this.data[0];
    const outer = [1]; // outer[d]: how many arrays there are d axes deep
    for (let d = 0; d < shape.length; d++) outer.push(outer[d] * shape[d]);
    let level: NestedArray[] = Array.from(this.data);
    for (let d = shape.length - 1; d >= 0; d--) {
      const n = shape[d];
      const next: NestedArray[] = new Array(outer[d]);
      for (let g = 0; g < outer[d]; g++) next[g] = level.slice(g * n, (g + 1) * n);
      level = next;
    }
    return level[0];
  }

  /**
   * The values as nested rows, with the shape, as PyTorch prints them:
   * `tensor([[2., 4.], …], shape=[2, 2])`.
   */
  toString(): string {
    return formatTensor(this);
  }

  /** A new leaf of zeros with this shape and dtype. */
  zerosLike(): Tensor {
    return new Tensor(allocate(this.dtype, this.size), this.shape);
  }
  /** A new leaf of ones with this shape and dtype. */
  onesLike(): Tensor {
    return new Tensor(allocate(this.dtype, this.size).fill(1), this.shape);
  }

  // ------------------------------------------------------------ ops as methods (see ops/)

  /** this + other, elementwise with broadcasting (see `add`). */
  add(other: TensorLike): Tensor {
    return binary.add(this, other);
  }
  /** this − other, elementwise with broadcasting (see `sub`). */
  sub(other: TensorLike): Tensor {
    return binary.sub(this, other);
  }
  /** this · other, elementwise with broadcasting (see `mul`). */
  mul(other: TensorLike): Tensor {
    return binary.mul(this, other);
  }
  /** this / other, elementwise with broadcasting (see `div`). */
  div(other: TensorLike): Tensor {
    return binary.div(this, other);
  }
  /** this raised to `exponent`, elementwise with broadcasting (see `pow`). */
  pow(exponent: TensorLike): Tensor {
    return binary.pow(this, exponent);
  }
  /** The larger of this and `other`, elementwise (see `maximum`). */
  maximum(other: TensorLike): Tensor {
    return binary.maximum(this, other);
  }
  /** The smaller of this and `other`, elementwise (see `minimum`). */
  minimum(other: TensorLike): Tensor {
    return binary.minimum(this, other);
  }
  /** 1 where this > other, else 0; not differentiable (see `gt`). */
  gt(other: TensorLike): Tensor {
    return binary.gt(this, other);
  }
  /** 1 where this ≥ other, else 0; not differentiable (see `ge`). */
  ge(other: TensorLike): Tensor {
    return binary.ge(this, other);
  }
  /** 1 where this < other, else 0; not differentiable (see `lt`). */
  lt(other: TensorLike): Tensor {
    return binary.lt(this, other);
  }
  /** 1 where this ≤ other, else 0; not differentiable (see `le`). */
  le(other: TensorLike): Tensor {
    return binary.le(this, other);
  }
  /** 1 where this = other, else 0; not differentiable (see `eq`). */
  eq(other: TensorLike): Tensor {
    return binary.eq(this, other);
  }
  /** 1 where this ≠ other, else 0; not differentiable (see `ne`). */
  ne(other: TensorLike): Tensor {
    return binary.ne(this, other);
  }
  /** This tensor where `condition` is non-zero, `other` elsewhere (PyTorch's `x.where(cond, y)`). */
  where(condition: TensorLike, other: TensorLike): Tensor {
    return binary.where(condition, this, other);
  }

  /** −this, elementwise. */
  neg(): Tensor {
    return unary.neg(this);
  }
  /** eˣ, elementwise. */
  exp(): Tensor {
    return unary.exp(this);
  }
  /** The error function, elementwise (see `erf`). */
  erf(): Tensor {
    return unary.erf(this);
  }
  /** The natural logarithm, elementwise. */
  log(): Tensor {
    return unary.log(this);
  }
  /** log(1 + x), elementwise, accurate for small x. */
  log1p(): Tensor {
    return unary.log1p(this);
  }
  /** √x, elementwise. */
  sqrt(): Tensor {
    return unary.sqrt(this);
  }
  /** |x|, elementwise (derivative sign(x), 0 at 0). */
  abs(): Tensor {
    return unary.abs(this);
  }
  /** −1, 0 or 1 by the sign of each element; not differentiable (gradient 0). */
  sign(): Tensor {
    return unary.sign(this);
  }
  /** sin x, elementwise. */
  sin(): Tensor {
    return unary.sin(this);
  }
  /** cos x, elementwise. */
  cos(): Tensor {
    return unary.cos(this);
  }
  /** tanh x, elementwise. */
  tanh(): Tensor {
    return unary.tanh(this);
  }
  /** The logistic sigmoid 1 / (1 + e⁻ˣ), elementwise, stable for large |x|. */
  sigmoid(): Tensor {
    return unary.sigmoid(this);
  }
  /** max(x, 0), elementwise; its derivative at 0 is 0. */
  relu(): Tensor {
    return unary.relu(this);
  }
  /** x², elementwise. */
  square(): Tensor {
    return unary.square(this);
  }
  /** 1/x, elementwise. */
  reciprocal(): Tensor {
    return unary.reciprocal(this);
  }
  /** Each element limited to [min, max]; `null` or omitted leaves that side open (see `clamp`). */
  clamp(min?: number | null, max?: number | null): Tensor {
    return unary.clamp(this, min, max);
  }
  /** The values converted to `dtype`; the gradient flows back converted to this tensor's dtype. */
  astype(dtype: DType): Tensor {
    return unary.astype(this, dtype);
  }

  /**
   * The sum over `axis` (all axes by default), keeping the reduced axes as size 1 if `keepDims`
   * (see `sum`).
   */
  sum(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return reduce.sum(this, axis, keepDims);
  }
  /** The mean over `axis` (all axes by default) (see `mean`). */
  mean(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return reduce.mean(this, axis, keepDims);
  }
  /** The maximum over `axis` (all axes by default) (see `max`). */
  max(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return reduce.max(this, axis, keepDims);
  }
  /** The minimum over `axis` (all axes by default) (see `min`). */
  min(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return reduce.min(this, axis, keepDims);
  }
  /** log Σ eˣ over `axis`, computed stably (see `logsumexp`). */
  logsumexp(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return reduce.logsumexp(this, axis, keepDims);
  }
  /** Softmax along `axis` (the last by default): eˣ / Σ eˣ, computed stably (see `softmax`). */
  softmax(axis = -1): Tensor {
    return softmax(this, axis);
  }
  /** log of softmax along `axis`, computed stably (see `logSoftmax`). */
  logSoftmax(axis = -1): Tensor {
    return logSoftmax(this, axis);
  }

  /**
   * The same elements in a new shape (`-1` infers one size); sizes as arguments or as one array
   * (see `reshape`).
   */
  reshape(...shape: (number | readonly number[])[]): Tensor {
    const only = shape[0];
    return shapeOps.reshape(this, shape.length === 1 && Array.isArray(only) ? only : shape.flat());
  }
  /** The elements as a vector of shape `[size]`. */
  flatten(): Tensor {
    return shapeOps.reshape(this, [this.size]);
  }
  /** The axes permuted by `perm` (reversed by default) (see `transpose`). */
  transpose(perm?: readonly number[]): Tensor {
    return shapeOps.transpose(this, perm);
  }
  /** The axes reversed, as in NumPy: for a matrix, its transpose. */
  get T(): Tensor {
    return shapeOps.transpose(this);
  }
  /**
   * This tensor stretched to `shape` by broadcasting; the gradient is summed back (see
   * `broadcastTo`).
   */
  broadcastTo(shape: readonly number[]): Tensor {
    return shapeOps.broadcastTo(this, shape);
  }
  /** Without the size-1 axes (or only those in `axis`) (see `squeeze`). */
  squeeze(axis?: number | readonly number[]): Tensor {
    return shapeOps.squeeze(this, axis);
  }
  /** With a new size-1 axis at `axis` (see `unsqueeze`). */
  unsqueeze(axis: number): Tensor {
    return shapeOps.unsqueeze(this, axis);
  }
  /**
   * The block from `starts` (inclusive) to `ends` (exclusive) on each axis; `null` means the whole
   * axis (see `slice`).
   */
  slice(starts: readonly (number | null)[], ends?: readonly (number | null)[]): Tensor {
    return shapeOps.slice(this, starts, ends);
  }
  /** Zero-padded by `[before, after]` elements on each axis (see `pad`). */
  pad(widths: readonly (readonly [number, number])[]): Tensor {
    return shapeOps.pad(this, widths);
  }
  /** The slices at integer `indices` along `axis` (see `gather`). */
  gather(indices: IndicesLike, axis = 0): Tensor {
    return shapeOps.gather(this, indices, axis);
  }
  /** The adjoint of `gather`: `size` slices along `axis`, slice j of this tensor added at `indices[j]`. */
  scatterAdd(indices: IndicesLike, size: number, axis = 0): Tensor {
    return shapeOps.scatterAdd(this, indices, size, axis);
  }
  /** Sums over the axes that broadcasting would add or stretch, to give a tensor of `shape`. */
  sumTo(shape: readonly number[]): Tensor {
    return shapeOps.sumTo(this, shape);
  }

  /** This tensor and `others` joined along an existing `axis` (see `concat`). */
  concat(others: Tensor | readonly Tensor[], axis = 0): Tensor {
    return shapeOps.concat([this, ...[others].flat()], axis);
  }
  /** This tensor and `others` (all the same shape) stacked along a new `axis` (see `stack`). */
  stack(others: Tensor | readonly Tensor[], axis = 0): Tensor {
    return shapeOps.stack([this, ...[others].flat()], axis);
  }
  /** The matrix product this @ other, with NumPy's rules for vectors and batches (see `matmul`). */
  matmul(other: TensorLike): Tensor {
    return matmul(this, other);
  }
}

/** Values read inside a function `compile` traces would be frozen into its trace: refused. */
function readingValues(where: string, t: Tensor): void {
  if (activeDepth() > 0 && batchFrameOf(t) !== undefined) {
    throw new ValueError(
      `${where} inside vmap: this tensor holds one value per sample, and the function sees one ` +
        'sample at a time; return the tensor from the function and read the batch outside',
    );
  }
  if (currentRecording() !== null) {
    throw new ValueError(
      `${where} inside a compiled function: the value would be read once, while compile traces it, and ` +
        'never again; return the tensor from the function and read it outside',
    );
  }
}

/** Turns a TensorLike into a Tensor; numbers take `like`'s dtype so `x.mul(2)` keeps float32. */
export function toTensor(value: TensorLike, like?: Tensor): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value === 'number') {
    const t = new Tensor(allocate(like?.dtype ?? 'float64', 1), []);
    t.data[0] = value;
    return t;
  }
  return tensor(
    value,
    like ? { dtype: like.dtype, allowNonFinite: true } : { allowNonFinite: true },
  );
}
