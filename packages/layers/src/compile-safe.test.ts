// Tests of isCompileSafe / isCompileSafeLoss: the library's own models and losses are, anything a
// user wrote (a subclass, an activation of their own, a wrapped loss) is not.
import type { Tensor, TensorLike } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import {
  crossEntropy,
  defineActivation,
  halfSquaredError,
  isCompileSafe,
  isCompileSafeLoss,
  Linear,
  MLP,
  mse,
  RBF,
  Sequential,
} from './index.js';

describe('isCompileSafe', () => {
  it('holds for MLP, Linear and Sequential built from the catalog’s activations', () => {
    expect(isCompileSafe(new MLP({ inputs: 2, hidden: [3], activation: 'tanh' }))).toBe(true);
    expect(
      isCompileSafe(new MLP({ inputs: 2, hidden: [], outputs: 3, outputActivation: 'softmax' })),
    ).toBe(true);
    expect(isCompileSafe(new Linear(2, 3, { seed: 0 }))).toBe(true);
    const seq = new Sequential(
      new Linear(2, 3, { seed: 0 }),
      'gelu',
      new Linear(3, 1, { seed: 1 }),
    );
    expect(isCompileSafe(seq)).toBe(true);
  });

  it('does not for what a user wrote: an activation, a subclass, a module of their own, a plain object', () => {
    const cube = defineActivation({ name: 'cubeForTest', fn: (a) => a.mul(a).mul(a) });
    expect(isCompileSafe(new MLP({ inputs: 2, hidden: [3], activation: cube }))).toBe(false);
    const net = new MLP({ inputs: 2, hidden: [3] });
    net.activations[0] = cube; // put in later
    expect(isCompileSafe(net)).toBe(false);
    class Noisy extends Linear {
      override forward(x: TensorLike): Tensor {
        return super.forward(x).add(Math.random());
      }
    }
    expect(isCompileSafe(new Noisy(2, 3, { seed: 0 }))).toBe(false);
    expect(isCompileSafe(new Sequential(new Linear(2, 3, { seed: 0 }), cube))).toBe(false);
    expect(isCompileSafe(new RBF({ learnable: true }))).toBe(false); // a module it does not list
    expect(isCompileSafe({ forward: (x: Tensor) => x, parameters: () => [] })).toBe(false);
    // a family's member with other parameters than its default: not among the built-ins
    expect(isCompileSafe(new MLP({ inputs: 2, hidden: [3], activation: 'leakyRelu(0.2)' }))).toBe(
      false,
    );
  });
});

describe('isCompileSafeLoss', () => {
  it('holds for the library’s losses, not for a function wrapping one', () => {
    expect([mse, halfSquaredError, crossEntropy].map(isCompileSafeLoss)).toEqual([
      true,
      true,
      true,
    ]);
    expect(isCompileSafeLoss((p: Tensor, t: Tensor) => mse(p, t))).toBe(false);
  });
});
