// Moving elements around: transposes, rectangular copies (slice, pad, concat), row gathers.
import type { TypedArray } from '../dtype.js';
import { type Shape, sizeOf, stridesOf } from '../shape-math.js';
import { Cursor } from './cursor.js';

/** out = x with axes permuted: out axis i is x axis perm[i]. */
export function transpose(
  x: TypedArray,
  shape: Shape,
  perm: readonly number[],
  out: TypedArray,
): TypedArray {
  const xs = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const c = new Cursor(
    outShape,
    perm.map((p) => xs[p]),
  );
  for (let i = 0; i < out.length; i++, c.step()) out[i] = x[c.a];
  return out;
}

/**
 * Copies the block of size `region` starting at `srcStart` in `src` to `dstStart` in `dst`.
 * Slicing, padding and concatenation are all this one copy.
 */
export function copyRegion(
  src: TypedArray,
  srcShape: Shape,
  srcStart: readonly number[],
  dst: TypedArray,
  dstShape: Shape,
  dstStart: readonly number[],
  region: Shape,
): void {
  const n = sizeOf(region);
  if (n === 0) return;
  const ss = stridesOf(srcShape);
  const ds = stridesOf(dstShape);
  const c = new Cursor(region, ss, ds);
  let s0 = 0;
  let d0 = 0;
  for (let i = 0; i < region.length; i++) {
    s0 += srcStart[i] * ss[i];
    d0 += dstStart[i] * ds[i];
  }
  for (let i = 0; i < n; i++, c.step()) dst[d0 + c.b] = src[s0 + c.a];
}

/** Splits `shape` around `axis`: the product of sizes before it, its size, and after it. */
function around(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

/** out[..., j, ...] = x[..., indices[j], ...] along `axis`. */
export function gather(
  x: TypedArray,
  shape: Shape,
  axis: number,
  indices: Int32Array,
  out: TypedArray,
): TypedArray {
  const [outer, size, inner] = around(shape, axis);
  const k = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const from = (o * size + indices[j]) * inner;
      out.set(x.subarray(from, from + inner), (o * k + j) * inner);
    }
  }
  return out;
}

/** The adjoint of `gather`: out (of `outShape`, zeroed) gets x's slices added at `indices`. */
export function scatterAdd(
  x: TypedArray,
  outShape: Shape,
  axis: number,
  indices: Int32Array,
  out: TypedArray,
): TypedArray {
  const [outer, size, inner] = around(outShape, axis);
  const k = indices.length;
  out.fill(0);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const to = (o * size + indices[j]) * inner;
      const from = (o * k + j) * inner;
      for (let t = 0; t < inner; t++) out[to + t] = out[to + t] + x[from + t];
    }
  }
  return out;
}
