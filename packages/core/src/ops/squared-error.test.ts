// Tests of squaredError: values worked out by hand, the very numbers (value and gradients, both
// dtypes, any seed) of the composition it fuses, finite differences, second derivatives (to the
// last bits: summed in another order), and its
// composition under jvp and vmap.
import { describe, expect, it } from 'vitest';
import { checkGradients, expectAllClose } from '../../test/helpers.js';
import {
  grad,
  jvp,
  randn,
  ShapeError,
  type SquaredErrorOptions,
  squaredError,
  type Tensor,
  tensor,
  vmap,
} from '../index.js';

/** The composition squaredError must reproduce bit for bit. */
function composed(p: Tensor, t: Tensor, o: SquaredErrorOptions): Tensor {
  const d2 = p.sub(t).square();
  const terms = o.half ? d2.mul(0.5) : d2;
  const rows =
    o.perSample && terms.ndim >= 2 ? terms.sum(terms.shape.map((_, i) => i).slice(1)) : terms;
  return o.mean ? rows.mean() : rows.sum();
}

const OPTIONS: SquaredErrorOptions[] = [
  {},
  { mean: true },
  { half: true, perSample: true },
  { half: true, perSample: true, mean: true },
  { half: true },
  { perSample: true, mean: true },
];

describe('squaredError', () => {
  it('gives the values worked out by hand', () => {
    const p = tensor([
      [1, 2],
      [3, 4],
    ]);
    const t = tensor([
      [1, 0],
      [0, 4],
    ]);
    // (p − t)² = [[0, 4], [9, 0]]
    expect(squaredError(p, t).item()).toBe(13);
    expect(squaredError(p, t, { mean: true }).item()).toBe(13 / 4);
    expect(squaredError(p, t, { half: true, perSample: true, mean: true }).item()).toBe(13 / 2 / 2);
    const q = tensor([0.5, 2], { requiresGrad: true });
    squaredError(q, [1, 1], { half: true }).backward();
    expect(q.grad?.toArray()).toEqual([-0.5, 1]); // p − t (p. 10)
  });

  it('computes the very numbers of its composition, value and both gradients', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      for (const shape of [[], [5], [1, 1], [4, 1], [3, 4], [2, 3, 2]]) {
        for (const o of OPTIONS) {
          const p = randn(shape, { seed: 1, dtype, requiresGrad: true });
          const t = randn(shape, { seed: 2, dtype, requiresGrad: true });
          const seed = tensor(0.37, { dtype });
          const of = (f: () => Tensor) => {
            p.grad = null;
            t.grad = null;
            const loss = f();
            loss.backward(seed);
            const grads = [p.grad, t.grad] as (Tensor | null)[];
            return [loss.item(), ...grads.map((gr) => Array.from(gr?.data ?? []))];
          };
          const fused = of(() => squaredError(p, t, o));
          expect(fused, `${dtype} ${JSON.stringify(shape)} ${JSON.stringify(o)}`).toEqual(
            of(() => composed(p, t, o)),
          );
        }
      }
    }
  });

  it('is one graph node of the prediction and the target', () => {
    const p = randn([3, 1], { seed: 1, requiresGrad: true });
    const t = randn([3, 1], { seed: 2 });
    const loss = squaredError(p, t, { mean: true });
    expect([loss.op, loss.inputs]).toEqual(['squaredError', [p, t]]);
    expect(loss.shape).toEqual([]);
  });

  it('has the gradients finite differences give, and second derivatives like its composition', () => {
    for (const o of OPTIONS) {
      checkGradients(
        (p, t) => squaredError(p as Tensor, t as Tensor, o),
        [randn([3, 2], { seed: 3 }), randn([3, 2], { seed: 4 })],
      );
      const t = randn([3, 2], { seed: 6 });
      const curvature = (f: typeof squaredError) =>
        grad((p: Tensor) =>
          grad((q: Tensor) => f(q, t, o).mul(q.sin().sum()))(p)
            .square()
            .sum(),
        )(randn([3, 2], { seed: 5 }));
      // the same derivative, summed in another order where the second sweep meets the first
      expectAllClose(
        curvature(squaredError),
        curvature((p, q, oo) => composed(p as Tensor, q as Tensor, oo ?? {})),
        { rtol: 1e-13, atol: 1e-12 },
      );
    }
  });

  it('is its composition under jvp and vmap', () => {
    const t = randn([4, 3], { seed: 2 });
    const p = randn([4, 3], { seed: 1 });
    const dir = randn([4, 3], { seed: 3 });
    const o = { half: true, perSample: true, mean: true };
    const [y1, t1] = jvp((q: Tensor) => squaredError(q, t, o), [p], [dir]);
    const [y2, t2] = jvp((q: Tensor) => composed(q, t, o), [p], [dir]);
    expect([y1.item(), t1.item()]).toEqual([y2.item(), t2.item()]);
    const perRow = vmap((q: Tensor, r: Tensor) => squaredError(q, r, { mean: true }))(p, t);
    const loop = Array.from({ length: 4 }, (_, i) =>
      composed(p.gather([i]).reshape([3]), t.gather([i]).reshape([3]), { mean: true }).item(),
    );
    expect(Array.from(perRow.data)).toEqual(loop);
  });

  it('refuses operands of different shapes, and empty ones', () => {
    expect(() => squaredError(tensor([1, 2]), tensor([[1, 2]]))).toThrow(
      new ShapeError(
        'squaredError: prediction of shape [2] and target of shape [1, 2]; expected one shape, with at least one element',
      ),
    );
    expect(() => squaredError(tensor([]), tensor([]))).toThrow('with at least one element');
  });
});
