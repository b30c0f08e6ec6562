import { gradcheck, tensor, toMermaid } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { runCustomOp, softplus } from './custom-op.js';

describe('softplus, a user-defined op', () => {
  it('computes log(1 + eˣ) without overflow', () => {
    const y = softplus(tensor([-800, -1, 0, 1, 800]));
    const expected = [0, Math.log1p(Math.exp(-1)), Math.LN2, Math.log1p(Math.E), 800];
    y.data.forEach((v, i) => {
      expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(1e-15);
    });
  });

  it('computes the gradient of softplus: sigmoid(x)', () => {
    const x = tensor([-2, 0, 3], { requiresGrad: true });
    softplus(x).sum().backward();
    Array.from(x.grad?.data ?? []).forEach((g, i) => {
      expect(Math.abs(g - 1 / (1 + Math.exp(-x.data[i])))).toBeLessThanOrEqual(1e-15);
    });
    expect(gradcheck((x) => softplus(x), [[-3, -0.5, 0.7, 4]]).ok).toBe(true);
  });

  it('appears by name in the graph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(toMermaid(softplus(x).sum())).toContain('softplus');
  });

  it('runs the example: gradchecks, a second derivative and a fit that lowers the loss', () => {
    const r = runCustomOp(() => {});
    expect(r.gradcheck.ok).toBe(true);
    expect(r.gradcheckExtreme.ok).toBe(true);
    expect(r.secondDerivativeError).toBeLessThanOrEqual(1e-12);
    expect(r.values[4]).toBe(800);
    expect(r.lossAfter).toBeLessThan(r.lossBefore / 10);
  });
});
