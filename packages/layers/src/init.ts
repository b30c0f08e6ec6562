// Weight initialisation: seeded, so the same seed gives the same weights on every machine.
import { type DType, type Generator, rand, randn, Tensor, ValueError, zeros } from '@backprop/core';

/** Makes a tensor of `shape` ([fanIn, fanOut] for a weight matrix) from `generator`. */
export type Initializer = (shape: readonly number[], generator: Generator, dtype: DType) => Tensor;

function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0] as number, shape[0] as number];
  return [shape[0] as number, shape[1] as number];
}

const scaled = (t: Tensor, scale: number, shift = 0) =>
  new Tensor(
    t.data.map((v) => v * scale + shift),
    t.shape,
  );

/** Uniform in [low, high). */
export function uniform(low = -0.05, high = 0.05): Initializer {
  if (!(low < high)) throw new ValueError(`uniform: expected low < high, got ${low} and ${high}`);
  return (shape, generator, dtype) => scaled(rand(shape, { generator, dtype }), high - low, low);
}

/** Normal with mean `mean` and standard deviation `std`. */
export function normal(mean = 0, std = 0.05): Initializer {
  if (!(std >= 0)) throw new ValueError(`normal: expected std ≥ 0, got ${std}`);
  return (shape, generator, dtype) => scaled(randn(shape, { generator, dtype }), std, mean);
}

/** Glorot/Xavier uniform: U(−l, l) with l = √(6 / (fanIn + fanOut)); keeps variance for tanh/sigmoid. */
export const xavierUniform: Initializer = (shape, generator, dtype) => {
  const [fanIn, fanOut] = fans(shape);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return uniform(-limit, limit)(shape, generator, dtype);
};

/** Glorot/Xavier normal: N(0, 2 / (fanIn + fanOut)). */
export const xavierNormal: Initializer = (shape, generator, dtype) => {
  const [fanIn, fanOut] = fans(shape);
  return normal(0, Math.sqrt(2 / (fanIn + fanOut)))(shape, generator, dtype);
};

/** He/Kaiming uniform: U(−l, l) with l = √(6 / fanIn); keeps variance through ReLU. */
export const heUniform: Initializer = (shape, generator, dtype) => {
  const [fanIn] = fans(shape);
  const limit = Math.sqrt(6 / fanIn);
  return uniform(-limit, limit)(shape, generator, dtype);
};

/** He/Kaiming normal: N(0, 2 / fanIn). */
export const heNormal: Initializer = (shape, generator, dtype) => {
  const [fanIn] = fans(shape);
  return normal(0, Math.sqrt(2 / fanIn))(shape, generator, dtype);
};

/** All zeros (the usual start for biases). */
export const zerosInit: Initializer = (shape, _generator, dtype) => zeros(shape, { dtype });

/** The initialisers by name, for configs and JSON. */
export const initializers: Readonly<Record<string, Initializer>> = Object.freeze({
  xavierUniform,
  xavierNormal,
  heUniform,
  heNormal,
  zeros: zerosInit,
});

export type InitName = 'xavierUniform' | 'xavierNormal' | 'heUniform' | 'heNormal' | 'zeros';

/** The initialiser called `name`; an unknown name is an error listing the known ones. */
export function getInitializer(name: string): Initializer {
  const init = Object.hasOwn(initializers, name) ? initializers[name] : undefined;
  if (!init)
    throw new ValueError(
      `unknown initializer '${name}'; known: ${Object.keys(initializers).join(', ')}`,
    );
  return init;
}
