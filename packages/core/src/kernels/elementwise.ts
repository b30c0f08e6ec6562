// Elementwise loops over raw typed arrays. They know nothing of tensors or graphs.
//
// Each op brings its own loop (a kernel) and the functions here only decide which parts of the
// arrays it runs over: a shared loop that calls a per-element function is several times slower,
// because V8 cannot inline a call that sees the functions of many ops.
import type { TypedArray } from '../dtype.js';
import { broadcastStrides, type Shape } from '../shape-math.js';
import { Cursor } from './cursor.js';

/** One op's loop of one input: `out[k] = f(x[k])` for k < n. */
export type UnaryKernel = (x: TypedArray, out: TypedArray, n: number) => void;

/** One op's loop of two inputs of the same size: `out[k] = f(a[k], b[k])` for k < n. */
export type PairKernel = (a: TypedArray, b: TypedArray, out: TypedArray, n: number) => void;

/**
 * One op's loop of two inputs over a contiguous run of the output:
 * `out[o + k] = f(a[i + k·di], b[j + k·dj])` for k < n, where a step of 0 repeats a broadcast
 * element and a step of 1 walks along the operand.
 */
export type BinaryKernel = (
  a: TypedArray,
  b: TypedArray,
  out: TypedArray,
  n: number,
  i: number,
  di: number,
  j: number,
  dj: number,
  o: number,
) => void;

/** `out = f(a, b)` where a and b are read broadcast to `outShape`, one contiguous run at a time. */
export function zipBroadcast(
  a: TypedArray,
  aShape: Shape,
  b: TypedArray,
  bShape: Shape,
  outShape: Shape,
  kernel: BinaryKernel,
  out: TypedArray,
): TypedArray {
  const n = out.length;
  // the common cases in one run: equal sizes (so equal shapes up to leading 1s), or a scalar
  if (a.length === n && b.length === n) kernel(a, b, out, n, 0, 1, 0, 1, 0);
  else if (a.length === n && b.length === 1) kernel(a, b, out, n, 0, 1, 0, 0, 0);
  else if (a.length === 1 && b.length === n) kernel(a, b, out, n, 0, 0, 0, 1, 0);
  else inRuns(a, aShape, b, bShape, outShape, kernel, out);
  return out;
}

/**
 * The general case: the output's last axes along which each operand either walks contiguously
 * or repeats one element form a run (a bias row added to each sample is one run per sample);
 * the axes before them are visited with a cursor.
 */
function inRuns(
  a: TypedArray,
  aShape: Shape,
  b: TypedArray,
  bShape: Shape,
  outShape: Shape,
  kernel: BinaryKernel,
  out: TypedArray,
): void {
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  let run = 1;
  let da = -1; // the steps along the run, fixed by its innermost axis
  let db = -1;
  let d = outShape.length - 1;
  for (; d >= 0; d--) {
    const size = outShape[d];
    if (size === 1) continue; // an axis of size 1 never moves an index
    const ea = sa[d] === 0 ? 0 : sa[d] === run ? 1 : -1;
    const eb = sb[d] === 0 ? 0 : sb[d] === run ? 1 : -1;
    if (da === -1) {
      da = ea;
      db = eb;
    }
    if (ea !== da || eb !== db) break;
    run *= size;
  }
  if (run === 0) return;
  if (d < 0) {
    kernel(a, b, out, run, 0, da, 0, db, 0);
    return;
  }
  if (d === 0) {
    // one axis of runs (a matrix plus a row or a column): no cursor needed
    const ra = sa[0];
    const rb = sb[0];
    for (let r = 0; r < outShape[0]; r++) kernel(a, b, out, run, r * ra, da, r * rb, db, r * run);
    return;
  }
  const c = new Cursor(outShape.slice(0, d + 1), sa.slice(0, d + 1), sb.slice(0, d + 1));
  const rows = out.length / run;
  for (let r = 0; r < rows; r++, c.step()) kernel(a, b, out, run, c.a, da, c.b, db, r * run);
}

/** Copies `x` (of `shape`) broadcast to `target` into `out`. */
export function broadcastCopy(
  x: TypedArray,
  shape: Shape,
  target: Shape,
  out: TypedArray,
): TypedArray {
  if (x.length === out.length) out.set(x);
  else if (x.length === 1) out.fill(x[0]);
  else inRuns(x, shape, x, shape, target, copyFirst, out);
  return out;
}

/** The kernel of a copy: a binary loop that takes its first operand and ignores the second. */
const copyFirst: BinaryKernel = (a, _b, out, n, i, di, _j, _dj, o) => {
  for (const end = o + n; o < end; o++, i += di) out[o] = a[i];
};
