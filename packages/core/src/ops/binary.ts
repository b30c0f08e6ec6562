// Elementwise ops of two tensors with NumPy broadcasting, each with its two partial derivatives.
import { allocate, type TypedArray } from '../dtype.js';
import { type BinaryKernel, broadcastCopy, zipBroadcast } from '../kernels/elementwise.js';
import { bind, type Primitive } from '../primitive.js';
import { broadcastPair, broadcastShapes, type Shape, sizeOf } from '../shape-math.js';
import { Tensor, type TensorLike, toTensor } from '../tensor.js';
import { lift, total } from './batching.js';
import { operandPair, operands } from './operands.js';
import { sumTo } from './shape.js';

type Partial = (g: Tensor, a: Tensor, b: Tensor, y: Tensor) => Tensor;

/**
 * A broadcasting binary op: `kernel` is its loop over the raw arrays (see BinaryKernel); `da` and
 * `db` give the gradient of each input at the broadcast shape. Summing it back to the input's own
 * shape happens here, once, so no derivative rule needs to know about broadcasting.
 */
// #region broadcasting
function broadcasting(name: string, kernel: BinaryKernel, da: Partial, db: Partial) {
  return binaryOp(
    name,
    kernel,
    (g, ab, y) => {
      const a = ab[0];
      const b = ab[1];
      return [
        a.requiresGrad ? sumTo(da(g, a, b, y), a.shape) : null,
        b.requiresGrad ? sumTo(db(g, a, b, y), b.shape) : null,
      ];
    },
    // the partials are elementwise, so a tangent goes through them as a gradient does (then
    // spreads to the output's shape: a partial of an input's own shape, like add's, stays small)
    ([ta, tb], ab, y, shape) => {
      const t = total([ta && da(ta, ab[0], ab[1], y), tb && db(tb, ab[0], ab[1], y)]);
      return t === null ? null : t.broadcastTo(shape);
    },
  );
}

/** A binary op: its parameter is the output's shape, which both inputs are broadcast to. */
type Pair = Primitive<Shape, readonly [Tensor, Tensor]>;

/** A binary op of `kernel` over its inputs broadcast to the output's shape. */
function binaryOp(name: string, kernel: BinaryKernel, vjp: Pair['vjp'], jvp: Pair['jvp']) {
  const p: Pair = {
    name,
    kernel: (ab, out, shape) => {
      const a = ab[0];
      const b = ab[1];
      zipBroadcast(a.data, a.shape, b.data, b.shape, shape, kernel, out);
    },
    overwrites: true,
    vjp,
    jvp,
    // with the batch axis first and each operand's own axes right-aligned, broadcasting does it
    batch: (ab, batched, _shape, { shape }) =>
      apply(
        lift(ab[0], batched[0] as boolean, shape.length),
        lift(ab[1], batched[1] as boolean, shape.length),
      ),
  };
  const apply = (left: TensorLike, right: TensorLike): Tensor => {
    const [a, b] = operandPair(name, left, right);
    const shape = broadcastPair(name, a.shape, b.shape);
    return bind(p, [a, b], shape, shape);
  };
  return apply;
}
// #endregion broadcasting

// Each kernel: out[o + k] = a[i + k·di] ∘ b[j + k·dj] for k < n (see BinaryKernel).

/** a + b */
export const add = broadcasting(
  'add',
  (a, b, out, n, i, di, j, dj, o) => {
    for (const end = o + n; o < end; o++, i += di, j += dj) out[o] = a[i] + b[j];
  },
  (g) => g,
  (g) => g,
);

/** a − b */
export const sub = broadcasting(
  'sub',
  (a, b, out, n, i, di, j, dj, o) => {
    for (const end = o + n; o < end; o++, i += di, j += dj) out[o] = a[i] - b[j];
  },
  (g) => g,
  (g) => g.neg(),
);

/** a · b (elementwise) */
// #region mul
export const mul = broadcasting(
  'mul',
  (a, b, out, n, i, di, j, dj, o) => {
    for (const end = o + n; o < end; o++, i += di, j += dj) out[o] = a[i] * b[j];
  },
  (g, _a, b) => g.mul(b),
  (g, a) => g.mul(a),
);
// #endregion mul

/** a / b */
export const div = broadcasting(
  'div',
  (a, b, out, n, i, di, j, dj, o) => {
    for (const end = o + n; o < end; o++, i += di, j += dj) out[o] = a[i] / b[j];
  },
  (g, _a, b) => g.div(b), // ∂/∂a = 1/b
  (g, _a, b, y) => g.mul(y).div(b).neg(), // ∂/∂b = −a/b² = −y/b
);

/** The larger of a and b; where they tie, each gets half of the gradient (as in PyTorch). */
export const maximum = broadcasting(
  'maximum',
  (a, b, out, n, i, di, j, dj, o) => {
    for (const end = o + n; o < end; o++, i += di, j += dj) {
      const x = a[i];
      const y = b[j];
      out[o] = x >= y || Number.isNaN(x) ? x : y;
    }
  },
  tieSplit('gt', 0),
  tieSplit('gt', 1),
);

/** The smaller of a and b; where they tie, each gets half of the gradient. */
export const minimum = broadcasting(
  'minimum',
  (a, b, out, n, i, di, j, dj, o) => {
    for (const end = o + n; o < end; o++, i += di, j += dj) {
      const x = a[i];
      const y = b[j];
      out[o] = x <= y || Number.isNaN(x) ? x : y;
    }
  },
  tieSplit('lt', 0),
  tieSplit('lt', 1),
);

function tieSplit(wins: 'gt' | 'lt', input: 0 | 1): Partial {
  return (g, a, b) => {
    const [self, other] = input === 0 ? [a, b] : [b, a];
    return g.mul(self[wins](other).add(self.eq(other).mul(0.5)));
  };
}

const powTensor = broadcasting(
  'pow',
  (a, b, out, n, i, di, j, dj, o) => {
    for (const end = o + n; o < end; o++, i += di, j += dj) out[o] = a[i] ** b[j];
  },
  // ∂/∂a = b·a^(b−1), and exactly 0 for b = 0, even at a = 0 (where it would be 0·∞)
  (g, a, b) => g.mul(where(b.eq(0), 0, b.mul(a.pow(b.sub(1))))),
  (g, a, _b, y) => g.mul(where(a.eq(0), 0, y.mul(a.log()))), // ∂/∂b = aᵇ·ln a, taken as 0 at a = 0
);

const POW_SCALAR: Primitive<number, readonly [Tensor]> = {
  name: 'pow',
  kernel: (xs, out, p) => {
    const x = xs[0].data;
    for (let i = 0; i < out.length; i++) out[i] = x[i] ** p;
  },
  overwrites: true,
  // d(xᵖ) = p·xᵖ⁻¹ (and exactly 0 for p = 0, even at x = 0)
  vjp: (g, xs, _y, p) => [p === 0 ? g.zerosLike() : g.mul(xs[0].pow(p - 1).mul(p))],
  jvp: ([t], xs, _y, p) => (p === 0 ? null : (t as Tensor).mul(xs[0].pow(p - 1).mul(p))),
  batch: (xs, _b, p) => bind(POW_SCALAR, xs, p, xs[0].shape),
};

/** aᵇ, with b a number or a tensor. */
export function pow(base: TensorLike, exponent: TensorLike): Tensor {
  if (typeof exponent !== 'number') return powTensor(base, exponent);
  const [a] = operands('pow', base) as [Tensor];
  return bind(POW_SCALAR, [a], exponent, a.shape);
}

/** where's output shape, and a scratch array for each operand smaller than it (else null). */
interface WhereParams {
  shape: Shape;
  copies: (TypedArray | null)[];
}

const WHERE: Primitive<WhereParams, readonly [Tensor, Tensor, Tensor]> = {
  name: 'where',
  kernel: (inputs, out, { shape, copies }) => {
    // an operand smaller than the output is broadcast into its scratch array first
    const [mv, xv, zv] = inputs.map((t, i) => {
      const copy = copies[i];
      return copy ? broadcastCopy(t.data, t.shape, shape, copy) : t.data;
    }) as Float64Array[];
    for (let i = 0; i < out.length; i++) out[i] = mv[i] !== 0 ? xv[i] : zv[i];
  },
  overwrites: true,
  vjp: (g, mxz) => {
    const m = mxz[0];
    const x = mxz[1];
    const z = mxz[2];
    return [
      null,
      x.requiresGrad ? sumTo(where(m, g, 0), x.shape) : null,
      z.requiresGrad ? sumTo(where(m, 0, g), z.shape) : null,
    ];
  },
  // the mask picks tangents as it picks values
  jvp: ([, tx, tz], mxz, _y, { shape }) =>
    tx || tz ? where(mxz[0], tx ?? 0, tz ?? 0).broadcastTo(shape) : null,
  batch: (mxz, batched, _p, { shape }) => {
    const [m, x, z] = mxz.map((t, i) => lift(t, batched[i] as boolean, shape.length));
    return where(m as Tensor, x as Tensor, z as Tensor);
  },
};

/**
 * Picks `a` where `mask` is non-zero and `b` elsewhere, all three broadcast together. The mask
 * gets no gradient, and its dtype does not matter: only whether each element is zero.
 */
export function where(mask: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const m = toTensor(mask);
  const like = [a, b].find((v): v is Tensor => v instanceof Tensor) ?? m; // numbers take its dtype
  const [x, z] = operands('where', toTensor(a, like), toTensor(b, like)) as [Tensor, Tensor];
  const shape = broadcastShapes('where', m.shape, x.shape, z.shape);
  const n = sizeOf(shape);
  const copies = [m, x, z].map((t) => (t.size === n ? null : allocate(t.dtype, n)));
  return bind(WHERE, [m, x, z], { shape, copies }, shape, x.dtype);
}

/** A comparison: 1 where it holds, 0 elsewhere. Not differentiable: the result needs no gradient. */
function comparison(name: string, kernel: BinaryKernel) {
  return binaryOp(name, kernel, null, null);
}

/**
 * a > b elementwise, broadcasting: 1 where it holds, 0 elsewhere (in a's dtype). No gradient flows
 * through it.
 */
export const gt = comparison('gt', (a, b, out, n, i, di, j, dj, o) => {
  for (const end = o + n; o < end; o++, i += di, j += dj) out[o] = a[i] > b[j] ? 1 : 0;
});
/** a ≥ b elementwise, broadcasting: 1 where it holds, 0 elsewhere. No gradient flows through it. */
export const ge = comparison('ge', (a, b, out, n, i, di, j, dj, o) => {
  for (const end = o + n; o < end; o++, i += di, j += dj) out[o] = a[i] >= b[j] ? 1 : 0;
});
/** a < b elementwise, broadcasting: 1 where it holds, 0 elsewhere. No gradient flows through it. */
export const lt = comparison('lt', (a, b, out, n, i, di, j, dj, o) => {
  for (const end = o + n; o < end; o++, i += di, j += dj) out[o] = a[i] < b[j] ? 1 : 0;
});
/** a ≤ b elementwise, broadcasting: 1 where it holds, 0 elsewhere. No gradient flows through it. */
export const le = comparison('le', (a, b, out, n, i, di, j, dj, o) => {
  for (const end = o + n; o < end; o++, i += di, j += dj) out[o] = a[i] <= b[j] ? 1 : 0;
});
/** a = b elementwise, broadcasting: 1 where it holds, 0 elsewhere. No gradient flows through it. */
export const eq = comparison('eq', (a, b, out, n, i, di, j, dj, o) => {
  for (const end = o + n; o < end; o++, i += di, j += dj) out[o] = a[i] === b[j] ? 1 : 0;
});
/** a ≠ b elementwise, broadcasting: 1 where it holds, 0 elsewhere. No gradient flows through it. */
export const ne = comparison('ne', (a, b, out, n, i, di, j, dj, o) => {
  for (const end = o + n; o < end; o++, i += di, j += dj) out[o] = a[i] !== b[j] ? 1 : 0;
});
