// perSampleGradients against a loop over the samples (one backward() per sample, each into a
// fresh .grad), for an MLP and a Sequential with the usual losses; and the lecture's point
// (p. 10): the per-sample gradients' mean is the batch gradient of the mean loss.
import { randn, type Tensor, tensor, ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../../core/test/helpers.js';
import {
  crossEntropy,
  Linear,
  MLP,
  type Module,
  mse,
  perSampleGradients,
  type SampleLoss,
  Sequential,
} from './index.js';

/** Each parameter's gradients, sample by sample, stacked: [batch, ...parameter.shape]. */
function loopOverSamples(model: Module, loss: SampleLoss, x: Tensor, t: Tensor): Tensor[][] {
  const rows: Tensor[][] = [];
  for (let i = 0; i < (x.shape[0] as number); i++) {
    model.zeroGrad();
    loss(model.forward(x.slice([i], [i + 1])), t.slice([i], [i + 1])).backward();
    rows.push(model.parameters().map((p) => (p.grad as Tensor).clone()));
  }
  model.zeroGrad();
  return rows;
}

function expectPerSample(model: Module, loss: SampleLoss, x: Tensor, t: Tensor): Tensor[] {
  const got = perSampleGradients(model, loss, x, t);
  const rows = loopOverSamples(model, loss, x, t);
  const params = model.parameters();
  expect(got.length).toBe(params.length);
  got.forEach((g, j) => {
    const p = params[j] as Tensor;
    expect(g.shape).toEqual([x.shape[0], ...p.shape]);
    rows.forEach((row, i) => {
      expectAllClose(g.slice([i], [i + 1]).reshape(p.shape), row[j] as Tensor, {
        atol: 1e-14,
        rtol: 1e-12,
      });
    });
  });
  return got;
}

describe('perSampleGradients', () => {
  const x = randn([5, 3], { seed: 1 });

  it('equals a loop of backward() over the samples: MLP, mse', () => {
    const net = new MLP({ inputs: 3, hidden: [4, 4], activation: 'tanh', outputs: 2, seed: 2 });
    expectPerSample(net, (p, t) => mse(p, t), x, randn([5, 2], { seed: 3 }));
  });

  it('equals a loop of backward() over the samples: Sequential, softmax cross-entropy', () => {
    const net = new Sequential(
      new Linear(3, 6, { seed: 4 }),
      'relu',
      new Linear(6, 3, { seed: 5 }),
    );
    const oneHot = tensor([
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
      [0, 0, 1],
      [1, 0, 0],
    ]);
    expectPerSample(net, (p, t) => crossEntropy(p, t), x, oneHot);
  });

  it('averages to the batch gradient of the mean loss (p. 10)', () => {
    const net = new MLP({ inputs: 3, hidden: [4], activation: 'sigmoid', seed: 6 });
    const t = randn([5, 1], { seed: 7 });
    const perSample = perSampleGradients(net, (p, y) => mse(p, y), x, t);
    net.zeroGrad();
    mse(net.forward(x), t).backward();
    net.parameters().forEach((p, j) => {
      expectAllClose((perSample[j] as Tensor).mean(0), p.grad as Tensor, {
        atol: 1e-15,
        rtol: 1e-13,
      });
    });
  });

  it('leaves the parameters and their .grad alone', () => {
    const net = new MLP({ inputs: 3, hidden: [2], activation: 'tanh', seed: 8 });
    const before = net.parameters().map((p) => Array.from(p.data));
    perSampleGradients(net, (p, t) => mse(p, t), x, randn([5, 1], { seed: 9 }));
    expect(net.parameters().map((p) => Array.from(p.data))).toEqual(before);
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('says what is wrong', () => {
    const net = new MLP({ inputs: 3, hidden: [2], seed: 0 });
    expect(() => perSampleGradients(net, (p, t) => mse(p, t), x, randn([4, 1]))).toThrow(
      'perSampleGradients: x and target need the samples along their first axis, in the same number; got shapes [5, 3] and [4, 1]',
    );
    expect(() => perSampleGradients(net, (p) => p.concat([p]), x, randn([5, 1]))).toThrow(
      'perSampleGradients: the loss of one sample must be a single value, got shape [2, 1]',
    );
    expect(() => perSampleGradients(net, 3 as unknown as SampleLoss, x, x)).toThrow(ValueError);
  });
});
