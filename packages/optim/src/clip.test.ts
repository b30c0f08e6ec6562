// Gradient clipping by global norm and by value. (Values against PyTorch: torch-optim.test.ts.)
import { NonFiniteError, type Tensor, tensor, ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { clipGradNorm, clipGradValue } from './clip.js';

function withGrad(values: number[], grad: number[] | null): Tensor {
  const p = tensor(values, { requiresGrad: true });
  p.grad = grad === null ? null : tensor(grad, { allowNonFinite: true });
  return p;
}

describe('clipGradNorm', () => {
  it('scales all gradients together by maxNorm / (norm + 1e-6) and returns the norm before', () => {
    const a = withGrad([0], [3]);
    const b = withGrad([0, 0], [0, 4]);
    const c = withGrad([0], null);
    const total = clipGradNorm([a, b, c], 1);
    expect(total).toBe(5);
    const coef = 1 / (5 + 1e-6);
    expect(Array.from(a.grad!.data)).toEqual([3 * coef]);
    expect(Array.from(b.grad!.data)).toEqual([0, 4 * coef]);
    expect(c.grad).toBeNull();
  });

  it('leaves gradients alone when their norm is within maxNorm', () => {
    const a = withGrad([0, 0], [3, 4]);
    expect(clipGradNorm(a, 6)).toBe(5);
    expect(Array.from(a.grad!.data)).toEqual([3, 4]);
    // as PyTorch: at norm = maxNorm the 1e-6 still scales, by 5 / (5 + 1e-6)
    clipGradNorm(a, 5);
    expect(a.grad!.data[0]).toBe(3 * (5 / (5 + 1e-6)));
  });

  it('supports the 1-norm, the max norm and other p', () => {
    const grads = () => [withGrad([0, 0], [3, -4]), withGrad([0], [-12])];
    expect(clipGradNorm(grads(), 100, 1)).toBe(19);
    expect(clipGradNorm(grads(), 100, Infinity)).toBe(12);
    expect(clipGradNorm(grads(), 100, 2)).toBe(13);
    expect(clipGradNorm(grads(), 100, 3)).toBeCloseTo((27 + 64 + 1728) ** (1 / 3), 12);
  });

  it('returns 0 when no parameter has a gradient', () => {
    expect(clipGradNorm([withGrad([1], null)], 1)).toBe(0);
  });

  it('refuses a non-finite norm, naming the parameter, unless asked not to', () => {
    const make = () => [withGrad([0], [1]), withGrad([0, 0], [2, Infinity])];
    expect(() => clipGradNorm(make(), 1)).toThrow(NonFiniteError);
    expect(() => clipGradNorm(make(), 1)).toThrow(
      /clipGradNorm: the total 2-norm of the gradients is Infinity \(parameter 1 has a non-finite gradient\)/,
    );
    const params = make();
    expect(clipGradNorm(params, 1, 2, { errorIfNonfinite: false })).toBe(Infinity);
    expect(params[0]!.grad!.data[0]).toBe(0); // as PyTorch: scaled by 1 / (∞ + 1e-6) = 0
  });

  it('refuses bad arguments', () => {
    const p = [withGrad([0], [1])];
    expect(() => clipGradNorm(p, -1)).toThrow(/clipGradNorm: maxNorm must be ≥ 0, got -1/);
    expect(() => clipGradNorm(p, 1, 0)).toThrow(/normType must be a number > 0/);
    expect(() => clipGradNorm([1] as unknown as Tensor[], 1)).toThrow(ValueError);
    expect(() => clipGradNorm([1] as unknown as Tensor[], 1)).toThrow(
      /parameter 0 is 1, not a tensor/,
    );
  });
});

describe('clipGradValue', () => {
  it('clamps every gradient element to [−clipValue, clipValue]', () => {
    const a = withGrad([0, 0, 0], [-3, 0.2, 5]);
    const b = withGrad([0], null);
    clipGradValue([a, b], 1);
    expect(Array.from(a.grad!.data)).toEqual([-1, 0.2, 1]);
    expect(b.grad).toBeNull();
  });

  it('refuses a negative clipValue', () => {
    expect(() => clipGradValue([], -1)).toThrow(/clipGradValue: clipValue must be ≥ 0, got -1/);
  });
});
