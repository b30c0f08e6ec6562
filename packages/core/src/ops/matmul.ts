// Matrix multiplication: 2-D × 2-D, vectors, and batched leading axes that broadcast.
import { allocate } from '../dtype.js';
import { record } from '../engine.js';
import { ShapeError } from '../errors.js';
import * as kernel from '../kernels/matmul.js';
import { broadcastShapes, formatShape, sizeOf } from '../shape-math.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { operands } from './operands.js';
import { sumTo } from './shape.js';

/**
 * The matrix product, following NumPy's `matmul`: a vector as the first operand is a row, as the
 * second a column (and that axis is dropped from the result); axes before the last two are batch
 * axes and broadcast.
 */
export function matmul(left: TensorLike, right: TensorLike): Tensor {
  const [a, b] = operands('matmul', left, right) as [Tensor, Tensor];
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      `matmul: got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}; both need at least one axis (use mul for scalars)`,
    );
  }
  const a2 = a.ndim === 1 ? a.reshape([1, a.size]) : a;
  const b2 = b.ndim === 1 ? b.reshape([b.size, 1]) : b;
  const k = a2.shape[a2.ndim - 1];
  if (k !== b2.shape[b2.ndim - 2]) {
    throw new ShapeError(
      `matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} do not fit: the last axis of the first (${k}) ` +
        `must equal the ${b.ndim === 1 ? 'length' : 'second-to-last axis'} of the second (${b2.shape[b2.ndim - 2]})`,
    );
  }
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
  let y = matmulBatched(a2, b2);
  if (a.ndim === 1) y = y.squeeze(-2);
  if (b.ndim === 1) y = y.squeeze(-1);
  return y;
}

/**
 * The primitive: op(A)·op(B) over the last two axes, with op(X) = X or Xᵀ, so derivative rules
 * can multiply by a transpose without materialising it.
 */
function matmulBatched(a: Tensor, b: Tensor, ta = false, tb = false): Tensor {
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const [m] = kernel.matrixDims(a.shape, ta);
  const [, n] = kernel.matrixDims(b.shape, tb);
  const shape = [...batch, m, n];
  const out = allocate(a.dtype, sizeOf(shape));
  const y = new Tensor(kernel.matmul(a.data, a.shape, ta, b.data, b.shape, tb, batch, out), shape);
  // Y = op(A)·op(B), so ∂L/∂op(A) = G·op(B)ᵀ and ∂L/∂op(B) = op(A)ᵀ·G; transposing back where A
  // or B was read transposed gives the four cases below (summed over broadcast batch axes).
  return record('matmul', [a, b], y, (g) => [
    a.requiresGrad
      ? sumTo(ta ? matmulBatched(b, g, tb, true) : matmulBatched(g, b, false, !tb), a.shape)
      : null,
    b.requiresGrad
      ? sumTo(tb ? matmulBatched(g, a, true, ta) : matmulBatched(a, g, !ta, false), b.shape)
      : null,
  ]);
}
