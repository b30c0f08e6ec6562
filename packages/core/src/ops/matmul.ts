// Matrix multiplication: 2-D × 2-D, vectors, and batched leading axes that broadcast.
import { ShapeError } from '../errors.js';
import * as kernel from '../kernels/matmul.js';
import { bind, type Primitive } from '../primitive.js';
import { broadcastShapes, formatShape, type Shape, sizeOf } from '../shape-math.js';
import { type Tensor, type TensorLike, toTensor } from '../tensor.js';
import { lift, spread, total } from './batching.js';
import { operandPair, operands } from './operands.js';
import { sumTo } from './shape.js';
import { copy } from './unary.js';

/**
 * The matrix product, following NumPy's `matmul`: a vector as the first operand is a row, as the
 * second a column (and that axis is dropped from the result); axes before the last two are batch
 * axes and broadcast.
 */
export function matmul(left: TensorLike, right: TensorLike): Tensor {
  const [a, b] = operandPair('matmul', left, right);
  if (a.ndim === 2 && b.ndim === 2) {
    // the common case first, without the batch machinery
    if (a.shape[1] !== b.shape[0]) throw misfit(a, b);
    return product(a, b, false, false);
  }
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      `matmul: got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}; both need at least one axis (use mul for scalars)`,
    );
  }
  const a2 = a.ndim === 1 ? a.reshape([1, a.size]) : a;
  const b2 = b.ndim === 1 ? b.reshape([b.size, 1]) : b;
  if (a2.shape[a2.ndim - 1] !== b2.shape[b2.ndim - 2]) throw misfit(a, b);
  const batchA = a2.shape.slice(0, -2);
  const batchB = b2.shape.slice(0, -2);
  for (let i = 1; i <= Math.min(batchA.length, batchB.length); i++) {
    const [p, q] = [batchA[batchA.length - i], batchB[batchB.length - i]];
    if (p !== q && p !== 1 && q !== 1) {
      throw new ShapeError(
        `matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} do not fit: their batch axes ` +
          `${formatShape(batchA)} and ${formatShape(batchB)} do not broadcast (sizes ${p} and ${q})`,
      );
    }
  }
  let y = product(a2, b2);
  if (a.ndim === 1) y = y.squeeze(-2);
  if (b.ndim === 1) y = y.squeeze(-1);
  return y;
}

function misfit(a: Tensor, b: Tensor): ShapeError {
  const k = a.shape[a.ndim - 1];
  const second = b.ndim === 1 ? 'length' : 'second-to-last axis';
  return new ShapeError(
    `matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} do not fit: the last axis of the first (${k}) ` +
      `must equal the ${second} of the second (${b.shape[Math.max(b.ndim - 2, 0)]})`,
  );
}

const NO_BATCH: readonly number[] = [];

/**
 * The primitive: op(A)·op(B) over the last two axes, with op(X) = X or Xᵀ, so derivative rules
 * can multiply by a transpose without materialising it.
 */
function product(a: Tensor, b: Tensor, ta = false, tb = false): Tensor {
  const plain = a.ndim === 2 && b.ndim === 2;
  const batch = plain
    ? NO_BATCH
    : broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const m = a.shape[a.ndim - (ta ? 1 : 2)];
  const n = b.shape[b.ndim - (tb ? 2 : 1)];
  const shape = plain ? [m, n] : [...batch, m, n];
  return bind(PRODUCT[ta ? (tb ? 3 : 2) : tb ? 1 : 0] as Product, [a, b], batch, shape);
}

/** The product with each operand read as it is or transposed; its parameter: the batch shape. */
type Product = Primitive<Shape, readonly [Tensor, Tensor]>;

function transposing(ta: boolean, tb: boolean): Product {
  return {
    name: 'matmul',
    kernel: (ab, out, batch) => {
      const x = ab[0];
      const z = ab[1];
      kernel.matmul(x.data, x.shape, ta, z.data, z.shape, tb, batch, out);
    },
    overwrites: true,
    // Y = op(A)·op(B), so ∂L/∂op(A) = G·op(B)ᵀ and ∂L/∂op(B) = op(A)ᵀ·G; transposing back where A
    // or B was read transposed gives the four cases below (summed over broadcast batch axes).
    vjp: (g, ab) => {
      const x = ab[0];
      const z = ab[1];
      return [
        x.requiresGrad
          ? sumTo(ta ? product(z, g, tb, true) : product(g, z, false, !tb), x.shape)
          : null,
        z.requiresGrad
          ? sumTo(tb ? product(g, x, true, ta) : product(x, g, !ta, false), z.shape)
          : null,
      ];
    },
    // d(op(A)·op(B)) = op(dA)·op(B) + op(A)·op(dB)
    jvp: ([da, db], ab) =>
      total([da && product(da, ab[1], ta, tb), db && product(ab[0], db, ta, tb)]),
    // a batch is one more batch axis, in front of the sample's own (right-aligned, as they
    // broadcast); a batch of matrices times one matrix is one product of their stacked rows
    batch: (ab, batched, _batch, { shape, size }) => {
      const [x, z] = ab;
      if (batched[0] && !batched[1] && !ta && x.ndim === 3 && z.ndim === 2) {
        const rows = product(x.reshape([-1, x.shape[2] as number]), z, false, tb);
        return rows.reshape([size, ...shape]);
      }
      return product(
        lift(x, batched[0] as boolean, shape.length),
        lift(z, batched[1] as boolean, shape.length),
        ta,
        tb,
      );
    },
  };
}

/** A·B, A·Bᵀ, Aᵀ·B and Aᵀ·Bᵀ. */
const PRODUCT = [
  transposing(false, false),
  transposing(false, true),
  transposing(true, false),
  transposing(true, true),
];

/**
 * x·W + b as one op, the layer of the lecture's eq. 1 (PyTorch's `F.linear`, with W stored
 * in × out as the slides write it): x is [..., in] (leading axes are rows), W is [in, out], b is
 * [out] or omitted. One op instead of matmul then add: one output array and one graph node.
 * Its derivative: ∂x = G·Wᵀ, ∂W = xᵀ·G, ∂b = G summed over the rows.
 */
export function linear(input: TensorLike, weight: TensorLike, bias?: TensorLike | null): Tensor {
  const [x, w] = operandPair('linear', input, weight);
  const b = bias === undefined || bias === null ? undefined : toTensor(bias, x);
  const inputs = x.ndim === 0 ? 0 : x.shape[x.ndim - 1];
  if (w.ndim !== 2 || x.ndim === 0 || w.shape[0] !== inputs) {
    throw new ShapeError(
      `linear: input of shape ${formatShape(x.shape)} and weight of shape ${formatShape(w.shape)} do not fit: ` +
        'the weight must be [in, out] with in = the last axis of the input',
    );
  }
  const outputs = w.shape[1];
  if (b !== undefined) {
    if (b.dtype !== x.dtype) operands('linear', x, w, b); // throws, naming the dtypes
    if (b.ndim !== 1 || b.shape[0] !== outputs) {
      throw new ShapeError(
        `linear: bias of shape ${formatShape(b.shape)} does not fit a weight of shape ${formatShape(w.shape)}; expected [${outputs}]`,
      );
    }
  }
  const matrix = x.ndim === 2; // else the leading axes are rows of one matrix
  const rows = matrix ? x.shape[0] : sizeOf(x.shape.slice(0, -1));
  const shape = matrix ? [rows, outputs] : [...x.shape.slice(0, -1), outputs];
  const rowsShape = matrix ? x.shape : [rows, inputs];
  return bind(LINEAR, b === undefined ? [x, w] : [x, w, b], { matrix, rowsShape }, shape);
}

/** linear's parameters: whether x is a matrix, and x seen as one ([rows, in]). */
interface Rows {
  matrix: boolean;
  rowsShape: Shape;
}

const LINEAR: Primitive<Rows, readonly [Tensor, Tensor, ...Tensor[]]> = {
  name: 'linear',
  kernel: (xwb, out, { rowsShape }) => {
    const w = xwb[1];
    const bias = xwb[2]?.data ?? null; // [x, w] or [x, w, b]
    kernel.matmul(xwb[0].data, rowsShape, false, w.data, w.shape, false, NO_BATCH, out, bias);
  },
  overwrites: true,
  vjp: (g, xwb, _y, { matrix, rowsShape }) => {
    const x = xwb[0];
    const w = xwb[1];
    const b: Tensor | undefined = xwb[2];
    const rows = rowsShape[0];
    const g2 = matrix ? g : g.reshape([rows, w.shape[1]]);
    const dx = !x.requiresGrad
      ? null
      : matrix
        ? product(g2, w, false, true)
        : product(g2, w, false, true).reshape(x.shape);
    const dw = w.requiresGrad ? product(matrix ? x : x.reshape(rowsShape), g2, true, false) : null;
    if (b === undefined) return [dx, dw];
    // one row (one sample): the bias's gradient is that row itself, copied (not a view of g, so
    // backward() can give it to b.grad as it is)
    return [dx, dw, b.requiresGrad ? (rows === 1 ? copy(g2, b.shape) : g2.sum(0)) : null];
  },
  // d(x·W + b) = dx·W + x·dW + db
  jvp: ([dx, dw, db], xwb, y) => {
    const parts = [dx && linear(dx, xwb[1]), dw && linear(xwb[0], dw, db)];
    return total([...parts, !dw && db ? db.broadcastTo(y.shape) : null]);
  },
  batch: (xwb, batched, _rows, { shape, size }) => {
    const [x, w, b] = xwb;
    // the usual case, weights shared by every sample: the samples are rows of one product
    if (!batched[1] && !batched[2]) return linear(x, w, b);
    // weights that differ per sample: one product per sample
    const rows = spread(x, batched[0] as boolean, size).reshape([
      size,
      -1,
      w.shape[w.ndim - 2] as number,
    ]);
    const y = rows.matmul(w);
    const withBias = b === undefined ? y : y.add(batched[2] ? b.unsqueeze(1) : b);
    return withBias.reshape([size, ...shape]);
  },
};
