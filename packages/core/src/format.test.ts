import { describe, expect, it } from 'vitest';
import { arange, randn, tensor, zeros } from './index.js';

describe('toString', () => {
  it('prints scalars', () => {
    expect(tensor(3).toString()).toBe('tensor(3., shape=[])');
    expect(tensor(-2.5).toString()).toBe('tensor(-2.5000, shape=[])');
  });

  it('prints vectors in one notation, right-aligned', () => {
    expect(tensor([1, 2, 3]).toString()).toBe('tensor([1., 2., 3.], shape=[3])');
    expect(tensor([1, 2.5, -3]).toString()).toBe('tensor([ 1.0000,  2.5000, -3.0000], shape=[3])');
    expect(tensor([-1, 10]).toString()).toBe('tensor([-1., 10.], shape=[2])');
  });

  it('prints matrices row by row and 3-d tensors with a blank line between matrices', () => {
    expect(
      tensor([
        [1, 2],
        [3, 40],
      ]).toString(),
    ).toBe('tensor([[ 1.,  2.],\n        [ 3., 40.]], shape=[2, 2])');
    expect(arange(8).reshape([2, 2, 2]).toString()).toBe(
      'tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]], shape=[2, 2, 2])',
    );
  });

  it('switches to scientific notation for very large, very small or widely spread values', () => {
    expect(tensor([1e-5, 1]).toString()).toBe('tensor([1.0000e-5, 1.0000e+0], shape=[2])');
    expect(tensor([1e7, 1]).toString()).toBe('tensor([1.0000e+7, 1.0000e+0], shape=[2])');
    // four decimals would show 0.00012 as 0.0001
    expect(tensor([-0.00012, 5]).toString()).toBe('tensor([-1.2000e-4,  5.0000e+0], shape=[2])');
  });

  it('prints NaN and ±Infinity', () => {
    const t = tensor([1, Number.NaN, Number.NEGATIVE_INFINITY], { allowNonFinite: true });
    expect(t.toString()).toBe('tensor([       1.,       NaN, -Infinity], shape=[3])');
  });

  it('elides the middle of axes longer than six with ...', () => {
    expect(arange(6).toString()).toBe('tensor([0., 1., 2., 3., 4., 5.], shape=[6])');
    expect(arange(10).toString()).toBe('tensor([0., 1., 2., ..., 7., 8., 9.], shape=[10])');
    expect(arange(14).reshape([7, 2]).toString()).toBe(
      'tensor([[ 0.,  1.],\n        [ 2.,  3.],\n        [ 4.,  5.],\n        ...,\n' +
        '        [ 8.,  9.],\n        [10., 11.],\n        [12., 13.]], shape=[7, 2])',
    );
  });

  it('prints a million elements quickly, formatting only those shown', () => {
    const start = Date.now();
    const text = randn([1000, 1000], { seed: 1 }).toString();
    expect(Date.now() - start).toBeLessThan(2000);
    expect(text.split('\n')).toHaveLength(7); // three rows, '...', three rows
    expect(zeros([1_000_000]).toString()).toBe(
      'tensor([0., 0., 0., ..., 0., 0., 0.], shape=[1000000])',
    );
  });

  it('prints empty tensors', () => {
    expect(tensor([]).toString()).toBe('tensor([], shape=[0])');
  });

  it('annotates float32, requiresGrad, the op and the label', () => {
    expect(tensor([0.1], { dtype: 'float32' }).toString()).toBe(
      'tensor([0.1000], shape=[1], dtype=float32)',
    );
    const x = tensor([1, 2], { requiresGrad: true });
    expect(x.toString()).toBe('tensor([1., 2.], shape=[2], requiresGrad=true)');
    const y = x.mul(3);
    y.label = 'y';
    expect(y.toString()).toBe('tensor([3., 6.], shape=[2], op=mul, label="y")');
    expect(`${tensor(1)}`).toBe('tensor(1., shape=[])'); // a constant: no annotation
  });

  it('prints a tensor of 10,000 axes (no recursion to overflow the stack)', () => {
    const deep = zeros(new Array(10_000).fill(1));
    const text = deep.toString();
    expect(
      text.startsWith(`tensor(${'['.repeat(10_000)}0.${']'.repeat(10_000)}, shape=[1, 1,`),
    ).toBe(true);
    // and the nesting of a small tensor is unchanged: rows, then blocks a blank line apart
    expect(arange(8).reshape([2, 2, 2]).toString()).toBe(
      'tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]], shape=[2, 2, 2])',
    );
  });
});
