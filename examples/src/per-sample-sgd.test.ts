import { tensor } from '@backprop/core';
import { halfSquaredError, MLP } from '@backprop/layers';
import { describe, expect, it } from 'vitest';
import { runPerSampleSgd } from './per-sample-sgd.js';

describe('per-sample SGD (p. 10), all at once', () => {
  const r = runPerSampleSgd(() => {});

  it("gives each sample's gradient norm as a loop of backward() per sample does", () => {
    const net = new MLP({ inputs: 2, hidden: [3], activation: 'sigmoid', seed: 7 });
    const x = [
      [0.5, -1],
      [1, 0.2],
      [-0.3, 0.8],
      [0.9, 0.9],
    ];
    const y = [0.2, 0.9, -0.4, 0.5];
    x.forEach((row, n) => {
      net.zeroGrad();
      halfSquaredError(net.forward(tensor([row])), [[y[n] as number]]).backward();
      const sq = net.parameters().reduce((s, p) => s + p.grad!.square().sum().item(), 0);
      expect(Math.abs((r.norms[n] as number) - Math.sqrt(sq))).toBeLessThanOrEqual(1e-15);
    });
  });

  it('sums to the batch gradient, and the per-sample steps differ from one batch step by O(η²)', () => {
    expect(r.sumVsBatch).toBeLessThanOrEqual(1e-15);
    expect(r.sequentialVsBatch).toBeGreaterThan(0);
    expect(r.sequentialVsBatch).toBeLessThan(10 * r.lr * r.lr);
  });

  it('keeps the clipped mean gradient within the clip norm', () => {
    expect(r.clippedNorm).toBeLessThanOrEqual(r.clip);
    expect(r.clippedNorm).toBeGreaterThan(0.5 * r.clip);
  });
});
