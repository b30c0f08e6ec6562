// Matrix products on raw typed arrays, with broadcast batch dimensions.
import type { TypedArray } from '../dtype.js';
import { broadcastStrides, type Shape, sizeOf } from '../shape-math.js';
import { Cursor } from './cursor.js';

/** out (m×n) += a (m×k) · b (k×n), reading a and b from the given offsets. */
function gemm(
  a: TypedArray,
  aOff: number,
  b: TypedArray,
  bOff: number,
  out: TypedArray,
  oOff: number,
  m: number,
  k: number,
  n: number,
): void {
  for (let i = 0; i < m; i++) {
    const oRow = oOff + i * n;
    const aRow = aOff + i * k;
    for (let p = 0; p < k; p++) {
      const aip = a[aRow + p] as number;
      const bRow = bOff + p * n;
      for (let j = 0; j < n; j++)
        out[oRow + j] = (out[oRow + j] as number) + aip * (b[bRow + j] as number);
    }
  }
}

/**
 * Batched matmul: a is [...batchA, m, k], b is [...batchB, k, n], out is [...batch, m, n] with
 * `batch` the broadcast of batchA and batchB.
 */
export function matmul(
  a: TypedArray,
  aShape: Shape,
  b: TypedArray,
  bShape: Shape,
  batch: Shape,
  out: TypedArray,
): TypedArray {
  const m = aShape[aShape.length - 2] as number;
  const k = aShape[aShape.length - 1] as number;
  const n = bShape[bShape.length - 1] as number;
  out.fill(0);
  const nb = sizeOf(batch);
  if (nb === 1) {
    gemm(a, 0, b, 0, out, 0, m, k, n);
    return out;
  }
  const c = new Cursor(
    batch,
    broadcastStrides(aShape.slice(0, -2), batch),
    broadcastStrides(bShape.slice(0, -2), batch),
  );
  for (let t = 0; t < nb; t++, c.step())
    gemm(a, c.a * m * k, b, c.b * k * n, out, t * m * n, m, k, n);
  return out;
}
