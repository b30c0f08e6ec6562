// Second-derivative checks: hessian() and hvp() against central differences of the first derivative.
// The differences call grad() only, whose results checkGradients verifies independently, so a
// derivative rule that is not itself differentiable (or differentiates wrongly) is caught here.
import { expect } from 'vitest';
import { grad, hessian, hvp, Tensor } from '../src/index.js';

export interface SecondOrderOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
}

function shifted(x: Tensor, direction: ArrayLike<number>, step: number): Tensor {
  const d = Float64Array.from(x.data, (v, i) => v + step * direction[i]);
  return new Tensor(d, x.shape);
}

function expectClose(
  analytic: number,
  numeric: number,
  where: string,
  atol: number,
  rtol: number,
): void {
  const tol = atol + rtol * Math.abs(numeric);
  if (!(Math.abs(analytic - numeric) <= tol)) {
    expect.fail(
      `${where}: autodiff ${analytic} vs central difference of the gradient ${numeric} (|diff| ${Math.abs(analytic - numeric)})`,
    );
  }
}

/**
 * Checks hessian(f)(x) (shape [...x.shape, ...x.shape]) column by column against
 * (∇f(x + ε·e_j) − ∇f(x − ε·e_j)) / 2ε. Returns the Hessian.
 */
export function checkHessian(
  f: (x: Tensor) => Tensor,
  x: Tensor,
  { eps = 1e-5, atol = 1e-6, rtol = 1e-5 }: SecondOrderOptions = {},
): Tensor {
  const h = hessian(f)(x);
  expect(h.shape, 'Hessian shape').toEqual([...x.shape, ...x.shape]);
  const g = grad(f);
  const n = x.size;
  for (let j = 0; j < n; j++) {
    const e = new Float64Array(n);
    e[j] = 1;
    const plus = g(shifted(x, e, eps)).data;
    const minus = g(shifted(x, e, -eps)).data;
    for (let i = 0; i < n; i++) {
      const numeric = (plus[i] - minus[i]) / (2 * eps);
      expectClose(h.data[i * n + j], numeric, `H[${i}][${j}]`, atol, rtol);
    }
  }
  return h;
}

/** Checks hvp(f, x, v) against (∇f(x + ε·v) − ∇f(x − ε·v)) / 2ε. Returns H·v. */
export function checkHvp(
  f: (x: Tensor) => Tensor,
  x: Tensor,
  v: Tensor,
  { eps = 1e-5, atol = 1e-6, rtol = 1e-5 }: SecondOrderOptions = {},
): Tensor {
  const hv = hvp(f, x, v);
  expect(hv.shape, 'H·v has the shape of x').toEqual(x.shape);
  const g = grad(f);
  const plus = g(shifted(x, v.data, eps)).data;
  const minus = g(shifted(x, v.data, -eps)).data;
  for (let i = 0; i < x.size; i++) {
    const numeric = (plus[i] - minus[i]) / (2 * eps);
    expectClose(hv.data[i], numeric, `(H·v)[${i}]`, atol, rtol);
  }
  return hv;
}
