// The Tensor: an n-dimensional row-major array that remembers how it was computed.
import { tensor } from './create.js';
import { allocate, type DType, type TypedArray } from './dtype.js';
import { backward, type GraphNode } from './engine.js';
import { GradError, ShapeError, ValueError } from './errors.js';
import { formatTensor } from './format.js';
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

export class Tensor {
  /**
   * The elements, row-major. Treat as read-only: tensors are immutable values (optimisers are the
   * exception: they update parameters in place). A small array may be a view into a larger shared
   * buffer, so use `data` itself, not `data.buffer`.
   */
  readonly data: TypedArray;
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

  get size(): number {
    return this.data.length;
  }
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

  /** The same values as a new leaf, cut off from the graph (shares the data). */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /** A copy with its own data, as a new leaf. */
  clone(): Tensor {
    return unary.copy(this);
  }

  // ------------------------------------------------------------ reading values

  /** The single value of a one-element tensor. */
  item(): number {
    readingValues('item()');
    if (this.size !== 1) {
      throw new ValueError(
        `item(): the tensor has shape ${formatShape(this.shape)}; only a one-element tensor has an item`,
      );
    }
    return this.data[0];
  }

  /** The values as nested arrays (a number for a scalar). */
  toArray(): NestedArray {
    readingValues('toArray()');
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

  toString(): string {
    return formatTensor(this);
  }

  zerosLike(): Tensor {
    return new Tensor(allocate(this.dtype, this.size), this.shape);
  }
  onesLike(): Tensor {
    return new Tensor(allocate(this.dtype, this.size).fill(1), this.shape);
  }

  // ------------------------------------------------------------ ops as methods (see ops/)

  add(other: TensorLike): Tensor {
    return binary.add(this, other);
  }
  sub(other: TensorLike): Tensor {
    return binary.sub(this, other);
  }
  mul(other: TensorLike): Tensor {
    return binary.mul(this, other);
  }
  div(other: TensorLike): Tensor {
    return binary.div(this, other);
  }
  pow(exponent: TensorLike): Tensor {
    return binary.pow(this, exponent);
  }
  maximum(other: TensorLike): Tensor {
    return binary.maximum(this, other);
  }
  minimum(other: TensorLike): Tensor {
    return binary.minimum(this, other);
  }
  gt(other: TensorLike): Tensor {
    return binary.gt(this, other);
  }
  ge(other: TensorLike): Tensor {
    return binary.ge(this, other);
  }
  lt(other: TensorLike): Tensor {
    return binary.lt(this, other);
  }
  le(other: TensorLike): Tensor {
    return binary.le(this, other);
  }
  eq(other: TensorLike): Tensor {
    return binary.eq(this, other);
  }
  ne(other: TensorLike): Tensor {
    return binary.ne(this, other);
  }
  /** This tensor where `condition` is non-zero, `other` elsewhere (PyTorch's `x.where(cond, y)`). */
  where(condition: TensorLike, other: TensorLike): Tensor {
    return binary.where(condition, this, other);
  }

  neg(): Tensor {
    return unary.neg(this);
  }
  exp(): Tensor {
    return unary.exp(this);
  }
  erf(): Tensor {
    return unary.erf(this);
  }
  log(): Tensor {
    return unary.log(this);
  }
  log1p(): Tensor {
    return unary.log1p(this);
  }
  sqrt(): Tensor {
    return unary.sqrt(this);
  }
  abs(): Tensor {
    return unary.abs(this);
  }
  sign(): Tensor {
    return unary.sign(this);
  }
  sin(): Tensor {
    return unary.sin(this);
  }
  cos(): Tensor {
    return unary.cos(this);
  }
  tanh(): Tensor {
    return unary.tanh(this);
  }
  sigmoid(): Tensor {
    return unary.sigmoid(this);
  }
  relu(): Tensor {
    return unary.relu(this);
  }
  square(): Tensor {
    return unary.square(this);
  }
  reciprocal(): Tensor {
    return unary.reciprocal(this);
  }
  clamp(min?: number | null, max?: number | null): Tensor {
    return unary.clamp(this, min, max);
  }
  astype(dtype: DType): Tensor {
    return unary.astype(this, dtype);
  }

  sum(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return reduce.sum(this, axis, keepDims);
  }
  mean(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return reduce.mean(this, axis, keepDims);
  }
  max(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return reduce.max(this, axis, keepDims);
  }
  min(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return reduce.min(this, axis, keepDims);
  }
  logsumexp(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return reduce.logsumexp(this, axis, keepDims);
  }
  softmax(axis = -1): Tensor {
    return softmax(this, axis);
  }
  logSoftmax(axis = -1): Tensor {
    return logSoftmax(this, axis);
  }

  reshape(...shape: (number | readonly number[])[]): Tensor {
    const only = shape[0];
    return shapeOps.reshape(this, shape.length === 1 && Array.isArray(only) ? only : shape.flat());
  }
  flatten(): Tensor {
    return shapeOps.reshape(this, [this.size]);
  }
  transpose(perm?: readonly number[]): Tensor {
    return shapeOps.transpose(this, perm);
  }
  /** The axes reversed, as in NumPy: for a matrix, its transpose. */
  get T(): Tensor {
    return shapeOps.transpose(this);
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return shapeOps.broadcastTo(this, shape);
  }
  squeeze(axis?: number | readonly number[]): Tensor {
    return shapeOps.squeeze(this, axis);
  }
  unsqueeze(axis: number): Tensor {
    return shapeOps.unsqueeze(this, axis);
  }
  slice(starts: readonly (number | null)[], ends?: readonly (number | null)[]): Tensor {
    return shapeOps.slice(this, starts, ends);
  }
  pad(widths: readonly (readonly [number, number])[]): Tensor {
    return shapeOps.pad(this, widths);
  }
  gather(indices: IndicesLike, axis = 0): Tensor {
    return shapeOps.gather(this, indices, axis);
  } /** The adjoint of `gather`: `size` slices along `axis`, slice j of this tensor added at `indices[j]`. */
  scatterAdd(indices: IndicesLike, size: number, axis = 0): Tensor {
    return shapeOps.scatterAdd(this, indices, size, axis);
  }
  /** Sums over the axes that broadcasting would add or stretch, to give a tensor of `shape`. */
  sumTo(shape: readonly number[]): Tensor {
    return shapeOps.sumTo(this, shape);
  }

  concat(others: Tensor | readonly Tensor[], axis = 0): Tensor {
    return shapeOps.concat([this, ...[others].flat()], axis);
  }
  stack(others: Tensor | readonly Tensor[], axis = 0): Tensor {
    return shapeOps.stack([this, ...[others].flat()], axis);
  }
  matmul(other: TensorLike): Tensor {
    return matmul(this, other);
  }
}

/** Values read inside a function `compile` traces would be frozen into its trace: refused. */
function readingValues(where: string): void {
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
