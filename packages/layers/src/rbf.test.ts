// The RBF module: a learnable γ as a parameter, the same values as the activation rbf(γ), and its
// gradient in γ against the closed form and central differences.
import { noGrad, type Tensor, tensor, ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../../core/test/helpers.js';
import { RBF, rbf } from './index.js';

const { exp } = Math;

describe('RBF module', () => {
  const a = [-1.5, -0.2, 0, 0.7, 2];
  const r = [0.3, -1, 2, 0.5, 1.5];

  it('holds a learnable γ as a parameter, found by namedParameters()', () => {
    const m = new RBF({ gamma: 0.5, learnable: true });
    const named = m.namedParameters();
    expect(named.map(([n]) => n)).toEqual(['gamma']);
    expect(named[0]?.[1].requiresGrad).toBe(true);
    expect(m.numParameters()).toBe(1);
    expect(m.toString()).toContain('RBF(gamma=0.5, learnable)');
    expect(new RBF({ gamma: 2 }).parameters()).toEqual([]);
    expect(new RBF().toString()).toContain('RBF(gamma=1)');
  });

  it('computes exp(−γa²), as rbf(γ) does', () => {
    for (const learnable of [false, true]) {
      const m = new RBF({ gamma: 0.5, learnable });
      expectAllClose(
        m.forward(tensor(a)),
        a.map((v) => exp(-0.5 * v * v)),
        { atol: 1e-16, rtol: 1e-15 },
      );
      expectAllClose(m.forward(tensor(a)), rbf(0.5)(tensor(a)), { atol: 0, rtol: 0 });
    }
  });

  it('has ∂/∂γ Σ r·exp(−γa²) = Σ −r·a²·exp(−γa²), equal to central differences in γ', () => {
    const gamma = 0.8;
    const m = new RBF({ gamma, learnable: true });
    const x = tensor(a);
    x.requiresGrad = true;
    m.forward(x).mul(tensor(r)).sum().backward();
    const closed = a.reduce((s, v, i) => s - (r[i] as number) * v * v * exp(-gamma * v * v), 0);
    expect((m.gamma as Tensor).grad?.item()).toBeCloseTo(closed, 13);
    const loss = (g: number) =>
      noGrad(() => new RBF({ gamma: g }).forward(tensor(a)).mul(tensor(r)).sum().item());
    const eps = 1e-6;
    const numeric = (loss(gamma + eps) - loss(gamma - eps)) / (2 * eps);
    expect(Math.abs(((m.gamma as Tensor).grad?.item() as number) - numeric)).toBeLessThan(1e-8);
    expectAllClose(
      x.grad as Tensor,
      a.map((v, i) => (r[i] as number) * -2 * gamma * v * exp(-gamma * v * v)),
      { atol: 1e-15, rtol: 1e-13 },
    );
  });

  it('works in float32', () => {
    const m = new RBF({ gamma: 2, learnable: true, dtype: 'float32' });
    const y = m.forward(tensor(a).astype('float32'));
    expect(y.dtype).toBe('float32');
    expectAllClose(y.astype('float64'), rbf(2)(tensor(a)), { atol: 1e-7, rtol: 1e-6 });
  });

  it('refuses a γ that is not a positive finite number', () => {
    for (const gamma of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new RBF({ gamma }), String(gamma)).toThrow(ValueError);
      expect(() => rbf(gamma), String(gamma)).toThrow(
        /rbf: gamma must be a positive finite number/,
      );
    }
  });
});
