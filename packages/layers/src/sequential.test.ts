// Sequential: a stack of modules and activations, against plain loops and central differences.
import { ShapeError, type Tensor, tensor, ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { checkGradients, expectAllClose } from '../../core/test/helpers.js';
import { getActivation, Linear, Sequential, uniform } from './index.js';

type Mat = number[][];

function plainAffine(x: Mat, w: Mat, b: number[]): Mat {
  return x.map((row) =>
    (w[0] as number[]).map((_, i) =>
      row.reduce((s, v, p) => s + v * ((w[p] as number[])[i] as number), b[i] as number),
    ),
  );
}
const plainSigmoid = (m: Mat) => m.map((r) => r.map((v) => 1 / (1 + Math.exp(-v))));

const X: Mat = [
  [0.5, -1.2],
  [-0.3, 0.8],
  [1.5, 0.4],
];

function values(layer: Linear): [Mat, number[]] {
  return [layer.weight.toArray() as Mat, layer.bias?.toArray() as number[]];
}

describe('Sequential', () => {
  const make = () =>
    new Sequential(
      new Linear(2, 3, { seed: 1, biasInit: uniform(-1, 1) }),
      'sigmoid',
      new Linear(3, 2, { seed: 2, biasInit: uniform(-1, 1) }),
      getActivation('tanh'),
    );

  it('applies its items in order', () => {
    const net = make();
    const [w0, b0] = values(net.layers[0] as Linear);
    const [w1, b1] = values(net.layers[2] as Linear);
    const expected = plainAffine(plainSigmoid(plainAffine(X, w0, b0)), w1, b1).map((r) =>
      r.map(Math.tanh),
    );
    expectAllClose(net.forward(X), expected);
    expect(net.length).toBe(4);
  });

  it('names parameters by position: layers.0.weight, layers.2.bias', () => {
    expect(
      make()
        .namedParameters()
        .map(([n]) => n),
    ).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.2.weight', 'layers.2.bias']);
    const nested = new Sequential(new Sequential(new Linear(2, 2, { seed: 0 })), 'relu');
    expect(nested.namedParameters().map(([n]) => n)).toEqual([
      'layers.0.layers.0.weight',
      'layers.0.layers.0.bias',
    ]);
  });

  it('summarises the stack, activations included', () => {
    const net = make();
    expect(net.numParameters()).toBe(9 + 8);
    const lines = net.toString().split('\n');
    expect(lines[0]).toBe(
      'Sequential(Linear(2 → 3) → sigmoid → Linear(3 → 2) → tanh)  [17 parameters]',
    );
    expect(lines).toContain('  (layers.2) Linear(3 → 2)  [8 parameters]');
    const anonymous = new Sequential(new Linear(2, 2, { seed: 0 }), (a: Tensor) => a.mul(2));
    expect(anonymous.describe()).toBe('Sequential(Linear(2 → 2) → activation)');
  });

  it('gradients of every parameter and the input equal central differences', () => {
    const net = make();
    const l0 = net.layers[0] as Linear;
    const l2 = net.layers[2] as Linear;
    const f = (w0: Tensor, b0: Tensor, w2: Tensor, b2: Tensor, x: Tensor) => {
      [l0.weight, l0.bias, l2.weight, l2.bias] = [w0, b0, w2, b2];
      return net.forward(x);
    };
    checkGradients(f, [l0.weight, l0.bias as Tensor, l2.weight, l2.bias as Tensor, tensor(X)]);
  });

  it('an empty Sequential is the identity', () => {
    const x = tensor(X);
    expect(new Sequential().forward(x)).toBe(x);
  });

  it('refuses bad items and names the position of a failing layer', () => {
    expect(() => new Sequential(new Linear(2, 2, { seed: 0 }), 'nope')).toThrow(
      /Sequential item 1: unknown activation ["']nope["']; known activations: .*sigmoid/,
    );
    expect(() => new Sequential(3 as never)).toThrow(
      'Sequential item 0: expected a Module, an activation function or an activation name, got number',
    );
    const net = new Sequential(
      new Linear(2, 3, { seed: 0 }),
      'relu',
      new Linear(4, 1, { seed: 0 }),
    );
    expect(() => net.forward(X)).toThrow(ShapeError);
    expect(() => net.forward(X)).toThrow(
      'Sequential layers.2: Linear(4 → 1): expected input with 4 features (shape [batch, 4]), got [3, 3]',
    );
    const broken = new Sequential(new Linear(2, 2, { seed: 0 }), (() => 1) as never);
    expect(() => broken.forward(X)).toThrow(
      new ValueError('Sequential layers.1: returned number, not a Tensor'),
    );
  });
});
