// Reductions over any set of axes, on raw typed arrays.
import type { TypedArray } from '../dtype.js';
import { type Shape, stridesOf } from '../shape-math.js';
import { Cursor } from './cursor.js';

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
  const n = x.length;
  if (out.length === 1) {
    let acc = init;
    for (let i = 0; i < n; i++) acc = combine(acc, x[i] as number);
    out[0] = acc;
    return out;
  }
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const c = new Cursor(
    shape,
    stridesOf(kept).map((s, i) => (axes.includes(i) ? 0 : s)),
  );
  for (let i = 0; i < n; i++, c.step()) out[c.a] = combine(out[c.a] as number, x[i] as number);
  return out;
}
