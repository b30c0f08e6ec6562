// core's compile with the other packages: a network from layers, its losses, and optimisers that
// update the parameters in place between calls. A compiled step must train exactly as the eager one.
import { compile, type DType, randn, type Tensor, tensor } from '@backprop/core';
import { crossEntropy, MLP, mse } from '@backprop/layers';
import { describe, expect, it } from 'vitest';
import { Adam, clipGradNorm, clipGradValue, SGD } from './index.js';

type Step = (x: Tensor, y: Tensor) => Tensor;

function train(
  dtype: DType,
  classes: boolean,
  compiled: boolean,
): { losses: number[]; weights: number[][] } {
  const net = new MLP({
    inputs: 4,
    hidden: [8, 6],
    activation: ['tanh', 'relu'],
    outputs: classes ? 3 : 1,
    seed: 3,
    dtype,
  });
  const opt = classes
    ? new Adam(net.parameters(), { lr: 0.01 })
    : new SGD(net.parameters(), { lr: 0.05, momentum: 0.9 });
  const forwardBackward: Step = (x, y) => {
    const out = net.forward(x);
    const loss = classes ? crossEntropy(out, y) : mse(out, y);
    loss.backward();
    return loss;
  };
  const step = compiled ? compile(forwardBackward) : forwardBackward;
  const losses: number[] = [];
  for (let k = 0; k < 40; k++) {
    const x = randn([5, 4], { seed: 100 + (k % 6), dtype });
    // class indices change from batch to batch: the compiled step must pick each batch's classes
    const y = classes
      ? tensor(
          Array.from({ length: 5 }, (_, i) => (i + k) % 3),
          { dtype },
        )
      : randn([5, 1], { seed: 200 + (k % 6), dtype });
    losses.push(step(x, y).item());
    opt.step();
    opt.zeroGrad();
  }
  return { losses, weights: net.parameters().map((p) => Array.from(p.data)) };
}

describe('compile with layers and optim', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [name, classes] of [
      ['MLP + crossEntropy (class indices) + Adam', true],
      ['MLP + mse + SGD with momentum', false],
    ] as const) {
      it(`${name}, ${dtype}: the same losses and weights, bit for bit, as eager training`, () => {
        const eager = train(dtype, classes, false);
        const compiled = train(dtype, classes, true);
        expect(compiled.losses).toEqual(eager.losses);
        expect(compiled.weights).toEqual(eager.weights);
        const epoch = (from: number) => eager.losses.slice(from, from + 6).reduce((a, b) => a + b);
        expect(epoch(34)).toBeLessThan(epoch(0)); // it trained
      });
    }
  }
});

describe('compile refuses what it cannot replay', () => {
  it('an optimiser step or gradient clipping inside the compiled function', () => {
    const net = new MLP({ inputs: 2, hidden: [3], seed: 0 });
    const opt = new SGD(net.parameters(), { lr: 0.1 });
    const step = (inside: () => void) =>
      compile((x: Tensor) => {
        net.forward(x).sum().backward();
        inside();
        return x;
      })(tensor([[1, 2]]));
    expect(() => step(() => opt.step())).toThrow(/SGD.step\(\) inside a compiled function/);
    expect(() => step(() => clipGradNorm(net.parameters(), 1))).toThrow(
      /clipGradNorm inside a compiled function: it changes arrays in place/,
    );
    expect(() => step(() => clipGradValue(net.parameters(), 1))).toThrow(/clipGradValue inside/);
  });
});
