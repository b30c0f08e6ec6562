// Elementwise ops of one tensor: each is its loop over the raw arrays and, beside it, its derivative.
import { checkDType, type DType } from '../dtype.js';
import { ValueError } from '../errors.js';
import { pairKernel, unaryKernel } from '../kernels/backend.js';
import type { PairKernel, UnaryKernel } from '../kernels/elementwise.js';
import { bind, type Primitive } from '../primitive.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { toTensor } from '../tensor.js';
import { spread, total } from './batching.js';

/**
 * An elementwise op from a function of one number: `f` computes each element, `vjp(g, x, y)` maps
 * the output's gradient g to the input's (x the input, y the output), written with tensor ops so
 * it can be differentiated.
 */
export function elementwise(
  name: string,
  f: (v: number) => number,
  vjp: (g: Tensor, x: Tensor, y: Tensor) => Tensor,
): (x: TensorLike) => Tensor {
  const loop: UnaryKernel = (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = f(x[i]);
  };
  return unaryOp(name, loop, vjp, loop); // the user's loop as it is, whatever the op's name
}

/**
 * An elementwise op from its own loop over the raw arrays (see kernels/elementwise.ts: why). The
 * kernel layer may pair the loop with a faster twin of the same op.
 */
// #region unary-op
function unaryOp(
  name: string,
  loop: UnaryKernel,
  vjp: (g: Tensor, x: Tensor, y: Tensor) => Tensor,
  kernel = unaryKernel(name, loop),
): (x: TensorLike) => Tensor {
  const p: Primitive<undefined, readonly [Tensor]> = {
    name,
    kernel: (xs, out) => kernel(xs[0].data, out, out.length),
    overwrites: true,
    vjp: (g, xs, y) => [vjp(g, xs[0], y)],
    // the Jacobian is diagonal, so the tangent's image is the vjp's: t·f'(x)
    jvp: (ts, xs, y) => vjp(ts[0] as Tensor, xs[0], y),
    batch: (xs) => bind(p, xs, undefined, xs[0].shape), // elementwise: the batch is one more axis
  };
  return (input) => {
    const x = toTensor(input);
    return bind(p, [x], undefined, x.shape);
  };
}
// #endregion unary-op

/**
 * An activation's derivative rule as one op: `g` (the gradient of the activation's output) and
 * `v` (its input or output, same shape) in one pass, instead of three or four ops and arrays.
 * It is an op like any other, with a derivative rule of its own, so second derivatives still work.
 */
// #region derivative-op
function derivativeOp(
  name: string,
  loop: PairKernel,
  dg: (gg: Tensor, v: Tensor) => Tensor,
  dv: ((gg: Tensor, g: Tensor, v: Tensor) => Tensor) | null,
  kernel = pairKernel(name, loop),
): (g: Tensor, v: Tensor) => Tensor {
  const p: Primitive<undefined, readonly [Tensor, Tensor]> = {
    name,
    kernel: (gv, out) => kernel(gv[0].data, gv[1].data, out, out.length),
    overwrites: true,
    vjp: (gg, gv) => [
      gv[0].requiresGrad ? dg(gg, gv[1]) : null,
      dv !== null && gv[1].requiresGrad ? dv(gg, gv[0], gv[1]) : null,
    ],
    // elementwise in both inputs, so each partial is its own tangent's image
    jvp: ([tg, tv], gv) =>
      total([tg && dg(tg, gv[1]), dv !== null && tv ? dv(tv, gv[0], gv[1]) : null]),
    batch: (gv, batched, _p, { size }) => {
      const [g, v] = [
        spread(gv[0], batched[0] as boolean, size),
        spread(gv[1], batched[1] as boolean, size),
      ];
      return bind(p, [g, v], undefined, g.shape);
    },
  };
  return (g, v) => bind(p, [g, v], undefined, g.shape);
}
// #endregion derivative-op

/** −x */
export const neg = unaryOp(
  'neg',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = -x[i];
  },
  (g) => g.neg(),
); // d(−x) = −dx

/** eˣ */
// #region exp-log
export const exp = unaryOp(
  'exp',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
  },
  (g, _x, y) => g.mul(y),
); // (eˣ)' = eˣ

/** Natural logarithm. */
export const log = unaryOp(
  'log',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.log(x[i]);
  },
  (g, x) => g.div(x),
); // (ln x)' = 1/x
// #endregion exp-log

/** ln(1 + x), accurate for small x. */
export const log1p = unaryOp(
  'log1p',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.log1p(x[i]);
  },
  (g, x) => g.div(x.add(1)),
); // 1/(1 + x)

/** √x */
export const sqrt = unaryOp(
  'sqrt',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]);
  },
  (g, _x, y) => g.div(y.mul(2)),
); // 1/(2√x)

/** |x| */
export const abs = unaryOp(
  'abs',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]);
  },
  (g, x) => g.mul(x.sign()),
); // sign(x); 0 at x = 0

/** −1, 0 or 1. Its derivative is 0 wherever it exists, and taken as 0 at x = 0. */
export const sign = unaryOp(
  'sign',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.sign(x[i]);
  },
  (g) => g.zerosLike(),
);

/** sin x */
export const sin = unaryOp(
  'sin',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.sin(x[i]);
  },
  (g, x) => g.mul(x.cos()),
); // (sin x)' = cos x

/** cos x */
export const cos = unaryOp(
  'cos',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.cos(x[i]);
  },
  (g, x) => g.mul(x.sin()).neg(),
); // (cos x)' = −sin x

const tanhLoop: UnaryKernel = (x, out, n) => {
  for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
};
const tanhGradLoop: PairKernel = (g, y, out, n) => {
  for (let i = 0; i < n; i++) out[i] = g[i] * (1 - y[i] * y[i]);
};
const TANH = layerActivation('tanh', tanhLoop, 'tanhGrad', tanhGradLoop, 'output');

/** Hyperbolic tangent. */
export const tanh = unaryOp('tanh', tanhLoop, (g, _x, y) => tanhGrad(g, y), TANH.forward);

/** tanh's derivative rule from its output y: g·(1 − y²). */
export const tanhGrad = derivativeOp(
  'tanhGrad',
  tanhGradLoop,
  (gg, y) => tanhGrad(gg, y), // ∂/∂g = 1 − y²
  (gg, g, y) => gg.mul(g).mul(y).mul(-2), // ∂/∂y = −2gy
  TANH.derivative,
);

// #region sigmoid
const sigmoidLoop: UnaryKernel = (x, out, n) => {
  // exact at both ends without a branch: e^−v overflows to ∞ for v ≪ 0, giving 1/∞ = 0
  for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-x[i]));
};
const sigmoidGradLoop: PairKernel = (g, y, out, n) => {
  for (let i = 0; i < n; i++) {
    const v = y[i];
    out[i] = g[i] * (v * (1 - v));
  }
};
const SIGMOID = layerActivation('sigmoid', sigmoidLoop, 'sigmoidGrad', sigmoidGradLoop, 'output');

/**
 * The logistic sigmoid 1 / (1 + e⁻ˣ). Computed in a form that never overflows (so a = −800 gives
 * 0 and gradient 0, not NaN), with the derivative from the output: σ' = σ(1 − σ).
 */
export const sigmoid = unaryOp(
  'sigmoid',
  sigmoidLoop,
  (g, _x, y) => sigmoidGrad(g, y),
  SIGMOID.forward,
);

/** sigmoid's derivative rule from its output y: g·y(1 − y). */
export const sigmoidGrad = derivativeOp(
  'sigmoidGrad',
  sigmoidGradLoop,
  (gg, y) => sigmoidGrad(gg, y), // ∂/∂g = y(1 − y)
  (gg, g, y) => gg.mul(g).mul(y.mul(-2).add(1)), // ∂/∂y = g(1 − 2y)
  SIGMOID.derivative,
);
// #endregion sigmoid

const reluLoop: UnaryKernel = (x, out, n) => {
  for (let i = 0; i < n; i++) out[i] = Math.max(x[i], 0);
};
const reluGradLoop: PairKernel = (g, x, out, n) => {
  for (let i = 0; i < n; i++) out[i] = g[i] * (x[i] > 0 ? 1 : 0);
};
const RELU = layerActivation('relu', reluLoop, 'reluGrad', reluGradLoop, 'input');

/** max(0, x). NOTE: relu'(0) is taken as 0 (as PyTorch and JAX do). */
export const relu = unaryOp('relu', reluLoop, (g, x) => reluGrad(g, x), RELU.forward);

/** relu's derivative rule: g where x > 0, else 0 (as g·0, so an infinite g gives NaN there). */
export const reluGrad = derivativeOp(
  'reluGrad',
  reluGradLoop,
  (gg, x) => reluGrad(gg, x), // ∂/∂g = [x > 0]
  null, // ∂/∂x = 0 wherever it exists: no gradient
  RELU.derivative,
);

/**
 * The error function erf(x) = (2/√π) ∫₀ˣ e^(−t²) dt, within 8 ulp (Python's `math.erf` is the
 * check): the series x·e^(−x²)·Σ (2x²)ⁿ/(2n + 1)!!, all terms positive, for |x| < 1.25, else
 * 1 − erfc(x) from erfc's continued fraction. With it, GELU has its exact form x·Φ(x).
 */
// #region erf
export const erf = unaryOp(
  'erf',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = erfOf(x[i]);
  },
  (g, x) => g.mul(x.square().neg().exp().mul(TWO_OVER_SQRT_PI)),
); // erf'(x) = (2/√π)·e^(−x²)
// #endregion erf

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

function erfOf(v: number): number {
  const a = Math.abs(v);
  if (a < 1.25) {
    const x2 = 2 * a * a;
    let term = 1;
    let sum = 1;
    for (let k = 1; term > 1e-17 * sum; k++) {
      term *= x2 / (2 * k + 1);
      sum += term;
    }
    return TWO_OVER_SQRT_PI * v * expMinusSquare(a) * sum;
  }
  if (!(a < 6)) return Number.isNaN(v) ? v : Math.sign(v); // erfc(6) < 2⁻⁵³: erf is ±1 exactly
  // erfc(a) = e^(−a²)/√π · 1/(a + ½/(a + 1/(a + (3/2)/(a + 2/(a + …))))), from the tail up
  let f = a;
  for (let k = 120; k >= 1; k--) f = a + k / 2 / f;
  return Math.sign(v) * (1 - expMinusSquare(a) / Math.sqrt(Math.PI) / f);
}

/** e^(−a²) without the rounding of a² itself: a = h + (a − h) with h² exact. */
function expMinusSquare(a: number): number {
  const h = Math.fround(a);
  return Math.exp(-h * h) * Math.exp((h - a) * (h + a));
}

/** x² */
export const square = unaryOp(
  'square',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = x[i] * x[i];
  },
  (g, x) => squareGrad(g, x),
); // 2x

/** square's derivative rule: g·2x in one pass (the same bits as g·(2x): doubling is exact). */
export const squareGrad = derivativeOp(
  'squareGrad',
  (g, x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = g[i] * (2 * x[i]);
  },
  (gg, x) => squareGrad(gg, x), // ∂/∂g = 2x
  (gg, g) => gg.mul(g).mul(2), // ∂/∂x = 2g
);

/** 1/x */
export const reciprocal = unaryOp(
  'reciprocal',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = 1 / x[i];
  },
  (g, _x, y) => g.mul(y.square()).neg(),
); // −1/x²

/** clamp's bounds, fixed when it is called. */
interface Bounds {
  lo: number;
  hi: number;
}

// #region clamp
const CLAMP: Primitive<Bounds, readonly [Tensor]> = {
  name: 'clamp',
  kernel: (xs, out, { lo, hi }) => {
    const v = xs[0].data;
    for (let i = 0; i < out.length; i++) {
      const e = v[i];
      out[i] = e < lo ? lo : Math.min(e, hi);
    }
  },
  overwrites: true,
  vjp: (g, xs, _y, { lo, hi }) => [g.mul(xs[0].ge(lo).mul(xs[0].le(hi)))],
  jvp: ([t], xs, _y, { lo, hi }) => (t as Tensor).mul(xs[0].ge(lo).mul(xs[0].le(hi))),
  batch: (xs, _b, bounds) => bind(CLAMP, xs, bounds, xs[0].shape),
};

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
  const x = toTensor(input);
  return bind(CLAMP, [x], { lo, hi }, x.shape);
}
// #endregion clamp

/** Its parameter: the dtype converted to. */
const ASTYPE: Primitive<DType, readonly [Tensor]> = {
  name: 'astype',
  kernel: (xs, out) => out.set(xs[0].data),
  overwrites: true,
  vjp: (g, xs) => [g.astype(xs[0].dtype)],
  jvp: ([t], _xs, _y, dtype) => (t as Tensor).astype(dtype),
  batch: (xs, _b, dtype) => bind(ASTYPE, xs, dtype, xs[0].shape, dtype),
};

/**
 * A copy converted to `dtype` (the gradient is converted back). Rounding is IEEE's, as in every
 * op: beyond ±3.4e38 a float32 is ±Infinity (`tensor()` refuses that in its input instead).
 */
export function astype(input: TensorLike, dtype: DType): Tensor {
  const x = toTensor(input);
  checkDType(dtype, 'astype');
  if (x.dtype === dtype) return x;
  return bind(ASTYPE, [x], dtype, x.shape, dtype);
}

const COPY: Primitive<undefined, readonly [Tensor]> = {
  name: 'copy',
  kernel: (xs, out) => out.set(xs[0].data),
  overwrites: true,
  vjp: null, // a copy is a new leaf (clone)
  // but its values are its input's, and so is its tangent (a derivative rule may copy a
  // gradient, as linear's does for one row's bias, and forward-over-reverse must see through it)
  jvp: ([t], _xs, y) => copy(t as Tensor, y.shape),
  batch: (xs, _b, _p, { shape, size }) => copy(xs[0], [size, ...shape]),
};

/** A copy of `x`'s values in storage of its own, as a new leaf, with `shape` (default x's). */
export function copy(x: Tensor, shape: readonly number[] = x.shape): Tensor {
  return bind(COPY, [x], undefined, shape);
}

/**
 * An activation that `fusedMLP` (fused-mlp.ts) runs inside its layers: the op's kernel, its
 * derivative rule's kernel, and which value that rule reads, the input a or the output z. The
 * ops above are built on these very kernels, so the fused network computes their numbers.
 */
export interface LayerActivation {
  readonly forward: UnaryKernel;
  readonly derivative: PairKernel;
  readonly reads: 'input' | 'output';
}

/** The activations `fusedMLP` can run in a layer (besides 'identity', which runs nothing). */
export const LAYER_ACTIVATIONS = {
  sigmoid: SIGMOID,
  tanh: TANH,
  relu: RELU,
} as const satisfies Record<string, LayerActivation>;

function layerActivation(
  name: string,
  loop: UnaryKernel,
  derivativeName: string,
  derivativeLoop: PairKernel,
  reads: 'input' | 'output',
): LayerActivation {
  return {
    forward: unaryKernel(name, loop),
    derivative: pairKernel(derivativeName, derivativeLoop),
    reads,
  };
}
