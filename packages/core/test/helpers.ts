// Test helpers: closeness assertions and an independent float64 central-difference gradient check.
// The finite differences here use only forward evaluation on plain arrays, never the engine's
// backward pass or the library's own gradcheck, so they can catch a wrong derivative rule.
import { expect } from 'vitest';
import { type NestedArray, noGrad, randn, Tensor, tensor } from '../src/index.js';

function flat(v: Tensor | NestedArray): { values: number[]; shape: number[] } {
  if (v instanceof Tensor) return { values: Array.from(v.data), shape: [...v.shape] };
  const t = tensor(v as number, { allowNonFinite: true });
  return { values: Array.from(t.data), shape: [...t.shape] };
}

/** Asserts equal shapes and |a − e| ≤ atol + rtol·|e| element by element (NaN equals NaN, ±∞ must match). */
export function expectAllClose(
  actual: Tensor | NestedArray,
  expected: Tensor | NestedArray,
  { atol = 1e-12, rtol = 1e-10 }: { atol?: number; rtol?: number } = {},
): void {
  const a = flat(actual);
  const e = flat(expected);
  expect(a.shape, 'shape').toEqual(e.shape);
  a.values.forEach((x, i) => {
    const y = e.values[i];
    if (Number.isNaN(y) || !Number.isFinite(y)) {
      expect(
        Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)) || x === y,
        `element ${i}: ${x} vs ${y}`,
      ).toBe(true);
      return;
    }
    const tol = atol + rtol * Math.abs(y);
    if (!(Math.abs(x - y) <= tol)) {
      expect.fail(`element ${i}: got ${x}, expected ${y} (|diff| ${Math.abs(x - y)} > tol ${tol})`);
    }
  });
}

export interface NumericCheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Seed for the random projection of a non-scalar output. */
  seed?: number;
}

/**
 * Checks backward()'s gradients of f at `inputs` against central differences in float64.
 * A non-scalar output is projected on a fixed random direction r: L = Σ f(x)·r. Also checks that
 * every gradient has its input's shape. Returns the gradients for further assertions.
 */
export function checkGradients(
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  { eps = 1e-6, atol = 1e-7, rtol = 1e-6, seed = 7 }: NumericCheckOptions = {},
): Tensor[] {
  const leaves = inputs.map((x) => {
    const t = new Tensor(Float64Array.from(x.data), x.shape);
    t.requiresGrad = true;
    return t;
  });
  const y = f(...leaves);
  const r = randn(y.shape, { seed });
  const loss = (out: Tensor) => {
    let s = 0;
    for (let i = 0; i < out.size; i++) s += out.data[i] * r.data[i];
    return s;
  };
  y.mul(r).sum().backward();
  const grads = leaves.map((x) => {
    expect(x.grad, 'a gradient for every input').not.toBeNull();
    expect(x.grad?.shape, 'gradient shape equals input shape').toEqual(x.shape);
    return x.grad as Tensor;
  });
  leaves.forEach((x, k) => {
    for (let i = 0; i < x.size; i++) {
      const copies = leaves.map((l) => new Tensor(Float64Array.from(l.data), l.shape));
      const c = copies[k] as Tensor;
      const saved = c.data[i];
      c.data[i] = saved + eps;
      const plus = loss(noGrad(() => f(...copies)));
      c.data[i] = saved - eps;
      const minus = loss(noGrad(() => f(...copies)));
      const numeric = (plus - minus) / (2 * eps);
      const analytic = grads[k]?.data[i];
      const tol = atol + rtol * Math.abs(numeric);
      if (!(Math.abs(analytic - numeric) <= tol)) {
        expect.fail(
          `input ${k} element ${i}: autodiff ${analytic} vs central difference ${numeric} (|diff| ${Math.abs(analytic - numeric)})`,
        );
      }
    }
  });
  return grads;
}
