import { ShapeError, tensor, ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { argmax, oneHot } from './encode.js';

describe('oneHot', () => {
  it('puts a 1 in each label’s column', () => {
    const t = oneHot([0, 2, 1, 2]);
    expect(t.shape).toEqual([4, 3]);
    expect(t.dtype).toBe('float64');
    expect(t.toArray()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
      [0, 0, 1],
    ]);
  });

  it('takes numClasses wider than the labels, tensors and [n, 1] columns', () => {
    expect(oneHot(tensor([1, 0]), 4).toArray()).toEqual([
      [0, 1, 0, 0],
      [1, 0, 0, 0],
    ]);
    expect(oneHot([[1], [0]]).toArray()).toEqual([
      [0, 1],
      [1, 0],
    ]);
    expect(oneHot([], 3).shape).toEqual([0, 3]);
  });

  it('refuses non-integer, negative and out-of-range labels, naming the label', () => {
    expect(() => oneHot([0, 1.5])).toThrow(ValueError);
    expect(() => oneHot([0, 1.5])).toThrow(
      'oneHot: label 1 is 1.5; class labels must be integers ≥ 0',
    );
    expect(() => oneHot([-1, 0])).toThrow(
      'oneHot: label 0 is -1; class labels must be integers ≥ 0',
    );
    expect(() => oneHot([0, 3, 1], 3)).toThrow(
      'oneHot: label 1 is 3, out of range for 3 classes (0 … 2)',
    );
    expect(() => oneHot([0, 1], 0)).toThrow(/numClasses must be an integer ≥ 1/);
    expect(() => oneHot([0, 1], 2.5)).toThrow(/numClasses must be an integer ≥ 1/);
    expect(() => oneHot([])).toThrow(/pass numClasses/);
    expect(() => oneHot([[0, 1]])).toThrow(ShapeError);
  });
});

describe('argmax', () => {
  it('gives each row’s largest column, the first one on ties', () => {
    expect(
      argmax([
        [0.1, 0.7, 0.2],
        [0.8, 0.1, 0.1],
        [0.2, 0.3, 0.5],
        [0.4, 0.4, 0.2],
        [-3, -1, -2],
      ]),
    ).toEqual([1, 0, 2, 0, 1]);
    expect(argmax(tensor([[5]]))).toEqual([0]);
  });

  it('inverts oneHot', () => {
    const labels = [2, 0, 1, 1, 3];
    expect(argmax(oneHot(labels))).toEqual(labels);
  });

  it('refuses shapes other than [n, classes] and NaN', () => {
    expect(() => argmax([1, 2])).toThrow(
      'argmax: scores have shape [2]; expected [n, classes] with at least one class',
    );
    expect(() => argmax([[0, Number.NaN]])).toThrow('argmax: row 0, column 1 is NaN');
  });
});
