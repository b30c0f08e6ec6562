// Tests of the reductions: values against plain loops and closed forms, axis handling and errors,
// tie-sharing for max/min, logsumexp's stability, first and second derivatives.
import { describe, expect, it } from 'vitest';
import { checkGradients, expectAllClose } from '../../test/helpers.js';
import { checkHessian } from '../../test/second-order.js';
import {
  AxisError,
  logsumexp,
  max,
  mean,
  min,
  randn,
  sum,
  type Tensor,
  tensor,
  ValueError,
  zeros,
} from '../index.js';

const x23 = () =>
  tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);

/**
 * Reduces `values` (row-major, of `shape`) over `axes` by grouping elements with plain index
 * arithmetic and applying `f` to each group. Independent of the library's kernels.
 */
function naiveReduce(
  values: ArrayLike<number>,
  shape: readonly number[],
  axes: readonly number[],
  f: (group: number[]) => number,
): { values: number[]; kept: number[] } {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outSize = kept.reduce((a, b) => a * b, 1);
  const groups: number[][] = Array.from({ length: outSize }, () => []);
  for (let flat = 0; flat < values.length; flat++) {
    let rest = flat;
    const index = new Array<number>(shape.length);
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d] = rest % (shape[d] as number);
      rest = Math.floor(rest / (shape[d] as number));
    }
    let o = 0;
    for (let d = 0; d < shape.length; d++)
      o = o * (kept[d] as number) + (kept[d] === 1 ? 0 : (index[d] as number));
    groups[o]?.push(values[flat] as number);
  }
  return { values: groups.map(f), kept };
}

/** log Σ exp(v) as m + log Σ exp(v − m), with plain Math: the closed form the tests compare to. */
function logSumExpOf(group: number[]): number {
  const m = Math.max(...group);
  return m + Math.log(group.reduce((s, v) => s + Math.exp(v - m), 0));
}

const reductions = {
  sum: { op: sum, of: (g: number[]) => g.reduce((s, v) => s + v, 0) },
  mean: { op: mean, of: (g: number[]) => g.reduce((s, v) => s + v, 0) / g.length },
  max: { op: max, of: (g: number[]) => Math.max(...g) },
  min: { op: min, of: (g: number[]) => Math.min(...g) },
  logsumexp: { op: logsumexp, of: logSumExpOf },
} as const;

const names = Object.keys(reductions) as (keyof typeof reductions)[];

/** Every subset of the axes of a 3-D tensor, each written once with positive and once with negative axes. */
const axisSubsets: number[][] = [];
for (let mask = 1; mask < 8; mask++) axisSubsets.push([0, 1, 2].filter((a) => mask & (1 << a)));

describe('every reduction', () => {
  it.each(names)(
    '%s agrees with plain loops over every set of axes, with and without keepDims',
    (name) => {
      const { op, of } = reductions[name];
      const x = randn([2, 3, 4], { seed: 11 });
      for (const axes of axisSubsets) {
        const { values, kept } = naiveReduce(x.data, x.shape, axes, of);
        const dropped = x.shape.filter((_, i) => !axes.includes(i));
        const negative = axes.map((a) => a - 3);
        expectAllClose(op(x, axes, true), tensor(values, { shape: kept }));
        expectAllClose(op(x, negative, false), tensor(values, { shape: dropped }));
      }
      const all = naiveReduce(x.data, x.shape, [0, 1, 2], of).values[0] as number;
      expectAllClose(op(x), all); // undefined: every axis
      expectAllClose(op(x, null), all);
      expectAllClose(op(x, null, true), [[[all]]]);
      expect(op(x).shape).toEqual([]);
    },
  );

  it.each(names)(
    '%s agrees with plain loops where axes of size 1 sit among the reduced ones',
    (name) => {
      // the kernels skip axes of size 1 to find runs of adjacent reduced axes; check every subset
      const { op, of } = reductions[name];
      const x = randn([2, 1, 3, 1, 2], { seed: 12 });
      for (let mask = 1; mask < 32; mask++) {
        const axes = [0, 1, 2, 3, 4].filter((a) => mask & (1 << a));
        const { values, kept } = naiveReduce(x.data, x.shape, axes, of);
        expectAllClose(op(x, axes, true), tensor(values, { shape: kept }));
      }
    },
  );

  it.each(names)('%s names the op and the valid range for an axis out of range', (name) => {
    const { op } = reductions[name];
    const x = x23();
    expect(() => op(x, 2)).toThrow(AxisError);
    expect(() => op(x, 2)).toThrow(
      new RegExp(
        `^${name}: axis 2 is out of range for a tensor of 2 dimension\\(s\\); valid axes: -2\\.\\.1$`,
      ),
    );
    expect(() => op(x, -3)).toThrow(/axis -3 is out of range .* valid axes: -2\.\.1/);
    expect(() => op(x, [0, 5])).toThrow(/axis 5 is out of range/);
    expect(() => op(x, 0.5)).toThrow(AxisError);
    expect(() => op(tensor(3), 0)).toThrow(/valid axes: none \(the tensor is a scalar\)/);
  });

  it.each(names)('%s refuses an axis named twice, also as negative and positive', (name) => {
    const { op } = reductions[name];
    expect(() => op(x23(), [0, 0])).toThrow(AxisError);
    expect(() => op(x23(), [1, -1])).toThrow(
      new RegExp(`^${name}: axis \\[1,-1\\] names an axis twice$`),
    );
  });

  it.each(names)('%s keeps float32 as float32', (name) => {
    const y = reductions[name].op(randn([3, 2], { seed: 1, dtype: 'float32' }), 0);
    expect(y.dtype).toBe('float32');
  });

  it.each(names)('computes the gradient of %s over one, several and all axes', (name) => {
    const { op } = reductions[name];
    const x = randn([2, 3, 4], { seed: 5 });
    for (const [axis, keepDims] of [
      [1, false],
      [-1, true],
      [[0, 2], false],
      [[-3, -2], true],
      [undefined, false],
      [null, true],
    ] as const) {
      checkGradients((x) => op(x, axis, keepDims), [x]);
    }
  });

  it.each(names)('computes second derivatives of %s (its derivative is differentiable)', (name) => {
    const { op } = reductions[name];
    const x = randn([2, 3], { seed: 8 });
    const w = randn([3], { seed: 9 });
    // f(x) = Σ w ⊙ op(x, 0)²: the Hessian passes through the op's vjp and the op again
    checkHessian((x) => op(x, 0).square().mul(w).sum(), x);
    checkHessian((x) => op(x, [0, 1]).square(), x);
  });
});

describe('sum and mean', () => {
  it('sum reduces a 2×3 matrix by hand', () => {
    expectAllClose(sum(x23(), 0), [5, 7, 9]);
    expectAllClose(sum(x23(), 1), [6, 15]);
    expectAllClose(sum(x23(), -1, true), [[6], [15]]);
    expectAllClose(sum(x23(), [0, 1]), 21);
    expectAllClose(sum(x23()), 21);
    expectAllClose(sum(x23(), null, true), [[21]]);
    expectAllClose(x23().sum(-2, true), [[5, 7, 9]]);
  });

  it('mean reduces a 2×3 matrix by hand', () => {
    expectAllClose(mean(x23(), 0), [2.5, 3.5, 4.5]);
    expectAllClose(mean(x23(), 1, true), [[2], [5]]);
    expectAllClose(mean(x23()), 3.5);
  });

  it('an empty list of axes reduces nothing', () => {
    expectAllClose(sum(x23(), []), x23());
  });

  it('sums an empty axis to 0 and keeps an empty axis that is not reduced', () => {
    expectAllClose(sum(zeros([2, 0]), 1), [0, 0]);
    expect(sum(zeros([0, 3]), 1).shape).toEqual([0]);
  });

  it('sum sends a gradient of ones and mean one of 1/n to every element', () => {
    const x = randn([2, 3], { seed: 3, requiresGrad: true });
    sum(x, 1).sum().backward();
    expectAllClose(x.grad as Tensor, [
      [1, 1, 1],
      [1, 1, 1],
    ]);
    x.zeroGrad();
    mean(x, 0).sum().backward(); // n = 2 per column
    expectAllClose(x.grad as Tensor, [
      [0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5],
    ]);
  });
});

describe('max and min', () => {
  it('pick the extreme of each row or column', () => {
    const x = tensor([
      [3, -1, 7],
      [0, 9, -4],
    ]);
    expectAllClose(max(x, 1), [7, 9]);
    expectAllClose(min(x, 1), [-1, -4]);
    expectAllClose(max(x, 0, true), [[3, 9, 7]]);
    expectAllClose(min(x, -2), [0, -1, -4]);
    expectAllClose(max(x), 9);
    expectAllClose(min(x), -4);
  });

  it('propagate NaN, as NumPy does', () => {
    const x = tensor([1, Number.NaN, 3], { allowNonFinite: true });
    expect(max(x).item()).toBeNaN();
    expect(min(x).item()).toBeNaN();
  });

  it('send the gradient to the extreme and share it evenly between ties', () => {
    const x = tensor(
      [
        [1, 5, 5],
        [2, 2, 2],
        [0, 3, -1],
      ],
      { requiresGrad: true },
    );
    max(x, 1).backward(tensor([6, 3, 1]));
    // closed form: g / (number of tied maxima) at each maximum, 0 elsewhere
    expectAllClose(x.grad as Tensor, [
      [0, 3, 3],
      [1, 1, 1],
      [0, 1, 0],
    ]);
    x.zeroGrad();
    min(x, 0).backward(tensor([4, 1, 2]));
    expectAllClose(x.grad as Tensor, [
      [0, 0, 0],
      [0, 1, 0],
      [4, 0, 2],
    ]);
    x.zeroGrad();
    max(x).backward(); // 5 twice over the whole matrix
    expectAllClose(x.grad as Tensor, [
      [0, 0.5, 0.5],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('refuse an empty axis, naming the op and the shape', () => {
    expect(() => max(zeros([2, 0]), 1)).toThrow(ValueError);
    expect(() => max(zeros([2, 0]), 1)).toThrow(
      /^max: cannot reduce an empty axis \(shape \[2, 0\], axes \[1\]\)$/,
    );
    expect(() => min(zeros([0]))).toThrow(/^min: cannot reduce an empty axis \(shape \[0\]/);
    expect(max(zeros([0, 3]), 1).shape).toEqual([0]); // the reduced axis is not empty
  });
});

describe('logsumexp', () => {
  it('equals log Σ exp on moderate inputs', () => {
    const x = tensor([
      [0, 1, 2],
      [-1, 0.5, 3],
    ]);
    const direct = (r: number[]) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
    expectAllClose(logsumexp(x, 1), [direct([0, 1, 2]), direct([-1, 0.5, 3])]);
    expectAllClose(logsumexp(x), direct([0, 1, 2, -1, 0.5, 3]));
  });

  it('is stable at ±1000, where exp over- or underflows', () => {
    const rows = [
      [1000, 999, 998],
      [-1000, -1001, -999.5],
      [1000, -1000, 0],
    ];
    const y = logsumexp(tensor(rows), -1);
    expectAllClose(y, rows.map(logSumExpOf));
    expect(Array.from(y.data).every(Number.isFinite)).toBe(true);
    expectAllClose(y.data[2] as number, 1000); // exp(−2000) and exp(−1000) vanish next to 1
  });

  it('is −∞ when every element is −∞ or the axis is empty (log 0), and ignores a −∞ among others', () => {
    const x = tensor(
      [
        [-Infinity, -Infinity],
        [-Infinity, 0],
      ],
      { allowNonFinite: true },
    );
    expectAllClose(logsumexp(x, 1), tensor([-Infinity, 0], { allowNonFinite: true }));
    expectAllClose(
      logsumexp(zeros([2, 0]), 1),
      tensor([-Infinity, -Infinity], { allowNonFinite: true }),
    );
  });

  it('has the softmax as its gradient (closed form), also at ±1000', () => {
    const rows = [
      [0.5, -1, 2],
      [1000, 999, -1000],
    ];
    const x = tensor(rows, { requiresGrad: true });
    logsumexp(x, 1).sum().backward();
    const softmaxRow = (r: number[]) => {
      const m = Math.max(...r);
      const e = r.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    };
    expectAllClose(x.grad as Tensor, rows.map(softmaxRow));
  });
});
