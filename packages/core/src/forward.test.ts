// Forward mode (jvp, jacfwd, forward-over-reverse hessian and hvp). Swept over every expression of
// the PyTorch reference (every public op, with broadcasting): the tangent must satisfy
// ⟨J·v, u⟩ = ⟨v, Jᵀ·u⟩ against the reverse mode's vjp, and match central differences of the
// values. PyTorch's own jvp numbers are checked in transforms-reference.test.ts.
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/torch-reference.json' with { type: 'json' };
import { expectAllClose } from '../test/helpers.js';
import { checkHessian, checkHvp } from '../test/second-order.js';
import { cases } from '../test/torch-cases.js';
import {
  compile,
  defineOp,
  grad,
  hessian,
  hvp,
  jacfwd,
  jacobian,
  jacrev,
  jvp,
  linear,
  randn,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
  vjp,
} from './index.js';
import type { Primitive } from './primitive.js';

interface Encoded {
  shape: number[];
  values: number[];
}
const data = fixture as unknown as {
  cases: { name: string; inputs: (Encoded & { requiresGrad: boolean })[] }[];
};
const decode = (e: Encoded) => tensor(Float64Array.from(e.values), { shape: e.shape });

/** Σ a·b over all elements. */
const dot = (a: Tensor, b: Tensor) => a.mul(b).sum().item();

/** The tangent's central difference: (f(x + εv) − f(x − εv)) / 2ε, from values alone. */
function centralDifference(
  f: (...xs: Tensor[]) => Tensor,
  xs: readonly Tensor[],
  vs: readonly Tensor[],
  eps: number,
): Tensor {
  const at = (s: number) => f(...xs.map((x, i) => x.add((vs[i] as Tensor).mul(s * eps))));
  return at(1)
    .sub(at(-1))
    .div(2 * eps);
}

describe('jvp over every expression of the PyTorch reference', () => {
  for (const [k, c] of data.cases.entries()) {
    const f = cases[c.name];
    if (f === undefined) throw new Error(`no expression for ${c.name}`);
    const xs = c.inputs.map(decode);
    // a tangent for every input that is differentiated there (one-hot targets are constants)
    const vs = c.inputs.map((x, i) =>
      x.requiresGrad ? randn(x.shape, { seed: 100 * k + i }) : (xs[i] as Tensor).zerosLike(),
    );

    it(`${c.name}: ⟨J·v, u⟩ = ⟨v, Jᵀ·u⟩ for random u, v`, () => {
      const [y, t] = jvp(f, xs, vs);
      expect(t.shape).toEqual(y.shape);
      const u = randn(y.shape, { seed: 7 * k + 1 });
      const [, pullback] = vjp(f, ...xs);
      const back = pullback(u);
      const left = dot(t, u);
      const right = back.reduce((s, g, i) => s + dot(vs[i] as Tensor, g), 0);
      expect(Math.abs(left - right)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(right)));
      expectAllClose(y, f(...xs), { atol: 0, rtol: 0 }); // the values are f's own
    });

    it(`${c.name}: J·v matches central differences`, () => {
      const [, t] = jvp(f, xs, vs);
      expectAllClose(t, centralDifference(f, xs, vs, 1e-6), { atol: 1e-6, rtol: 1e-6 });
    });
  }
});

describe('jvp', () => {
  it('computes J·v: d/dt sin(x + tv) = cos(x)·v', () => {
    const [y, t] = jvp((x) => x.sin(), [tensor([0, 1])], [tensor([2, 3])]);
    expectAllClose(y, [0, Math.sin(1)]);
    expectAllClose(t, [2, 3 * Math.cos(1)]);
  });

  it('takes several primals, and numbers and arrays for them', () => {
    // d(a·b) = da·b + a·db
    const [, t] = jvp((a, b) => a.mul(b), [[1, 2], 3], [[1, 0], 1]);
    expectAllClose(t, [3 + 1, 0 + 2]);
  });

  it('gives a zero tangent to what does not depend on the primals, and to detach()', () => {
    const [, t1] = jvp(() => tensor([1, 2]).exp(), [tensor(1)], [tensor(1)]);
    expectAllClose(t1, [0, 0]);
    const [, t2] = jvp((x) => x.detach().mul(x), [tensor([3])], [tensor([1])]);
    expectAllClose(t2, [3]); // d(c·x) with c = x held constant
  });

  it('keeps a one-tensor-twice call apart: each argument has its own tangent', () => {
    const x = tensor([2]);
    const [, t] = jvp((a, b) => a.mul(b), [x, x], [tensor([1]), tensor([0])]);
    expectAllClose(t, [2]); // ∂(ab)/∂a · 1 = b
  });

  it('keeps float32 tangents float32', () => {
    const x = tensor([0.5, 1], { dtype: 'float32' });
    const [y, t] = jvp((u) => u.tanh().mul(2), [x], [[1, 1]]);
    expect([y.dtype, t.dtype]).toEqual(['float32', 'float32']);
    expectAllClose(
      t,
      [0.5, 1].map((v) => 2 * (1 - Math.tanh(v) ** 2)),
      { rtol: 1e-6 },
    );
  });

  it('draws random numbers as constants: their tangent is zero', () => {
    const [, t] = jvp((x) => x.add(randn([2], { seed: 1 })), [tensor([0, 0])], [tensor([1, 1])]);
    expectAllClose(t, [1, 1]);
  });

  it("goes through a user's op (defineOp) by its forward's composition", () => {
    const cube = defineOp({
      name: 'cube',
      forward: (x) => x.mul(x).mul(x),
      vjp: (g, [x]) => g.mul((x as Tensor).square().mul(3)),
    });
    const [, t] = jvp((x) => cube(x), [tensor([2, -1])], [tensor([1, 2])]);
    expectAllClose(t, [12, 6]);
  });

  it('nests without perturbation confusion: d/dx [x · d/dy (x + y)] = 1', () => {
    // the inner derivative is 1 whatever x is; mixing the two tangents up would give 2
    const [, t] = jvp(
      (x) => x.mul(jvp((y) => x.add(y), [tensor(1)], [tensor(1)])[1]),
      [tensor(1)],
      [tensor(1)],
    );
    expectAllClose(t, 1);
  });

  it('jvp of jvp is a second directional derivative: d²/dt² sin(x + tv) = −sin(x)·v²', () => {
    const x = tensor([0.3, -1.2]);
    const v = tensor([2, 0.5]);
    const first = (u: Tensor) => jvp((w) => w.sin(), [u], [v])[1];
    const [, second] = jvp(first, [x], [v]);
    expectAllClose(second, x.sin().neg().mul(v.square()));
  });

  it('is differentiable in reverse mode: grad of ⟨∇f, v⟩ along x is H·v', () => {
    const f = (x: Tensor) => x.sigmoid().mul(x.sin()).sum().add(x.square().logsumexp());
    const x = randn([5], { seed: 3 });
    const v = randn([5], { seed: 4 });
    const reverseOverForward = grad((u: Tensor) => jvp(f, [u], [v])[1])(x);
    expectAllClose(reverseOverForward, hvp(f, x, v), { atol: 1e-14, rtol: 1e-12 });
  });

  it('runs inside compile, every call giving the eager tangent', () => {
    const f = (x: Tensor, v: Tensor) => jvp((u) => u.tanh().matmul(u.transpose()), [x], [v])[1];
    const compiled = compile(f);
    for (let seed = 0; seed < 3; seed++) {
      const x = randn([3, 2], { seed });
      const v = randn([3, 2], { seed: seed + 10 });
      expect(Array.from((compiled(x, v) as Tensor).data)).toEqual(Array.from(f(x, v).data));
    }
  });

  it('refuses a tangent of the wrong shape, or a function that returns no tensor', () => {
    expect(() => jvp((x) => x, [tensor([1, 2])], [tensor([1])])).toThrow(ShapeError);
    expect(() => jvp((x) => x, [tensor([1, 2])], [tensor([1])])).toThrow(
      'jvp: tangent 0 has shape [1]; expected the shape of primal 0, [2]',
    );
    expect(() => jvp((x) => x, [tensor(1)], [])).toThrow(ValueError);
    expect(() => jvp((() => 3) as unknown as (x: Tensor) => Tensor, [1], [1])).toThrow(
      'jvp: the function must return a Tensor, got number',
    );
  });

  it('leaves backward() and .grad as they were', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const [y, t] = jvp((x) => x.mul(w).sum(), [tensor([3, 4])], [tensor([1, 0])]);
    expect(t.item()).toBe(1);
    y.backward();
    expectAllClose(w.grad as Tensor, [3, 4]);
    t.backward(); // the tangent v·w depends on w too: ∂t/∂w = v
    expectAllClose(w.grad as Tensor, [4, 4]);
  });
});

describe('jacfwd, jacrev, hessian and hvp', () => {
  const functions: [string, (x: Tensor) => Tensor, Tensor][] = [
    ['x ⊙ Σx', (x) => x.mul(x.sum()), tensor([1, 2, 4])],
    ['softmax', (x) => x.softmax(), tensor([0.2, -1, 1.5])],
    ['a matrix input', (x) => x.exp().matmul(x.transpose()), randn([2, 3], { seed: 5 })],
    ['a scalar output', (x) => x.square().sum(), randn([2, 2], { seed: 6 })],
  ];
  for (const [name, f, x] of functions) {
    it(`jacfwd equals jacrev (jacobian) to rounding: ${name}`, () => {
      const forward = jacfwd(f)(x);
      expect(forward.shape).toEqual([...f(x).shape, ...x.shape]);
      expectAllClose(forward, jacrev(f)(x), { atol: 1e-15, rtol: 1e-14 });
    });
  }

  it("hessian sees through linear's one-row bias gradient, a copy (reverse over reverse does not)", () => {
    // linear's derivative rule copies a one-row gradient for the bias; a copy has no derivative
    // rule in reverse mode, so reverse over reverse loses this part, while a tangent goes through
    const w = randn([3, 2], { seed: 1 });
    const f = (b: Tensor) =>
      linear(tensor([[0.5, -1, 2]]), w, b)
        .tanh()
        .square()
        .sum();
    const b = tensor([0.1, -0.2]);
    const h = checkHessian(f, b); // against central differences of the gradient
    expect(h.abs().max().item()).toBeGreaterThan(0.1); // not the 0 that jacrev(grad(f)) gives today
  });

  it('jacrev is jacobian', () => {
    expect(jacrev).toBe(jacobian);
  });

  it('jacfwd of a function of an empty tensor is empty', () => {
    expect(jacfwd((x) => x.sum().reshape([1]))(tensor([])).shape).toEqual([1, 0]);
  });

  // the scalar cases of the PyTorch reference, whose hvp PyTorch checked (torch-reference.test.ts)
  const scalar: [string, (x: Tensor) => Tensor, Tensor][] = [
    ['Σx³ + (Σx)²', (x) => x.pow(3).sum().add(x.sum().square()), tensor([1, -2, 0.5])],
    [
      'sigmoid, sin, logsumexp',
      (x) => x.sigmoid().mul(x.sin()).sum().add(x.square().logsumexp()),
      randn([5], { seed: 3 }),
    ],
    [
      'a matmul chain',
      (x) =>
        x
          .reshape([2, 3])
          .matmul(randn([3, 2], { seed: 1 }))
          .tanh()
          .square()
          .mean(),
      randn([6], { seed: 2 }),
    ],
  ];
  for (const [name, f, x] of scalar) {
    const v = randn(x.shape, { seed: 9 });
    it(`hessian (forward over reverse) equals reverse over reverse to rounding: ${name}`, () => {
      expectAllClose(hessian(f)(x), jacrev(grad(f))(x), { atol: 1e-14, rtol: 1e-13 });
      checkHessian(f, x);
    });
    it(`hvp (forward over reverse) equals reverse over reverse to rounding: ${name}`, () => {
      const g = grad(f);
      const reverse = grad((u: Tensor) => g(u).mul(v).sum())(x);
      expectAllClose(hvp(f, x, v), reverse, { atol: 1e-14, rtol: 1e-13 });
      checkHvp(f, x, v);
    });
  }
});

describe("a user's op under jvp and vmap", () => {
  it('refuses a forward pass that computes its values some other way than with ops', () => {
    const byHand = defineOp({
      name: 'byHand',
      forward: (x) =>
        tensor(
          Float64Array.from(x.data, (v) => v * 2),
          { shape: x.shape },
        ),
      vjp: (g) => g.mul(2),
    });
    expect(() => jvp((x) => byHand(x), [tensor([1])], [tensor([1])])).toThrow(
      "byHand: inside jvp, its forward pass must compute its result with backprop's ops from its inputs; this result carries no tangent",
    );
  });
});

describe('the table of primitives', () => {
  it('has no primitive without a forward-mode and a batching rule: tsc refuses one', () => {
    // @ts-expect-error: jvp and batch are required fields, as vjp is
    const incomplete: Primitive<undefined, readonly [Tensor]> = {
      name: 'incomplete',
      kernel: () => {},
      overwrites: true,
      vjp: null,
    };
    expect(incomplete.name).toBe('incomplete'); // the check is tsc's, in npm test's typecheck
  });
});
