// Per-sample (DP-SGD-style) clipping: the norms and the clipped mean against plain loops over
// the samples (one backward() each, norms summed in plain JS), and fit's option against the same.
import { randn, type Tensor, tensor, ValueError } from '@backprop/core';
import { MLP, mse } from '@backprop/layers';
import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../../core/test/helpers.js';
import { fit } from './fit.js';
import { backwardClippedPerSample, clipPerSampleGradNorm } from './per-sample-clip.js';
import { SGD } from './sgd.js';

/** Each sample's gradients (one backward() per sample), clipped to `c` in plain JS, averaged. */
function clippedByLoop(
  net: MLP,
  x: Tensor,
  y: Tensor,
  c: number,
): { mean: number[][]; norms: number[] } {
  const n = x.shape[0] as number;
  const params = net.parameters();
  const sum = params.map((p) => new Array<number>(p.size).fill(0));
  const norms: number[] = [];
  for (let i = 0; i < n; i++) {
    net.zeroGrad();
    mse(net.forward(x.slice([i], [i + 1])), y.slice([i], [i + 1])).backward();
    const gs = params.map((p) => Array.from((p.grad as Tensor).data));
    const norm = Math.sqrt(gs.flat().reduce((s, v) => s + v * v, 0));
    norms.push(norm);
    const f = Math.min(1, c / (norm + 1e-6));
    gs.forEach((g, j) => {
      g.forEach((v, k) => {
        (sum[j] as number[])[k] += (f * v) / n;
      });
    });
  }
  net.zeroGrad();
  return { mean: sum, norms };
}

describe('per-sample gradient clipping', () => {
  const x = randn([6, 3], { seed: 1 });
  const y = randn([6, 1], { seed: 2 });

  it('clipPerSampleGradNorm scales each sample to the norm and averages', () => {
    const { grads, norms } = clipPerSampleGradNorm(
      [
        tensor([
          [3, 4],
          [0.3, 0.4],
        ]),
      ],
      1,
    );
    expectAllClose(norms, [5, 0.5]);
    const f = 1 / (5 + 1e-6);
    expectAllClose(grads[0] as Tensor, [(3 * f + 0.3) / 2, (4 * f + 0.4) / 2]);
  });

  it('backwardClippedPerSample equals a loop of backward() per sample, clipped and averaged', () => {
    const net = new MLP({ inputs: 3, hidden: [5], activation: 'tanh', seed: 3 });
    const reference = clippedByLoop(net, x, y, 0.3);
    // the clip must bite on some samples and not on others for the test to mean something
    expect(reference.norms.some((v) => v > 0.3) && reference.norms.some((v) => v < 0.3)).toBe(true);
    const norms = backwardClippedPerSample(net, (p, t) => mse(p, t), x, y, 0.3);
    expectAllClose(norms, reference.norms, { atol: 1e-14, rtol: 1e-12 });
    net.parameters().forEach((p, j) => {
      expectAllClose(Array.from((p.grad as Tensor).data), reference.mean[j] as number[], {
        atol: 1e-15,
        rtol: 1e-12,
      });
    });
  });

  it("fit's clipPerSampleGradNorm steps with the clipped mean", () => {
    const make = () => new MLP({ inputs: 3, hidden: [5], activation: 'tanh', seed: 4 });
    const net = make();
    const before = make();
    const { mean } = clippedByLoop(before, x, y, 0.2);
    fit(net, {
      x,
      y,
      loss: mse,
      optimizer: new SGD(net.parameters(), { lr: 0.5 }),
      epochs: 1,
      batchSize: 6,
      shuffle: false,
      clipPerSampleGradNorm: 0.2,
      progress: false,
    });
    net.parameters().forEach((p, j) => {
      const w0 = Array.from((before.parameters()[j] as Tensor).data);
      const expected = w0.map((v, k) => v - 0.5 * ((mean[j] as number[])[k] as number));
      expectAllClose(Array.from(p.data), expected, { atol: 1e-15, rtol: 1e-12 });
    });
  });

  it('with a clip that never bites, fit trains as without it (to rounding)', () => {
    const run = (clip?: number) => {
      const net = new MLP({ inputs: 3, hidden: [4], activation: 'sigmoid', seed: 5 });
      fit(net, {
        x,
        y,
        loss: mse,
        optimizer: new SGD(net.parameters(), { lr: 0.1 }),
        epochs: 3,
        batchSize: 3,
        progress: false,
        ...(clip === undefined ? {} : { clipPerSampleGradNorm: clip }),
      });
      return net.parameters();
    };
    const plain = run();
    run(1e9).forEach((p, j) => {
      expectAllClose(p, plain[j] as Tensor, { atol: 1e-14, rtol: 1e-12 });
    });
  });

  it('refuses a norm that is not a positive number', () => {
    expect(() => clipPerSampleGradNorm([tensor([[1]])], 0)).toThrow(ValueError);
    const net = new MLP({ inputs: 3, hidden: [2], seed: 0 });
    expect(() =>
      fit(net, {
        x,
        y,
        loss: mse,
        optimizer: new SGD(net.parameters(), { lr: 0.1 }),
        epochs: 1,
        clipPerSampleGradNorm: -1,
        progress: false,
      }),
    ).toThrow('fit: clipPerSampleGradNorm must be a number > 0, got -1');
  });
});
