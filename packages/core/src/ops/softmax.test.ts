// Tests of softmax and logSoftmax: values against plain loops, stability at ±1000, the Jacobian
// against its closed form, first and second derivatives.
import { describe, expect, it } from 'vitest';
import { checkGradients, expectAllClose } from '../../test/helpers.js';
import { checkHessian } from '../../test/second-order.js';
import {
  AxisError,
  grad,
  jacobian,
  logSoftmax,
  randn,
  softmax,
  type Tensor,
  tensor,
  zeros,
} from '../index.js';

/**
 * softmax of `values` (row-major, of `shape`) along `axis` with plain loops and Math.exp,
 * shifted by the maximum so the reference itself cannot overflow.
 */
function naiveSoftmax(values: ArrayLike<number>, shape: readonly number[], axis: number): number[] {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const n = shape[axis] as number;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new Array<number>(values.length);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      const at = (j: number) => (o * n + j) * inner + k;
      let m = -Infinity;
      for (let j = 0; j < n; j++) m = Math.max(m, values[at(j)] as number);
      let s = 0;
      for (let j = 0; j < n; j++) s += Math.exp((values[at(j)] as number) - m);
      for (let j = 0; j < n; j++) out[at(j)] = Math.exp((values[at(j)] as number) - m) / s;
    }
  }
  return out;
}

describe('softmax', () => {
  it('computes exp(xᵢ) / Σ exp(xⱼ) on a small vector', () => {
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const s = e[0]! + e[1]! + e[2]!;
    expectAllClose(softmax(tensor([1, 2, 3])), [e[0]! / s, e[1]! / s, e[2]! / s]);
    expectAllClose(softmax(tensor([0, 0, 0, 0])), [0.25, 0.25, 0.25, 0.25]);
  });

  it('agrees with plain loops along the last, the first and a middle axis of a 3-D tensor', () => {
    const x = randn([2, 3, 4], { seed: 21 });
    for (const [axis, positive] of [
      [-1, 2],
      [2, 2],
      [0, 0],
      [1, 1],
      [-2, 1],
    ] as const) {
      expectAllClose(
        softmax(x, axis),
        tensor(naiveSoftmax(x.data, x.shape, positive), { shape: x.shape }),
      );
    }
    expectAllClose(x.softmax(), softmax(x, 2));
  });

  it('sums to 1 along the axis it normalises', () => {
    const x = randn([3, 4, 5], { seed: 2 }).mul(10);
    for (const axis of [0, 1, 2]) {
      const total = softmax(x, axis).sum(axis);
      expectAllClose(total, tensor(new Array(total.size).fill(1), { shape: total.shape }), {
        atol: 1e-14,
      });
    }
  });

  it('neither overflows nor gives NaN at ±1000', () => {
    expectAllClose(softmax(tensor([-1000, 1000])), [0, 1]); // exp(−2000) underflows to exactly 0
    expectAllClose(softmax(tensor([1000, 1000])), [0.5, 0.5]);
    expectAllClose(softmax(tensor([-1000, -1000, -1000, -1000])), [0.25, 0.25, 0.25, 0.25]);
    expectAllClose(
      softmax(
        tensor([
          [1000, 0, -1000],
          [999, 1000, 1000],
        ]),
      ),
      [[1, 0, 0], naiveSoftmax([999, 1000, 1000], [3], 0)],
    );
  });

  it('gives an empty result for an empty axis, as logSoftmax does', () => {
    expect(softmax(zeros([2, 0])).shape).toEqual([2, 0]);
    expect(softmax(zeros([0, 3]), 0).shape).toEqual([0, 3]);
    expect(logSoftmax(zeros([2, 0])).shape).toEqual([2, 0]);
  });

  it('names the op and the valid range for an axis out of range', () => {
    expect(() => softmax(randn([2, 3]), 2)).toThrow(AxisError);
    expect(() => softmax(randn([2, 3]), -3)).toThrow(
      /^softmax: axis -3 is out of range for a tensor of 2 dimension\(s\); valid axes: -2\.\.1$/,
    );
  });

  it('has the Jacobian zᵢ(δᵢq − z_q) (closed form) along the last axis', () => {
    const x = randn([5], { seed: 3 });
    const z = naiveSoftmax(x.data, [5], 0);
    const expected = z.map((zi, i) => z.map((zq, q) => zi * ((i === q ? 1 : 0) - zq)));
    expectAllClose(jacobian((x) => softmax(x))(x), expected);
  });

  it('has a Jacobian that couples only elements of the same column along axis 0', () => {
    const x = randn([3, 2], { seed: 4 });
    const z = naiveSoftmax(x.data, [3, 2], 0);
    const at = (i: number, c: number) => z[i * 2 + c] as number;
    // ∂z[i][c] / ∂x[q][d] = δ_cd · z[i][c] (δ_iq − z[q][c])
    const expected = [0, 1, 2].map((i) =>
      [0, 1].map((c) =>
        [0, 1, 2].map((q) =>
          [0, 1].map((d) => (c === d ? at(i, c) * ((i === q ? 1 : 0) - at(q, c)) : 0)),
        ),
      ),
    );
    expectAllClose(jacobian((x) => softmax(x, 0))(x), expected);
  });

  it('computes the gradient along every axis of a 3-D tensor', () => {
    const x = randn([2, 3, 4], { seed: 5 });
    for (const axis of [-1, 0, 1]) checkGradients((x) => softmax(x, axis), [x]);
  });

  it('computes the gradient at inputs near ±1000', () => {
    checkGradients((x) => softmax(x), [randn([2, 3], { seed: 6 }).add(1000)]);
    checkGradients((x) => softmax(x), [randn([2, 3], { seed: 7 }).sub(1000)]);
  });

  it('computes second derivatives: the Hessian of Σ w ⊙ softmax(x) against differences of its gradient', () => {
    const w = randn([3, 4], { seed: 9 });
    checkHessian((x) => softmax(x).mul(w).sum(), randn([3, 4], { seed: 8 }));
    checkHessian((x) => softmax(x, 0).square().mul(w).sum(), randn([3, 4], { seed: 10 }));
  });

  it('computes grad(grad(f)) of a scalar parameter through softmax', () => {
    const w = tensor([0.3, -1.2, 2]);
    // f(t) = Σ w ⊙ softmax([t, 2t, −t²])
    const f = (t: Tensor) =>
      softmax(t.mul(tensor([1, 2, 0])).sub(t.square().mul(tensor([0, 0, 1]))))
        .mul(w)
        .sum();
    const df = grad(f);
    const eps = 1e-5;
    for (const t of [-0.7, 0.4, 1.5]) {
      const numeric = (df(tensor(t + eps)).item() - df(tensor(t - eps)).item()) / (2 * eps);
      expectAllClose(grad(df)(tensor(t)), numeric, { atol: 1e-7, rtol: 1e-6 });
    }
  });
});

describe('logSoftmax', () => {
  it('equals log(softmax(x)) on moderate inputs, along any axis', () => {
    const x = randn([2, 3, 4], { seed: 12 });
    for (const axis of [0, 1, -1]) {
      const axisPositive = axis < 0 ? axis + 3 : axis;
      const expected = naiveSoftmax(x.data, x.shape, axisPositive).map(Math.log);
      expectAllClose(logSoftmax(x, axis), tensor(expected, { shape: x.shape }));
    }
    expectAllClose(x.logSoftmax(), logSoftmax(x, -1));
  });

  it('is exact at ±1000, where log(softmax) would give −∞', () => {
    expectAllClose(logSoftmax(tensor([-1000, 1000])), [-2000, 0]);
    expectAllClose(logSoftmax(tensor([1000, 1000])), [-Math.LN2, -Math.LN2]);
    expectAllClose(
      logSoftmax(tensor([-1000, -1000, -1000, -1000])),
      new Array(4).fill(-Math.log(4)),
    );
  });

  it('has the Jacobian δᵢq − z_q (closed form)', () => {
    const x = randn([4], { seed: 13 });
    const z = naiveSoftmax(x.data, [4], 0);
    const expected = z.map((_, i) => z.map((zq, q) => (i === q ? 1 : 0) - zq));
    expectAllClose(jacobian((x) => logSoftmax(x))(x), expected);
  });

  it('computes the gradient along every axis, also near ±1000', () => {
    const x = randn([2, 3, 4], { seed: 14 });
    for (const axis of [-1, 0, 1]) checkGradients((x) => logSoftmax(x, axis), [x]);
    checkGradients((x) => logSoftmax(x), [randn([2, 3], { seed: 15 }).mul(1000)]);
  });

  it('computes second derivatives against differences of its gradient', () => {
    const w = randn([3, 4], { seed: 16 });
    checkHessian((x) => logSoftmax(x).mul(w).sum(), randn([3, 4], { seed: 17 }));
    checkHessian((x) => logSoftmax(x, 0).square().mul(w).sum(), randn([3, 4], { seed: 18 }));
  });
});
