// Walking a row-major multi-index while tracking two strided offsets into other arrays.
import type { Shape } from '../shape-math.js';

/**
 * Visits the indices of `shape` in row-major order; `a` and `b` are the matching offsets into
 * two arrays read with strides `aStrides` and `bStrides` (stride 0 on a broadcast axis).
 */
export class Cursor {
  a = 0;
  b = 0;
  private readonly idx: Int32Array;

  constructor(
    private readonly shape: Shape,
    private readonly aStrides: readonly number[],
    private readonly bStrides: readonly number[] = aStrides,
  ) {
    this.idx = new Int32Array(shape.length);
  }

  /** Moves to the next index (the last axis fastest). */
  step(): void {
    const { idx, shape, aStrides, bStrides } = this;
    for (let d = shape.length - 1; d >= 0; d--) {
      const size = shape[d];
      idx[d] = idx[d] + 1;
      this.a += aStrides[d];
      this.b += bStrides[d];
      if (idx[d] < size) return;
      this.a -= aStrides[d] * size;
      this.b -= bStrides[d] * size;
      idx[d] = 0;
    }
  }
}
