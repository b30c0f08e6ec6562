// Reductions over any set of axes, on raw typed arrays.
import type { TypedArray } from '../dtype.js';
import { type Shape, stridesOf } from '../shape-math.js';
import { Cursor } from './cursor.js';

/**
 * Sums `x` (of `shape`) over `axes` (sorted) into `out` (the kept axes, row-major). Sums are the
 * common reduction (means, broadcast gradients, softmax), so they get loops of their own.
 */
export function sum(
  x: TypedArray,
  shape: Shape,
  axes: readonly number[],
  out: TypedArray,
): TypedArray {
  const block = contiguous(shape, axes);
  if (block === null) return reduce(x, shape, axes, 0, add, out);
  const [outer, size, inner] = block;
  if (inner === 1) {
    // rows summed along their length (a whole array is one row)
    for (let o = 0, i = 0; o < outer; o++) {
      let acc = 0;
      for (const end = i + size; i < end; i++) acc += x[i];
      out[o] = acc;
    }
    return out;
  }
  // whole rows added together (a batch summed to one row, as a bias gradient is): four columns
  // at a time, their sums in local variables down the rows (in float64, rounded once)
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    const first = o * size * inner;
    let k = 0;
    for (; k + 4 <= inner; k += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let r = 0, i = first + k; r < size; r++, i += inner) {
        s0 += x[i];
        s1 += x[i + 1];
        s2 += x[i + 2];
        s3 += x[i + 3];
      }
      out[base + k] = s0;
      out[base + k + 1] = s1;
      out[base + k + 2] = s2;
      out[base + k + 3] = s3;
    }
    for (; k < inner; k++) {
      let acc = 0;
      for (let r = 0, i = first + k; r < size; r++, i += inner) acc += x[i];
      out[base + k] = acc;
    }
  }
  return out;
}

const add = (acc: number, v: number) => acc + v;

/**
 * When the reduced axes (sorted) are adjacent once axes of size 1 are set aside: the sizes before them,
 * of them, and after them. Otherwise null.
 */
function contiguous(shape: Shape, axes: readonly number[]): [number, number, number] | null {
  let outer = 1;
  let size = 1;
  let inner = 1;
  let phase = 0; // 0: before the reduced axes, 1: among them, 2: after
  for (let d = 0, a = 0; d < shape.length; d++) {
    const n = shape[d];
    const reduced = axes[a] === d;
    if (reduced) a++;
    if (n === 1) continue;
    if (reduced) {
      if (phase === 2) return null;
      phase = 1;
      size *= n;
    } else if (phase === 0) outer *= n;
    else {
      phase = 2;
      inner *= n;
    }
  }
  return [outer, size, inner];
}

/**
 * Folds `x` (of `shape`) over `axes` into `out` (the kept axes, row-major):
 * `out[o] = combine(out[o], x[i])` starting from `init`.
 */
export function reduce(
  x: TypedArray,
  shape: Shape,
  axes: readonly number[],
  init: number,
  combine: (acc: number, v: number) => number,
  out: TypedArray,
): TypedArray {
  out.fill(init);
  const block = contiguous(shape, axes);
  if (block !== null) {
    const [outer, size, inner] = block;
    for (let o = 0, i = 0; o < outer; o++) {
      const base = o * inner;
      for (let s = 0; s < size; s++) {
        for (let k = base, end = base + inner; k < end; k++, i++) out[k] = combine(out[k], x[i]);
      }
    }
    return out;
  }
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const c = new Cursor(
    shape,
    stridesOf(kept).map((s, i) => (axes.includes(i) ? 0 : s)),
  );
  for (let i = 0; i < x.length; i++, c.step()) out[c.a] = combine(out[c.a], x[i]);
  return out;
}
