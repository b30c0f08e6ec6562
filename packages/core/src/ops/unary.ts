// Elementwise ops of one tensor: each is its forward function and, beside it, its derivative.
import { allocate, checkDType, type DType, type TypedArray } from '../dtype.js';
import { record } from '../engine.js';
import { ValueError } from '../errors.js';
import { useWasmElementwise, WASM_MIN_ELEMENTS } from '../kernels/backend.js';
import type { UnaryKernel } from '../kernels/elementwise.js';
import { type ElementwiseKernel, elementwiseWasm } from '../kernels/wasm/elementwise-wasm.js';
import { Tensor, type TensorLike, toTensor } from '../tensor.js';
import { compute } from '../trace.js';

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
  return unaryOp(
    name,
    (x, out, n) => {
      for (let i = 0; i < n; i++) out[i] = f(x[i] as number);
    },
    vjp,
  );
}

/** An elementwise op from its own loop over the raw arrays (see kernels/elementwise.ts: why). */
function unaryOp(
  name: string,
  kernel: UnaryKernel,
  vjp: (g: Tensor, x: Tensor, y: Tensor) => Tensor,
): (x: TensorLike) => Tensor {
  return (input) => {
    const x = toTensor(input);
    const y = new Tensor(allocate(x.dtype, x.size), x.shape);
    compute(y.data, () => kernel(x.data, y.data, x.size), true);
    return record(name, [x], y, (g) => [vjp(g, x, y)]);
  };
}

/**
 * An activation's derivative rule as one op: `g` (the gradient of the activation's output) and
 * `v` (its input or output, same shape) in one pass, instead of three or four ops and arrays.
 * It is an op like any other, with a derivative rule of its own, so second derivatives still work.
 */
function derivativeOp(
  name: string,
  kernel: (g: TypedArray, v: TypedArray, out: TypedArray, n: number) => void,
  dg: (gg: Tensor, v: Tensor) => Tensor,
  dv: ((gg: Tensor, g: Tensor, v: Tensor) => Tensor) | null,
): (g: Tensor, v: Tensor) => Tensor {
  return (g, v) => {
    const y = new Tensor(allocate(g.dtype, g.size), g.shape);
    compute(y.data, () => kernel(g.data, v.data, y.data, g.size), true);
    return record(name, [g, v], y, (gg) => [
      g.requiresGrad ? dg(gg, v) : null,
      dv !== null && v.requiresGrad ? dv(gg, g, v) : null,
    ]);
  };
}

/**
 * Runs `op`'s WebAssembly kernel where the backend setting and the size call for it (see
 * kernels/backend.ts); false when the JavaScript loop should run instead.
 */
function inWasm(
  op: ElementwiseKernel,
  x: TypedArray,
  other: TypedArray | null,
  out: TypedArray,
  n: number,
): boolean {
  return useWasmElementwise(n, WASM_MIN_ELEMENTS[op]) && elementwiseWasm(op, x, other, out, n);
}

/** −x */
export const neg = unaryOp(
  'neg',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = -(x[i] as number);
  },
  (g) => g.neg(),
); // d(−x) = −dx

/** eˣ */
export const exp = unaryOp(
  'exp',
  (x, out, n) => {
    // float32 on WebAssembly SIMD where it loads (≤ 3 ulp; see sigmoid); float64: Math.exp
    if (inWasm('exp', x, null, out, n)) return;
    for (let i = 0; i < n; i++) out[i] = Math.exp(x[i] as number);
  },
  (g, _x, y) => g.mul(y),
); // (eˣ)' = eˣ

/** Natural logarithm. */
export const log = unaryOp(
  'log',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.log(x[i] as number);
  },
  (g, x) => g.div(x),
); // (ln x)' = 1/x

/** ln(1 + x), accurate for small x. */
export const log1p = unaryOp(
  'log1p',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.log1p(x[i] as number);
  },
  (g, x) => g.div(x.add(1)),
); // 1/(1 + x)

/** √x */
export const sqrt = unaryOp(
  'sqrt',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i] as number);
  },
  (g, _x, y) => g.div(y.mul(2)),
); // 1/(2√x)

/** |x| */
export const abs = unaryOp(
  'abs',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.abs(x[i] as number);
  },
  (g, x) => g.mul(x.sign()),
); // sign(x); 0 at x = 0

/** −1, 0 or 1. Its derivative is 0 wherever it exists, and taken as 0 at x = 0. */
export const sign = unaryOp(
  'sign',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.sign(x[i] as number);
  },
  (g) => g.zerosLike(),
);

/** sin x */
export const sin = unaryOp(
  'sin',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.sin(x[i] as number);
  },
  (g, x) => g.mul(x.cos()),
); // (sin x)' = cos x

/** cos x */
export const cos = unaryOp(
  'cos',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.cos(x[i] as number);
  },
  (g, x) => g.mul(x.sin()).neg(),
); // (cos x)' = −sin x

/** Hyperbolic tangent. */
export const tanh = unaryOp(
  'tanh',
  (x, out, n) => {
    // float32 on WebAssembly SIMD where it loads (Cephes' tanhf, from the vector e^x); float64:
    // Math.tanh
    if (inWasm('tanh', x, null, out, n)) return;
    for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i] as number);
  },
  (g, _x, y) => tanhGrad(g, y),
);

/** tanh's derivative rule from its output y: g·(1 − y²). */
export const tanhGrad = derivativeOp(
  'tanhGrad',
  (g, y, out, n) => {
    if (inWasm('tanhGrad', g, y, out, n)) return;
    for (let i = 0; i < n; i++)
      out[i] = (g[i] as number) * (1 - (y[i] as number) * (y[i] as number));
  },
  (gg, y) => tanhGrad(gg, y), // ∂/∂g = 1 − y²
  (gg, g, y) => gg.mul(g).mul(y).mul(-2), // ∂/∂y = −2gy
);

/**
 * The logistic sigmoid 1 / (1 + e⁻ˣ). Computed in a form that never overflows (so a = −800 gives
 * 0 and gradient 0, not NaN), with the derivative from the output: σ' = σ(1 − σ).
 */
export const sigmoid = unaryOp(
  'sigmoid',
  (x, out, n) => {
    // float32 on WebAssembly SIMD where it loads: a polynomial e^x, ≤ 3 ulp, about seven times
    // faster than Math.exp at 4096 elements (kernels/wasm/elementwise.wat); float64 keeps Math.exp's accuracy
    if (inWasm('sigmoid', x, null, out, n)) return;
    // exact at both ends without a branch: e^−v overflows to ∞ for v ≪ 0, giving 1/∞ = 0
    for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-(x[i] as number)));
  },
  (g, _x, y) => sigmoidGrad(g, y),
);

/** sigmoid's derivative rule from its output y: g·y(1 − y). */
export const sigmoidGrad = derivativeOp(
  'sigmoidGrad',
  (g, y, out, n) => {
    if (inWasm('sigmoidGrad', g, y, out, n)) return;
    for (let i = 0; i < n; i++) {
      const v = y[i] as number;
      out[i] = (g[i] as number) * (v * (1 - v));
    }
  },
  (gg, y) => sigmoidGrad(gg, y), // ∂/∂g = y(1 − y)
  (gg, g, y) => gg.mul(g).mul(y.mul(-2).add(1)), // ∂/∂y = g(1 − 2y)
);

/** max(0, x). NOTE: relu'(0) is taken as 0 (as PyTorch and JAX do). */
export const relu = unaryOp(
  'relu',
  (x, out, n) => {
    if (inWasm('relu', x, null, out, n)) return;
    for (let i = 0; i < n; i++) out[i] = Math.max(x[i] as number, 0);
  },
  (g, x) => reluGrad(g, x),
);

/** relu's derivative rule: g where x > 0, else 0 (as g·0, so an infinite g gives NaN there). */
export const reluGrad = derivativeOp(
  'reluGrad',
  (g, x, out, n) => {
    if (inWasm('reluGrad', g, x, out, n)) return;
    for (let i = 0; i < n; i++) out[i] = (g[i] as number) * ((x[i] as number) > 0 ? 1 : 0);
  },
  (gg, x) => reluGrad(gg, x), // ∂/∂g = [x > 0]
  null, // ∂/∂x = 0 wherever it exists: no gradient
);

/** x² */
export const square = unaryOp(
  'square',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = (x[i] as number) * (x[i] as number);
  },
  (g, x) => squareGrad(g, x),
); // 2x

/** square's derivative rule: g·2x in one pass (the same bits as g·(2x): doubling is exact). */
export const squareGrad = derivativeOp(
  'squareGrad',
  (g, x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = (g[i] as number) * (2 * (x[i] as number));
  },
  (gg, x) => squareGrad(gg, x), // ∂/∂g = 2x
  (gg, g) => gg.mul(g).mul(2), // ∂/∂x = 2g
);

/** 1/x */
export const reciprocal = unaryOp(
  'reciprocal',
  (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = 1 / (x[i] as number);
  },
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
  const op = unaryOp(
    'clamp',
    (x, out, n) => {
      for (let i = 0; i < n; i++) {
        const v = x[i] as number;
        out[i] = v < lo ? lo : Math.min(v, hi);
      }
    },
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
  compute(y.data, () => y.data.set(x.data), true);
  return record('astype', [x], y, (g) => [g.astype(x.dtype)]);
}
