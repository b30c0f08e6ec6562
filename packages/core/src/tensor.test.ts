import { describe, expect, it } from 'vitest';
import { checkGradients, expectAllClose } from '../test/helpers.js';
import { DTypeError, randn, ShapeError, tensor, ValueError } from './index.js';

describe('tensor()', () => {
  it('builds row-major tensors from nested arrays', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.size).toBe(6);
    expect(t.dtype).toBe('float64');
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('rounds to float32 on request', () => {
    const t = tensor([0.1], { dtype: 'float32' });
    expect(t.dtype).toBe('float32');
    expect(t.data[0]).toBe(Math.fround(0.1));
  });

  it('refuses ragged arrays, non-numbers and NaN with a clear error', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ValueError);
    expect(() => tensor([[1, 2], [3]])).toThrow(
      /ragged nested array: \[1\] has length 1, expected length 2/,
    );
    expect(() => tensor([1, '2' as unknown as number])).toThrow(/element 1 is the string "2"/);
    expect(() => tensor([1, Number.NaN])).toThrow(/non-finite/);
    expect(tensor([Number.POSITIVE_INFINITY], { allowNonFinite: true }).item()).toBe(
      Number.POSITIVE_INFINITY,
    );
  });
});

describe('a first gradient', () => {
  it('matches central differences for x·W + b through a sigmoid', () => {
    const x = randn([3, 4], { seed: 1 });
    const w = randn([4, 2], { seed: 2 });
    const b = randn([2], { seed: 3 });
    checkGradients((x, w, b) => x.matmul(w).add(b).sigmoid(), [x, w, b]);
  });

  it('names both shapes when they do not broadcast', () => {
    expect(() => tensor([1, 2]).add(tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => tensor([1, 2]).add(tensor([1, 2, 3]))).toThrow(/add: shapes \[2\] and \[3\]/);
  });

  it('refuses to mix dtypes without a cast', () => {
    expect(() => tensor([1], { dtype: 'float32' }).mul(tensor([1]))).toThrow(DTypeError);
    expectAllClose(
      tensor([1], { dtype: 'float32' })
        .astype('float64')
        .mul(tensor([2])),
      [2],
    );
  });
});
