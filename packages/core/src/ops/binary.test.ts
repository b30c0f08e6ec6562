// Tests of the two-tensor elementwise ops: values against JS arithmetic, Math.* and closed forms
// (edge cases included), partial derivatives of first and second order, ties and 0ᵇ, comparisons.
import { describe, expect, it } from 'vitest';
import { checkGradients, expectAllClose } from '../../test/helpers.js';
import {
  add,
  DTypeError,
  div,
  eq,
  ge,
  grad,
  grads,
  gt,
  le,
  lt,
  maximum,
  minimum,
  mul,
  ne,
  pow,
  randn,
  sub,
  type Tensor,
  type TensorLike,
  tensor,
  where,
} from '../index.js';

interface BinaryCase {
  name: string;
  fn: (a: TensorLike, b: TensorLike) => Tensor;
  method: (a: Tensor, b: TensorLike) => Tensor;
  /** The independent reference: JS arithmetic, Math.* or a closed form. */
  f: (x: number, y: number) => number;
  /** Closed-form partial derivatives ∂f/∂a and ∂f/∂b. */
  da: (x: number, y: number) => number;
  db: (x: number, y: number) => number;
  /** Closed-form second partials ∂²f/∂a², ∂²f/∂a∂b and ∂²f/∂b². */
  daa: (x: number, y: number) => number;
  dab: (x: number, y: number) => number;
  dbb: (x: number, y: number) => number;
  /** Map standard normal samples into the smooth domain of each argument. */
  domainA: (v: number) => number;
  domainB: (v: number) => number;
  /** A second partial is non-zero: the gradient is a function of (a, b) to differentiate. */
  curved: boolean;
  /** [a, b, expected]; zeros are compared with their sign, NaN and ±∞ exactly. */
  golden: [number, number, number][];
}

const identity = (v: number) => v;
const zero = () => 0;
const awayFromZero = (v: number) => Math.sign(v) * (Math.abs(v) + 0.5);

const cases: BinaryCase[] = [
  {
    name: 'add',
    fn: add,
    method: (a, b) => a.add(b),
    f: (x, y) => x + y,
    da: () => 1,
    db: () => 1,
    daa: zero,
    dab: zero,
    dbb: zero,
    domainA: identity,
    domainB: identity,
    curved: false,
    golden: [
      [1, 2, 3],
      [0.1, 0.2, 0.30000000000000004], // the correctly rounded float64 sum
      [0, -0, 0], // IEEE 754: +0 + −0 = +0 (round to nearest)
      [-0, -0, -0],
      [1e308, 1e308, Infinity], // overflows Number.MAX_VALUE ≈ 1.8e308
      [Infinity, -Infinity, NaN], // ∞ − ∞ is undefined
    ],
  },
  {
    name: 'sub',
    fn: sub,
    method: (a, b) => a.sub(b),
    f: (x, y) => x - y,
    da: () => 1,
    db: () => -1,
    daa: zero,
    dab: zero,
    dbb: zero,
    domainA: identity,
    domainB: identity,
    curved: false,
    golden: [
      [3, 1, 2],
      [2, 2, 0], // IEEE 754: x − x = +0
      [-0, 0, -0], // −0 − +0 = −0
      [-1e308, 1e308, -Infinity], // overflows
      [Infinity, Infinity, NaN],
    ],
  },
  {
    name: 'mul',
    fn: mul,
    method: (a, b) => a.mul(b),
    f: (x, y) => x * y,
    da: (_x, y) => y, // ∂(ab)/∂a = b
    db: (x) => x, // ∂(ab)/∂b = a
    daa: zero,
    dab: () => 1, // ∂²(ab)/∂a∂b = 1
    dbb: zero,
    domainA: identity,
    domainB: identity,
    curved: true,
    golden: [
      [2, 3, 6],
      [0, -1, -0], // the sign of a product is the product of the signs, zeros included
      [-0, -0, 0],
      [1e200, 1e200, Infinity], // 1e400 overflows
      [1e-200, 1e-200, 0], // 1e−400 underflows to +0
      [0, Infinity, NaN], // 0·∞ is undefined
    ],
  },
  {
    name: 'div',
    fn: div,
    method: (a, b) => a.div(b),
    f: (x, y) => x / y,
    da: (_x, y) => 1 / y, // ∂(a/b)/∂a = 1/b
    db: (x, y) => -x / y ** 2, // ∂(a/b)/∂b = −a/b²
    daa: zero,
    dab: (_x, y) => -1 / y ** 2, // ∂²(a/b)/∂a∂b = −1/b²
    dbb: (x, y) => (2 * x) / y ** 3, // ∂²(a/b)/∂b² = 2a/b³
    domainA: identity,
    domainB: awayFromZero,
    curved: true,
    golden: [
      [6, 3, 2],
      [1, 3, 1 / 3],
      [1, 0, Infinity], // IEEE 754: x/+0 = +∞ for x > 0
      [-1, 0, -Infinity],
      [1, -0, -Infinity], // the sign of −0 counts
      [0, -1, -0],
      [0, 0, NaN], // 0/0 is undefined
      [1, Infinity, 0],
    ],
  },
  {
    name: 'maximum',
    fn: maximum,
    method: (a, b) => a.maximum(b),
    f: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : Math.max(x, y)),
    da: (x, y) => (x > y ? 1 : 0),
    db: (x, y) => (y > x ? 1 : 0),
    daa: zero,
    dab: zero,
    dbb: zero,
    domainA: identity,
    domainB: identity,
    curved: false,
    golden: [
      [1, 2, 2],
      [2, 1, 2],
      [2, 2, 2],
      [-Infinity, 3, 3],
      [NaN, 1, NaN], // NaN propagates, as in torch.maximum and np.maximum
      [1, NaN, NaN],
    ],
  },
  {
    name: 'minimum',
    fn: minimum,
    method: (a, b) => a.minimum(b),
    f: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : Math.min(x, y)),
    da: (x, y) => (x < y ? 1 : 0),
    db: (x, y) => (y < x ? 1 : 0),
    daa: zero,
    dab: zero,
    dbb: zero,
    domainA: identity,
    domainB: identity,
    curved: false,
    golden: [
      [1, 2, 1],
      [2, 1, 1],
      [2, 2, 2],
      [Infinity, 3, 3],
      [NaN, 1, NaN], // NaN propagates, as in torch.minimum and np.minimum
      [1, NaN, NaN],
    ],
  },
  {
    name: 'pow',
    fn: pow,
    method: (a, b) => a.pow(b),
    f: Math.pow,
    da: (x, y) => y * x ** (y - 1), // ∂aᵇ/∂a = b·a^(b−1)
    db: (x, y) => x ** y * Math.log(x), // ∂aᵇ/∂b = aᵇ·ln a
    daa: (x, y) => y * (y - 1) * x ** (y - 2), // b(b−1)·a^(b−2)
    dab: (x, y) => x ** (y - 1) * (1 + y * Math.log(x)), // a^(b−1)·(1 + b ln a)
    dbb: (x, y) => x ** y * Math.log(x) ** 2, // aᵇ·ln² a
    domainA: (v) => Math.abs(v) + 0.5,
    domainB: identity,
    curved: true,
    golden: [
      [2, 10, 1024], // 2¹⁰
      [4, 0.5, 2], // √4
      [2, -1, 0.5],
      [-2, 3, -8], // an integer exponent takes a negative base
      [0, 0, 1], // 0⁰ = 1 by convention (IEEE 754 pow, Math.pow)
      [NaN, 0, 1], // IEEE 754: pow(x, ±0) = 1 for every x, NaN included
      [0, -1, Infinity], // 1/0⁺
      [-8, 1 / 3, NaN], // a negative base with a non-integer exponent has no real power
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

/** `f` of the elements of two tensors of one shape, paired by position, with a plain loop. */
function zipped(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  return tensor(
    a.data.map((x, i) => f(x, b.data[i] as number)),
    { shape: [...a.shape] },
  );
}

/** Elementwise `f` of a [2, 3] tensor and a [3] tensor broadcast along rows, with plain loops. */
function rowBroadcast(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  const out = Array.from(a.data, (x, i) => f(x, b.data[i % 3] as number));
  return tensor(out, { shape: [2, 3] });
}

const exact = { atol: 0, rtol: 0 };

describe.each(cases)('$name', (c) => {
  const pair = (shapeA: number[], shapeB: number[], seed: number) =>
    [sample(shapeA, seed, c.domainA), sample(shapeB, seed + 100, c.domainB)] as const;

  it(`computes ${c.name}`, () => {
    const as = c.golden.map(([x]) => x);
    const bs = c.golden.map(([, y]) => y);
    const y = c.fn(tensor(as, { allowNonFinite: true }), tensor(bs, { allowNonFinite: true }));
    c.golden.forEach(([x, v, expected], i) => {
      expectGolden(y.data[i] as number, expected, `${c.name}(${x}, ${v})`);
    });
    const [a, b] = pair([2, 3], [2, 3], 1);
    expectAllClose(c.fn(a, b), zipped(a, b, c.f), { rtol: 1e-14 });
    const [a23, b3] = pair([2, 3], [3], 2);
    expectAllClose(c.fn(a23, b3), rowBroadcast(a23, b3, c.f), { rtol: 1e-14 });
  });

  it(`computes the gradient of ${c.name}`, () => {
    const [a, b] = pair([2, 3], [2, 3], 3);
    a.requiresGrad = true;
    b.requiresGrad = true;
    c.fn(a, b).sum().backward();
    expectAllClose(a.grad as Tensor, zipped(a, b, c.da), { rtol: 1e-12 });
    expectAllClose(b.grad as Tensor, zipped(a, b, c.db), { rtol: 1e-12 });
    // float64 central differences, also asserting that each gradient has its input's shape
    checkGradients(c.fn, pair([2, 3], [2, 3], 4));
    checkGradients(c.fn, pair([2, 3], [3], 5)); // b broadcast along rows: its gradient sums them
    checkGradients(c.fn, pair([2, 1], [1, 3], 6)); // both broadcast
    checkGradients(c.fn, pair([], [2, 3], 7)); // a scalar
  });

  it(`computes the second partial derivatives of ${c.name}`, () => {
    const f = (a: Tensor, b: Tensor) => c.fn(a, b);
    const fa = grad(f, { argnums: 0 });
    const fb = grad(f, { argnums: 1 });
    const second = {
      aa: grad(fa, { argnums: 0 }),
      ab: grad(fa, { argnums: 1 }), // ∂/∂b of ∂f/∂a
      ba: grad(fb, { argnums: 0 }), // ∂/∂a of ∂f/∂b: the same by symmetry
      bb: grad(fb, { argnums: 1 }),
    };
    const h = 1e-5;
    const [as, bs] = pair([3], [3], 8);
    as.data.forEach((x, i) => {
      const y = bs.data[i] as number;
      const [a, b] = [tensor(x), tensor(y)];
      const closed = { aa: c.daa(x, y), ab: c.dab(x, y), ba: c.dab(x, y), bb: c.dbb(x, y) };
      // central differences of the first partials: `ab` differences ∂f/∂a along b, and so on
      const numeric = {
        aa: (fa(tensor(x + h), b).item() - fa(tensor(x - h), b).item()) / (2 * h),
        ab: (fa(a, tensor(y + h)).item() - fa(a, tensor(y - h)).item()) / (2 * h),
        ba: (fb(tensor(x + h), b).item() - fb(tensor(x - h), b).item()) / (2 * h),
        bb: (fb(a, tensor(y + h)).item() - fb(a, tensor(y - h)).item()) / (2 * h),
      };
      for (const k of ['aa', 'ab', 'ba', 'bb'] as const) {
        const got = second[k](a, b).item();
        const label = `∂²/∂${k[0]}∂${k[1]} at (${x}, ${y})`;
        expect(Math.abs(got - closed[k]), `${label}, closed form`).toBeLessThanOrEqual(
          1e-12 * (1 + Math.abs(closed[k])),
        );
        expect(Math.abs(got - numeric[k]), `${label}, central difference`).toBeLessThanOrEqual(
          1e-6 * (1 + Math.abs(numeric[k])),
        );
      }
    });
  });

  if (c.curved) {
    it(`differentiates the gradient of ${c.name}: checkGradients on (a, b) ↦ ∇f`, () => {
      // ∇f = [∂f/∂a, ∂f/∂b], stacked: its gradient is the Hessian applied to a random direction
      const partials = grads((a: Tensor, b: Tensor) => c.fn(a, b).sum(), [0, 1]);
      checkGradients(
        (a, b) => {
          const [ga, gb] = partials(a, b) as [Tensor, Tensor];
          return ga.stack(gb);
        },
        pair([2, 3], [2, 3], 9),
      );
    });
  }

  it(`keeps float32 in ${c.name}, with numbers taking the tensor's dtype`, () => {
    const [a64, b64] = pair([4], [4], 10);
    const a = tensor(a64, { dtype: 'float32', requiresGrad: true });
    const b = tensor(b64, { dtype: 'float32' });
    const y = c.fn(a, b);
    expect(y.dtype).toBe('float32');
    // computed in float64 from the float32 inputs, then rounded once to float32
    expectAllClose(
      y,
      Array.from(a.data, (x, i) => Math.fround(c.f(x, b.data[i] as number))),
      exact,
    );
    y.sum().backward();
    expect(a.grad?.dtype).toBe('float32');
    expect(c.fn(a, 2).dtype).toBe('float32');
    expect(c.fn(2, a).dtype).toBe('float32');
    expect(c.method(a, [1, 2, 3, 4]).dtype).toBe('float32');
  });

  it(`refuses to mix float32 and float64 in ${c.name}, naming the op`, () => {
    const a32 = tensor([1, 2], { dtype: 'float32' });
    const b64 = tensor([3, 4]);
    expect(() => c.fn(a32, b64)).toThrow(DTypeError);
    expect(() => c.fn(b64, a32)).toThrow(
      new RegExp(
        `^${c.name}: cannot mix float64 \\(shape \\[2\\]\\) and float32 \\(shape \\[2\\]\\)`,
      ),
    );
  });

  it(`accepts numbers and arrays wherever a tensor goes, and a.${c.name}(b) is the same op`, () => {
    const [a] = pair([3], [3], 11);
    const [x, v] = [c.domainA(0.75), c.domainB(-1.25)];
    expectAllClose(c.fn(a, v), c.fn(a, tensor(v)), exact);
    expectAllClose(c.fn(x, a.abs().add(0.5)), c.fn(tensor(x), a.abs().add(0.5)), exact);
    expectAllClose(c.fn(a, [v, v, v]), c.fn(a, tensor([v, v, v])), exact);
    const both = c.fn(x, v);
    expect(both.shape).toEqual([]);
    expect(both.dtype).toBe('float64');
    expectGolden(both.item(), c.f(x, v), `${c.name}(${x}, ${v})`);
    expectAllClose(c.method(a, v), c.fn(a, v), exact);
    // the gradient flows to the tensor operand when the other is a number
    const t = tensor(x, { requiresGrad: true });
    c.fn(t, v).backward();
    expectAllClose(t.grad as Tensor, c.da(x, v), { rtol: 1e-12 });
  });
});

describe('broadcasting', () => {
  it('sums the gradient of a broadcast input over the axes it was repeated along', () => {
    const a = randn([2, 3], { seed: 20, requiresGrad: true });
    const b = tensor([1, 2, 3], { requiresGrad: true });
    const s = tensor(5, { requiresGrad: true });
    add(a, b).add(s).sum().backward();
    expectAllClose(b.grad as Tensor, [2, 2, 2], exact); // b is repeated along 2 rows
    expectAllClose(s.grad as Tensor, 6, exact); // s is repeated over all 6 elements
    a.zeroGrad();
    b.zeroGrad();
    mul(a, b).sum().backward();
    // ∂/∂b_j Σᵢ a_ij b_j = Σᵢ a_ij
    expectAllClose(b.grad as Tensor, a.sum(0), { rtol: 1e-15 });
    expectAllClose(
      a.grad as Tensor,
      [
        [1, 2, 3],
        [1, 2, 3],
      ],
      exact,
    );
  });
});

describe('maximum and minimum at ties', () => {
  it('split the gradient evenly between tied inputs, as PyTorch does', () => {
    const a = tensor([1, 2, 3, -0], { requiresGrad: true });
    const b = tensor([1, 0, 3, 0], { requiresGrad: true }); // ties at 0, 2 and 3 (−0 = +0)
    maximum(a, b).sum().backward();
    expectAllClose(a.grad as Tensor, [0.5, 1, 0.5, 0.5], exact);
    expectAllClose(b.grad as Tensor, [0.5, 0, 0.5, 0.5], exact);
    a.zeroGrad();
    b.zeroGrad();
    minimum(a, b).sum().backward();
    expectAllClose(a.grad as Tensor, [0.5, 0, 0.5, 0.5], exact);
    expectAllClose(b.grad as Tensor, [0.5, 1, 0.5, 0.5], exact);
  });

  it('send each broadcast copy its half: maximum(x, 0) with ties at 0 only', () => {
    const x = tensor([-1, 0, 2], { requiresGrad: true });
    const zeroT = tensor(0, { requiresGrad: true });
    maximum(x, zeroT).sum().backward();
    expectAllClose(x.grad as Tensor, [0, 0.5, 1], exact);
    expectAllClose(zeroT.grad as Tensor, 1.5, exact); // 1 (from −1) + ½ (the tie at 0)
  });
});

describe('pow with a number exponent', () => {
  it('computes pow(x, p)', () => {
    const x = tensor([0, -0, 4, -2, 0.25]);
    expectAllClose(pow(x, 2), [0, 0, 16, 4, 0.0625], exact); // x²
    expectAllClose(pow(x, 3), [0, -0, 64, -8, 0.015625], exact); // x³
    expectAllClose(pow(x, 0), [1, 1, 1, 1, 1], exact); // x⁰ = 1, 0⁰ included (IEEE 754 pow)
    expectAllClose(pow(x, 0.5), [0, 0, 2, NaN, 0.5], exact); // √x; no real root of −2
    expectAllClose(pow(x, -1), [Infinity, -Infinity, 0.25, -0.5, 4], exact); // 1/x, 1/−0 = −∞
    expect(Object.is(pow(x, 3).data[1], -0)).toBe(true); // (−0)³ = −0 (IEEE 754 pow)
    expectAllClose(pow(x, 1), x, exact);
  });

  it.each([2, 3, 0.5, -1, 2.5, 0, 1, -1.5])('computes the gradient of pow(x, %d)', (p) => {
    const x = sample([2, 3], 30, (v) => Math.abs(v) + 0.5);
    x.requiresGrad = true;
    pow(x, p).sum().backward();
    expectAllClose(
      x.grad as Tensor,
      tensor(
        x.data.map((v) => p * v ** (p - 1)),
        { shape: [2, 3] },
      ),
      {
        rtol: 1e-12,
      },
    ); // (xᵖ)' = p·x^(p−1)
    checkGradients((x) => pow(x, p), [sample([2, 3], 31, (v) => Math.abs(v) + 0.5)]);
    checkGradients((x) => x.pow(p), [sample([], 32, (v) => Math.abs(v) + 0.5)]);
  });

  it("has exact gradients at x = 0: (x⁰)' = 0, (x¹)' = 1, (x²)' = (x³)' = 0", () => {
    for (const [p, expected] of [
      [0, 0], // x⁰ is the constant 1, even at 0 (where p·x^(p−1) would be 0·∞ = NaN)
      [1, 1],
      [2, 0],
      [3, 0],
    ] as const) {
      const x = tensor([0, -0], { requiresGrad: true });
      pow(x, p).sum().backward();
      expectAllClose(x.grad as Tensor, [expected, expected], exact);
    }
  });

  it.each([2, 3, 0.5, -1, 2.5])('computes the second derivative of pow(x, %d)', (p) => {
    const d2 = grad(grad((x: Tensor) => pow(x, p)));
    const df = grad((x: Tensor) => pow(x, p));
    const h = 1e-5;
    for (const v of sample([3], 33, (v) => Math.abs(v) + 0.5).data) {
      const closed = p * (p - 1) * v ** (p - 2); // (xᵖ)'' = p(p−1)·x^(p−2)
      const numeric = (df(tensor(v + h)).item() - df(tensor(v - h)).item()) / (2 * h);
      const got = d2(tensor(v)).item();
      expect(Math.abs(got - closed), `closed form at ${v}`).toBeLessThanOrEqual(
        1e-12 * (1 + Math.abs(closed)),
      );
      expect(Math.abs(got - numeric), `central difference at ${v}`).toBeLessThanOrEqual(
        1e-6 * (1 + Math.abs(numeric)),
      );
    }
    checkGradients(
      (x) => grad((y: Tensor) => pow(y, p).sum())(x),
      [sample([2, 3], 34, (v) => Math.abs(v) + 0.5)],
    );
  });

  it('keeps float32, and takes a number base with a tensor exponent', () => {
    const x32 = tensor([1.5, 2], { dtype: 'float32' });
    expect(pow(x32, 2).dtype).toBe('float32');
    expect(x32.pow(0.5).dtype).toBe('float32');
    const e = tensor([3, -1], { requiresGrad: true });
    const y = pow(2, e);
    expectAllClose(y, [8, 0.5], exact); // 2³, 2⁻¹
    y.sum().backward();
    expectAllClose(e.grad as Tensor, [8 * Math.LN2, 0.5 * Math.LN2], { rtol: 1e-15 }); // 2ᵉ·ln 2
  });
});

describe('pow with a tensor exponent at base 0', () => {
  it('gives ∂/∂a = 0 for b = 0, even at a = 0 (not 0·0⁻¹ = NaN), else b·a^(b−1)', () => {
    const a = tensor([0, 0, 0, 2], { requiresGrad: true });
    const b = tensor([0, 1, 2, 0], { requiresGrad: true });
    pow(a, b).sum().backward();
    expectAllClose(a.grad as Tensor, [0, 1, 0, 0], exact); // b·a^(b−1), and 0 where b = 0
  });

  it('takes ∂/∂b = 0 at a = 0 (where aᵇ·ln a would be 0·(−∞))', () => {
    const a = tensor([0, 0, 0, 2], { requiresGrad: true });
    const b = tensor([0, 1, 2, 0], { requiresGrad: true });
    pow(a, b).sum().backward();
    expectAllClose(b.grad as Tensor, [0, 0, 0, Math.LN2], { rtol: 1e-15 }); // 2⁰·ln 2 = ln 2
  });
});

describe('where', () => {
  it('picks a where the mask is non-zero and b where it is ±0', () => {
    const mask = tensor([1, 0, -2, 0.5, -0]);
    const y = where(mask, tensor([1, 2, 3, 4, 5]), tensor([10, 20, 30, 40, 50]));
    expectAllClose(y, [1, 20, 3, 4, 50], exact);
    // mask [3], a [2, 3] and a number b, broadcast together
    const z = where(
      tensor([1, 0, 1]),
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      -1,
    );
    expectAllClose(
      z,
      [
        [1, -1, 3],
        [4, -1, 6],
      ],
      exact,
    );
  });

  it('computes the gradient of where: to a where the mask holds, to b elsewhere', () => {
    const mask = tensor([1, 0, 1, 0], { requiresGrad: true });
    const a = randn([4], { seed: 40, requiresGrad: true });
    const b = randn([4], { seed: 41, requiresGrad: true });
    where(mask, a, b)
      .mul(tensor([1, 2, 3, 4]))
      .sum()
      .backward();
    expectAllClose(a.grad as Tensor, [1, 0, 3, 0], exact);
    expectAllClose(b.grad as Tensor, [0, 2, 0, 4], exact);
    expect(mask.grad).toBeNull(); // not differentiable in the mask
    const m23 = tensor([
      [1, 0, 1],
      [0, 0, 1],
    ]);
    checkGradients(
      (a, b) => where(m23, a, b),
      [randn([2, 3], { seed: 42 }), randn([2, 3], { seed: 43 })],
    );
    checkGradients((a, b) => where(m23, a, b), [randn([3], { seed: 44 }), randn([], { seed: 45 })]);
    checkGradients(
      (a, b) => where(tensor([1, 0, 1]), a, b),
      [randn([2, 1], { seed: 46 }), randn([2, 3], { seed: 47 })],
    );
  });

  it('computes the second derivative of where (each branch its own)', () => {
    // where(m, x³, sin x)'' = 6x where m holds, −sin x elsewhere
    const f = (m: number) => (x: Tensor) => where(tensor(m), x.pow(3), x.sin());
    for (const v of [-0.7, 0.4, 1.3]) {
      expectAllClose(grad(grad(f(1)))(tensor(v)), 6 * v, { rtol: 1e-12 });
      expectAllClose(grad(grad(f(0)))(tensor(v)), -Math.sin(v), { rtol: 1e-12 });
    }
    const m = tensor([1, 0, 1, 0, 0, 1]);
    checkGradients(
      (x) => grad((y: Tensor) => where(m, y.pow(3), y.sin()).sum())(x),
      [randn([6], { seed: 48 })],
    );
  });

  it('takes its dtype from a and b; the mask may have any dtype', () => {
    const x32 = tensor([1, 2], { dtype: 'float32' });
    const m64 = tensor([1, 0]);
    const m32 = tensor([1, 0], { dtype: 'float32' });
    expect(where(m64, x32, 0).dtype).toBe('float32'); // a float64 mask selects float32 values
    expectAllClose(where(m64, x32, 0), [1, 0], exact);
    expect(where(m32, 1, 0).dtype).toBe('float32'); // numbers only: they take the mask's dtype
    expect(where(m64, 1, 0).dtype).toBe('float64');
    expect(() => where(m64, x32, tensor([3, 4]))).toThrow(DTypeError);
    expect(() => where(m64, x32, tensor([3, 4]))).toThrow(/^where: cannot mix float32/);
  });
});

describe('comparisons', () => {
  const comparisons = [
    {
      name: 'gt',
      fn: gt,
      method: (a: Tensor, b: TensorLike) => a.gt(b),
      holds: (x: number, y: number) => x > y,
    },
    {
      name: 'ge',
      fn: ge,
      method: (a: Tensor, b: TensorLike) => a.ge(b),
      holds: (x: number, y: number) => x >= y,
    },
    {
      name: 'lt',
      fn: lt,
      method: (a: Tensor, b: TensorLike) => a.lt(b),
      holds: (x: number, y: number) => x < y,
    },
    {
      name: 'le',
      fn: le,
      method: (a: Tensor, b: TensorLike) => a.le(b),
      holds: (x: number, y: number) => x <= y,
    },
    {
      name: 'eq',
      fn: eq,
      method: (a: Tensor, b: TensorLike) => a.eq(b),
      holds: (x: number, y: number) => x === y,
    },
    {
      name: 'ne',
      fn: ne,
      method: (a: Tensor, b: TensorLike) => a.ne(b),
      holds: (x: number, y: number) => x !== y,
    },
  ];
  // below, equal, above, ±0, infinities and NaN (unordered: every comparison but ne is false)
  const pairs = [
    [1, 2],
    [2, 2],
    [3, 2],
    [0, -0],
    [-Infinity, -Infinity],
    [Infinity, Number.MAX_VALUE],
    [NaN, 1],
    [1, NaN],
    [NaN, NaN],
  ];
  const as = tensor(
    pairs.map(([x]) => x as number),
    { allowNonFinite: true },
  );
  const bs = tensor(
    pairs.map(([, y]) => y as number),
    { allowNonFinite: true },
  );

  describe.each(comparisons)('$name', ({ name, fn, method, holds }) => {
    it(`computes ${name}: 1 where it holds, 0 elsewhere (IEEE 754 comparisons)`, () => {
      const expected = pairs.map(([x, y]) => (holds(x as number, y as number) ? 1 : 0));
      expectAllClose(fn(as, bs), expected, exact);
      expectAllClose(method(as, bs), expected, exact);
      const col = tensor([[1], [2], [3]]);
      const row = tensor([2, 2]);
      expectAllClose(
        fn(col, row),
        [1, 2, 3].map((x) => [2, 2].map((y) => (holds(x, y) ? 1 : 0))),
        exact,
      );
    });

    it(`${name} is not differentiable: its result needs no gradient`, () => {
      const a = randn([3], { seed: 50, requiresGrad: true });
      const b = randn([3], { seed: 51, requiresGrad: true });
      const y = fn(a, b);
      expect(y.requiresGrad).toBe(false);
      expect(y.isLeaf).toBe(true);
      // used as a mask, it stops the gradient of the mask and passes it through the product
      a.mul(fn(a, b)).sum().backward();
      expectAllClose(a.grad as Tensor, y, exact);
    });

    it(`${name} accepts numbers on either side and keeps float32`, () => {
      const x = tensor([-1, 0, 1]);
      expectAllClose(
        method(x, 0),
        [-1, 0, 1].map((v) => (holds(v, 0) ? 1 : 0)),
        exact,
      );
      expectAllClose(
        fn(0, x),
        [-1, 0, 1].map((v) => (holds(0, v) ? 1 : 0)),
        exact,
      );
      const x32 = tensor([1, 2], { dtype: 'float32' });
      expect(fn(x32, 1.5).dtype).toBe('float32');
      expect(() => fn(x32, tensor([1, 2]))).toThrow(DTypeError);
      expect(() => fn(x32, tensor([1, 2]))).toThrow(new RegExp(`^${name}: cannot mix float32`));
    });
  });
});
