// Factories: tensors filled with constants, ranges, identity matrices and seeded random numbers.
import { allocate, checkDType, type DType, type TypedArray } from './dtype.js';
import { ValueError } from './errors.js';
import { bind, type Primitive } from './primitive.js';
import { type Generator, pickGenerator } from './random.js';
import { checkShape, sizeOf } from './shape-math.js';
import { Tensor } from './tensor.js';

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface RandomOptions extends CreateOptions {
  /** A fresh generator with this seed: the same seed gives the same numbers. */
  seed?: number;
  /** A generator to draw from (it advances); by default the global one (see `manualSeed`). */
  generator?: Generator;
}

function make(
  op: string,
  shape: readonly number[],
  options: CreateOptions,
  fill: (data: Float64Array | Float32Array) => void,
  drawn = false,
): Tensor {
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

export function zerosLike(x: Tensor, options: CreateOptions = {}): Tensor {
  return zeros(x.shape, { dtype: x.dtype, ...options });
}

export function onesLike(x: Tensor, options: CreateOptions = {}): Tensor {
  return ones(x.shape, { dtype: x.dtype, ...options });
}
