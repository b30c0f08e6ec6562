// Elementwise ops of two tensors with NumPy broadcasting, each with its two partial derivatives.
import { allocate } from '../dtype.js';
import { record } from '../engine.js';
import { type BinaryKernel, broadcastCopy, zipBroadcast } from '../kernels/elementwise.js';
import { broadcastPair, broadcastShapes, sizeOf } from '../shape-math.js';
import { Tensor, type TensorLike, toTensor } from '../tensor.js';
import { compute } from '../trace.js';
import { operandPair, operands } from './operands.js';
import { sumTo } from './shape.js';

type Partial = (g: Tensor, a: Tensor, b: Tensor, y: Tensor) => Tensor;

/**
 * A broadcasting binary op: `kernel` is its loop over the raw arrays (see BinaryKernel); `da` and
 * `db` give the gradient of each input at the broadcast shape. Summing it back to the input's own
 * shape happens here, once, so no derivative rule needs to know about broadcasting.
 */
function broadcasting(name: string, kernel: BinaryKernel, da: Partial, db: Partial) {
  return (left: TensorLike, right: TensorLike): Tensor => {
    const [a, b] = operandPair(name, left, right);
    const shape = broadcastPair(name, a.shape, b.shape);
    const y = new Tensor(allocate(a.dtype, sizeOf(shape)), shape);
    compute(
      y.data,
      () => zipBroadcast(a.data, a.shape, b.data, b.shape, shape, kernel, y.data),
      true,
    );
    return record(name, [a, b], y, (g) => [
      a.requiresGrad ? sumTo(da(g, a, b, y), a.shape) : null,
      b.requiresGrad ? sumTo(db(g, a, b, y), b.shape) : null,
    ]);
  };
}

// Each kernel: out[o + k] = a[i + k·di] ∘ b[j + k·dj] for k < n (see BinaryKernel).

/** a + b */
export const add = broadcasting(
  'add',
  (a, b, out, n, i, di, j, dj, o) => {
    for (const end = o + n; o < end; o++, i += di, j += dj)
      out[o] = (a[i] as number) + (b[j] as number);
  },
  (g) => g,
  (g) => g,
);

/** a − b */
export const sub = broadcasting(
  'sub',
  (a, b, out, n, i, di, j, dj, o) => {
    for (const end = o + n; o < end; o++, i += di, j += dj)
      out[o] = (a[i] as number) - (b[j] as number);
  },
  (g) => g,
  (g) => g.neg(),
);

/** a · b (elementwise) */
export const mul = broadcasting(
  'mul',
  (a, b, out, n, i, di, j, dj, o) => {
    for (const end = o + n; o < end; o++, i += di, j += dj)
      out[o] = (a[i] as number) * (b[j] as number);
  },
  (g, _a, b) => g.mul(b),
  (g, a) => g.mul(a),
);

/** a / b */
export const div = broadcasting(
  'div',
  (a, b, out, n, i, di, j, dj, o) => {
    for (const end = o + n; o < end; o++, i += di, j += dj)
      out[o] = (a[i] as number) / (b[j] as number);
  },
  (g, _a, b) => g.div(b), // ∂/∂a = 1/b
  (g, _a, b, y) => g.mul(y).div(b).neg(), // ∂/∂b = −a/b² = −y/b
);

/** The larger of a and b; where they tie, each gets half of the gradient (as in PyTorch). */
export const maximum = broadcasting(
  'maximum',
  (a, b, out, n, i, di, j, dj, o) => {
    for (const end = o + n; o < end; o++, i += di, j += dj) {
      const x = a[i] as number;
      const y = b[j] as number;
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
      const x = a[i] as number;
      const y = b[j] as number;
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
    for (const end = o + n; o < end; o++, i += di, j += dj)
      out[o] = (a[i] as number) ** (b[j] as number);
  },
  // ∂/∂a = b·a^(b−1), and exactly 0 for b = 0, even at a = 0 (where it would be 0·∞)
  (g, a, b) => g.mul(where(b.eq(0), 0, b.mul(a.pow(b.sub(1))))),
  (g, a, _b, y) => g.mul(where(a.eq(0), 0, y.mul(a.log()))), // ∂/∂b = aᵇ·ln a, taken as 0 at a = 0
);

/** aᵇ, with b a number or a tensor. */
export function pow(base: TensorLike, exponent: TensorLike): Tensor {
  if (typeof exponent !== 'number') return powTensor(base, exponent);
  const [a] = operands('pow', base) as [Tensor];
  const p = exponent;
  const y = new Tensor(allocate(a.dtype, a.size), a.shape);
  compute(
    y.data,
    () => {
      for (let i = 0; i < a.size; i++) y.data[i] = (a.data[i] as number) ** p;
    },
    true,
  );
  // d(xᵖ) = p·xᵖ⁻¹ (and exactly 0 for p = 0, even at x = 0)
  return record('pow', [a], y, (g) => [p === 0 ? g.zerosLike() : g.mul(a.pow(p - 1).mul(p))]);
}

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
  const y = new Tensor(allocate(x.dtype, n), shape);
  // an operand smaller than the output is broadcast into an array of its own, made once here
  const copies = [m, x, z].map((t) => (t.size === n ? null : allocate(t.dtype, n)));
  compute(
    y.data,
    () => {
      const [mv, xv, zv] = [m, x, z].map((t, i) => {
        const copy = copies[i];
        return copy ? broadcastCopy(t.data, t.shape, shape, copy) : t.data;
      }) as Float64Array[];
      const out = y.data as Float64Array;
      for (let i = 0; i < n; i++) out[i] = mv[i] !== 0 ? xv[i] : zv[i];
    },
    true,
  );
  return record('where', [m, x, z], y, (g) => [
    null,
    x.requiresGrad ? sumTo(where(m, g, 0), x.shape) : null,
    z.requiresGrad ? sumTo(where(m, 0, g), z.shape) : null,
  ]);
}

/** A comparison: 1 where it holds, 0 elsewhere. Not differentiable: the result needs no gradient. */
function comparison(name: string, kernel: BinaryKernel) {
  return (left: TensorLike, right: TensorLike): Tensor => {
    const [a, b] = operandPair(name, left, right);
    const shape = broadcastPair(name, a.shape, b.shape);
    const y = new Tensor(allocate(a.dtype, sizeOf(shape)), shape);
    compute(
      y.data,
      () => zipBroadcast(a.data, a.shape, b.data, b.shape, shape, kernel, y.data),
      true,
    );
    return y;
  };
}

export const gt = comparison('gt', (a, b, out, n, i, di, j, dj, o) => {
  for (const end = o + n; o < end; o++, i += di, j += dj)
    out[o] = (a[i] as number) > (b[j] as number) ? 1 : 0;
});
export const ge = comparison('ge', (a, b, out, n, i, di, j, dj, o) => {
  for (const end = o + n; o < end; o++, i += di, j += dj)
    out[o] = (a[i] as number) >= (b[j] as number) ? 1 : 0;
});
export const lt = comparison('lt', (a, b, out, n, i, di, j, dj, o) => {
  for (const end = o + n; o < end; o++, i += di, j += dj)
    out[o] = (a[i] as number) < (b[j] as number) ? 1 : 0;
});
export const le = comparison('le', (a, b, out, n, i, di, j, dj, o) => {
  for (const end = o + n; o < end; o++, i += di, j += dj)
    out[o] = (a[i] as number) <= (b[j] as number) ? 1 : 0;
});
export const eq = comparison('eq', (a, b, out, n, i, di, j, dj, o) => {
  for (const end = o + n; o < end; o++, i += di, j += dj)
    out[o] = (a[i] as number) === (b[j] as number) ? 1 : 0;
});
export const ne = comparison('ne', (a, b, out, n, i, di, j, dj, o) => {
  for (const end = o + n; o < end; o++, i += di, j += dj)
    out[o] = (a[i] as number) !== (b[j] as number) ? 1 : 0;
});
