import { afterEach, describe, expect, it } from 'vitest';
import { opsMissingFrom } from '../test/public-ops.js';
import {
  backward,
  compile,
  concat,
  type DType,
  defineOp,
  detectAnomaly,
  GradError,
  grad,
  hvp,
  isCompiling,
  linear,
  logsumexp,
  manualSeed,
  matmul,
  mean,
  rand,
  randn,
  relu,
  setKernelBackend,
  sigmoid,
  square,
  stack,
  sub,
  sum,
  type Tensor,
  tensor,
  ValueError,
  valueAndGrad,
  where,
} from './index.js';

// compile replays the arithmetic of its first call. What is checked here: every later call gives
// the same bits as running the function eagerly on that call's arguments (eager results are
// checked against finite differences and closed forms in the ops' own tests), for every kind of
// op; that what the replay cannot see is refused or traced again; and the semantics of results,
// arguments and .grad.

afterEach(() => setKernelBackend('auto'));

const values = (t: Tensor) => Array.from(t.data);
/** The values of `t.grad` (read through a function: TypeScript would narrow `t.grad` after `= null`). */
const gradValues = (t: Tensor): number[] => values(t.grad as Tensor);

/** Fresh inputs for each call: positive, away from kinks, different every time. */
function input(seed: number, shape: readonly number[], dtype: DType = 'float64'): Tensor {
  return rand(shape, { seed, dtype }).mul(1.5).add(0.5);
}

const W = randn([4, 5], { seed: 11 });
const b = randn([5], { seed: 12 });
const v = randn([4], { seed: 13 });
const row = randn([4], { seed: 14 }).abs().add(0.5);
const weights = randn([3, 4], { seed: 15 }); // makes each loss depend on every element differently

/** Losses of x ([3, 4], in (0.5, 2)), one or a few ops each, covering every op family. */
const cases: [string, (x: Tensor) => Tensor][] = [
  ['neg', (x) => x.neg()],
  ['exp', (x) => x.exp()],
  ['erf', (x) => x.sub(1.2).erf()],
  ['log', (x) => x.log()],
  ['log1p', (x) => x.log1p()],
  ['sqrt', (x) => x.sqrt()],
  ['abs', (x) => x.sub(1.2).abs()],
  ['sign', (x) => x.sub(1.2).sign().mul(x)],
  ['sin, cos', (x) => x.sin().add(x.cos())],
  ['tanh', (x) => x.tanh()],
  ['sigmoid', (x) => x.sigmoid()],
  ['relu', (x) => x.sub(1.2).relu()],
  ['square', (x) => x.square()],
  ['reciprocal', (x) => x.reciprocal()],
  ['clamp', (x) => x.clamp(0.8, 1.5)],
  ['astype', (x) => x.astype('float32').exp().astype('float64')],
  ['add, sub, mul, div (broadcast)', (x) => x.add(row).mul(x.sub(row)).div(row)],
  ['maximum, minimum', (x) => x.maximum(row).add(x.minimum(1.1))],
  ['pow (number)', (x) => x.pow(3)],
  ['pow (tensor)', (x) => x.pow(row)],
  [
    'where, comparisons (gt, ge, lt, le, eq, ne)',
    (x) =>
      where(x.gt(1.2), x.square(), x.mul(x.le(0.9)))
        .add(x.ge(1).add(x.lt(1.5)))
        .mul(x.eq(1).add(x.ne(1.1))),
  ],
  // a mask and an operand smaller than the output: broadcast into arrays refilled on every call
  ['where (broadcast)', (x) => where(x.sum(1, true).gt(x.sum().div(3)), x, row)],
  ['matmul', (x) => matmul(x, W)],
  ['matmul (vector)', (x) => matmul(x, v)],
  ['matmul (batched)', (x) => matmul(x.reshape([3, 1, 4]), x.reshape([3, 4, 1]))],
  ['matmul (transposed)', (x) => matmul(x.transpose(), x)],
  ['linear', (x) => linear(x, W, b)],
  ['linear (one row)', (x) => linear(x.slice([1], [2]), W, b)],
  ['linear (no bias, 3-D input)', (x) => linear(x.reshape([3, 1, 4]), W)],
  ['sum, mean over axes', (x) => x.sum(0, true).mul(x.mean(1, true))],
  ['max, min', (x) => x.max(1).add(x.min(0).sum())],
  ['logsumexp', (x) => logsumexp(x, 0)],
  ['softmax, logSoftmax', (x) => x.softmax(1).add(x.logSoftmax(0))],
  ['reshape, transpose', (x) => x.reshape([2, 6]).transpose().reshape([3, 4]).mul(x)],
  ['broadcastTo, squeeze, unsqueeze', (x) => x.unsqueeze(0).broadcastTo([2, 3, 4]).sum(0)],
  [
    'slice, pad',
    (x) =>
      x
        .slice([1, 1], [3, 3])
        .pad([
          [1, 0],
          [0, 2],
        ])
        .exp(),
  ],
  [
    'concat, stack',
    (x) =>
      concat([x, x.square()], 1)
        .sum(1)
        .add(stack([x, x], 0).sum([0, 2])),
  ],
  ['gather, scatterAdd', (x) => x.gather([2, 0, 2], 0).scatterAdd([1, 1, 0], 3, 0).mul(x)],
  ['clone', (x) => x.clone().mul(x)],
  ['sumTo', (x) => x.square().sumTo([1, 4]).mul(x)],
];

describe('compile: every later call gives the bits of an eager call', () => {
  it('has a case for every public op', () => {
    expect(
      opsMissingFrom(cases.map(([name]) => name)),
      'public ops without a compile case: add one to the cases list above (its label names the op)',
    ).toEqual([]);
  });

  for (const [name, f] of cases) {
    it(`${name}: values and gradients`, () => {
      const loss = (x: Tensor) =>
        f(x)
          .mul(f(x).size === 12 ? weights : 1)
          .sum();
      const eager = valueAndGrad(loss);
      const compiled = compile(eager);
      for (let call = 0; call < 4; call++) {
        const x = input(100 + call, [3, 4]);
        const [y, g] = compiled(x);
        const [ey, eg] = eager(x);
        expect(values(y), `call ${call}`).toEqual(values(ey));
        expect(values(g), `call ${call}`).toEqual(values(eg));
      }
    });
  }

  it('second derivatives (hvp) inside a compiled function', () => {
    const f = (x: Tensor) => x.sigmoid().mul(x.square()).sum();
    const compiled = compile((x: Tensor, d: Tensor) => hvp(f, x, d));
    for (let call = 0; call < 3; call++) {
      const [x, d] = [input(200 + call, [6]), input(300 + call, [6])];
      expect(values(compiled(x, d) as Tensor)).toEqual(values(hvp(f, x, d) as Tensor));
    }
  });

  it('gather with indices passed as an argument reads each call’s indices', () => {
    const f = (x: Tensor, idx: Tensor) =>
      valueAndGrad((z: Tensor) => z.gather(idx, 1).exp().sum())(x);
    const compiled = compile(f);
    const x = input(1, [3, 4]);
    for (const idx of [
      [0, 3],
      [2, 2],
      [1, 0],
    ]) {
      const t = tensor(idx);
      const [y, g] = compiled(x, t);
      const [ey, eg] = f(x, t);
      expect(values(y)).toEqual(values(ey));
      expect(values(g)).toEqual(values(eg));
    }
  });

  it('an index out of range on a later call throws from the op, naming it', () => {
    const compiled = compile((x: Tensor, idx: Tensor) => x.gather(idx, 0));
    compiled(input(1, [3, 4]), tensor([0, 2]));
    expect(() => compiled(input(1, [3, 4]), tensor([0, 3]))).toThrow(/gather: index 3/);
  });

  it('random numbers are drawn again on every call, as eagerly', () => {
    const f = (x: Tensor) => x.mul(rand([3, 4])).add(randn([4], { seed: 5 }));
    const compiled = compile(f);
    const x = input(1, [3, 4]);
    manualSeed(42);
    const got = [0, 1, 2].map(() => values(compiled(x)));
    manualSeed(42);
    const want = [0, 1, 2].map(() => values(f(x)));
    expect(got).toEqual(want);
    expect(got[1]).not.toEqual(got[0]);
  });

  it('follows a kernel backend change between calls (WebAssembly and JavaScript)', () => {
    const f = (x: Tensor) => valueAndGrad((z: Tensor) => linear(z, W, b).sigmoid().sum())(x);
    const compiled = compile(f);
    const x = input(3, [64, 4], 'float32');
    const W32 = W.astype('float32');
    const g = compile((z: Tensor) => linear(z, W32).exp());
    for (const backend of ['wasm', 'js', 'auto'] as const) {
      setKernelBackend(backend);
      const [y] = compiled(x.astype('float64'));
      expect(values(y)).toEqual(values(f(x.astype('float64'))[0]));
      expect(values(g(x))).toEqual(values(linear(x, W32).exp()));
    }
  });
});

/** The lecture's network in miniature, trained by SGD with backward() inside compile. */
function trainer(sizes: readonly number[], dtype: DType, batch: number, compiled: boolean) {
  const params: Tensor[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [n, m] = [sizes[l] as number, sizes[l + 1] as number];
    params.push(
      randn([n, m], { seed: 10 + l, dtype })
        .mul(0.5)
        .detach(),
    );
    params.push(
      randn([m], { seed: 20 + l, dtype })
        .mul(0.1)
        .detach(),
    );
  }
  for (const p of params) p.requiresGrad = true;
  const loss = (x: Tensor, y: Tensor) => {
    let h = x;
    for (let l = 0; 2 * l < params.length; l++) {
      h = linear(h, params[2 * l] as Tensor, params[2 * l + 1] as Tensor);
      if (2 * l + 2 < params.length) h = l % 2 === 0 ? sigmoid(h) : relu(h);
    }
    const e = mean(square(sub(h, y))).mul(0.5);
    e.backward();
    return e;
  };
  const step = compiled ? compile(loss) : loss;
  const d = sizes[0] as number;
  const losses: number[] = [];
  for (let k = 0; k < 30; k++) {
    const x = randn([batch, d], { seed: 1000 + (k % 7), dtype });
    const y = randn([batch, 1], { seed: 2000 + (k % 7), dtype });
    losses.push(step(x, y).item());
    for (const p of params) {
      const g = (p.grad as Tensor).data;
      for (let i = 0; i < p.size; i++) p.data[i] = (p.data[i] as number) - 0.1 * (g[i] as number);
      p.grad = null;
    }
  }
  return { losses, params: params.map(values) };
}

describe('compile: training with backward() inside', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [name, sizes, batch] of [
      ['2→16→16→1, batch 1', [2, 16, 16, 1], 1],
      ['16→64→64→1, batch 64 (WebAssembly kernels)', [16, 64, 64, 1], 64],
    ] as const) {
      it(`${name}, ${dtype}: the same losses and weights, bit for bit, as eager training`, () => {
        const eager = trainer(sizes, dtype, batch, false);
        const compiled = trainer(sizes, dtype, batch, true);
        expect(compiled.losses).toEqual(eager.losses);
        expect(compiled.params).toEqual(eager.params);
        const cycle = (from: number) => eager.losses.slice(from, from + 7).reduce((a, b) => a + b);
        expect(cycle(23)).toBeLessThan(cycle(0)); // it trained (the data repeat every 7 steps)
      });
    }
  }
});

describe('compile: arguments, results and .grad', () => {
  it('results are new tensors with no graph, not changed by later calls', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const compiled = compile((x: Tensor) => ({ y: x.mul(w), list: [x.sum()] }));
    const first = compiled(tensor([3, 4])) as { y: Tensor; list: Tensor[] };
    const second = compiled(tensor([5, 6])) as { y: Tensor; list: Tensor[] };
    expect(values(first.y)).toEqual([3, 8]);
    expect(values(second.y)).toEqual([5, 12]);
    expect(values(first.list[0] as Tensor)).toEqual([7]);
    expect(first.y.isLeaf && !first.y.requiresGrad).toBe(true);
  });

  it('does not change the caller’s tensors', () => {
    const compiled = compile((x: Tensor) => x.exp());
    const x = tensor([1, 2]);
    compiled(x);
    compiled(tensor([0, 0]));
    expect(values(x)).toEqual([1, 2]);
  });

  it('backward() gives gradients to a tensor argument that requires grad (the caller’s, not a copy)', () => {
    const compiled = compile((x: Tensor) => {
      const y = x.square().sum();
      y.backward();
      return y;
    });
    for (const [a, c] of [
      [1, 2],
      [3, -1],
    ]) {
      const x = tensor([a as number, c as number], { requiresGrad: true });
      compiled(x);
      expect(gradValues(x)).toEqual([2 * (a as number), 2 * (c as number)]);
    }
  });

  it('adds to a .grad that is not null, as backward() does', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const compiled = compile((x: Tensor) => {
      x.mul(w).sum().backward();
      return w;
    });
    compiled(tensor([3, 4]));
    compiled(tensor([5, 6])); // no zeroing in between: 3 + 5, 4 + 6
    expect(gradValues(w)).toEqual([8, 10]);
    w.grad = null;
    compiled(tensor([1, 1]));
    expect(gradValues(w)).toEqual([1, 1]);
  });

  it('a gradient the replay does not recompute (the seed itself) is given as a copy', () => {
    const w = tensor([2], { requiresGrad: true });
    const compiled = compile(() => {
      w.backward(); // ∂w/∂w = the seed, a constant of the trace
      return w;
    });
    compiled();
    (w.grad as Tensor).data[0] = 99; // an optimiser may scale .grad in place
    w.grad = null;
    compiled();
    expect(gradValues(w)).toEqual([1]);
  });

  it('traces again when a shape, dtype, requiresGrad or other argument changes', () => {
    let traces = 0;
    const compiled = compile((x: Tensor, k: number) => {
      traces++;
      return x.mul(k);
    });
    compiled(tensor([1, 2]), 2);
    compiled(tensor([3, 4]), 2);
    expect(traces).toBe(1);
    expect(values(compiled(tensor([1, 2, 3]), 2))).toEqual([2, 4, 6]);
    expect(values(compiled(tensor([1, 2], { dtype: 'float32' }), 2))).toEqual([2, 4]);
    expect(values(compiled(tensor([1, 2]), 3))).toEqual([3, 6]);
    compiled(tensor([1, 2], { requiresGrad: true }), 2);
    expect(traces).toBe(5);
    compiled(tensor([5, 6]), 2); // the first trace is still kept
    expect(traces).toBe(5);
  });

  it('traces again when a closed-over tensor starts or stops requiring grad', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const u = tensor([3, 4], { requiresGrad: true });
    const compiled = compile((x: Tensor) => {
      x.mul(w).add(u).sum().backward();
      return x;
    });
    compiled(tensor([1, 1]));
    expect(u.grad).not.toBe(null);
    u.grad = null;
    w.grad = null;
    u.requiresGrad = false; // frozen: no gradient any more
    compiled(tensor([2, 2]));
    expect(u.grad).toBe(null);
    expect(gradValues(w)).toEqual([2, 2]);
  });

  it('keeps at most maxTraces traces', () => {
    let traces = 0;
    const compiled = compile(
      (x: Tensor) => {
        traces++;
        return x.neg();
      },
      { maxTraces: 2 },
    );
    for (const n of [1, 2, 3, 1]) compiled(tensor(new Float64Array(n)));
    expect(traces).toBe(4); // [1] was dropped when [3] came
  });

  it('runs eagerly inside another compiled function, and in anomaly mode', () => {
    let inner = 0;
    const square2 = compile((x: Tensor) => {
      inner++;
      return x.square();
    });
    const outer = compile((x: Tensor) => square2(x).add(1));
    expect(values(outer(tensor([2])))).toEqual([5]);
    expect(values(outer(tensor([3])))).toEqual([10]);
    expect(inner).toBe(1); // traced once, as part of outer's trace
    const f = compile((x: Tensor) => x.log());
    f(tensor([1]));
    expect(() => detectAnomaly(() => f(tensor([-1])))).toThrow(/log produced NaN/);
  });
});

describe('compile: what the replay could not see is refused', () => {
  it('item() and toArray() inside a compiled function', () => {
    const compiled = compile((x: Tensor) => (x.sum().item() > 0 ? x : x.neg()));
    expect(() => compiled(tensor([1]))).toThrow(ValueError);
    expect(() => compiled(tensor([1]))).toThrow(/item\(\) inside a compiled function/);
    expect(() => compile((x: Tensor) => tensor(x.toArray() as number[]))(tensor([1]))).toThrow(
      /toArray\(\) inside a compiled function/,
    );
  });

  it('a custom op whose forward computes outside the ops; one that uses ops works', () => {
    const raw = defineOp({
      name: 'rawDouble',
      forward: (x) => {
        const y = x.zerosLike();
        for (let i = 0; i < x.size; i++) y.data[i] = 2 * (x.data[i] as number);
        return y;
      },
      vjp: (g) => g.mul(2),
    });
    expect(() => compile((x: Tensor) => raw(x))(tensor([1]))).toThrow(
      /rawDouble: inside a compiled function/,
    );
    const cube = defineOp({
      name: 'cube',
      forward: (x) => x.mul(x).mul(x),
      vjp: (g, [x]) => g.mul((x as Tensor).square().mul(3)),
    });
    const compiled = compile((x: Tensor) => grad((z: Tensor) => cube(z).sum())(x));
    compiled(tensor([1, 2]));
    expect(values(compiled(tensor([3, 4])) as Tensor)).toEqual([27, 48]);
  });

  it('arguments other than tensors, arrays and plain values; results that are not tensors', () => {
    const compiled = compile((x: unknown) => x as Tensor);
    expect(() => compiled({ a: 1 })).toThrow(
      /compile: argument 0 is an object; a compiled function takes tensors/,
    );
    expect(() => compile(() => () => 1)()).toThrow(/compile: the result is a function/);
    expect(() => compile(1 as never)).toThrow(/compile: expected a function, got 1/);
    const w = tensor([1, 2], { requiresGrad: true });
    const twice = compile((x: Tensor) => x.mul(2));
    expect(() => twice(w.exp())).toThrow(
      /compile: argument 0 was computed by exp and requires grad; .* pass it detached/,
    );
    twice(w.exp().detach());
    expect(() => twice(w.exp())).toThrow(/argument 0 was computed by exp/); // after a trace too
    expect(() => compile(() => 1, { maxTraces: 0 })).toThrow(
      /maxTraces must be a positive integer/,
    );
  });

  it('backward() with createGraph', () => {
    const w = tensor([1], { requiresGrad: true });
    const compiled = compile(() => {
      backward(w.square().sum(), undefined, { createGraph: true });
      return w;
    });
    expect(() => compiled()).toThrow(GradError);
  });
});

describe('isCompiling', () => {
  it('is true only while compile traces, for code that must not run inside', () => {
    const seen: boolean[] = [];
    const compiled = compile((x: Tensor) => {
      seen.push(isCompiling());
      return x.neg();
    });
    compiled(tensor([1]));
    compiled(tensor([2])); // a replay: the function does not run
    expect(seen).toEqual([true]);
    expect(isCompiling()).toBe(false);
    expect(() =>
      compile(() => {
        throw new Error('boom');
      })(),
    ).toThrow('boom');
    expect(isCompiling()).toBe(false); // and after a trace that failed
  });
});

describe('compile: the cases in the docs', () => {
  it('an array of tensors as one argument', () => {
    const f = (xs: Tensor[]) => sum(stack(xs, 0).square());
    const compiled = compile(f);
    compiled([tensor([1]), tensor([2])]);
    expect(values(compiled([tensor([3]), tensor([4])]))).toEqual([25]);
  });
});

describe('compile: each argument gets a gradient of its own', () => {
  it('gives a, b and c their own .grad, as eager calls do (2, 4 and 6, three tensors)', () => {
    const f = compile((x: Tensor) => {
      const l = x.square().sum();
      l.backward();
      return l;
    });
    const [a, b, c] = [1, 2, 3].map((v) => tensor([v], { requiresGrad: true })) as [
      Tensor,
      Tensor,
      Tensor,
    ];
    f(a);
    f(b);
    f(c);
    expect([a, b, c].map((t) => t.grad?.item())).toEqual([2, 4, 6]); // d(x²)/dx = 2x
    expect(new Set([a.grad, b.grad, c.grad]).size).toBe(3);
  });
});

describe('compile: closed-over gather indices that change their number', () => {
  it('refuses, naming gather, where it gave a wrong shape or a raw RangeError', () => {
    const x = randn([5, 3], { seed: 1 });
    const picks = [0, 1, 2, 3, 4];
    const f = compile((t: Tensor) => t.gather(picks, 1 - 1).sum(1));
    expect((f(x) as Tensor).shape).toEqual([5]);
    picks.length = 0; // fewer
    expect(() => f(x)).toThrow(
      /^gather: 0 indices where the compiled function was traced with 5; .*pass them as an argument/,
    );
    picks.push(0, 1, 2, 3, 4, 0, 1); // more
    expect(() => f(x)).toThrow(/^gather: 7 indices where the compiled function was traced with 5/);
    picks.length = 5; // the same number again: new values are read, as before
    picks[0] = 4;
    expect(Array.from((f(x) as Tensor).data)).toEqual(Array.from(x.gather(picks).sum(1).data));
  });
});
