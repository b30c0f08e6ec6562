import { describe, expect, it } from 'vitest';
import { checkGradients, expectAllClose } from '../test/helpers.js';
import { checkHessian, checkHvp } from '../test/second-order.js';
import {
  GradError,
  grad,
  grads,
  hessian,
  hvp,
  jacobian,
  noGrad,
  randn,
  type Tensor,
  tensor,
  ValueError,
  valueAndGrad,
  vjp,
} from './index.js';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** d/dx of Σ f'(x): the elementwise second derivative, by grad(grad(·)). */
const secondDerivative = (f: (x: Tensor) => Tensor) => grad((x: Tensor) => grad(f)(x).sum());

/** A plain-array matrix product, for closed forms that must not use the library. */
function matmulArrays(a: number[][], b: number[][]): number[][] {
  return a.map((row) =>
    (b[0] as number[]).map((_, j) => row.reduce((s, v, k) => s + v * (b[k] as number[])[j], 0)),
  );
}

describe('grad', () => {
  it('differentiates with respect to argument 0 by default', () => {
    const f = (x: Tensor) => x.pow(3).sum();
    expectAllClose(grad(f)(tensor([1, 2, -3])), [3, 12, 27]); // 3x²
  });

  it('takes argnums as a number', () => {
    const f = (x: Tensor, y: Tensor) => x.square().mul(y).sum();
    const x = tensor([1, 2]);
    const y = tensor([3, -4]);
    expectAllClose(grad(f, { argnums: 1 })(x, y), [1, 4]); // ∂/∂y (x² y) = x²
  });

  it('takes argnums as a list and returns one gradient per entry', () => {
    const f = (x: Tensor, y: Tensor) => x.square().mul(y).sum();
    const x = tensor([1, 2]);
    const y = tensor([3, -4]);
    const [gy, gx] = grad(f, { argnums: [1, 0] })(x, y) as [Tensor, Tensor];
    expectAllClose(gy, [1, 4]); // x²
    expectAllClose(gx, [6, -16]); // 2xy
  });

  it("does not touch the arguments' .grad", () => {
    const w = tensor([1, 2], { requiresGrad: true });
    grad((x: Tensor) => x.square().sum())(w);
    expect(w.grad).toBeNull();
  });

  it('still differentiates when called inside noGrad (like torch.func.grad)', () => {
    const g = noGrad(() => grad((x: Tensor) => x.mul(x).sum())(tensor([3])));
    expectAllClose(g, [6]); // 2x
  });

  it('refuses a function that does not return a single value, with a clear GradError', () => {
    const g = grad((x: Tensor) => x.mul(2));
    expect(() => g(tensor([1, 2]))).toThrow(GradError);
    expect(() => g(tensor([1, 2]))).toThrow(
      /grad: the function must return a single value, got shape \[2\].*vjp or jacobian/,
    );
  });

  it('refuses a function that does not return a tensor', () => {
    const g = grad((() => 3) as unknown as (x: Tensor) => Tensor);
    expect(() => g(tensor(1))).toThrow(ValueError);
    expect(() => g(tensor(1))).toThrow(/must return a Tensor, got number/);
  });

  it('refuses argnums out of range, empty or repeated', () => {
    const f = (x: Tensor) => x.sum();
    expect(() => grad(f, { argnums: 1 })(tensor(1))).toThrow(ValueError);
    expect(() => grad(f, { argnums: 1 })(tensor(1))).toThrow(
      /argnums 1 is out of range: the function was called with 1 argument/,
    );
    expect(() => grad(f, { argnums: -1 })(tensor(1))).toThrow(/argnums -1 is out of range/);
    expect(() => grad(f, { argnums: [] })).toThrow(/one or more distinct arguments/);
    expect(() => grad(f, { argnums: [0, 0] })).toThrow(/one or more distinct arguments/);
  });
});

describe('valueAndGrad and grads', () => {
  it('valueAndGrad returns f(x) and ∂f/∂x from one evaluation', () => {
    const [value, g] = valueAndGrad((x: Tensor) => x.exp().sum())(tensor([0, 1]));
    expectAllClose(value, 1 + Math.E); // e⁰ + e¹
    expectAllClose(g, [1, Math.E]); // eˣ
  });

  it('valueAndGrad with a list of argnums returns a list', () => {
    const [value, [gx, gy]] = valueAndGrad((x: Tensor, y: Tensor) => x.mul(y).sum(), {
      argnums: [0, 1],
    })(tensor([2]), tensor([5])) as [Tensor, Tensor[]];
    expectAllClose(value, 10);
    expectAllClose(gx as Tensor, [5]); // y
    expectAllClose(gy as Tensor, [2]); // x
  });

  it('grads returns one gradient per listed argument', () => {
    const [ga, gc] = grads(
      (a: Tensor, b: Tensor, c: Tensor) => a.mul(b).add(c.sin()).sum(),
      [0, 2],
    )(tensor([1, 2]), tensor([3, 4]), tensor([0, 1])) as [Tensor, Tensor];
    expectAllClose(ga, [3, 4]); // b
    expectAllClose(gc, [1, Math.cos(1)]); // cos c
  });
});

describe('vjp', () => {
  it('pulls a cotangent back through a non-scalar function of two inputs', () => {
    const x = tensor([0.5, -1, 2]);
    const y = tensor([3, 4, -2]);
    const [value, pullback] = vjp((x, y) => x.mul(y).add(x.sin()), x, y);
    expectAllClose(value, [0.5 * 3 + Math.sin(0.5), -4 + Math.sin(-1), -4 + Math.sin(2)]);
    const c = [1, -2, 0.5];
    const [gx, gy] = pullback(tensor(c)) as [Tensor, Tensor];
    // ∂/∂x (x·y + sin x) = y + cos x, ∂/∂y = x, each times the cotangent
    expectAllClose(
      gx,
      [0, 1, 2].map((i) => c[i] * ([3, 4, -2][i] + Math.cos([0.5, -1, 2][i]))),
    );
    expectAllClose(
      gy,
      [0, 1, 2].map((i) => c[i] * [0.5, -1, 2][i]),
    );
  });

  it('can pull back several cotangents from one evaluation', () => {
    const [, pullback] = vjp((x) => x.square(), tensor([1, 2]));
    expectAllClose(pullback([1, 0])[0] as Tensor, [2, 0]); // 2x · c
    expectAllClose(pullback([0, 1])[0] as Tensor, [0, 4]);
  });

  it('refuses a cotangent of the wrong shape', () => {
    const [, pullback] = vjp((x) => x.square(), tensor([1, 2]));
    expect(() => pullback([1, 2, 3])).toThrow(/gradOutputs\[0\] has shape \[3\]; expected \[2\]/);
  });
});

describe('jacobian, hessian, hvp', () => {
  it('jacobian of x ⊙ Σx is S·I + x 1ᵀ', () => {
    const xs = [1, 2, 4];
    const s = 7;
    const expected = xs.map((xi, i) => xs.map((_, j) => (i === j ? s : 0) + xi));
    expectAllClose(jacobian((x) => x.mul(x.sum()))(tensor(xs)), expected);
  });

  it('jacobian of W·x is W', () => {
    const w = [
      [1, -2, 3],
      [0.5, 4, -1],
    ];
    expectAllClose(jacobian((x) => tensor(w).matmul(x))(tensor([0.3, 0.1, -2])), w);
  });

  it('jacobian of softmax is diag(s) − s sᵀ', () => {
    const x = tensor([0.2, -1, 1.5]);
    const s = x.softmax();
    const expected = [0, 1, 2].map((i) =>
      [0, 1, 2].map((j) => (s.data[i] as number) * ((i === j ? 1 : 0) - (s.data[j] as number))),
    );
    expectAllClose(jacobian((x) => x.softmax())(x), expected, { atol: 1e-15 });
  });

  it('jacobian has shape [...output, ...input]', () => {
    const x = tensor([
      [0, 1],
      [2, 3],
    ]);
    const j = jacobian((x) => x.exp())(x);
    expect(j.shape).toEqual([2, 2, 2, 2]);
    // ∂ exp(x_ab)/∂x_cd = exp(x_ab) when (a, b) = (c, d)
    for (let i = 0; i < 4; i++) {
      for (let k = 0; k < 4; k++) {
        expect(j.data[i * 4 + k]).toBe(i === k ? Math.exp(i) : 0);
      }
    }
  });

  it('hessian of Σx³ + (Σx)² is diag(6x) + 2·11ᵀ', () => {
    const f = (x: Tensor) => x.pow(3).sum().add(x.sum().square());
    const xs = [1, -2, 0.5];
    const expected = xs.map((xi, i) => xs.map((_, j) => (i === j ? 6 * xi : 0) + 2));
    expectAllClose(hessian(f)(tensor(xs)), expected);
    checkHessian(f, tensor(xs));
  });

  it('hessian of ½ xᵀAx (through matmul) is ½(A + Aᵀ)', () => {
    const a = [
      [2, 1, 0],
      [3, -1, 4],
      [0, 5, 1],
    ];
    const f = (x: Tensor) =>
      x
        .reshape([1, 3])
        .matmul(tensor(a))
        .matmul(x.reshape([3, 1]))
        .sum()
        .mul(0.5);
    const expected = a.map((row, i) => row.map((v, j) => 0.5 * (v + a[j][i])));
    expectAllClose(hessian(f)(tensor([1, 2, 3])), expected);
  });

  it('hvp is H·v = 6x ⊙ v + 2Σv for Σx³ + (Σx)², without forming H', () => {
    const f = (x: Tensor) => x.pow(3).sum().add(x.sum().square());
    const xs = [1, -2, 0.5];
    const vs = [0.3, 1, -2];
    const sv = vs.reduce((a, b) => a + b);
    expectAllClose(
      hvp(f, tensor(xs), tensor(vs)),
      xs.map((xi, i) => 6 * xi * vs[i] + 2 * sv),
    );
    checkHvp(f, tensor(xs), tensor(vs));
  });
});

describe('higher derivatives: grad(grad(f))', () => {
  const points = [-2, -0.3, 0, 0.8, 2.5];

  it('exp: the second derivative is eˣ', () => {
    const d2 = secondDerivative((x) => x.exp().sum())(tensor(points));
    expectAllClose(d2, points.map(Math.exp));
  });

  it('sigmoid: the second derivative is σ(1 − σ)(1 − 2σ)', () => {
    const d2 = secondDerivative((x) => x.sigmoid().sum())(tensor(points));
    expectAllClose(
      d2,
      points.map((v) => sigmoid(v) * (1 - sigmoid(v)) * (1 - 2 * sigmoid(v))),
      { atol: 1e-15 },
    );
  });

  it('tanh: the second derivative is −2 tanh(x)(1 − tanh²x)', () => {
    const d2 = secondDerivative((x) => x.tanh().sum())(tensor(points));
    expectAllClose(
      d2,
      points.map((v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)),
      { atol: 1e-15 },
    );
  });

  it('matches central differences of the first derivative for exp, sigmoid and tanh', () => {
    const eps = 1e-5;
    for (const op of ['exp', 'sigmoid', 'tanh'] as const) {
      const f = (x: Tensor) => x[op]().sum();
      const d1 = grad(f);
      // elementwise, so shifting every element at once differentiates each one separately
      const plus = d1(tensor(points.map((v) => v + eps)));
      const minus = d1(tensor(points.map((v) => v - eps)));
      const numeric = Array.from(plus.data, (p, i) => (p - (minus.data[i] as number)) / (2 * eps));
      expectAllClose(secondDerivative(f)(tensor(points)), numeric, { atol: 1e-8, rtol: 1e-6 });
    }
  });

  it('softmax: grad of ⟨∇f, c⟩ is H·c, with H from the closed form', () => {
    const c = [1, -2, 0.5, 3];
    const x = tensor([0.1, 1.2, -0.7, 0.4]);
    const f = (x: Tensor) => x.softmax().mul(tensor(c)).sum(); // f = Σ cₖ sₖ
    const hc = grad((x: Tensor) => grad(f)(x).mul(tensor(c)).sum())(x);
    // ∇ⱼf = sⱼ(cⱼ − c̄) with c̄ = Σ c s, so Hⱼᵢ = sⱼ(δⱼᵢ − sᵢ)(cⱼ − c̄) − sⱼ sᵢ(cᵢ − c̄)
    const s = Array.from(x.softmax().data);
    const cBar = s.reduce((acc, sk, k) => acc + sk * c[k], 0);
    const h = s.map((sj, j) =>
      s.map((si, i) => sj * ((i === j ? 1 : 0) - si) * (c[j] - cBar) - sj * si * (c[i] - cBar)),
    );
    expectAllClose(
      hc,
      matmulArrays(
        h,
        c.map((v) => [v]),
      ).map((r) => r[0]),
      { atol: 1e-14 },
    );
    checkHessian(f, x);
  });

  it('a matmul chain ½‖A·B·x‖²: grad of ⟨∇f, c⟩ is (AB)ᵀ(AB)·c', () => {
    const a = [
      [1, 2],
      [-1, 0.5],
      [3, 1],
    ];
    const b = [
      [0.5, -1, 2],
      [1, 1, -0.5],
    ];
    const c = [[1], [-2], [0.5]];
    const f = (x: Tensor) => tensor(a).matmul(tensor(b)).matmul(x).square().sum().mul(0.5);
    const x = tensor([[0.3], [-1], [2]]);
    const hc = grad((x: Tensor) => grad(f)(x).mul(tensor(c)).sum())(x);
    const m = matmulArrays(a, b);
    const mt = m[0].map((_, j) => m.map((row) => row[j]));
    expectAllClose(hc, matmulArrays(matmulArrays(mt, m), c));
    checkHessian(f, x);
  });

  it('a matmul chain through tanh, Σ tanh(W·x): the Hessian is Wᵀ diag(−2t(1 − t²)) W', () => {
    const w = [
      [0.5, -1, 0.3],
      [1.2, 0.4, -0.7],
    ];
    const x = tensor([[0.2], [-0.5], [1]]);
    const f = (x: Tensor) => tensor(w).matmul(x).tanh().sum();
    const t = matmulArrays(w, [[0.2], [-0.5], [1]]).map((r) => Math.tanh(r[0]));
    const expected = [0, 1, 2].map((i) =>
      [0, 1, 2].map((j) =>
        t.reduce((s, tk, k) => s + w[k][i] * -2 * tk * (1 - tk * tk) * w[k][j], 0),
      ),
    );
    const c = [[1], [2], [-1]];
    const hc = grad((x: Tensor) => grad(f)(x).mul(tensor(c)).sum())(x);
    expectAllClose(hc, matmulArrays(expected, c), { atol: 1e-14 });
    expectAllClose(checkHessian(f, x).reshape([3, 3]), expected, { atol: 1e-14 });
  });

  it('grad(grad(grad(x³))) = 6', () => {
    const f = (x: Tensor) => x.pow(3).sum();
    expectAllClose(grad(grad(grad(f)))(tensor(2)), 6);
    expectAllClose(grad(grad(grad(f)))(tensor(-7)), 6);
  });

  it('first derivatives from grad agree with central differences', () => {
    checkGradients((x) => grad((x: Tensor) => x.tanh().sum())(x), [randn([4], { seed: 3 })]);
  });
});

describe('nested grad: perturbation confusion', () => {
  it('d/dx [x · d/dy (x + y)] at y = 1 is 1 (Siskind & Pearlmutter)', () => {
    // the inner derivative is 1 whatever x is; confusing the perturbations would give 2
    const f = (x: Tensor) => x.mul(grad((y: Tensor) => x.add(y).sum())(tensor(1))).sum();
    expectAllClose(grad(f)(tensor(1)), 1);
    expectAllClose(grad(f)(tensor(5)), 1);
  });

  it('d/dx [d/dy (x·y)] at y = 1 is 1: the inner gradient x stays connected to the outer x', () => {
    const f = (x: Tensor) => grad((y: Tensor) => x.mul(y).sum())(tensor(1)).sum();
    expectAllClose(grad(f)(tensor(3)), 1);
  });

  it('d/dx [x · d/dy (x·y) at y = 2] = d/dx x² = 2x', () => {
    const f = (x: Tensor) => x.mul(grad((y: Tensor) => x.mul(y).sum())(tensor(2))).sum();
    expectAllClose(grad(f)(tensor(3)), 6);
  });

  it('d/dx [d/dy (x·y) at y = x] is 1 when the inner argument is the outer variable', () => {
    const f = (x: Tensor) => grad((y: Tensor) => x.mul(y).sum())(x).sum();
    expectAllClose(grad(f)(tensor(3)), 1);
  });
});
