import { tensor } from '@backprop/core';
import { getActivation, MLP } from '@backprop/layers';
import { describe, expect, it } from 'vitest';
import { bentIdentity, runCustomActivation } from './custom-activation.js';

describe('bentIdentity, a user-defined activation', () => {
  it('computes (√(a² + 1) − 1)/2 + a', () => {
    const a = [-3, 0, 1, 1000];
    const z = bentIdentity(tensor(a));
    a.forEach((v, i) => {
      expect(Math.abs((z.data[i] as number) - ((Math.sqrt(v * v + 1) - 1) / 2 + v))).toBeLessThan(
        1e-12,
      );
    });
    expect(z.data[1]).toBe(0);
  });

  it('computes the gradient of bentIdentity: a/(2√(a² + 1)) + 1', () => {
    const a = tensor([-3, 0, 2], { requiresGrad: true });
    bentIdentity(a).sum().backward();
    Array.from(a.grad?.data ?? []).forEach((g, i) => {
      const v = a.data[i] as number;
      expect(Math.abs(g - (v / (2 * Math.sqrt(v * v + 1)) + 1))).toBeLessThan(1e-15);
    });
  });
});

describe('the custom-activation example (a few epochs)', async () => {
  const lines: string[] = [];
  const r = await runCustomActivation({ log: (l) => lines.push(l), epochs: 30 });

  it('passes gradcheck for f′ and f″ and matches the closed-form derivative', () => {
    expect(r.gradcheck.ok).toBe(true);
    expect(r.gradcheckSecond.ok).toBe(true);
    expect(r.derivativeError).toBeLessThanOrEqual(1e-12);
  });

  it('registers the activation by name (and running again does not re-register)', async () => {
    expect(getActivation('bentIdentity')).toBe(bentIdentity);
    expect(new MLP({ inputs: 2, hidden: [3], activation: 'bentIdentity' }).describe()).toContain(
      'bentIdentity',
    );
    expect(r.configActivation).toBe('bentIdentity');
    await expect(runCustomActivation({ log: () => {}, epochs: 1 })).resolves.toBeDefined();
  });

  it('trains an MLP with it on iris, and the saved model reloads', () => {
    expect(r.lossAfter).toBeLessThan(r.lossBefore / 3);
    expect(r.testAccuracy).toBeGreaterThan(0.85);
    expect(r.reloadedMatches).toBe(true);
    expect(lines.join('\n')).toContain('gradcheck passed');
  });
});
