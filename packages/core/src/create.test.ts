import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../test/helpers.js';
import {
  arange,
  DTypeError,
  eye,
  full,
  linspace,
  ones,
  onesLike,
  rand,
  randn,
  ShapeError,
  tensor,
  ValueError,
  zeros,
  zerosLike,
} from './index.js';

describe('zeros, ones, full', () => {
  it('fill a tensor of the given shape, float64 by default', () => {
    const z = zeros([2, 3]);
    expect(z.shape).toEqual([2, 3]);
    expect(z.dtype).toBe('float64');
    expect(Array.from(z.data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(ones([4]).data)).toEqual([1, 1, 1, 1]);
    expect(Array.from(full([2, 2], 7.5).data)).toEqual([7.5, 7.5, 7.5, 7.5]);
  });

  it('make scalars and empty tensors', () => {
    expect(ones([]).shape).toEqual([]);
    expect(ones([]).item()).toBe(1);
    expect(zeros([0, 3]).size).toBe(0);
  });

  it('take dtype and requiresGrad options', () => {
    const o = ones([2], { dtype: 'float32', requiresGrad: true });
    expect(o.dtype).toBe('float32');
    expect(o.data).toBeInstanceOf(Float32Array);
    expect(o.requiresGrad).toBe(true);
    expect(o.isLeaf).toBe(true);
    expect(full([1], 0.1, { dtype: 'float32' }).data[0]).toBe(Math.fround(0.1));
  });

  it('full accepts ±Infinity (as for attention masks)', () => {
    expect(full([2], Number.NEGATIVE_INFINITY).data[1]).toBe(Number.NEGATIVE_INFINITY);
  });

  it('zerosLike and onesLike copy shape and dtype', () => {
    const x = tensor([[1, 2, 3]], { dtype: 'float32' });
    const z = zerosLike(x);
    expect(z.shape).toEqual([1, 3]);
    expect(z.dtype).toBe('float32');
    expect(Array.from(onesLike(x).data)).toEqual([1, 1, 1]);
    expect(onesLike(x, { dtype: 'float64' }).dtype).toBe('float64');
  });

  it('refuse bad shapes, dtypes and values, naming the factory', () => {
    expect(() => zeros([-1])).toThrow(ShapeError);
    expect(() => zeros([-1])).toThrow(/zeros: invalid shape \[-1\]/);
    expect(() => ones([2, 1.5])).toThrow(/ones: invalid shape \[2, 1\.5\]/);
    expect(() => zeros([2], { dtype: 'int32' as 'float32' })).toThrow(DTypeError);
    expect(() => full([2], '3' as unknown as number)).toThrow(ValueError);
  });
});

describe('arange', () => {
  it('counts from 0 to stop − 1 with one argument', () => {
    expect(Array.from(arange(5).data)).toEqual([0, 1, 2, 3, 4]);
    expect(arange(5).shape).toEqual([5]);
  });

  it('takes start, stop and step like NumPy (stop excluded)', () => {
    expect(Array.from(arange(2, 5).data)).toEqual([2, 3, 4]);
    expect(Array.from(arange(0, 1, 0.25).data)).toEqual([0, 0.25, 0.5, 0.75]); // exact in binary
    expect(Array.from(arange(5, 0, -2).data)).toEqual([5, 3, 1]);
    expect(Array.from(arange(0, 1, 0.3).data)).toEqual([0, 0.3, 0.6, 0.8999999999999999]); // 0 + i·0.3
  });

  it('is empty when the range is', () => {
    expect(arange(0).shape).toEqual([0]);
    expect(arange(5, 0).shape).toEqual([0]);
    expect(arange(0, 5, -1).shape).toEqual([0]);
  });

  it('takes options', () => {
    const a = arange(3, undefined, 1, { dtype: 'float32', requiresGrad: true });
    expect(a.dtype).toBe('float32');
    expect(a.requiresGrad).toBe(true);
  });

  it('refuses a zero step and non-finite bounds', () => {
    expect(() => arange(0, 5, 0)).toThrow(ValueError);
    expect(() => arange(0, 5, 0)).toThrow(/non-zero step, got \(0, 5, 0\)/);
    expect(() => arange(Number.POSITIVE_INFINITY)).toThrow(/finite start and stop/);
    expect(() => arange(0, Number.NaN)).toThrow(ValueError);
  });
});

describe('linspace', () => {
  it('includes both ends', () => {
    expect(Array.from(linspace(0, 1, 5).data)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(Array.from(linspace(1, -1, 3).data)).toEqual([1, 0, -1]);
  });

  it('hits stop exactly even when the steps round', () => {
    const l = linspace(0, 0.3, 4);
    expect(l.data[3]).toBe(0.3);
    expectAllClose(l, [0, 0.1, 0.2, 0.3], { atol: 1e-16 });
  });

  it('gives [start] for one point and nothing for none', () => {
    expect(Array.from(linspace(2, 5, 1).data)).toEqual([2]);
    expect(linspace(2, 5, 0).shape).toEqual([0]);
  });

  it('refuses a bad count and non-finite bounds', () => {
    expect(() => linspace(0, 1, -1)).toThrow(/count must be a non-negative integer, got -1/);
    expect(() => linspace(0, 1, 2.5)).toThrow(ValueError);
    expect(() => linspace(0, Number.NaN, 3)).toThrow(/linspace: expected finite start and stop/);
    expect(() => linspace(Number.NEGATIVE_INFINITY, 0, 3)).toThrow(ValueError);
  });
});

describe('eye', () => {
  it('makes square and rectangular identity matrices', () => {
    expect(eye(3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(eye(3, 2).toArray()).toEqual([
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
    expect(eye(0).shape).toEqual([0, 0]);
  });

  it('takes options and refuses bad sizes', () => {
    expect(eye(2, 2, { dtype: 'float32' }).dtype).toBe('float32');
    expect(() => eye(-1)).toThrow(ShapeError);
    expect(() => eye(2.5)).toThrow(/eye: invalid shape/);
  });
});

describe('rand and randn', () => {
  it('make tensors of the given shape and options', () => {
    const r = rand([2, 3], { seed: 1, dtype: 'float32', requiresGrad: true });
    expect(r.shape).toEqual([2, 3]);
    expect(r.dtype).toBe('float32');
    expect(r.requiresGrad).toBe(true);
    expect(randn([4, 1], { seed: 1 }).shape).toEqual([4, 1]);
    expect(() => randn([-2])).toThrow(/randn: invalid shape/);
  });
});

describe('tensor(): values beyond float32', () => {
  // float32's largest finite value is (2 − 2⁻²³)·2¹²⁷ = 2¹²⁸ − 2¹⁰⁴ (IEEE 754 binary32)
  const MAX32 = 2 ** 128 - 2 ** 104;

  it('refuses a finite number that rounds to ±Infinity in float32, naming the element', () => {
    expect(() => tensor([1e39], { dtype: 'float32' })).toThrow(ValueError);
    expect(() => tensor([1e39], { dtype: 'float32' })).toThrow(
      /^tensor\(\): element 0 is 1e\+39, beyond float32's range/,
    );
    expect(() =>
      tensor(
        [
          [1, 2],
          [3, -1e39],
        ],
        { dtype: 'float32' },
      ),
    ).toThrow(/element 3 is -1e\+39, beyond float32's range \(±3\.4028234663852886e\+38\)/);
    expect(() => tensor(new Float64Array([0, 1e300]), { dtype: 'float32' })).toThrow(
      /element 1 is 1e\+300/,
    );
  });

  it('refuses the same overflow when converting a float64 tensor', () => {
    expect(() => tensor(tensor([2, 1e39]), { dtype: 'float32' })).toThrow(
      /^tensor\(\): element 1 is 1e\+39, beyond float32's range/,
    );
  });

  it('keeps what rounds to a finite float32, and Infinity when allowNonFinite is given', () => {
    expect(tensor([3.4028235e38], { dtype: 'float32' }).item()).toBe(MAX32);
    expect(tensor([-MAX32], { dtype: 'float32' }).item()).toBe(-MAX32);
    expect(tensor([1e39], { dtype: 'float32', allowNonFinite: true }).item()).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(tensor(tensor([1e39]), { dtype: 'float32', allowNonFinite: true }).item()).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(tensor([1e39]).item()).toBe(1e39); // float64 holds it
  });

  it('leaves astype, an op, to IEEE rounding (detectAnomaly names it)', () => {
    expect(tensor([1e39]).astype('float32').item()).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('sizes and shapes beyond what a tensor can be', () => {
  it('names the size and the limit instead of a raw RangeError', () => {
    // 2³² elements is the longest typed array Node 20 makes (`new Float64Array(2 ** 32 + 1)` throws)
    expect(() => zeros([1e6, 1e6])).toThrow(ShapeError);
    expect(() => zeros([1e6, 1e6])).toThrow(
      'zeros: shape [1000000, 1000000] has 1000000000000 elements; a tensor holds at most 4294967296 (2^32)',
    );
    expect(() => eye(1e6)).toThrow(/^eye: shape \[1000000, 1000000\] has 1000000000000 elements/);
    expect(() => arange(0, 1e12)).toThrow(ValueError);
    expect(() => arange(0, 1e12)).toThrow(
      'arange: (0, 1000000000000, 1) gives 1000000000000 elements; a tensor holds at most 4294967296 (2^32)',
    );
    expect(() => linspace(0, 1, 1e12)).toThrow(
      'linspace: count 1000000000000 is more than a tensor holds: at most 4294967296 (2^32) elements',
    );
  });

  it('refuses a shape that is not an array', () => {
    expect(() => zeros(3 as never)).toThrow(ShapeError);
    expect(() => zeros(3 as never)).toThrow(
      'zeros: shape must be an array of sizes such as [2, 3], got 3',
    );
    expect(() => randn('2x3' as never)).toThrow(/^randn: shape must be an array .* got "2x3"/);
  });

  it('reads and writes arrays nested 10,000 deep without recursion', () => {
    const depth = 10_000;
    let nested: unknown = 7;
    for (let i = 0; i < depth; i++) nested = [nested];
    const t = tensor(nested as number[]);
    expect(t.ndim).toBe(depth);
    expect(t.item()).toBe(7);
    let back: unknown = t.toArray();
    for (let i = 0; i < depth; i++) {
      expect(Array.isArray(back) && back.length === 1).toBe(true);
      back = (back as unknown[])[0];
    }
    expect(back).toBe(7);
  });

  it('keeps the ragged-array errors and toArray of empty axes', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(
      'tensor(): ragged nested array: [1] has length 1, expected length 2 (shape [2, 2])',
    );
    expect(() => tensor([[1], [[2]]] as never)).toThrow(
      'tensor(): ragged nested array: [1][0] is an array but a number was expected there',
    );
    expect(() => tensor([[1, 2], 3] as never)).toThrow(
      'tensor(): ragged nested array: [1] has a number, expected length 2 (shape [2, 2])',
    );
    expect(zeros([2, 0, 3]).toArray()).toEqual([[], []]);
    expect(zeros([2, 1, 0]).toArray()).toEqual([[[]], [[]]]);
    expect(tensor(5).toArray()).toBe(5);
    expect(arange(6).reshape([2, 3]).toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });
});
