// Factories: tensors from JavaScript values, filled with constants, ranges, identity matrices and
// seeded random numbers.

import { allocate, checkDType, type DType, type TypedArray, toStorage } from './dtype.js';
import { echoValue } from './echo.js';
import { ShapeError, ValueError } from './errors.js';
import { checkOptions, optionNames } from './options.js';
import { bind, type Primitive } from './primitive.js';
import { type Generator, pickGenerator } from './random.js';
import { checkShape, formatShape, MAX_SIZE, MAX_SIZE_TEXT, sizeOf } from './shape-math.js';
import { type NestedArray, Tensor, type TensorLike } from './tensor.js';

/** Options of the factories (`zeros`, `ones`, `full`, `arange`, `linspace`, `eye`, …). */
export interface CreateOptions {
  /** The element type: 'float64' (the default) or 'float32'. */
  dtype?: DType;
  /** Make a leaf whose gradient `backward()` computes (default false). */
  requiresGrad?: boolean;
}

/** Options of the random factories `rand` and `randn`. */
export interface RandomOptions extends CreateOptions {
  /** A fresh generator with this seed: the same seed gives the same numbers. */
  seed?: number;
  /** A generator to draw from (it advances); by default the global one (see `manualSeed`). */
  generator?: Generator;
}

const CREATE_OPTIONS = optionNames<CreateOptions>({ dtype: true, requiresGrad: true });
const RANDOM_OPTIONS = optionNames<RandomOptions>({
  dtype: true,
  requiresGrad: true,
  seed: true,
  generator: true,
});

function make(
  op: string,
  shape: readonly number[],
  options: CreateOptions,
  fill: (data: Float64Array | Float32Array) => void,
  drawn = false,
): Tensor {
  checkOptions(op, options, drawn ? RANDOM_OPTIONS : CREATE_OPTIONS);
  const s = checkShape(op, shape);
  const dtype = checkDType(options.dtype ?? 'float64', op);
  // random numbers are drawn again on each call of a compiled function; the rest are constants
  const t = drawn ? bind(DRAW, [], fill, s, dtype) : constant(dtype, s, fill);
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/** Random numbers as an op without inputs; its parameter draws them into the output. */
const DRAW: Primitive<(data: TypedArray) => void> = {
  name: 'draw',
  kernel: (_inputs, out, fill) => fill(out),
  overwrites: true,
  vjp: null,
  jvp: null,
  batch: null, // no inputs, so never batched: inside vmap every sample sees the same draw
};

function constant(
  dtype: DType,
  shape: readonly number[],
  fill: (data: TypedArray) => void,
): Tensor {
  const data = allocate(dtype, sizeOf(shape));
  fill(data);
  return new Tensor(data, shape);
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return make('zeros', shape, options, () => {});
}

/** A tensor of ones. */
export function ones(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return make('ones', shape, options, (d) => d.fill(1));
}

/** A tensor with every element `value`. */
export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  if (typeof value !== 'number')
    throw new ValueError(`full: value must be a number, got ${typeof value}`);
  return make('full', shape, options, (d) => d.fill(value));
}

/** start, start + step, … up to but excluding `stop` (`arange(5)` is 0..4). */
export function arange(
  start: number,
  stop?: number,
  step = 1,
  options: CreateOptions = {},
): Tensor {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  if (!Number.isFinite(from) || !Number.isFinite(to) || !Number.isFinite(step) || step === 0) {
    throw new ValueError(
      `arange: expected finite start and stop and a non-zero step, got (${start}, ${stop}, ${step})`,
    );
  }
  const n = Math.max(0, Math.ceil((to - from) / step));
  if (n > MAX_SIZE) {
    throw new ValueError(
      `arange: (${from}, ${to}, ${step}) gives ${n} elements; a tensor holds at most ${MAX_SIZE_TEXT}`,
    );
  }
  return make('arange', [n], options, (d) => {
    for (let i = 0; i < n; i++) d[i] = from + i * step;
  });
}

/** `count` evenly spaced numbers from `start` to `stop`, both included. */
export function linspace(
  start: number,
  stop: number,
  count: number,
  options: CreateOptions = {},
): Tensor {
  if (!Number.isInteger(count) || count < 0)
    throw new ValueError(`linspace: count must be a non-negative integer, got ${count}`);
  if (!Number.isFinite(start) || !Number.isFinite(stop)) {
    throw new ValueError(`linspace: expected finite start and stop, got (${start}, ${stop})`);
  }
  if (count > MAX_SIZE) {
    throw new ValueError(
      `linspace: count ${count} is more than a tensor holds: at most ${MAX_SIZE_TEXT} elements`,
    );
  }
  const step = count > 1 ? (stop - start) / (count - 1) : 0;
  return make('linspace', [count], options, (d) => {
    for (let i = 0; i < count; i++) d[i] = i === count - 1 && count > 1 ? stop : start + i * step;
  });
}

/** The n×m identity matrix (m defaults to n). */
export function eye(n: number, m = n, options: CreateOptions = {}): Tensor {
  return make('eye', [n, m], options, (d) => {
    for (let i = 0; i < Math.min(n, m); i++) d[i * m + i] = 1;
  });
}

/**
 * A tensor of random numbers from `draw`. The numbers are drawn again on each call of a compiled
 * function, from the generator the options name (a `seed` starts a fresh one each time).
 */
function random(
  op: string,
  shape: readonly number[],
  options: RandomOptions,
  draw: (g: Generator, d: Float64Array | Float32Array) => void,
): Tensor {
  checkOptions(op, options, RANDOM_OPTIONS);
  pickGenerator(options); // checks the options before anything is made
  return make(op, shape, options, (d) => draw(pickGenerator(options), d), true);
}

/** Uniform random numbers in [0, 1), reproducible with `seed` or `generator`. */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return random('rand', shape, options, (g, d) => {
    if (d instanceof Float32Array) {
      // 24 bits, the float32 significand: rounding a double near 1 to float32 would give exactly 1
      for (let i = 0; i < d.length; i++) d[i] = Math.floor(g.uniform() * 2 ** 24) / 2 ** 24;
    } else {
      for (let i = 0; i < d.length; i++) d[i] = g.uniform();
    }
  });
}

/** Standard normal random numbers, reproducible with `seed` or `generator`. */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return random('randn', shape, options, (g, d) => {
    for (let i = 0; i < d.length; i++) d[i] = g.normal();
  });
}

/** A tensor of zeros with `x`'s shape and dtype (unless `options.dtype` says otherwise). */
export function zerosLike(x: Tensor, options: CreateOptions = {}): Tensor {
  checkOptions('zerosLike', options, CREATE_OPTIONS);
  return zeros(x.shape, { dtype: x.dtype, ...options });
}

/** A tensor of ones with `x`'s shape and dtype (unless `options.dtype` says otherwise). */
export function onesLike(x: Tensor, options: CreateOptions = {}): Tensor {
  checkOptions('onesLike', options, CREATE_OPTIONS);
  return ones(x.shape, { dtype: x.dtype, ...options });
}

// ---------------------------------------------------------------- from JavaScript values

/** Options of `tensor()`. */
export interface TensorOptions {
  /** The element type: 'float64' (the default) or 'float32'. */
  dtype?: DType;
  /** Make a leaf whose gradient `backward()` computes (default false). */
  requiresGrad?: boolean;
  /** Reshape flat data (a typed array or a flat list) to this shape. */
  shape?: readonly number[];
  /** Accept NaN and ±Infinity (refused by default, since they are almost always a mistake). */
  allowNonFinite?: boolean;
}

const TENSOR_OPTIONS = optionNames<TensorOptions>({
  dtype: true,
  requiresGrad: true,
  shape: true,
  allowNonFinite: true,
});

/**
 * Makes a tensor from a number, nested arrays or a typed array (copied).
 * @example
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * console.log(x.shape, x.dtype); // → [ 2, 2 ] float64
 */
export function tensor(value: TensorLike, options: TensorOptions = {}): Tensor {
  checkOptions('tensor()', options, TENSOR_OPTIONS);
  if (value instanceof Tensor) {
    const t =
      options.dtype && options.dtype !== value.dtype
        ? value.astype(options.dtype).detach()
        : value.clone();
    if (!options.allowNonFinite) refuseOverflow(value.data, t);
    if (options.requiresGrad) t.requiresGrad = true;
    return options.shape ? reshapeLeaf(t, options.shape) : t;
  }
  const dtype = checkDType(
    options.dtype ?? (value instanceof Float32Array ? 'float32' : 'float64'),
    'tensor()',
  );
  let flat: ArrayLike<number>;
  let shape: number[];
  if (value instanceof Float64Array || value instanceof Float32Array) {
    flat = value;
    shape = [value.length];
  } else {
    shape = inferShape(value);
    flat = flatten(value, shape);
  }
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== 'number') {
      throw new ValueError(
        `tensor(): element ${i} is ${v === undefined ? 'undefined (a hole or a missing element?)' : echoValue(v)}; expected a number`,
      );
    }
    if (!Number.isFinite(v) && !options.allowNonFinite) {
      throw new ValueError(
        `tensor(): element ${i} is ${v}; non-finite values are refused (pass { allowNonFinite: true } if it is meant)`,
      );
    }
  }
  const t = new Tensor(toStorage(dtype, flat), shape);
  if (!options.allowNonFinite) refuseOverflow(flat, t);
  if (options.requiresGrad) t.requiresGrad = true;
  return options.shape ? reshapeLeaf(t, options.shape) : t;
}

/**
 * Checks after rounding to the dtype: a finite number beyond float32's range becomes ±Infinity
 * there, which tensor() refuses as it refuses Infinity given directly. (The op `astype` keeps
 * IEEE rounding, as every op does; detectAnomaly names an op whose output overflows.)
 */
function refuseOverflow(source: ArrayLike<number>, t: Tensor): void {
  if (t.dtype !== 'float32') return;
  const stored = t.data;
  for (let i = 0; i < stored.length; i++) {
    if (Number.isFinite(stored[i]) || !Number.isFinite(source[i])) continue;
    throw new ValueError(
      `tensor(): element ${i} is ${source[i]}, beyond float32's range (±${FLOAT32_MAX}), so it would become ${stored[i]}; use dtype 'float64', or pass { allowNonFinite: true } if that is meant`,
    );
  }
}

const FLOAT32_MAX = 3.4028234663852886e38;

function reshapeLeaf(t: Tensor, shape: readonly number[]): Tensor {
  const s = checkShape('tensor()', shape);
  if (sizeOf(s) !== t.size) {
    throw new ShapeError(
      `tensor(): the option shape ${formatShape(s)} holds ${sizeOf(s)} elements but the data has ${t.size}`,
    );
  }
  const out = new Tensor(t.data, s);
  out.requiresGrad = t.requiresGrad;
  return out;
}

function inferShape(value: NestedArray): number[] {
  const shape: number[] = [];
  let v: unknown = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  return shape;
}

/**
 * The leaves of `value` in row-major order, read one level at a time (no recursion, so an array
 * nested 10,000 deep is read, not a stack overflow).
 */
function flatten(value: NestedArray, shape: readonly number[]): number[] {
  let level: unknown[] = [value];
  for (let dim = 0; dim < shape.length; dim++) {
    const n = shape[dim];
    const next: unknown[] = [];
    for (let k = 0; k < level.length; k++) {
      const v = level[k];
      if (!Array.isArray(v) || v.length !== n) {
        const got = Array.isArray(v)
          ? `length ${v.length}`
          : typeof v === 'number'
            ? 'a number'
            : echoValue(v);
        throw new ValueError(
          `tensor(): ragged nested array: ${pathOf(k, shape, dim)} has ${got}, expected length ${n} (shape ${formatShape(shape)})`,
        );
      }
      for (let i = 0; i < n; i++) next.push(v[i]);
    }
    level = next;
  }
  for (let k = 0; k < level.length; k++) {
    if (Array.isArray(level[k]))
      throw new ValueError(
        `tensor(): ragged nested array: ${pathOf(k, shape, shape.length)} is an array but a number was expected there`,
      );
  }
  return level as number[];
}

/** Where the k-th entry of the level `dim` deep sits: `[1][0]`, or "the value" at the top. */
function pathOf(k: number, shape: readonly number[], dim: number): string {
  let path = '';
  for (let d = dim - 1; d >= 0; d--) {
    path = `[${k % shape[d]}]${path}`;
    k = Math.floor(k / shape[d]);
  }
  return path || 'the value';
}
