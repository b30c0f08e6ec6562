import { describe, expect, it } from 'vitest';
import { checkGradients, expectAllClose } from '../../test/helpers.js';
import {
  defineOp,
  GradError,
  grad,
  gradcheck,
  randn,
  type Tensor,
  tensor,
  toDot,
  ValueError,
} from '../index.js';

/** softplus(x) = ln(1 + eˣ), written as max(x, 0) + ln(1 + e^−|x|) so it never overflows. */
const softplus = defineOp({
  name: 'softplus',
  forward: (x) => x.relu().add(x.abs().neg().exp().log1p()),
  vjp: (g, [x]) => g.mul((x as Tensor).sigmoid()), // softplus' = σ
});

/** x³ with its derivative written in tensor ops, so it can be differentiated again. */
const cube = defineOp({
  name: 'cube',
  forward: (x) => x.mul(x).mul(x),
  vjp: (g, [x]) => g.mul((x as Tensor).square().mul(3)), // (x³)' = 3x²
});

/** √(a² + b²), two inputs. */
const hypot = defineOp({
  name: 'hypot',
  forward: (a, b) => a.square().add(b.square()).sqrt(),
  vjp: (g, [a, b], y) => [g.mul(a as Tensor).div(y), g.mul(b as Tensor).div(y)], // a/y, b/y
});

describe('defineOp', () => {
  it('computes softplus, named in the graph', () => {
    const y = softplus(tensor([0, 1, -1, 800, -800]));
    // ln 2; ln(1 + e); ln(1 + 1/e); large x: x itself; very negative x: e^x underflows to 0
    expectAllClose(y, [Math.LN2, Math.log(1 + Math.E), Math.log(1 + 1 / Math.E), 800, 0]);
    const x = tensor([1], { requiresGrad: true });
    const z = softplus(x);
    expect(z.op).toBe('softplus');
    expect(z.inputs).toEqual([x]);
    expect(toDot(z)).toContain('softplus');
  });

  it('computes the gradient of softplus: σ(x), gradchecked', () => {
    const x = tensor([0, 2], { requiresGrad: true });
    softplus(x).sum().backward();
    expectAllClose(x.grad as Tensor, [0.5, 1 / (1 + Math.exp(-2))]); // σ(0) = ½, σ(2)
    expect(gradcheck((x) => softplus(x), [[-3, -0.5, 0.7, 4]]).ok).toBe(true);
    checkGradients((x) => softplus(x), [randn([5], { seed: 1 })]);
  });

  it('records nothing inside forward: only the new op is in the graph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = cube(x);
    expect(y.inputs).toEqual([x]); // not the mul nodes forward used
  });

  it('gives a fresh node even when forward returns its input', () => {
    const identity = defineOp({ name: 'identity', forward: (x) => x, vjp: (g) => g });
    const x = tensor([1, 2], { requiresGrad: true });
    const y = identity(x);
    expect(y).not.toBe(x);
    expect(y.op).toBe('identity');
    expect(x.isLeaf).toBe(true);
  });

  it('differentiates a vjp written with tensor ops: grad(grad(cube)) = 6x, and once more 6', () => {
    const f = (x: Tensor) => cube(x).sum();
    const xs = [-1.5, 0.5, 2];
    expectAllClose(
      grad(f)(tensor(xs)),
      xs.map((v) => 3 * v * v),
    );
    expectAllClose(
      grad((x: Tensor) => grad(f)(x).sum())(tensor(xs)),
      xs.map((v) => 6 * v),
    );
    expectAllClose(grad(grad(grad(f)))(tensor(2)), 6);
  });

  it('computes both gradients of a two-input op, gradchecked', () => {
    const a = tensor([3, -1, 0.5], { requiresGrad: true });
    const b = tensor([4, 2, -1.5], { requiresGrad: true });
    const y = hypot(a, b);
    expectAllClose(y, [5, Math.sqrt(5), Math.sqrt(2.5)]);
    y.sum().backward();
    expectAllClose(a.grad as Tensor, [3 / 5, -1 / Math.sqrt(5), 0.5 / Math.sqrt(2.5)]); // a/y
    expectAllClose(b.grad as Tensor, [4 / 5, 2 / Math.sqrt(5), -1.5 / Math.sqrt(2.5)]); // b/y
    expect(
      gradcheck(
        (a, b) => hypot(a, b),
        [
          [3, -1, 0.5],
          [4, 2, -1.5],
        ],
      ).ok,
    ).toBe(true);
  });

  it('takes null for an input that gets no gradient', () => {
    const scaleBy = defineOp({
      name: 'scaleBy',
      forward: (x, k) => x.mul(k),
      vjp: (g, [, k]) => [g.mul(k as Tensor), null],
    });
    const x = tensor([1, 2], { requiresGrad: true });
    const k = tensor(3, { requiresGrad: true });
    scaleBy(x, k).sum().backward();
    expectAllClose(x.grad as Tensor, [3, 3]);
    expect(k.grad).toBeNull();
  });

  it('accepts numbers and arrays as inputs', () => {
    expectAllClose(hypot(3, [4, 0]), [5, 3]);
  });
});

describe('defineOp errors', () => {
  it('refuses a forward that does not return a Tensor', () => {
    const broken = defineOp({
      name: 'broken',
      forward: (() => 3) as unknown as (x: Tensor) => Tensor,
      vjp: (g) => g,
    });
    expect(() => broken(tensor(1))).toThrow(ValueError);
    expect(() => broken(tensor(1))).toThrow(/broken: forward must return a Tensor, got number/);
  });

  it('refuses a vjp that returns a number, naming the op', () => {
    const numeric = defineOp({
      name: 'numeric',
      forward: (x) => x.mul(2),
      vjp: (() => 2) as unknown as (g: Tensor) => Tensor,
    });
    const x = tensor(1, { requiresGrad: true });
    expect(() => numeric(x).backward()).toThrow(GradError);
    expect(() => numeric(x).backward()).toThrow(
      /numeric: vjp returned number for input 0; expected a Tensor or null/,
    );
  });

  it('refuses a vjp that returns undefined (a forgotten return) instead of giving no gradient', () => {
    const forgetful = defineOp({
      name: 'forgetful',
      forward: (x) => x.mul(2),
      vjp: ((g: Tensor) => {
        g.mul(2);
      }) as unknown as (g: Tensor) => Tensor,
    });
    const x = tensor(1, { requiresGrad: true });
    expect(() => forgetful(x).backward()).toThrow(GradError);
    expect(() => forgetful(x).backward()).toThrow(/forgetful: vjp returned undefined for input 0/);
  });

  it('refuses a vjp with one gradient too many, naming the op', () => {
    const extra = defineOp({ name: 'extra', forward: (x) => x.mul(2), vjp: (g) => [g, g] });
    expect(() => extra(tensor(1, { requiresGrad: true })).backward()).toThrow(
      /extra: its derivative rule returned 2 gradient\(s\) for 1 input\(s\)/,
    );
  });

  it('refuses a definition without a name or functions', () => {
    expect(() => defineOp({ name: '', forward: (x) => x, vjp: (g) => g })).toThrow(ValueError);
    expect(() =>
      defineOp({
        name: 'half',
        forward: (x) => x,
        vjp: undefined as unknown as (g: Tensor) => Tensor,
      }),
    ).toThrow(/defineOp\(half\): forward and vjp must both be functions/);
  });
});
