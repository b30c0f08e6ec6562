// Weight initialisation: seeded, so the same seed gives the same weights. The default per
// activation (Glorot for saturating or linear ones, He for ReLU-like ones) is in default-init.ts.

import {
  BackpropError,
  type DType,
  echo,
  type Generator,
  type Tensor,
  ValueError,
  zeros,
} from '@backprop/core';

/**
 * Makes a tensor of `shape` ([fanIn, fanOut] for a weight matrix, as `x·W` uses it) from
 * `generator`, which advances. The same generator state gives the same numbers bit for bit.
 */
export type Initializer = (shape: readonly number[], generator: Generator, dtype: DType) => Tensor;

/**
 * fanIn and fanOut of a [fanIn, fanOut] weight matrix. A vector [n] counts as [n, n] and a scalar
 * as [1, 1]; more dimensions are refused rather than guessed.
 */
function fans(where: string, shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  throw new ValueError(
    `${where}: expected a [fanIn, fanOut] weight matrix (or a vector), got shape [${shape.join(', ')}]`,
  );
}

/** A zero tensor to fill; a bad shape or dtype is an error that names the initialiser. */
function allocate(where: string, shape: readonly number[], dtype: DType): Tensor {
  try {
    return zeros(shape, { dtype });
  } catch (e) {
    if (e instanceof BackpropError) {
      const Class = e.constructor as new (message: string) => BackpropError;
      throw new Class(e.message.replace(/^zeros: /, `${where}: `));
    }
    throw e;
  }
}

function checkGenerator(where: string, generator: Generator): void {
  if (typeof generator?.uniform !== 'function' || typeof generator.normal !== 'function')
    throw new ValueError(
      `${where}: expected a Generator from @backprop/core, got ${String(generator)}`,
    );
}

// Neighbouring floating-point numbers, from the bits.
const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
/** The largest double below x. */
function below64(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  f64[0] = x;
  i64[0] += x > 0 ? -1n : 1n;
  return f64[0];
}
/** The largest float32 below x (x a float32). */
function below32(x: number): number {
  if (x === 0) return -(2 ** -149);
  f32[0] = x;
  i32[0] += x > 0 ? -1 : 1;
  return f32[0];
}

/**
 * Fills a tensor with low + (high − low)·u, u uniform in [0, 1) (53 bits), keeping every element
 * in [low, high) after rounding (to float64 or float32): a result that rounds onto `high` (or
 * below `low`) is moved to the nearest number inside. Float32 weights are the float64 ones
 * rounded, from the same draws.
 */
function fillUniform(
  where: string,
  shape: readonly number[],
  generator: Generator,
  dtype: DType,
  low: number,
  high: number,
): Tensor {
  checkGenerator(where, generator);
  const t = allocate(where, shape, dtype);
  if (t.size === 0) return t;
  let lo = low;
  let hi = below64(high);
  if (dtype === 'float32') {
    const l = Math.fround(low);
    const h = Math.fround(high);
    lo = l >= low ? l : -below32(-l);
    hi = h < high ? h : below32(h);
    if (!(lo <= hi)) throw new ValueError(`${where}: no float32 number lies in [${low}, ${high})`);
  }
  const width = high - low;
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    const x = low + width * generator.uniform();
    d[i] = Math.min(Math.max(x, lo), hi); // rounding to float32 on store stays in [lo, hi]: both are float32
  }
  return t;
}

/** Fills a tensor with mean + std·n, n standard normal (Box–Muller; float32 rounds the same draws). */
function fillNormal(
  where: string,
  shape: readonly number[],
  generator: Generator,
  dtype: DType,
  mean: number,
  std: number,
): Tensor {
  checkGenerator(where, generator);
  const t = allocate(where, shape, dtype);
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = mean + std * generator.normal();
  return t;
}

function checkFinite(where: string, label: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ValueError(`${where}: ${label} must be a finite number, got ${String(value)}`);
}

/** Uniform in [low, high): `uniform(-0.1, 0.1)`. Defaults ±0.05. */
export function uniform(low = -0.05, high = 0.05): Initializer {
  checkFinite('uniform', 'low', low);
  checkFinite('uniform', 'high', high);
  if (!(low < high) || !Number.isFinite(high - low))
    throw new ValueError(
      `uniform: expected low < high (and a finite high − low), got ${low} and ${high}`,
    );
  return (shape, generator, dtype) => fillUniform('uniform', shape, generator, dtype, low, high);
}

/** Normal with mean `mean` and standard deviation `std` ≥ 0: `normal(0, 0.01)`. Defaults 0 and 0.05. */
export function normal(mean = 0, std = 0.05): Initializer {
  checkFinite('normal', 'mean', mean);
  checkFinite('normal', 'std', std);
  if (!(std >= 0)) throw new ValueError(`normal: expected std ≥ 0, got ${std}`);
  return (shape, generator, dtype) => fillNormal('normal', shape, generator, dtype, mean, std);
}

/**
 * Glorot/Xavier uniform: U(−l, l) with l = √(6 / (fanIn + fanOut)), variance 2 / (fanIn + fanOut);
 * keeps the variance of signals and gradients through tanh/sigmoid layers (Glorot & Bengio 2010).
 */
export const xavierUniform: Initializer = (shape, generator, dtype) => {
  const [fanIn, fanOut] = fans('xavierUniform', shape);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return fillUniform('xavierUniform', shape, generator, dtype, -limit, limit);
};

/** Glorot/Xavier normal: N(0, 2 / (fanIn + fanOut)). */
export const xavierNormal: Initializer = (shape, generator, dtype) => {
  const [fanIn, fanOut] = fans('xavierNormal', shape);
  return fillNormal('xavierNormal', shape, generator, dtype, 0, Math.sqrt(2 / (fanIn + fanOut)));
};

/**
 * He/Kaiming uniform: U(−l, l) with l = √(6 / fanIn), variance 2 / fanIn; keeps the variance of
 * signals through ReLU layers, which zero half of them (He et al. 2015).
 */
export const heUniform: Initializer = (shape, generator, dtype) => {
  const [fanIn] = fans('heUniform', shape);
  const limit = Math.sqrt(6 / fanIn);
  return fillUniform('heUniform', shape, generator, dtype, -limit, limit);
};

/** He/Kaiming normal: N(0, 2 / fanIn). */
export const heNormal: Initializer = (shape, generator, dtype) => {
  const [fanIn] = fans('heNormal', shape);
  return fillNormal('heNormal', shape, generator, dtype, 0, Math.sqrt(2 / fanIn));
};

/** All zeros (the usual start for biases). */
export const zerosInit: Initializer = (shape, _generator, dtype) => zeros(shape, { dtype });

/** The initialisers by name, for configs and JSON ('uniform' and 'normal' with their defaults). */
export const initializers: Readonly<Record<InitName, Initializer>> = Object.freeze({
  xavierUniform,
  xavierNormal,
  heUniform,
  heNormal,
  uniform: uniform(),
  normal: normal(),
  zeros: zerosInit,
});

/** The name of a built-in initialiser, as `LinearOptions.init` and `getInitializer` take it. */
export type InitName =
  | 'xavierUniform'
  | 'xavierNormal'
  | 'heUniform'
  | 'heNormal'
  | 'uniform'
  | 'normal'
  | 'zeros';

/** The initialiser called `name`; an unknown name is an error listing the known ones. */
export function getInitializer(name: string): Initializer {
  const init =
    typeof name === 'string' && Object.hasOwn(initializers, name)
      ? initializers[name as InitName]
      : undefined;
  if (!init)
    throw new ValueError(
      `unknown initializer ${typeof name === 'string' ? echo(name) : String(name)}; known: ${Object.keys(initializers).join(', ')}`,
    );
  return init;
}
