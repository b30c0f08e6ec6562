import { describe, expect, it } from 'vitest';
import {
  defineOp,
  GradcheckError,
  gradcheck,
  noGrad,
  randn,
  type Tensor,
  tensor,
  ValueError,
} from './index.js';

// x³ with a deliberately wrong derivative: 2x² instead of 3x²
const badCube = defineOp({
  name: 'badCube',
  forward: (x) => x.pow(3),
  vjp: (g, [x]) => g.mul((x as Tensor).square().mul(2)),
});

describe('gradcheck', () => {
  it('passes for correct ops, counting every Jacobian entry', () => {
    const x = randn([2, 3], { seed: 1 });
    const w = randn([3, 2], { seed: 2 });
    const report = gradcheck((x, w) => x.matmul(w).tanh(), [x, w]);
    expect(report.ok).toBe(true);
    expect(report.checked).toBe(4 * 6 + 4 * 6); // 4 outputs × (6 + 6 input elements)
    expect(report.maxAbsError).toBeLessThan(1e-8);
    expect(report.message).toMatch(/^gradcheck passed: 48 Jacobian entries/);
  });

  it('passes when f returns its input or a view of it (identity, reshape)', () => {
    // the Jacobian of the identity is I: numeric derivatives must be 1, not halved by aliasing
    for (const f of [(v: Tensor) => v, (v: Tensor) => v.reshape([2, 1])]) {
      const report = gradcheck(f, [[1, 2]]);
      expect(report.ok, report.message).toBe(true);
      expect(report.maxAbsError).toBeLessThan(1e-9);
    }
  });

  it('passes for scalar and broadcasting ops given plain arrays', () => {
    expect(
      gradcheck(
        (a, b) => a.mul(b).add(a.exp()).sum(),
        [
          [0.5, -1],
          [[2], [3]],
        ],
      ).ok,
    ).toBe(true);
  });

  it('fails for a wrong derivative rule and locates the worst element', () => {
    const report = gradcheck((x) => badCube(x), [[1, 2, -1]]);
    expect(report.ok).toBe(false);
    // element 1 (x = 2) is furthest off: analytic 2·2² = 8, numeric 3·2² = 12
    expect(report.worst).toMatchObject({ input: 0, index: [1], output: 1, analytic: 8 });
    expect(report.worst?.numeric).toBeCloseTo(12, 6);
    expect(report.maxAbsError).toBeCloseTo(4, 6);
    expect(report.message).toMatch(
      /gradcheck failed: input 0 \(shape \[3\]\) element \[1\], output element 1: analytic 8 vs numeric 12\.0/,
    );
  });

  it('locates the worst element of a matrix input as a multi-index', () => {
    // the wrong rule is off by x², largest where |x| is largest: x[1][0] = −3
    const x = [
      [0.5, 1],
      [-3, 2],
    ];
    const report = gradcheck((a, b) => badCube(b).mul(a).sum(), [[1], x]);
    expect(report.ok).toBe(false);
    expect(report.worst).toMatchObject({ input: 1, index: [1, 0], output: 0, analytic: 18 });
  });

  it('throws a GradcheckError carrying the report with raise: true', () => {
    let caught: unknown;
    try {
      gradcheck((x) => badCube(x), [[1, 2]], { raise: true });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GradcheckError);
    const error = caught as GradcheckError;
    expect(error.report.ok).toBe(false);
    expect(error.message).toBe(error.report.message);
    expect(error.message).toMatch(/analytic .* vs numeric/);
    expect(() => gradcheck((x) => x.exp(), [[1, 2]], { raise: true })).not.toThrow();
  });

  it('checks float32 inputs in float64', () => {
    const x = tensor([0.3, -1.7, 2.2], { dtype: 'float32' });
    const seen: string[] = [];
    const report = gradcheck(
      (x) => {
        seen.push(x.dtype);
        return x.exp().mul(x.sin());
      },
      [x],
      { atol: 1e-8, rtol: 1e-7 }, // central differences in float32 would be off by ~1e-2 here
    );
    expect(report.ok).toBe(true);
    expect(new Set(seen)).toEqual(new Set(['float64']));
  });

  it("does not change the user's data or .grad", () => {
    const x = tensor([0.1, 0.2, 0.3], { requiresGrad: true });
    const plain = [[1, 2]];
    gradcheck((x, p) => x.sum().mul(p.sum()), [x, plain]);
    expect(Array.from(x.data)).toEqual([0.1, 0.2, 0.3]);
    expect(x.grad).toBeNull();
    expect(plain).toEqual([[1, 2]]);
  });

  it('works when called inside noGrad', () => {
    expect(noGrad(() => gradcheck((x) => x.square(), [[1, 2]])).ok).toBe(true);
  });

  it('reports a NaN gradient as a failure', () => {
    const nanGrad = defineOp({
      name: 'nanGrad',
      forward: (x) => x.mul(2),
      vjp: (g) => g.mul(Number.NaN),
    });
    const report = gradcheck((x) => nanGrad(x), [[1]]);
    expect(report.ok).toBe(false);
    expect(report.maxAbsError).toBe(Infinity);
  });

  it('refuses a non-positive eps and a function that returns no tensor', () => {
    expect(() => gradcheck((x) => x, [[1]], { eps: 0 })).toThrow(ValueError);
    expect(() => gradcheck((() => 1) as unknown as (x: Tensor) => Tensor, [[1]])).toThrow(
      /f must return a Tensor/,
    );
  });
});
