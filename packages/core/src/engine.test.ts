import { describe, expect, it } from 'vitest';
import { checkGradients, expectAllClose } from '../test/helpers.js';
import {
  defineOp,
  enableGrad,
  GradError,
  gradients,
  isGradEnabled,
  noGrad,
  ShapeError,
  stack,
  type Tensor,
  tensor,
  topologicalOrder,
} from './index.js';

// core's tsconfig has no Node or DOM types (it must run in browsers); vitest shows console output
declare const console: { log(message: string): void };

/** Asserts that every tensor in `order` comes after each of its inputs that needs a gradient. */
function expectInputsFirst(order: readonly Tensor[]): void {
  const position = new Map(order.map((t, i) => [t, i]));
  order.forEach((t, i) => {
    for (const x of t.inputs) {
      if (x.requiresGrad && !((position.get(x) ?? Infinity) < i)) {
        expect.fail(`tensor ${i} (${t.op}) comes before its input`);
      }
    }
  });
}

describe('backward: accumulation', () => {
  it('adds up the gradients of a tensor used three times (fan-out)', () => {
    const a = tensor([0.5, -1, 2], { requiresGrad: true });
    a.mul(2).add(a.exp()).add(a.square()).sum().backward();
    // d/da (2a + eᵃ + a²) = 2 + eᵃ + 2a
    expectAllClose(
      a.grad as Tensor,
      [0.5, -1, 2].map((v) => 2 + Math.exp(v) + 2 * v),
    );
    checkGradients((a) => a.mul(2).add(a.exp()).add(a.square()), [a]);
  });

  it('sums both paths of a diamond', () => {
    const x = tensor([0.3, 1.7], { requiresGrad: true });
    const b = x.mul(3);
    const c = x.sin();
    b.mul(c).sum().backward();
    // d/dx (3x · sin x) = 3 sin x + 3x cos x
    expectAllClose(
      x.grad as Tensor,
      [0.3, 1.7].map((v) => 3 * Math.sin(v) + 3 * v * Math.cos(v)),
    );
    checkGradients((x) => x.mul(3).mul(x.sin()), [x]);
  });

  it('gives a.mul(a) the gradient 2a', () => {
    const a = tensor([-2, 0.5, 3], { requiresGrad: true });
    a.mul(a).sum().backward();
    expectAllClose(a.grad as Tensor, [-4, 1, 6]); // d(a²)/da = 2a
  });

  it('propagates a shared intermediate once, with its total gradient', () => {
    const x = tensor(3, { requiresGrad: true });
    const h = x.mul(2); // h = 6
    h.mul(h).add(h).backward();
    // dy/dx = (2h + 1) · 2 = 26; counting h's own gradient twice would give more
    expect(x.grad?.item()).toBe(26);
  });

  it('accumulates into leaves on every backward(), like PyTorch, without double-counting intermediates', () => {
    const x = tensor(3, { requiresGrad: true });
    const h = x.mul(2).retainGrad(); // h = 6, used twice below
    const y = h.mul(h).add(h);
    y.backward();
    expect(x.grad?.item()).toBe(26); // (2h + 1) · 2
    expect(h.grad?.item()).toBe(13); // 2h + 1
    y.backward();
    expect(x.grad?.item()).toBe(52); // the second call adds the same 26 again
    expect(h.grad?.item()).toBe(26);
  });

  it('keeps .grad for leaves only, unless retainGrad() is called', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const c = tensor([3, 4]); // a constant: requiresGrad false
    const h = x.mul(c);
    h.sum().backward();
    expect(h.grad).toBeNull();
    expect(c.grad).toBeNull();
    expectAllClose(x.grad as Tensor, [3, 4]);
  });

  it('retainGrad() gives the hidden layer its ∂E/∂a, equal to the closed form W2ᵀ(y − yE)', () => {
    const x = tensor([[0.5], [-1], [2]]);
    const w1 = tensor(
      [
        [0.1, -0.2, 0.3],
        [0.4, 0.5, -0.6],
        [-0.7, 0.8, 0.9],
        [0.2, 0.1, -0.1],
      ],
      { requiresGrad: true },
    );
    const w2 = tensor(
      [
        [0.3, -0.5, 0.2, 0.7],
        [-0.4, 0.6, 0.1, -0.2],
      ],
      { requiresGrad: true },
    );
    const yE = tensor([[1], [0]]);
    const a = w1.matmul(x).sigmoid().retainGrad(); // hidden layer activations, [4, 1]
    const y = w2.matmul(a); // linear output, [2, 1]
    const e = y.sub(yE).square().sum().mul(0.5); // E = ½ Σ (y − yE)²
    e.backward();
    // closed form, by hand on plain arrays: ∂E/∂aᵢ = Σₖ W2[k][i] · (yₖ − yEₖ)
    const diff = [0, 1].map((k) => (y.data[k] as number) - (yE.data[k] as number));
    const expected = [0, 1, 2, 3].map((i) => [
      diff.reduce((s, d, k) => s + (w2.data[k * 4 + i] as number) * d, 0),
    ]);
    expectAllClose(a.grad as Tensor, expected);
    expect(y.grad).toBeNull(); // not retained
  });

  it('zeroGrad() clears .grad, so the next backward() starts again', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(x).sum().backward();
    expect(x.zeroGrad()).toBe(x);
    expect(x.grad).toBeNull();
    x.mul(x).sum().backward();
    expectAllClose(x.grad as Tensor, [2, 4]); // 2x, not 4x
  });
});

describe('cutting the graph', () => {
  it('detach() stops gradients along that path and shares the values', () => {
    const x = tensor([2, 5], { requiresGrad: true });
    const d = x.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    expect(Array.from(d.data)).toEqual([2, 5]);
    d.mul(x).sum().backward();
    expectAllClose(x.grad as Tensor, [2, 5]); // only the x factor is differentiated: d/dx (c·x) = c
    expect(d.grad).toBeNull();
  });

  it('noGrad(fn) records nothing and returns what fn returns', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return x.mul(3).exp();
    });
    expect(y.requiresGrad).toBe(false);
    expect(y.isLeaf).toBe(true);
    expect(y.op).toBeNull();
    expect(isGradEnabled()).toBe(true);
    expect(() => y.sum().backward()).toThrow(GradError);
  });

  it('restores grad mode when fn throws', () => {
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });

  it('enableGrad(fn) records again inside noGrad', () => {
    const x = tensor(2, { requiresGrad: true });
    const y = noGrad(() => enableGrad(() => x.mul(x)));
    expect(y.requiresGrad).toBe(true);
    expect(y.op).toBe('mul');
    y.backward();
    expect(x.grad?.item()).toBe(4); // 2x at x = 2
  });
});

describe('backward: seeds and errors', () => {
  it('refuses a non-scalar without a seed, saying to reduce it or pass one', () => {
    const y = tensor([1, 2], { requiresGrad: true }).mul(2);
    expect(() => y.backward()).toThrow(GradError);
    expect(() => y.backward()).toThrow(/shape \[2\], not a single value.*\.sum\(\).*seed/);
  });

  it('takes an explicit seed of the same shape (a vector–Jacobian product)', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).backward(tensor([1, 10, 100]));
    expectAllClose(x.grad as Tensor, [2, 40, 600]); // seed · 2x
  });

  it('refuses a seed of the wrong shape', () => {
    const y = tensor([1, 2, 3], { requiresGrad: true }).mul(2);
    expect(() => y.backward(tensor([1, 1]))).toThrow(ShapeError);
    expect(() => y.backward(tensor([1, 1]))).toThrow(/seed gradient has shape \[2\].*\[3\]/);
  });

  it("casts a seed of another dtype to the tensor's dtype (as PyTorch does)", () => {
    const x = tensor([1, 2], { requiresGrad: true, dtype: 'float32' });
    x.mul(3).backward(tensor([1, 2])); // a float64 seed for a float32 tensor
    expect(x.grad?.dtype).toBe('float32');
    expectAllClose(x.grad as Tensor, [3, 6]); // seed · 3
  });

  it('refuses backward() on a tensor that does not require grad', () => {
    expect(() => tensor(1).mul(2).backward()).toThrow(GradError);
    expect(() => tensor(1).mul(2).backward()).toThrow(/does not require grad/);
  });

  it('lets requiresGrad be set on leaves only', () => {
    const x = tensor(1);
    x.requiresGrad = true;
    expect(x.requiresGrad).toBe(true);
    const y = x.mul(2);
    expect(() => {
      y.requiresGrad = false;
    }).toThrow(GradError);
    expect(() => {
      y.requiresGrad = false;
    }).toThrow(/only be set on a leaf.*computed by mul/);
  });
});

describe('gradients()', () => {
  it('returns the gradients without touching .grad, and zeros for unrelated inputs', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const unrelated = tensor([[5, 6, 7]], { requiresGrad: true, dtype: 'float32' });
    const constant = tensor(4);
    const y = x.mul(x).sum();
    const [gx, gu, gc] = gradients([y], [x, unrelated, constant]) as [Tensor, Tensor, Tensor];
    expectAllClose(gx, [2, 4]); // 2x
    expectAllClose(gu, [[0, 0, 0]]);
    expect(gu.dtype).toBe('float32');
    expectAllClose(gc, 0);
    expect(x.grad).toBeNull();
    expect(unrelated.grad).toBeNull();
  });

  it('leaves an existing .grad as it is', () => {
    const x = tensor(3, { requiresGrad: true });
    x.mul(x).backward();
    gradients([x.mul(x)], [x]);
    expect(x.grad?.item()).toBe(6);
  });

  it('takes gradient seeds for non-scalar outputs', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const [g] = gradients([x.exp()], [x], { gradOutputs: [tensor([2, 3])] });
    expectAllClose(g as Tensor, [2 * Math.E, 3 * Math.exp(2)]); // seed · eˣ
    expect(() => gradients([x.exp()], [x])).toThrow(GradError);
    expect(() => gradients([x.exp()], [x], { gradOutputs: [tensor([1])] })).toThrow(ShapeError);
  });
});

describe('createGraph', () => {
  it('backward({ createGraph: true }) leaves a gradient that can be differentiated', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.pow(3).sum().backward(undefined, { createGraph: true });
    const g = x.grad as Tensor;
    expectAllClose(g, [3, 12]); // 3x²
    expect(g.requiresGrad).toBe(true);
    const [h] = gradients([g.sum()], [x]);
    expectAllClose(h as Tensor, [6, 12]); // d/dx 3x² = 6x
  });

  it('gradients({ createGraph: true }) gives second and third derivatives', () => {
    const x = tensor(2, { requiresGrad: true });
    const [d1] = gradients([x.pow(4)], [x], { createGraph: true }) as [Tensor];
    const [d2] = gradients([d1], [x], { createGraph: true }) as [Tensor];
    const [d3] = gradients([d2], [x]) as [Tensor];
    expect([d1.item(), d2.item(), d3.item()]).toEqual([32, 48, 48]); // 4x³, 12x², 24x at 2
  });

  it('without createGraph the gradient is a constant', () => {
    const x = tensor(2, { requiresGrad: true });
    x.mul(x).backward();
    expect(x.grad?.requiresGrad).toBe(false);
  });
});

describe('backward: gradients of their own', () => {
  it("gives every leaf's .grad storage of its own, so changing one in place changes no other", () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    const h = a.add(b).retainGrad(); // add hands the same gradient to a, b and h
    h.sum().backward();
    const [ga, gb, gh] = [a.grad, b.grad, h.grad] as Tensor[];
    expect(new Set([ga?.data, gb?.data, gh?.data]).size).toBe(3);
    (ga as Tensor).data[0] = 100; // as an optimiser or gradient clipping does
    expectAllClose(gb as Tensor, [1, 1]);
    expectAllClose(gh as Tensor, [1, 1]);
    h.sum().backward(); // accumulating makes a new tensor too
    expectAllClose(a.grad as Tensor, [101, 2]);
    expectAllClose(b.grad as Tensor, [2, 2]);
  });

  it('gives a copy to a leaf whose gradient is a view of another (reshape shares data)', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([[3, 4]], { requiresGrad: true });
    const w = tensor([[1, 1]], { requiresGrad: true });
    // b and w get the same new gradient tensor, a a reshaped view of it
    a.reshape([1, 2]).add(b).add(w).sum().backward();
    (b.grad as Tensor).data[0] = 100;
    expectAllClose(a.grad as Tensor, [1, 1]);
    expectAllClose(w.grad as Tensor, [[1, 1]]);
    (a.grad as Tensor).data[1] = -5;
    expectAllClose(w.grad as Tensor, [[1, 1]]);
    expectAllClose(b.grad as Tensor, [[100, 1]]);
  });

  it('keeps a seed passed to backward() apart from the leaf gradients it reaches', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const seed = tensor([5, 6]);
    a.add(0).backward(seed); // add passes the seed itself on
    expect(a.grad?.data).not.toBe(seed.data);
    (a.grad as Tensor).data[0] = 0;
    expectAllClose(seed, [5, 6]);
  });
});

describe('sweeps inside sweeps', () => {
  it('lets a derivative rule run a sweep of its own over tensors of the outer graph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const w = tensor([5, 6], { requiresGrad: true });
    // a rule that computes a gradient itself, d/dx Σ w·x = w: that sweep sorts x again (after w,
    // so at another position) while the outer sweep, which has yet to reach x, is under way
    const scaled = defineOp({
      name: 'scaled',
      forward: (u) => u.mul(2),
      vjp: (g) => {
        const [d] = enableGrad(() => gradients([w.mul(x).sum()], [x])); // rules run in noGrad
        expectAllClose(d as Tensor, [5, 6]);
        return g.mul(2);
      },
    });
    const h = x.mul(3);
    h.add(scaled(h)).sum().backward();
    expectAllClose(x.grad as Tensor, [9, 9]); // 3 · (1 + 2)
  });
});

describe('checking derivative rules', () => {
  it('names the op whose vjp returns the wrong number of gradients', () => {
    const twice = defineOp({ name: 'twice', forward: (x) => x.mul(2), vjp: (g) => [g, g] });
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => twice(x).sum().backward()).toThrow(GradError);
    expect(() => twice(x).sum().backward()).toThrow(
      /twice: its derivative rule returned 2 gradient\(s\) for 1 input\(s\)/,
    );
  });

  it('names the op and both shapes when a vjp returns the wrong shape', () => {
    const squash = defineOp({ name: 'squash', forward: (x) => x.mul(2), vjp: (g) => g.sum() });
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => squash(x).sum().backward()).toThrow(ShapeError);
    expect(() => squash(x).sum().backward()).toThrow(
      /squash: .*gradient of shape \[\] for input 0 of shape \[2\]/,
    );
  });
});

describe('long and wide graphs', () => {
  it('backpropagates through a chain of 10⁶ multiplications without overflowing the stack', () => {
    const start = Date.now();
    const x = tensor(1, { requiresGrad: true });
    let z = x;
    for (let i = 0; i < 1_000_000; i++) z = z.mul(1.0000001);
    const built = Date.now();
    z.backward();
    const done = Date.now();
    console.log(
      `10⁶-node chain: forward ${((built - start) / 1000).toFixed(1)} s, backward ${((done - built) / 1000).toFixed(1)} s`,
    );
    // closed form: z = x · c^(10⁶), so dz/dx = c^(10⁶) with c the double nearest 1.0000001;
    // 10⁶ roundings of relative size ≤ 2⁻⁵³ each bound the difference by about 1e-10
    expectAllClose(x.grad as Tensor, 1.0000001 ** 1e6, { atol: 0, rtol: 1e-9 });
  }, 120_000);

  it('sorts a 10⁵-deep chain iteratively, inputs first', () => {
    const x = tensor(1, { requiresGrad: true });
    let z = x;
    for (let i = 0; i < 100_000; i++) z = z.add(1);
    const order = topologicalOrder([z]);
    expect(order.length).toBe(100_001); // x and every add; the constants need no gradient
    expect(order[0]).toBe(x);
    expect(order[order.length - 1]).toBe(z);
    expectInputsFirst(order);
  });

  it('sorts a wide graph: one input fanned out to 10⁴ branches, gathered by one stack', () => {
    const x = tensor(1, { requiresGrad: true });
    const branches = Array.from({ length: 10_000 }, (_, i) => x.mul(i));
    const y = stack(branches).sum();
    const order = topologicalOrder([y]);
    expect(new Set(order).size).toBe(order.length); // x appears once although used 10⁴ times
    expect(order[0]).toBe(x);
    expect(order[order.length - 1]).toBe(y);
    const sorted = new Set(order);
    expect(branches.every((b) => sorted.has(b))).toBe(true);
    expectInputsFirst(order);
    y.backward();
    expect(x.grad?.item()).toBe((10_000 * 9_999) / 2); // Σᵢ i for i < 10⁴
  });

  it('keeps only the tensors on a path to the targets when given some', () => {
    const a = tensor(1, { requiresGrad: true });
    const b = tensor(2, { requiresGrad: true });
    const ab = a.mul(b);
    const y = ab.add(b.exp());
    const order = topologicalOrder([y], new Set([a]));
    expect(order).toEqual([a, ab, y]);
  });
});

describe('in-place changes between forward and backward', () => {
  it('refuses to differentiate through a tensor changed after the op ran (markChanged)', () => {
    const w = tensor([2], { requiresGrad: true });
    const y = w.mul(3).square().sum();
    w.data[0] = 5;
    w.markChanged();
    expect(() => y.backward()).toThrow(GradError);
    expect(() => y.backward()).toThrow(
      /^backward\(\): mul cannot be differentiated: one of its inputs \(shapes \[1\], \[\]\) was changed in place/,
    );
    // computed again after the change, the gradient is right: d/dw (3w)² = 18w = 90
    w.mul(3).square().sum().backward();
    expect(w.grad?.item()).toBe(90);
  });

  it('is not fooled by tensors that were not changed, or changed before the op', () => {
    const w = tensor([2], { requiresGrad: true }).markChanged();
    const y = w.mul(w).sum();
    y.backward();
    expect(w.grad?.item()).toBe(4);
  });
});
