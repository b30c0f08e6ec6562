// Property-based tests of broadcasting in the binary ops and where: on random compatible shapes,
// values equal a naive loop, and gradients equal central differences and naive sums over the
// broadcast axes; incompatible shapes throw a ShapeError naming the op and the shapes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkGradients, expectAllClose } from '../../test/helpers.js';
import {
  add,
  div,
  maximum,
  mul,
  randn,
  ShapeError,
  sub,
  type Tensor,
  tensor,
  where,
  zeros,
} from '../index.js';

type Shape = number[];
const runs = { numRuns: 40 };

// ---------------------------------------------------------------- shapes

/** A shape of rank 0–4 with sizes 1–3. */
const fullShape = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 4 });

/** A shape that broadcasts to `full`: some axes set to 1, then some leading axes dropped. */
function shapeWithin(full: Shape): fc.Arbitrary<Shape> {
  return fc
    .tuple(
      fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
      fc.integer({ min: 0, max: full.length }),
    )
    .map(([ones, dropped]) => full.map((d, i) => (ones[i] ? 1 : d)).slice(dropped));
}

/** `count` shapes that broadcast together, each with a seed for its values. */
function compatible(count: number): fc.Arbitrary<{ shapes: Shape[]; seed: number }> {
  return fullShape.chain((full) =>
    fc.record({
      shapes: fc.tuple(...Array.from({ length: count }, () => shapeWithin(full))),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    }),
  );
}

/**
 * Two shapes that do not broadcast: from a common shape, axis k is made 2 in one and 3 in the
 * other; other axes may become 1, and leading axes may be dropped, never past k.
 */
const incompatible: fc.Arbitrary<[Shape, Shape]> = fullShape
  .filter((full) => full.length > 0)
  .chain((full) => {
    const n = full.length;
    const ones = fc.array(fc.boolean(), { minLength: n, maxLength: n });
    return fc.integer({ min: 0, max: n - 1 }).chain((k) =>
      fc
        .tuple(
          fc.boolean(),
          ones,
          ones,
          fc.integer({ min: 0, max: k }),
          fc.integer({ min: 0, max: k }),
        )
        .map(([flip, onesA, onesB, dropA, dropB]): [Shape, Shape] => {
          const make = (one: boolean[], size: number, dropped: number) =>
            full.map((d, i) => (i === k ? size : one[i] ? 1 : d)).slice(dropped);
          const [x, y] = flip ? [3, 2] : [2, 3];
          return [make(onesA, x, dropA), make(onesB, y, dropB)];
        }),
    );
  });

/** NumPy's rule, by hand: align on the right, pad with 1s, take the size that is not 1. */
function naiveBroadcastShape(shapes: Shape[]): Shape {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) =>
    Math.max(1, ...shapes.map((s) => s[s.length - rank + i] ?? 1)),
  );
}

/**
 * The flat index into an input of `shape` that output position `index` reads: size-1 and
 * missing axes read element 0.
 */
function sourceIndex(index: number[], shape: Shape): number {
  const lead = index.length - shape.length;
  let flat = 0;
  shape.forEach((d, k) => {
    flat = flat * d + (d === 1 ? 0 : (index[lead + k] as number));
  });
  return flat;
}

/** Every multi-index of `shape`, row-major. */
function indices(shape: Shape): number[][] {
  return shape.reduce<number[][]>(
    (acc, d) => acc.flatMap((prefix) => Array.from({ length: d }, (_, i) => [...prefix, i])),
    [[]],
  );
}

/** `shape` as the errors write it: [2, 3]. */
const show = (shape: Shape) => `[${shape.join(', ')}]`;
const literally = (s: string) => s.replace(/[[\]()]/g, '\\$&');

// ---------------------------------------------------------------- values

function values(shape: Shape, seed: number, domain: (v: number) => number): Tensor {
  return tensor(randn(shape, { seed }).data.map(domain), { shape });
}

interface BroadcastCase {
  name: string;
  fn: (a: Tensor, b: Tensor) => Tensor;
  f: (x: number, y: number) => number;
  /** Closed-form partials, for the naive vector–Jacobian product. */
  da: (x: number, y: number) => number;
  db: (x: number, y: number) => number;
  domainA: (v: number) => number;
  domainB: (v: number) => number;
}

const identity = (v: number) => v;
// maximum: a on odd multiples of ⅛, b on multiples of ¼, so no two are within ⅛ of each other:
// no ties, no kink for the central differences to straddle
const oddEighths = (v: number) => Math.round(4 * v) / 4 + 1 / 8;
const quarters = (v: number) => Math.round(4 * v) / 4;

const cases: BroadcastCase[] = [
  {
    name: 'add',
    fn: add,
    f: (x, y) => x + y,
    da: () => 1,
    db: () => 1,
    domainA: identity,
    domainB: identity,
  },
  {
    name: 'sub',
    fn: sub,
    f: (x, y) => x - y,
    da: () => 1,
    db: () => -1,
    domainA: identity,
    domainB: identity,
  },
  {
    name: 'mul',
    fn: mul,
    f: (x, y) => x * y,
    da: (_x, y) => y,
    db: (x) => x,
    domainA: identity,
    domainB: identity,
  },
  {
    name: 'div',
    fn: div,
    f: (x, y) => x / y,
    da: (_x, y) => 1 / y, // ∂(a/b)/∂a = 1/b
    db: (x, y) => -x / y ** 2, // ∂(a/b)/∂b = −a/b²
    domainA: identity,
    domainB: (v) => Math.sign(v) * (Math.abs(v) + 0.5), // |b| ≥ ½
  },
  {
    name: 'maximum',
    fn: maximum,
    f: Math.max,
    da: (x, y) => (x > y ? 1 : 0),
    db: (x, y) => (y > x ? 1 : 0),
    domainA: oddEighths,
    domainB: quarters,
  },
];

/**
 * The naive forward value and vector–Jacobian product of an elementwise `f` of broadcast inputs:
 * out[i] = f(x₀[src₀(i)], x₁[src₁(i)], …), and grads[k][j] = Σ r[i]·∂ₖf(…) over the outputs i
 * that read element j of input k.
 */
function naive(
  inputs: Tensor[],
  f: (...v: number[]) => number,
  partials: ((...v: number[]) => number)[] = [],
  r?: Tensor,
): { out: number[]; shape: Shape; grads: number[][] } {
  const shape = naiveBroadcastShape(inputs.map((t) => [...t.shape]));
  const grads = inputs.map((t) => new Array<number>(t.size).fill(0));
  const out = indices(shape).map((index, i) => {
    const at = inputs.map((t) => sourceIndex(index, [...t.shape]));
    const v = inputs.map((t, k) => t.data[at[k] as number] as number);
    partials.forEach((d, k) => {
      const g = grads[k] as number[];
      g[at[k] as number] = (g[at[k] as number] as number) + (r?.data[i] ?? 0) * d(...v);
    });
    return f(...v);
  });
  return { out, shape, grads };
}

/** Σ y·r backpropagated: each input's gradient, as computed by the engine. */
function backwardWith(inputs: Tensor[], fn: (...xs: Tensor[]) => Tensor, r: Tensor): Tensor[] {
  const leaves = inputs.map((x) => tensor(x, { requiresGrad: true }));
  fn(...leaves)
    .mul(r)
    .sum()
    .backward();
  return leaves.map((x) => x.grad as Tensor);
}

// ---------------------------------------------------------------- properties

describe.each(cases)('$name on random broadcast shapes', (c) => {
  it(`computes ${c.name} as a naive loop over the broadcast shape does`, () => {
    fc.assert(
      fc.property(compatible(2), ({ shapes: [sa, sb], seed }) => {
        const a = values(sa as Shape, seed, c.domainA);
        const b = values(sb as Shape, seed + 1, c.domainB);
        const expected = naive([a, b], c.f);
        expectAllClose(c.fn(a, b), tensor(expected.out, { shape: expected.shape }), {
          atol: 0,
          rtol: 0,
        });
      }),
      runs,
    );
  });

  it(`computes the gradient of ${c.name}: summed over broadcast axes, as central differences say`, () => {
    fc.assert(
      fc.property(compatible(2), ({ shapes: [sa, sb], seed }) => {
        const a = values(sa as Shape, seed, c.domainA);
        const b = values(sb as Shape, seed + 1, c.domainB);
        const r = randn(naiveBroadcastShape([sa as Shape, sb as Shape]), { seed: seed + 2 });
        const expected = naive([a, b], c.f, [c.da, c.db], r);
        const [ga, gb] = backwardWith([a, b], c.fn, r) as [Tensor, Tensor];
        expectAllClose(ga, tensor(expected.grads[0] as number[], { shape: sa as Shape }), {
          rtol: 1e-12,
        });
        expectAllClose(gb, tensor(expected.grads[1] as number[], { shape: sb as Shape }), {
          rtol: 1e-12,
        });
        checkGradients(c.fn, [a, b], { seed }); // also asserts each gradient has its input's shape
      }),
      runs,
    );
  });

  it(`names ${c.name} and both shapes when they do not broadcast`, () => {
    fc.assert(
      fc.property(incompatible, ([sa, sb]) => {
        const call = () => c.fn(zeros(sa), zeros(sb));
        expect(call).toThrow(ShapeError);
        expect(call).toThrow(
          new RegExp(
            `^${c.name}: shapes ${literally(show(sa))} and ${literally(show(sb))} cannot be broadcast`,
          ),
        );
      }),
      runs,
    );
  });
});

describe('where on random broadcast shapes', () => {
  const pick = (m: number, x: number, y: number) => (m !== 0 ? x : y);

  it('computes where(mask, a, b) as a naive loop over the broadcast shape does', () => {
    fc.assert(
      fc.property(compatible(3), ({ shapes: [sm, sa, sb], seed }) => {
        const mask = values(sm as Shape, seed, (v) => (v > 0 ? 1 : 0));
        const a = values(sa as Shape, seed + 1, identity);
        const b = values(sb as Shape, seed + 2, identity);
        const expected = naive([mask, a, b], pick);
        expectAllClose(where(mask, a, b), tensor(expected.out, { shape: expected.shape }), {
          atol: 0,
          rtol: 0,
        });
      }),
      runs,
    );
  });

  it('computes the gradient of where: summed over broadcast axes, as central differences say', () => {
    fc.assert(
      fc.property(compatible(3), ({ shapes: [sm, sa, sb], seed }) => {
        const mask = values(sm as Shape, seed, (v) => (v > 0 ? 1 : 0));
        const a = values(sa as Shape, seed + 1, identity);
        const b = values(sb as Shape, seed + 2, identity);
        const r = randn(naiveBroadcastShape([sm, sa, sb] as Shape[]), { seed: seed + 3 });
        const expected = naive(
          [mask, a, b],
          pick,
          [() => 0, (m) => (m !== 0 ? 1 : 0), (m) => (m !== 0 ? 0 : 1)],
          r,
        );
        const f = (a: Tensor, b: Tensor) => where(mask, a, b);
        const [ga, gb] = backwardWith([a, b], f, r) as [Tensor, Tensor];
        expectAllClose(ga, tensor(expected.grads[1] as number[], { shape: sa as Shape }), {
          rtol: 1e-12,
        });
        expectAllClose(gb, tensor(expected.grads[2] as number[], { shape: sb as Shape }), {
          rtol: 1e-12,
        });
        checkGradients(f, [a, b], { seed });
      }),
      runs,
    );
  });

  it('names where and all three shapes when they do not broadcast', () => {
    fc.assert(
      fc.property(incompatible, fc.boolean(), ([sa, sb], maskFirst) => {
        const [sm, sx, sz] = maskFirst ? [sa, sb, [] as Shape] : [[] as Shape, sa, sb];
        const call = () => where(zeros(sm), zeros(sx), zeros(sz));
        expect(call).toThrow(ShapeError);
        expect(call).toThrow(
          new RegExp(
            `^where: shapes ${[sm, sx, sz].map((s) => literally(show(s))).join(' and ')} cannot be broadcast`,
          ),
        );
      }),
      runs,
    );
  });
});
