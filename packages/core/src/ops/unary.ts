// Elementwise ops of one tensor: each is its forward function and, beside it, its derivative.
import { allocate, checkDType, type DType } from '../dtype.js';
import { record } from '../engine.js';
import { ValueError } from '../errors.js';
import { map } from '../kernels/elementwise.js';
import { Tensor, type TensorLike, toTensor } from '../tensor.js';

/**
 * An elementwise op: `f` computes each element, `vjp(g, x, y)` maps the output's gradient g to
 * the input's (x the input, y the output), written with tensor ops so it can be differentiated.
 */
export function elementwise(
  name: string,
  f: (v: number) => number,
  vjp: (g: Tensor, x: Tensor, y: Tensor) => Tensor,
): (x: TensorLike) => Tensor {
  return (input) => {
    const x = toTensor(input);
    const y = new Tensor(map(x.data, f, allocate(x.dtype, x.size)), x.shape);
    return record(name, [x], y, (g) => [vjp(g, x, y)]);
  };
}

/** −x */
export const neg = elementwise(
  'neg',
  (v) => -v,
  (g) => g.neg(),
); // d(−x) = −dx

/** eˣ */
export const exp = elementwise('exp', Math.exp, (g, _x, y) => g.mul(y)); // (eˣ)' = eˣ

/** Natural logarithm. */
export const log = elementwise('log', Math.log, (g, x) => g.div(x)); // (ln x)' = 1/x

/** ln(1 + x), accurate for small x. */
export const log1p = elementwise('log1p', Math.log1p, (g, x) => g.div(x.add(1))); // 1/(1 + x)

/** √x */
export const sqrt = elementwise('sqrt', Math.sqrt, (g, _x, y) => g.div(y.mul(2))); // 1/(2√x)

/** |x| */
export const abs = elementwise('abs', Math.abs, (g, x) => g.mul(x.sign())); // sign(x); 0 at x = 0

/** −1, 0 or 1. Its derivative is 0 wherever it exists, and taken as 0 at x = 0. */
export const sign = elementwise('sign', Math.sign, (g) => g.zerosLike());

/** sin x */
export const sin = elementwise('sin', Math.sin, (g, x) => g.mul(x.cos())); // (sin x)' = cos x

/** cos x */
export const cos = elementwise('cos', Math.cos, (g, x) => g.mul(x.sin()).neg()); // (cos x)' = −sin x

/** Hyperbolic tangent. */
export const tanh = elementwise('tanh', Math.tanh, (g, _x, y) => g.mul(y.square().neg().add(1))); // 1 − y²

/**
 * The logistic sigmoid 1 / (1 + e⁻ˣ). Computed in a form that never overflows (so a = −800 gives
 * 0 and gradient 0, not NaN), with the derivative from the output: σ' = σ(1 − σ).
 */
export const sigmoid = elementwise(
  'sigmoid',
  (v) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v))),
  (g, _x, y) => g.mul(y.mul(y.neg().add(1))),
);

/** max(0, x). NOTE: relu'(0) is taken as 0 (as PyTorch and JAX do). */
export const relu = elementwise(
  'relu',
  (v) => Math.max(v, 0),
  (g, x) => g.mul(x.gt(0)),
);

/** x² */
export const square = elementwise(
  'square',
  (v) => v * v,
  (g, x) => g.mul(x.mul(2)),
); // 2x

/** 1/x */
export const reciprocal = elementwise(
  'reciprocal',
  (v) => 1 / v,
  (g, _x, y) => g.mul(y.square()).neg(),
); // −1/x²

/**
 * Limits every element to [min, max] (either may be omitted). The gradient passes where
 * min ≤ x ≤ max (boundaries included, as in PyTorch) and is 0 elsewhere.
 */
export function clamp(input: TensorLike, min?: number | null, max?: number | null): Tensor {
  const lo = min ?? Number.NEGATIVE_INFINITY;
  const hi = max ?? Number.POSITIVE_INFINITY;
  if (Number.isNaN(lo) || Number.isNaN(hi) || lo > hi) {
    throw new ValueError(`clamp: expected min ≤ max, got min = ${min} and max = ${max}`);
  }
  const op = elementwise(
    'clamp',
    (v) => (v < lo ? lo : Math.min(v, hi)),
    (g, x) => g.mul(x.ge(lo).mul(x.le(hi))),
  );
  return op(input);
}

/** A copy converted to `dtype` (the gradient is converted back). */
export function astype(input: TensorLike, dtype: DType): Tensor {
  const x = toTensor(input);
  checkDType(dtype, 'astype');
  if (x.dtype === dtype) return x;
  const y = new Tensor(allocate(dtype, x.size), x.shape);
  y.data.set(x.data);
  return record('astype', [x], y, (g) => [g.astype(x.dtype)]);
}
