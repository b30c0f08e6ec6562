// Tests of the one-tensor elementwise ops: values against Math.* and closed forms (edge cases
// included), first and second derivatives against closed forms and central differences, kinks.
import { describe, expect, it } from 'vitest';
import { checkGradients, expectAllClose } from '../../test/helpers.js';
import { checkHessian, checkHvp } from '../../test/second-order.js';
import {
  abs,
  astype,
  clamp,
  cos,
  DTypeError,
  erf,
  exp,
  grad,
  gradients,
  hvp,
  log,
  log1p,
  neg,
  randn,
  reciprocal,
  relu,
  sigmoid,
  sign,
  sin,
  sqrt,
  square,
  type Tensor,
  type TensorLike,
  tanh,
  tensor,
  ValueError,
} from '../index.js';
import { reluGrad, sigmoidGrad, squareGrad, tanhGrad } from './unary.js';

const { E, LN2, PI, SQRT2 } = Math;
const LN3 = Math.log(3);
const exact = { atol: 0, rtol: 0 };
const logistic = (v: number) => 1 / (1 + Math.exp(-v)); // the textbook closed form

interface UnaryCase {
  name: string;
  /** The op as a function: takes any TensorLike (numbers too). */
  fn: (x: TensorLike) => Tensor;
  /** The same op as a Tensor method. */
  method: (x: Tensor) => Tensor;
  /** The independent reference: Math.* or a closed form. */
  f: (v: number) => number;
  /** Closed-form first and second derivatives on `domain`. */
  df: (v: number) => number;
  d2f: (v: number) => number;
  /** Maps a standard normal sample into the op's smooth domain (positive for log, …). */
  domain: (v: number) => number;
  /** A non-zero second derivative: x ↦ f'(x) is itself a function of x to differentiate. */
  curved: boolean;
  /**
   * [input, expected] pairs, edge cases included. Zeros are compared with their sign (−0 is not
   * +0) and NaN/±∞ exactly; every expected value says where it comes from.
   */
  golden: [number, number][];
}

/**
 * erf from its Maclaurin series (2/√π) Σ (−1)ⁿ x²ⁿ⁺¹ / (n!(2n + 1)): a different expansion from
 * the op's, accurate to about 1e-15 for |x| ≤ 2, where its alternating terms stay small.
 */
function maclaurinErf(v: number): number {
  let term = v; // (−1)ⁿ x²ⁿ⁺¹ / n!
  let sum = v;
  for (let n = 1; n < 60; n++) {
    term *= (-v * v) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(PI)) * sum;
}

const identity = (v: number) => v;
const positive = (v: number) => Math.abs(v) + 0.5;

const cases: UnaryCase[] = [
  {
    name: 'neg',
    fn: neg,
    method: (x) => x.neg(),
    f: (v) => -v,
    df: () => -1,
    d2f: () => 0,
    domain: identity,
    curved: false,
    golden: [
      [0, -0], // −(+0) = −0 (IEEE 754 negation flips the sign bit)
      [-0, 0], // −(−0) = +0
      [1.5, -1.5],
      [Number.MAX_VALUE, -Number.MAX_VALUE], // negation is exact: no overflow
      [Infinity, -Infinity],
    ],
  },
  {
    name: 'exp',
    fn: exp,
    method: (x) => x.exp(),
    f: Math.exp,
    df: Math.exp, // (eˣ)' = eˣ
    d2f: Math.exp, // (eˣ)'' = eˣ
    domain: identity,
    curved: true,
    golden: [
      [0, 1], // e⁰ = 1
      [-0, 1],
      [1, E], // Math.E
      [LN2, 2], // e^(ln 2) = 2
      [710, Infinity], // e⁷¹⁰ > Number.MAX_VALUE ≈ e^709.78: overflows
      [-746, 0], // e⁻⁷⁴⁶ < 2⁻¹⁰⁷⁴ ≈ e^−744.44 (the least subnormal): underflows to +0
      [-Infinity, 0], // lim eˣ as x → −∞
      [Infinity, Infinity],
    ],
  },
  {
    name: 'log',
    fn: log,
    method: (x) => x.log(),
    f: Math.log,
    df: (v) => 1 / v, // (ln x)' = 1/x
    d2f: (v) => -1 / v ** 2, // (ln x)'' = −1/x²
    domain: positive,
    curved: true,
    golden: [
      [1, 0], // ln 1 = +0
      [E, 1], // ln e = 1
      [0.5, -LN2], // ln ½ = −ln 2 (Math.LN2)
      [0, -Infinity], // lim ln x as x → 0⁺
      [-0, -Infinity], // IEEE 754: log(−0) = −∞
      [-1, NaN], // outside the real domain
      [Infinity, Infinity],
    ],
  },
  {
    name: 'log1p',
    fn: log1p,
    method: (x) => x.log1p(),
    f: Math.log1p,
    df: (v) => 1 / (1 + v), // 1/(1 + x)
    d2f: (v) => -1 / (1 + v) ** 2, // −1/(1 + x)²
    domain: (v) => Math.abs(v) - 0.5, // ≥ −0.5, inside (−1, ∞)
    curved: true,
    golden: [
      [0, 0], // ln(1 + 0) = +0
      [-0, -0], // IEEE 754: log1p(−0) = −0
      // ln(1 + x) = x − x²/2 + …, and x²/2 is far below x's resolution (Math.log(1 + 1e-20) = 0)
      [1e-20, 1e-20],
      [1, LN2], // ln 2 (Math.LN2)
      [-1, -Infinity], // ln 0
      [-2, NaN], // ln of a negative number
      [Infinity, Infinity],
    ],
  },
  {
    name: 'sqrt',
    fn: sqrt,
    method: (x) => x.sqrt(),
    f: Math.sqrt,
    df: (v) => 1 / (2 * Math.sqrt(v)), // 1/(2√x)
    d2f: (v) => -1 / (4 * v ** 1.5), // −1/(4 x^1.5)
    domain: positive,
    curved: true,
    golden: [
      [0, 0],
      [-0, -0], // IEEE 754: √(−0) = −0
      [4, 2],
      [0.25, 0.5],
      [2, SQRT2], // Math.SQRT2
      [-1, NaN], // no real square root
      [Infinity, Infinity],
    ],
  },
  {
    name: 'abs',
    fn: abs,
    method: (x) => x.abs(),
    f: Math.abs,
    df: Math.sign, // |x|' = sign x (away from 0)
    d2f: () => 0,
    domain: identity,
    curved: false,
    golden: [
      [0, 0],
      [-0, 0], // |−0| = +0
      [-3, 3],
      [3, 3],
      [-Infinity, Infinity],
      [NaN, NaN],
    ],
  },
  {
    name: 'sign',
    fn: sign,
    method: (x) => x.sign(),
    f: Math.sign,
    df: () => 0, // piecewise constant
    d2f: () => 0,
    domain: identity,
    curved: false,
    golden: [
      [0, 0],
      [-0, -0], // Math.sign keeps the sign of zero
      [-2.5, -1],
      [1e-300, 1],
      [-Infinity, -1],
      [NaN, NaN],
    ],
  },
  {
    name: 'sin',
    fn: sin,
    method: (x) => x.sin(),
    f: Math.sin,
    df: Math.cos, // (sin x)' = cos x
    d2f: (v) => -Math.sin(v), // (sin x)'' = −sin x
    domain: identity,
    curved: true,
    golden: [
      [0, 0],
      [-0, -0], // IEEE 754: sin(−0) = −0
      [PI / 2, 1], // sin(π/2) = 1
      [PI / 6, 0.5], // sin(π/6) = ½
      [-PI / 2, -1],
    ],
  },
  {
    name: 'cos',
    fn: cos,
    method: (x) => x.cos(),
    f: Math.cos,
    df: (v) => -Math.sin(v), // (cos x)' = −sin x
    d2f: (v) => -Math.cos(v), // (cos x)'' = −cos x
    domain: identity,
    curved: true,
    golden: [
      [0, 1], // cos 0 = 1
      [-0, 1],
      [PI / 3, 0.5], // cos(π/3) = ½
      [PI, -1], // cos π = −1
    ],
  },
  {
    name: 'tanh',
    fn: tanh,
    method: (x) => x.tanh(),
    f: Math.tanh,
    df: (v) => 1 - Math.tanh(v) ** 2, // 1 − tanh²
    d2f: (v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2), // −2 tanh (1 − tanh²)
    domain: identity,
    curved: true,
    golden: [
      [0, 0],
      [-0, -0], // tanh is odd and IEEE 754 keeps tanh(−0) = −0
      [LN2, 0.6], // tanh(ln 2) = (2 − ½)/(2 + ½) = 3/5
      [-LN2, -0.6],
      [1000, 1], // 1 − tanh(1000) ≈ 2e⁻²⁰⁰⁰, far below float64's resolution
      [-1000, -1],
      [Infinity, 1],
    ],
  },
  // #region erf-case
  {
    name: 'erf',
    fn: erf,
    method: (x) => x.erf(),
    f: maclaurinErf,
    df: (v) => (2 / Math.sqrt(PI)) * Math.exp(-v * v), // (2/√π)·e^(−x²)
    d2f: (v) => (-4 * v * Math.exp(-v * v)) / Math.sqrt(PI), // −(4x/√π)·e^(−x²)
    domain: (v) => Math.max(-2, Math.min(2, v)), // where the alternating series keeps 15 digits
    curved: true,
    golden: [
      [0, 0],
      [-0, -0], // erf is odd
      [0.001, 0.0011283787909692365], // Python's math.erf, as are the next four
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [-2, -0.9953222650189527],
      [3, 0.9999779095030014],
      [6, 1], // 1 − erf(6) ≈ 2e⁻¹⁷, below float64's resolution near 1
      [-Infinity, -1],
      [Number.NaN, Number.NaN],
    ],
  },
  // #endregion erf-case
  {
    name: 'sigmoid',
    fn: sigmoid,
    method: (x) => x.sigmoid(),
    f: logistic,
    df: (v) => logistic(v) * (1 - logistic(v)), // σ(1 − σ)
    d2f: (v) => logistic(v) * (1 - logistic(v)) * (1 - 2 * logistic(v)), // σ(1 − σ)(1 − 2σ)
    domain: (v) => 3 * v,
    curved: true,
    golden: [
      [0, 0.5], // 1/(1 + e⁰)
      [LN3, 0.75], // 1/(1 + 1/3) = 3/4
      [-LN3, 0.25], // 1/(1 + 3) = 1/4
      [800, 1], // 1/(1 + e⁻⁸⁰⁰) and e⁻⁸⁰⁰ underflows to 0
      [-800, 0], // e⁻⁸⁰⁰/(1 + e⁻⁸⁰⁰) underflows to +0
      [Infinity, 1],
      [-Infinity, 0],
    ],
  },
  {
    name: 'relu',
    fn: relu,
    method: (x) => x.relu(),
    f: (v) => (v + Math.abs(v)) / 2, // max(x, 0) = (x + |x|)/2
    df: (v) => (v > 0 ? 1 : 0),
    d2f: () => 0,
    domain: identity,
    curved: false,
    golden: [
      [0, 0],
      [-0, 0], // max(−0, +0) = +0 (ECMAScript Math.max orders −0 below +0)
      [-2, 0],
      [3, 3],
      [Infinity, Infinity],
      [-Infinity, 0],
    ],
  },
  {
    name: 'square',
    fn: square,
    method: (x) => x.square(),
    f: (v) => v * v,
    df: (v) => 2 * v, // (x²)' = 2x
    d2f: () => 2, // (x²)'' = 2
    domain: identity,
    curved: true,
    golden: [
      [0, 0],
      [-0, 0], // (−0)·(−0) = +0
      [-3, 9],
      [1.5, 2.25],
      [1e200, Infinity], // 1e400 > Number.MAX_VALUE: overflows
      [1e-200, 0], // 1e−400 < 2⁻¹⁰⁷⁴: underflows to +0
    ],
  },
  {
    name: 'reciprocal',
    fn: reciprocal,
    method: (x) => x.reciprocal(),
    f: (v) => 1 / v,
    df: (v) => -1 / v ** 2, // (1/x)' = −1/x²
    d2f: (v) => 2 / v ** 3, // (1/x)'' = 2/x³
    domain: (v) => Math.sign(v) * (Math.abs(v) + 0.5),
    curved: true,
    golden: [
      [2, 0.5],
      [-4, -0.25],
      [0, Infinity], // IEEE 754: 1/+0 = +∞
      [-0, -Infinity], // 1/−0 = −∞
      [Infinity, 0],
      [-Infinity, -0], // 1/−∞ = −0
    ],
  },
  {
    name: 'clamp',
    fn: (x) => clamp(x, -1, 1),
    method: (x) => x.clamp(-1, 1),
    f: (v) => Math.min(Math.max(v, -1), 1),
    df: (v) => (v >= -1 && v <= 1 ? 1 : 0),
    d2f: () => 0,
    domain: (v) => 1.5 * v, // both inside and outside [−1, 1]
    curved: false,
    golden: [
      [-2, -1],
      [2, 1],
      [0.5, 0.5],
      [-1, -1],
      [1, 1],
      [-0, -0], // inside: passed through unchanged
      [-Infinity, -1],
      [Infinity, 1],
      [NaN, NaN], // NaN is not clamped (as in PyTorch and NumPy)
    ],
  },
];

/** randn samples mapped through `domain`, as a float64 tensor of `shape`. */
function sample(shape: number[], seed: number, domain: (v: number) => number = identity): Tensor {
  return tensor(randn(shape, { seed }).data.map(domain), { shape });
}

/** `got` equals `expected`: the sign of a zero, NaN and ±∞ exactly; other values to 1e-15. */
function expectGolden(got: number, expected: number, label: string): void {
  if (expected === 0 || !Number.isFinite(expected)) {
    expect(got, label).toBe(expected); // Object.is: −0 is not +0, NaN is NaN
  } else {
    expect(Math.abs(got - expected), `${label}: got ${got}`).toBeLessThanOrEqual(
      1e-15 * Math.abs(expected),
    );
  }
}

/** The derivative of x ↦ op(x) at the scalar v, by central differences of grad(op). */
function centralSecond(fn: (x: Tensor) => Tensor, v: number, h = 1e-5): number {
  const df = grad(fn);
  return (df(tensor(v + h)).item() - df(tensor(v - h)).item()) / (2 * h);
}

describe.each(cases)('$name', (c) => {
  it(`computes ${c.name}`, () => {
    const inputs = c.golden.map(([v]) => v);
    const y = c.fn(tensor(inputs, { allowNonFinite: true }));
    expect(y.shape).toEqual([inputs.length]);
    c.golden.forEach(([v, expected], i) => {
      expectGolden(y.data[i] as number, expected, `${c.name}(${v})`);
    });
    const x = sample([2, 3], 1, c.domain);
    expectAllClose(c.fn(x), tensor(x.data.map(c.f), { shape: [2, 3] }), { rtol: 1e-14 });
  });

  it(`computes the gradient of ${c.name}`, () => {
    const x = sample([2, 3], 2, c.domain);
    x.requiresGrad = true;
    c.fn(x).sum().backward();
    expectAllClose(x.grad as Tensor, tensor(x.data.map(c.df), { shape: [2, 3] }), { rtol: 1e-12 });
    // float64 central differences; also asserts the gradient's shape is the input's
    checkGradients(c.fn, [sample([2, 3], 3, c.domain)]);
    checkGradients(c.fn, [sample([], 4, c.domain)]);
    checkGradients(c.fn, [sample([2, 1, 3], 5, c.domain)]);
  });

  it(`computes the second derivative of ${c.name}`, () => {
    const d2 = grad(grad(c.fn));
    for (const v of sample([3], 6, c.domain).data) {
      const second = d2(tensor(v)).item();
      expect(Math.abs(second - c.d2f(v)), `closed form at ${v}`).toBeLessThanOrEqual(
        1e-12 * (1 + Math.abs(c.d2f(v))),
      );
      const numeric = centralSecond(c.fn, v);
      expect(Math.abs(second - numeric), `central difference at ${v}`).toBeLessThanOrEqual(
        1e-6 * (1 + Math.abs(numeric)),
      );
    }
    // Hessian–vector products of Σ op(x): the Hessian is diagonal, diag f''(x)
    const x = sample([4], 7, c.domain);
    const v = randn([4], { seed: 8 });
    const loss = (x: Tensor) => c.fn(x).sum();
    const expected = x.data.map((xi, i) => c.d2f(xi) * (v.data[i] as number));
    expectAllClose(hvp(loss, x, v), tensor(expected), { atol: 1e-12, rtol: 1e-10 });
    checkHvp(loss, x, v);
  });

  if (c.curved) {
    it(`differentiates the gradient of ${c.name} (checkGradients on x ↦ grad(f)(x))`, () => {
      checkGradients((x) => grad((y: Tensor) => c.fn(y).sum())(x), [sample([2, 3], 9, c.domain)]);
    });
  }

  it(`keeps float32 in ${c.name}, in values and in gradients`, () => {
    const x = tensor(sample([6], 10, c.domain).data, { dtype: 'float32', requiresGrad: true });
    const y = c.fn(x);
    expect(y.dtype).toBe('float32');
    // computed in float64 from the float32 inputs, then rounded once to float32
    expectAllClose(
      y,
      Array.from(x.data, (v) => Math.fround(c.f(v))),
      { atol: 0, rtol: 2 ** -23 },
    );
    y.sum().backward();
    expect(x.grad?.dtype).toBe('float32');
    expectAllClose(x.grad as Tensor, Array.from(x.data, c.df), { atol: 1e-6, rtol: 1e-5 });
  });

  it(`accepts a number, and x.${c.name}() is the same op`, () => {
    const y = c.fn(0.75);
    expect(y.shape).toEqual([]);
    expect(y.dtype).toBe('float64');
    expectGolden(y.item(), c.f(0.75), `${c.name}(0.75)`);
    const x = sample([2, 2], 11, c.domain);
    expectAllClose(c.method(x), c.fn(x), exact);
  });
});

describe('kinks, saturation and stated conventions', () => {
  /** ∂/∂x of Σ op(x) at `values`, through backward(). */
  const gradientAt = (op: (x: Tensor) => Tensor, values: number[]): Tensor => {
    const x = tensor(values, { requiresGrad: true, allowNonFinite: true });
    op(x).sum().backward();
    return x.grad as Tensor;
  };

  it("takes relu'(0) = 0, as PyTorch and JAX do", () => {
    expectAllClose(gradientAt(relu, [0, -0, 1e-300, -1e-300, 2, -2]), [0, 0, 1, 0, 1, 0], {
      atol: 0,
      rtol: 0,
    });
  });

  it("takes abs'(0) = 0, the subgradient sign(0)", () => {
    expectAllClose(gradientAt(abs, [0, -0, 2, -2]), [0, 0, 1, -1], exact);
  });

  it("has sign' = 0 everywhere, the jump at 0 included", () => {
    expectAllClose(gradientAt(sign, [0, -0, 3, -3]), [0, 0, 0, 0], exact);
  });

  it('passes the gradient of clamp at its bounds (PyTorch convention), stops it outside', () => {
    // clamp(x, −1, 1) at −1 and 1 (boundaries), inside, and outside on both sides
    expectAllClose(
      gradientAt((x) => x.clamp(-1, 1), [-1, 1, 0, -1.5, 1.5]),
      [1, 1, 1, 0, 0],
      {
        atol: 0,
        rtol: 0,
      },
    );
    expectAllClose(
      gradientAt((x) => x.clamp(0, 0), [0, 1e-9, -1e-9]),
      [1, 0, 0],
      {
        atol: 0,
        rtol: 0,
      },
    );
  });

  it('gives sigmoid(−800) = 0 and sigmoid(800) = 1 with gradients exactly 0, not NaN', () => {
    const x = tensor([-800, 800], { requiresGrad: true });
    const y = sigmoid(x);
    expectAllClose(y, [0, 1], exact);
    y.sum().backward();
    expectAllClose(x.grad as Tensor, [0, 0], exact); // σ(1 − σ) = 0 at both
    for (const v of [-800, 800]) {
      expectAllClose(grad(grad(sigmoid))(tensor(v)), 0, exact); // σ(1 − σ)(1 − 2σ) = 0
    }
  });

  it('gives tanh(±1000) = ±1 with gradient exactly 0', () => {
    expectAllClose(tanh([1000, -1000]), [1, -1], exact);
    expectAllClose(gradientAt(tanh, [1000, -1000]), [0, 0], exact); // 1 − tanh² = 0
  });

  it('follows the limits at the edges of the domains of exp, log and sqrt', () => {
    expectAllClose(gradientAt(exp, [710, -746]), [Infinity, 0], exact); // (eˣ)' = eˣ
    expectAllClose(gradientAt(log, [0]), [Infinity], exact); // 1/x at +0
    expectAllClose(gradientAt(sqrt, [0]), [Infinity], exact); // 1/(2√x) at +0
    expectAllClose(gradientAt(reciprocal, [0]), [-Infinity], exact); // −1/x² at 0
  });
});

describe('clamp', () => {
  it('clamps on one side when the other bound is omitted or null', () => {
    const x = tensor([-2, 0, 2]);
    expectAllClose(clamp(x, 0), [0, 0, 2]); // min only
    expectAllClose(clamp(x, undefined, 0), [-2, 0, 0]); // max only
    expectAllClose(clamp(x, null, 1), [-2, 0, 1]);
    expectAllClose(clamp(x), [-2, 0, 2]); // neither: the identity
  });

  it('computes the gradient of a one-sided clamp', () => {
    const x = tensor([-2, 0, 2], { requiresGrad: true });
    clamp(x, 0).sum().backward(); // like relu, but passing the gradient at the boundary 0
    expectAllClose(x.grad as Tensor, [0, 1, 1], exact);
    checkGradients((x) => clamp(x, null, 0.3), [sample([2, 3], 12)]);
  });

  it('refuses min > max and NaN bounds, naming both', () => {
    expect(() => clamp(tensor([1]), 2, 1)).toThrow(ValueError);
    expect(() => clamp(tensor([1]), 2, 1)).toThrow(
      /^clamp: expected min ≤ max, got min = 2 and max = 1$/,
    );
    expect(() => clamp(tensor([1]), Number.NaN)).toThrow(ValueError);
  });
});

describe('astype', () => {
  it('converts float64 to float32 (rounding each element) and back exactly', () => {
    const x = tensor([0.1, 1 / 3, 1e-50, 1e50]);
    const y = astype(x, 'float32');
    expect(y.dtype).toBe('float32');
    // Math.fround: round to the nearest float32; 1e-50 underflows, 1e50 overflows
    expect(Array.from(y.data)).toEqual([Math.fround(0.1), Math.fround(1 / 3), 0, Infinity]);
    const back = y.astype('float64');
    expect(back.dtype).toBe('float64');
    expect(Array.from(back.data)).toEqual(Array.from(y.data));
    expect(astype(x, 'float64').toArray()).toEqual(x.toArray()); // already float64: same values
  });

  it('converts the gradient back to the input dtype', () => {
    const x = tensor([0.5, -1.25], { requiresGrad: true });
    const w = tensor([3, -0.1], { dtype: 'float32' });
    x.astype('float32').mul(w).sum().backward();
    expect(x.grad?.dtype).toBe('float64');
    expectAllClose(x.grad as Tensor, Array.from(w.data), exact); // ∂(w·x)/∂x = w
    // the float32 round trip limits central differences to ~1e-7 relative, hence the wide step
    checkGradients((x) => x.astype('float32').astype('float64'), [sample([2, 3], 13)], {
      eps: 1e-3,
      atol: 1e-4,
    });
  });

  it('is differentiable twice: (x²)" = 2 through a float32 round trip', () => {
    const f = (x: Tensor) => x.astype('float32').square().astype('float64');
    expect(grad(grad(f))(tensor(0.7)).item()).toBe(2);
  });

  it('refuses an unknown dtype, naming it', () => {
    expect(() => astype(tensor([1]), 'int8' as 'float32')).toThrow(DTypeError);
    expect(() => astype(tensor([1]), 'int8' as 'float32')).toThrow(/astype: unknown dtype "int8"/);
  });
});

describe('dtypes', () => {
  it('refuses to mix float32 and float64 without a cast', () => {
    const x32 = tensor([1, 2], { dtype: 'float32' });
    const x64 = tensor([1, 2]);
    expect(() => x32.exp().mul(x64)).toThrow(DTypeError);
    expect(() => x32.sigmoid().add(x64.sigmoid())).toThrow(
      /^add: cannot mix float32 \(shape \[2\]\) and float64 \(shape \[2\]\)/,
    );
    expectAllClose(x32.exp().astype('float64').mul(x64), [Math.fround(E), 2 * Math.fround(E ** 2)]);
  });
});

// The derivative rules of sigmoid, tanh, square and relu are ops of their own (one pass instead of
// two to four ops); they are tested here like every op: values, gradients of both inputs, second
// order.
describe('activation derivative rules as ops', () => {
  const logisticOf = (t: number) => 1 / (1 + Math.exp(-t));
  const rules = [
    {
      name: 'sigmoidGrad',
      op: sigmoidGrad,
      act: sigmoid,
      of: (g: number, y: number) => g * y * (1 - y),
      v: logisticOf,
    },
    {
      name: 'tanhGrad',
      op: tanhGrad,
      act: tanh,
      of: (g: number, y: number) => g * (1 - y * y),
      v: Math.tanh,
    },
    {
      name: 'squareGrad',
      op: squareGrad,
      act: square,
      of: (g: number, x: number) => 2 * g * x,
      v: identity,
    },
    {
      name: 'reluGrad',
      op: reluGrad,
      act: relu,
      of: (g: number, x: number) => (x > 0 ? g : 0),
      v: identity,
    },
  ];
  /** g, and the rule's second input v (the activation's output, or relu's input). */
  const inputs = (seed: number, v: (t: number) => number) =>
    [
      randn([2, 3], { seed }),
      tensor(Array.from(randn([2, 3], { seed: seed + 1 }).data, v), { shape: [2, 3] }),
    ] as const;

  it.each(rules)('$name computes its closed form', ({ op, of, v }) => {
    const [g, y] = inputs(21, v);
    const expected = Array.from(g.data, (gi, i) => of(gi, y.data[i] as number));
    expectAllClose(op(g, y), tensor(expected, { shape: [2, 3] }), { atol: 0, rtol: 1e-15 });
  });

  it.each(rules)('computes the gradients of $name', ({ name, op, v }) => {
    const [g, y] = inputs(23, v);
    if (name === 'reluGrad')
      checkGradients((g) => op(g, y), [g]); // the mask: 0 wherever it is differentiable
    else checkGradients(op, [g, y]);
  });

  it.each(rules.slice(0, 3))('computes second derivatives of $name', ({ op, v }) => {
    const [g, y] = inputs(25, v);
    const w = randn([2, 3], { seed: 27 });
    checkHessian((g) => op(g, y).square().mul(w).sum(), g);
    checkHessian((y) => op(g, y).square().mul(w).sum(), y);
  });

  it.each(rules)('is the op that backward() runs for the activation ($name)', ({ name, act }) => {
    const x = randn([3], { seed: 29 });
    x.requiresGrad = true;
    const [dx] = gradients([act(x).sum()], [x], { createGraph: true });
    expect(dx?.op).toBe(name);
  });
});
