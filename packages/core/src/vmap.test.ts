// vmap: batching every op family, inAxes/outAxes, composition with grad, jvp, compile and
// itself, random ops, and the errors. vmap.property.test.ts checks random programs against a
// loop; transforms-reference.test.ts checks functorch's numbers.
import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../test/helpers.js';
import {
  compile,
  defineOp,
  GradError,
  grad,
  jacfwd,
  jacrev,
  jvp,
  linear,
  randn,
  ShapeError,
  stack,
  type Tensor,
  tensor,
  ValueError,
  vmap,
} from './index.js';

/** f applied to each slice of `xs` along axis 0, stacked: what vmap must give. */
const loop = (f: (x: Tensor) => Tensor, xs: Tensor) =>
  stack(Array.from({ length: xs.shape[0] as number }, (_, i) => f(xs.gather([i]).squeeze(0))));

describe('vmap', () => {
  it('maps a function of one sample over a batch: one dot product per row', () => {
    const dot = (x: Tensor, w: Tensor) => x.mul(w).sum();
    const y = vmap(dot, { inAxes: [0, null] })(
      tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      tensor([1, -1]),
    );
    expectAllClose(y, [-1, -1, -1]);
  });

  it('batches each op family like a loop over the samples', () => {
    const xs = randn([4, 3, 2], { seed: 1 });
    const w = randn([2, 5], { seed: 2 });
    const functions: [string, (x: Tensor) => Tensor][] = [
      ['unary', (x) => x.tanh().exp().relu()],
      ['binary, broadcasting a row', (x) => x.mul(tensor([1, -2])).sub(x.max(0, true))],
      [
        'binary, broadcasting against a bigger unbatched tensor',
        (x) => x.reshape([6]).add(randn([2, 6], { seed: 3 })),
      ],
      [
        'pow, clamp, where',
        (x) =>
          x
            .abs()
            .pow(1.5)
            .clamp(0.1, 1)
            .add(x.mul(x.gt(0))),
      ],
      ['reductions', (x) => x.sum(0).add(x.mean(1).sum()).add(x.max()).sub(x.min(1, true).sum(0))],
      [
        'logsumexp, softmax, logSoftmax',
        (x) => x.logsumexp(1).add(x.softmax(0).logSoftmax(1).sum(1)),
      ],
      ['matmul', (x) => x.matmul(w)],
      ['matmul, vector on the left', (x) => x.reshape([6]).slice([0], [2]).matmul(w)],
      ['linear', (x) => linear(x, w, tensor([1, 2, 3, 4, 5]))],
      [
        'transpose, reshape, broadcastTo, sumTo',
        (x) => x.transpose().broadcastTo([2, 2, 3]).sumTo([2, 1]),
      ],
      [
        'slice, pad, concat',
        (x) =>
          x
            .slice([1], [3])
            .pad([
              [1, 0],
              [0, 2],
            ])
            .concat([tensor([[9, 9, 9, 9]])], 0),
      ],
      ['gather, scatterAdd', (x) => x.gather([2, 0, 2]).scatterAdd([1, 1, 0], 4)],
      ['astype', (x) => x.astype('float32').square()],
    ];
    for (const [name, f] of functions) {
      const got = vmap(f)(xs);
      const expected = loop(f, xs);
      expect(got.dtype, name).toBe(expected.dtype);
      try {
        expectAllClose(got, expected, { atol: 1e-15, rtol: 1e-14 });
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    }
  });

  it('takes the batch from any axis and puts it on any axis', () => {
    const xs = randn([3, 4], { seed: 4 }); // 4 samples of 3 along axis 1
    const f = (x: Tensor) =>
      x
        .mul(2)
        .unsqueeze(0)
        .concat([x.unsqueeze(0)], 0); // [2, 3]
    const first = vmap(f, { inAxes: 1 })(xs); // [4, 2, 3]
    expectAllClose(first, loop(f, xs.transpose()));
    expectAllClose(vmap(f, { inAxes: -1, outAxes: 2 })(xs), first.transpose([1, 2, 0]));
    expectAllClose(vmap(f, { inAxes: 1, outAxes: -1 })(xs), first.transpose([1, 2, 0]));
  });

  it('returns lists, and a result that does not depend on the batch repeated for every sample', () => {
    const [a, b] = vmap((x: Tensor) => [x.sum(), tensor([7, 8])], { outAxes: [0, 1] })(
      tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
    ) as Tensor[];
    expectAllClose(a as Tensor, [3, 7, 11]);
    expectAllClose(b as Tensor, [
      [7, 7, 7],
      [8, 8, 8],
    ]);
  });

  it('passes arguments that are not tensors through, and numbers for batched ones', () => {
    const scale = (x: Tensor, k: number) => x.mul(k);
    expectAllClose(vmap(scale, { inAxes: [0, null] })(tensor([1, 2]), 3), [3, 6]);
    expectAllClose(
      vmap((x: Tensor) => x.square(), { inAxes: [0] })([
        [1, 2],
        [3, 4],
      ] as unknown as Tensor),
      [
        [1, 4],
        [9, 16],
      ],
    );
  });

  it('nests: a table of all pairs', () => {
    const pairs = vmap(
      vmap((a: Tensor, b: Tensor) => a.mul(b).sum(), { inAxes: [null, 0] }),
      {
        inAxes: [0, null],
      },
    );
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = tensor([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    expectAllClose(pairs(a, b), a.matmul(b.transpose()));
  });

  it('vmap(grad(f)) gives per-sample gradients, grad(vmap(f)) the gradient of the batch', () => {
    const w = randn([3, 2], { seed: 5 });
    const xs = randn([6, 3], { seed: 6 });
    const loss = (w: Tensor, x: Tensor) => x.matmul(w).tanh().square().sum();
    const perSample = vmap(grad(loss), { inAxes: [null, 0] })(w, xs);
    expect(perSample.shape).toEqual([6, 3, 2]);
    expectAllClose(
      perSample,
      loop((x) => grad(loss)(w, x), xs),
      { atol: 1e-15, rtol: 1e-14 },
    );
    // the batch's gradient is their sum
    const total = grad((w: Tensor) => vmap(loss, { inAxes: [null, 0] })(w, xs).sum())(w);
    expectAllClose(total, perSample.sum(0), { atol: 1e-14, rtol: 1e-13 });
  });

  it('per-sample Jacobians, Hessians and jvps', () => {
    const f = (x: Tensor) => x.sin().mul(x.sum());
    const xs = randn([4, 3], { seed: 7 });
    expectAllClose(vmap(jacrev(f))(xs), loop(jacrev(f), xs), { atol: 1e-15, rtol: 1e-14 });
    expectAllClose(vmap(jacfwd(f))(xs), loop(jacfwd(f), xs), { atol: 1e-15, rtol: 1e-14 });
    const vs = randn([4, 3], { seed: 8 });
    const tangents = vmap((x: Tensor, v: Tensor) => jvp(f, [x], [v])[1])(xs, vs);
    const each = stack(
      [0, 1, 2, 3].map((i) => jvp(f, [xs.gather([i]).squeeze(0)], [vs.gather([i]).squeeze(0)])[1]),
    );
    expectAllClose(tangents, each, { atol: 1e-15, rtol: 1e-14 });
    // and jvp of vmap: the batch's tangent
    const [, t] = jvp((x) => vmap(f)(x), [xs], [vs]);
    expectAllClose(t, each, { atol: 1e-15, rtol: 1e-14 });
  });

  it('runs inside compile: every call gives the eager batch', () => {
    const w = randn([3, 2], { seed: 9 });
    const f = (xs: Tensor) => vmap(grad((x: Tensor) => linear(x, w).softmax().log().sum()))(xs);
    const compiled = compile(f);
    for (let seed = 0; seed < 3; seed++) {
      const xs = randn([5, 3], { seed });
      expect(Array.from((compiled(xs) as Tensor).data)).toEqual(Array.from(f(xs).data));
    }
  });

  it('draws random numbers once: every sample sees the same draw', () => {
    const noisy = vmap((x: Tensor) => x.add(randn([2], { seed: 11 })));
    const y = noisy(
      tensor([
        [0, 0],
        [10, 10],
        [20, 20],
      ]),
    );
    const draw = randn([2], { seed: 11 });
    expectAllClose(
      y,
      [draw.add(0), draw.add(10), draw.add(20)].map((t) => t.toArray()) as number[][],
    );
  });

  it('shows NaN, not one sample, in the values of a batched tensor, and item() refuses it', () => {
    vmap((x: Tensor) => {
      expect(Array.from(x.data).every(Number.isNaN)).toBe(true);
      expect(() => x.item()).toThrow(
        'item() inside vmap: this tensor holds one value per sample, and the function sees one sample at a time',
      );
      expect(() => x.toArray()).toThrow(ValueError);
      return x;
    })(tensor([1, 2]));
  });

  it('keeps a detached tensor batched', () => {
    expectAllClose(vmap((x: Tensor) => x.detach().mul(2))(tensor([1, 2])), [2, 4]);
  });

  it('refuses backward() on a batched tensor, pointing to grad', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() =>
      vmap((x: Tensor) => {
        x.mul(w).sum().backward();
        return x;
      })(tensor([[1, 2]])),
    ).toThrow(GradError);
  });

  it('refuses indices that differ per sample', () => {
    const pick = (x: Tensor, k: Tensor) => x.gather(k);
    expect(() => vmap(pick)(tensor([[1, 2]]), tensor([[0]]))).toThrow(
      'gather: the indices differ per sample (vmap batched them)',
    );
  });

  it('says what is wrong with its arguments', () => {
    const f = (a: Tensor, b: Tensor) => a.add(b);
    expect(() => vmap(f)(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(
      'vmap: argument 1 has a batch of 3 (shape [3] with the batch axis first) but argument 0 has 2',
    );
    expect(() => vmap(f, { inAxes: [0] })(tensor([1]), tensor([1]))).toThrow(
      'vmap: inAxes names 1 axes but the function was called with 2 argument(s)',
    );
    expect(() => vmap(f, { inAxes: [null, null] })(tensor([1]), tensor([1]))).toThrow(
      'vmap: no argument is batched',
    );
    expect(() => vmap((x: Tensor) => x)(tensor(1))).toThrow(ShapeError);
    expect(() => vmap((x: Tensor) => x, { inAxes: 2 })(tensor([1, 2]))).toThrow(/vmap/);
    expect(() => vmap((() => 1) as unknown as (x: Tensor) => Tensor)(tensor([1]))).toThrow(
      'vmap: the function must return a Tensor or an array of Tensors, got number',
    );
    expect(() => vmap((x: Tensor) => x, { inAxis: 0 } as never)).toThrow(ValueError);
  });
});

describe("a user's op under vmap", () => {
  it('batches a forward pass made of ops, and refuses one made by hand', () => {
    const cube = defineOp({
      name: 'cube',
      forward: (x) => x.mul(x).mul(x),
      vjp: (g, [x]) => g.mul((x as Tensor).square().mul(3)),
    });
    expectAllClose(
      vmap((x: Tensor) => cube(x).sum())(
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
      [9, 91],
    );
    expectAllClose(vmap(grad((x: Tensor) => cube(x).sum()))(tensor([[1, 2]])), [[3, 12]]);
    const byHand = defineOp({
      name: 'byHand',
      forward: (x) =>
        tensor(
          Float64Array.from(x.data, (v) => v * 2),
          { shape: x.shape, allowNonFinite: true },
        ),
      vjp: (g) => g.mul(2),
    });
    expect(() => vmap((x: Tensor) => byHand(x))(tensor([[1]]))).toThrow(
      'byHand: inside vmap, its forward pass must compute its result with backprop',
    );
  });
});
