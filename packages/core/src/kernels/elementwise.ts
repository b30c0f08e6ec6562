// Elementwise loops over raw typed arrays. They know nothing of tensors or graphs.
import type { TypedArray } from '../dtype.js';
import { broadcastStrides, type Shape, sameShape, sizeOf } from '../shape-math.js';
import { Cursor } from './cursor.js';

export function map(x: TypedArray, f: (v: number) => number, out: TypedArray): TypedArray {
  for (let i = 0; i < x.length; i++) out[i] = f(x[i] as number);
  return out;
}

/** `out[i] = f(a[ia], b[ib])` where a and b are read broadcast to `outShape`. */
export function zipBroadcast(
  a: TypedArray,
  aShape: Shape,
  b: TypedArray,
  bShape: Shape,
  outShape: Shape,
  f: (x: number, y: number) => number,
  out: TypedArray,
): TypedArray {
  const n = out.length;
  if (sameShape(aShape, bShape)) {
    for (let i = 0; i < n; i++) out[i] = f(a[i] as number, b[i] as number);
    return out;
  }
  if (b.length === 1 && a.length === n) {
    const y = b[0] as number;
    for (let i = 0; i < n; i++) out[i] = f(a[i] as number, y);
    return out;
  }
  if (a.length === 1 && b.length === n) {
    const x = a[0] as number;
    for (let i = 0; i < n; i++) out[i] = f(x, b[i] as number);
    return out;
  }
  // one operand repeats along leading axes (a bias row added to every sample): index modulo its size
  if (a.length === n && isTrailing(bShape, outShape)) {
    const m = b.length;
    for (let i = 0, j = 0; i < n; i++, j = j + 1 === m ? 0 : j + 1) out[i] = f(a[i] as number, b[j] as number);
    return out;
  }
  if (b.length === n && isTrailing(aShape, outShape)) {
    const m = a.length;
    for (let i = 0, j = 0; i < n; i++, j = j + 1 === m ? 0 : j + 1) out[i] = f(a[j] as number, b[i] as number);
    return out;
  }
  const c = new Cursor(
    outShape,
    broadcastStrides(aShape, outShape),
    broadcastStrides(bShape, outShape),
  );
  for (let i = 0; i < n; i++, c.step()) out[i] = f(a[c.a] as number, b[c.b] as number);
  return out;
}

/** Copies `x` (of `shape`) broadcast to `target` into `out`. */
export function broadcastCopy(
  x: TypedArray,
  shape: Shape,
  target: Shape,
  out: TypedArray,
): TypedArray {
  if (x.length === out.length) {
    out.set(x);
    return out;
  }
  const c = new Cursor(target, broadcastStrides(shape, target));
  const n = sizeOf(target);
  for (let i = 0; i < n; i++, c.step()) out[i] = x[c.a] as number;
  return out;
}

/** Whether `shape` (leading 1s aside) equals the last axes of `target`, so it repeats contiguously. */
function isTrailing(shape: Shape, target: Shape): boolean {
  let start = 0;
  while (start < shape.length && shape[start] === 1) start++;
  const rest = shape.length - start;
  if (rest === 0 || rest > target.length) return false;
  for (let i = 0; i < rest; i++) if (shape[start + i] !== target[target.length - rest + i]) return false;
  return true;
}
