// Tests of matmul: values against a naive triple loop for every operand layout (vectors, batches,
// broadcast batch axes), shape errors, float32 accuracy, first and second derivatives.
import { describe, expect, it } from 'vitest';
import { checkGradients, expectAllClose } from '../../test/helpers.js';
import { checkHessian, checkHvp } from '../../test/second-order.js';
import {
  DTypeError,
  grad,
  linear,
  matmul,
  type NestedArray,
  randn,
  ShapeError,
  type Tensor,
  tensor,
} from '../index.js';

type Matrix = number[][];

/** C = A·B with the textbook triple loop. */
function naiveMatmul(a: Matrix, b: Matrix): Matrix {
  const m = a.length;
  const k = b.length;
  const n = (b[0] as number[]).length;
  const c: Matrix = [];
  for (let i = 0; i < m; i++) {
    const row: number[] = [];
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (a[i]?.[p] as number) * (b[p]?.[j] as number);
      row.push(s);
    }
    c.push(row);
  }
  return c;
}

const asMatrix = (t: Tensor) => t.toArray() as Matrix;
const asBatch = (t: Tensor) => t.toArray() as Matrix[];

describe('matmul', () => {
  it('multiplies 2-D by 2-D: by hand, and against a triple loop', () => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = tensor([
      [5, 6],
      [7, 8],
    ]);
    expectAllClose(matmul(a, b), [
      [19, 22],
      [43, 50],
    ]);
    const x = randn([3, 4], { seed: 1 });
    const w = randn([4, 5], { seed: 2 });
    expectAllClose(matmul(x, w), naiveMatmul(asMatrix(x), asMatrix(w)));
    expectAllClose(x.matmul(w), matmul(x, w));
  });

  it('treats a first vector as a row and a second vector as a column, dropping that axis', () => {
    const v = randn([4], { seed: 3 });
    const m = randn([4, 3], { seed: 4 });
    const n = randn([3, 4], { seed: 5 });
    const row = [Array.from(v.data)];
    const column = Array.from(v.data, (x) => [x]);
    expectAllClose(matmul(v, m), naiveMatmul(row, asMatrix(m))[0] as number[]); // [4]·[4, 3] → [3]
    expectAllClose(
      matmul(n, v),
      naiveMatmul(asMatrix(n), column).map((r) => r[0] as number),
    ); // [3, 4]·[4] → [3]
    const inner = matmul(v, v); // [4]·[4] → a scalar
    expect(inner.shape).toEqual([]);
    expectAllClose(inner, naiveMatmul(row, column)[0]?.[0] as number);
    expectAllClose(matmul(tensor([1, 2, 3]), tensor([4, 5, 6])), 32);
  });

  it('multiplies batches: 3-D × 3-D, 3-D × 2-D, and vectors with batches', () => {
    const a = randn([2, 3, 4], { seed: 6 });
    const b = randn([2, 4, 5], { seed: 7 });
    const w = randn([4, 5], { seed: 8 });
    const v = randn([4], { seed: 9 });
    const as = asBatch(a);
    const bs = asBatch(b);
    expectAllClose(
      matmul(a, b),
      as.map((ai, t) => naiveMatmul(ai, bs[t] as Matrix)),
    );
    expectAllClose(
      matmul(a, w),
      as.map((ai) => naiveMatmul(ai, asMatrix(w))),
    );
    const column = Array.from(v.data, (x) => [x]);
    expectAllClose(
      matmul(a, v), // [2, 3, 4]·[4] → [2, 3]
      as.map((ai) => naiveMatmul(ai, column).map((r) => r[0] as number)),
    );
    expectAllClose(
      matmul(v, b), // [4]·[2, 4, 5] → [2, 5]
      bs.map((bi) => naiveMatmul([Array.from(v.data)], bi)[0] as number[]),
    );
  });

  it('broadcasts batch axes: [2, 1, 3, 4] × [5, 4, 2] → [2, 5, 3, 2]', () => {
    const a = randn([2, 1, 3, 4], { seed: 10 });
    const b = randn([5, 4, 2], { seed: 11 });
    const y = matmul(a, b);
    expect(y.shape).toEqual([2, 5, 3, 2]);
    const as = a.toArray() as Matrix[][];
    const bs = asBatch(b);
    // y[i][j] = a[i][0] · b[j]
    const expected: NestedArray = as.map((ai) => bs.map((bj) => naiveMatmul(ai[0] as Matrix, bj)));
    expectAllClose(y, expected);
  });

  it('names both shapes when the inner sizes differ', () => {
    expect(() => matmul(randn([2, 3]), randn([4, 2]))).toThrow(ShapeError);
    expect(() => matmul(randn([2, 3]), randn([4, 2]))).toThrow(
      /^matmul: shapes \[2, 3\] and \[4, 2\] do not fit: the last axis of the first \(3\) must equal the second-to-last axis of the second \(4\)$/,
    );
    expect(() => matmul(randn([3]), randn([4]))).toThrow(
      /shapes \[3\] and \[4\] do not fit: the last axis of the first \(3\) must equal the length of the second \(4\)/,
    );
    expect(() => matmul(randn([5, 2, 3]), randn([2, 4]))).toThrow(
      /shapes \[5, 2, 3\] and \[2, 4\]/,
    );
  });

  it('names both shapes when the batch axes do not broadcast', () => {
    expect(() => matmul(randn([2, 3, 4]), randn([3, 4, 5]))).toThrow(ShapeError);
    expect(() => matmul(randn([2, 3, 4]), randn([3, 4, 5]))).toThrow(
      /^matmul: shapes \[2, 3, 4\] and \[3, 4, 5\] do not fit: their batch axes \[2\] and \[3\] do not broadcast \(sizes 2 and 3\)$/,
    );
  });

  it('refuses scalars and mixed dtypes', () => {
    expect(() => matmul(tensor(2), randn([2]))).toThrow(
      /both need at least one axis \(use mul for scalars\)/,
    );
    expect(() => matmul(randn([2, 2]), randn([2, 2], { dtype: 'float32' }))).toThrow(DTypeError);
  });

  it('in float32 stays within 1e-5 (relative to Σ|a||b|) of float64 on the same numbers', () => {
    const a32 = randn([8, 64], { seed: 12, dtype: 'float32' });
    const b32 = randn([64, 6], { seed: 13, dtype: 'float32' });
    const y32 = matmul(a32, b32);
    expect(y32.dtype).toBe('float32');
    const a = asMatrix(a32);
    const b = asMatrix(b32);
    const exact = naiveMatmul(a, b); // float64 on the float32-rounded inputs
    const scale = naiveMatmul(
      a.map((r) => r.map(Math.abs)),
      b.map((r) => r.map(Math.abs)),
    );
    const got = asMatrix(y32);
    for (const [i, row] of exact.entries()) {
      for (const [j, e] of row.entries()) {
        const err = Math.abs((got[i]?.[j] as number) - e);
        expect(err, `element [${i}][${j}]`).toBeLessThanOrEqual(1e-5 * (scale[i]?.[j] as number));
      }
    }
  });

  it('computes the gradients of every layout', () => {
    const cases: [number[], number[]][] = [
      [
        [3, 4],
        [4, 2],
      ],
      [[4], [4, 3]],
      [[3, 4], [4]],
      [[4], [4]],
      [
        [2, 3, 4],
        [2, 4, 5],
      ],
      [
        [2, 3, 4],
        [4, 5],
      ],
      [
        [4, 3],
        [2, 3, 2],
      ],
      [[4], [2, 4, 3]],
      [[2, 3, 4], [4]],
      [
        [2, 1, 3, 4],
        [5, 4, 2],
      ], // both operands broadcast: their gradients are summed over the copies
      [
        [1, 3, 4],
        [2, 4, 2],
      ],
    ];
    cases.forEach(([sa, sb], k) => {
      checkGradients(
        (a, b) => matmul(a, b),
        [randn(sa, { seed: 20 + k }), randn(sb, { seed: 40 + k })],
      );
    });
  });

  it('sums the gradient of a broadcast operand over the batch (closed form)', () => {
    const a = randn([3, 2, 4], { seed: 14 });
    const w = randn([4, 5], { seed: 15, requiresGrad: true });
    matmul(a, w).sum().backward();
    // ∂/∂W Σ (A_t W) = Σ_t A_tᵀ · 1
    const expected = Array.from({ length: 4 }, (_, p) =>
      Array.from({ length: 5 }, () => {
        let s = 0;
        for (let t = 0; t < 3; t++)
          for (let i = 0; i < 2; i++) s += a.data[t * 8 + i * 4 + p] as number;
        return s;
      }),
    );
    expectAllClose(w.grad as Tensor, expected);
  });

  it('computes second derivatives of x ↦ Σ tanh(x·W)·v: H·v and the Hessian', () => {
    const w = randn([4, 3], { seed: 16 });
    const v = randn([3], { seed: 17 });
    const f = (x: Tensor) => matmul(x, w).tanh().matmul(v).sum();
    checkHvp(f, randn([2, 4], { seed: 18 }), randn([2, 4], { seed: 19 }));
    checkHessian(f, randn([2, 4], { seed: 60 }));
    const x = randn([2, 4], { seed: 61 });
    checkHessian((w) => matmul(x, w).tanh().matmul(v).sum(), w); // with respect to W
  });

  it('computes second derivatives through broadcast batch axes', () => {
    const b = randn([5, 4, 2], { seed: 62 });
    const u = randn([2, 5, 3, 2], { seed: 63 });
    checkHvp(
      (a) => matmul(a, b).tanh().mul(u).sum(),
      randn([2, 1, 3, 4], { seed: 64 }),
      randn([2, 1, 3, 4], { seed: 65 }),
    );
    const a = randn([2, 1, 3, 4], { seed: 66 });
    checkHessian((b) => matmul(a, b).tanh().mul(u).sum(), randn([5, 4, 2], { seed: 67 }).div(2));
  });

  it('computes mixed second derivatives when both operands depend on the input', () => {
    // only here does the second derivative run through both rules, ∂/∂A = G·Bᵀ and ∂/∂B = Aᵀ·G
    const u = randn([3, 3], { seed: 71 });
    checkHessian((x) => matmul(x, x.transpose()).tanh().mul(u).sum(), randn([3, 2], { seed: 72 }));
    const w = randn([2, 2, 3, 3], { seed: 73 });
    // [2, 1, 3, 4] × [2, 4, 3] → [2, 2, 3, 3]: both operands broadcast, both derive from a
    const batchedSquare = (a: Tensor) => matmul(a, a.reshape([2, 3, 4]).transpose([0, 2, 1]));
    checkHessian(
      (a) => batchedSquare(a).tanh().mul(w).sum(),
      randn([2, 1, 3, 4], { seed: 74 }).div(2),
    );
  });

  it('computes grad(grad(f)) for a scalar broadcast into a matmul chain', () => {
    const x = randn([2, 4], { seed: 68 });
    const w = randn([4, 3], { seed: 69 });
    const v = randn([3], { seed: 70 });
    // f(t) = Σ tanh((t·X)·W)·v
    const f = (t: Tensor) => matmul(x.mul(t), w).tanh().matmul(v).sum();
    const df = grad(f);
    const eps = 1e-5;
    for (const t of [-0.8, 0.3, 1.1]) {
      const numeric = (df(tensor(t + eps)).item() - df(tensor(t - eps)).item()) / (2 * eps);
      expectAllClose(grad(df)(tensor(t)), numeric, { atol: 1e-7, rtol: 1e-6 });
    }
  });
});

describe('linear', () => {
  /** x·W + b by the textbook loops, for x of any number of leading axes. */
  function naiveLinear(x: Tensor, w: Tensor, b?: Tensor): number[] {
    const inputs = w.shape[0] as number;
    const outputs = w.shape[1] as number;
    const rows = x.size / inputs;
    const out: number[] = [];
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < outputs; j++) {
        let s = b ? (b.data[j] as number) : 0;
        for (let p = 0; p < inputs; p++)
          s += (x.data[r * inputs + p] as number) * (w.data[p * outputs + j] as number);
        out.push(s);
      }
    }
    return out;
  }

  const cases: [string, number[]][] = [
    ['one sample as a vector', [3]],
    ['one sample as a row', [1, 3]],
    ['a batch', [5, 3]],
    ['two leading axes', [2, 4, 3]],
  ];

  for (const [name, shape] of cases) {
    it(`equals x·W + b by hand: ${name}`, () => {
      const x = randn(shape, { seed: 1 });
      const w = randn([3, 4], { seed: 2 });
      const b = randn([4], { seed: 3 });
      const y = linear(x, w, b);
      expect(y.shape).toEqual([...shape.slice(0, -1), 4]);
      expectAllClose(Array.from(y.data), naiveLinear(x, w, b), { atol: 1e-14, rtol: 1e-14 });
      expectAllClose(Array.from(linear(x, w).data), naiveLinear(x, w), {
        atol: 1e-14,
        rtol: 1e-14,
      });
    });

    it(`has the gradients of central differences for x, W and b: ${name}`, () => {
      checkGradients(
        (x, w, b) => linear(x, w, b),
        [randn(shape, { seed: 4 }), randn([3, 4], { seed: 5 }), randn([4], { seed: 6 })],
      );
      checkGradients(
        (x, w) => linear(x, w),
        [randn(shape, { seed: 7 }), randn([3, 4], { seed: 8 })],
      );
    });
  }

  it('is the same as matmul then add, in value and gradient, float32 included', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = randn([6, 5], { seed: 9, dtype });
      const w = randn([5, 7], { seed: 10, dtype, requiresGrad: true });
      const b = randn([7], { seed: 11, dtype, requiresGrad: true });
      const fused = linear(x, w, b);
      fused.sigmoid().sum().backward();
      const [gw, gb] = [w.grad as Tensor, b.grad as Tensor];
      w.zeroGrad();
      b.zeroGrad();
      const composed = matmul(x, w).add(b);
      composed.sigmoid().sum().backward();
      expect(fused.dtype).toBe(dtype);
      const tol = dtype === 'float32' ? { atol: 1e-6, rtol: 1e-5 } : { atol: 1e-14, rtol: 1e-13 };
      expectAllClose(fused, composed, tol);
      expectAllClose(gw, w.grad as unknown as Tensor, tol);
      expectAllClose(gb, b.grad as unknown as Tensor, tol);
    }
  });

  it('has second derivatives (Hessian-vector products against central differences)', () => {
    const x = randn([3, 4], { seed: 12 });
    const b = randn([2], { seed: 13 });
    checkHvp(
      (w) => linear(x, w, b).tanh().square().sum(),
      randn([4, 2], { seed: 14 }),
      randn([4, 2], { seed: 15 }),
    );
    const w = randn([4, 2], { seed: 16 });
    checkHessian((v) => linear(v, w, b).sigmoid().sum(), randn([3, 4], { seed: 17 }));
  });

  it('handles empty inputs: no features or no rows', () => {
    const y = linear(
      tensor(new Float64Array(0), { shape: [2, 3, 0] }),
      tensor(new Float64Array(0), { shape: [0, 4] }),
      [1, 2, 3, 4],
    );
    expect(y.shape).toEqual([2, 3, 4]);
    expectAllClose(y.sum(-1), [
      [10, 10, 10],
      [10, 10, 10],
    ]);
    expect(linear(tensor(new Float64Array(0), { shape: [0, 3] }), randn([3, 2])).shape).toEqual([
      0, 2,
    ]);
  });

  it('rejects shapes that do not fit, naming the op and the shapes', () => {
    const w = randn([3, 4], { seed: 1 });
    expect(() => linear(randn([2, 5]), w)).toThrow(ShapeError);
    expect(() => linear(randn([2, 5]), w)).toThrow(
      /linear: input of shape \[2, 5\] and weight of shape \[3, 4\]/,
    );
    expect(() => linear(randn([2, 3]), randn([3]))).toThrow(/weight must be \[in, out\]/);
    expect(() => linear(randn([2, 3]), w, randn([3]))).toThrow(
      /bias of shape \[3\] does not fit a weight of shape \[3, 4\]; expected \[4\]/,
    );
    expect(() => linear(tensor(1), w)).toThrow(ShapeError);
    expect(() => linear(randn([2, 3], { dtype: 'float32' }), w)).toThrow(DTypeError);
  });
});
