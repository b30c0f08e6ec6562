// Shape arithmetic: sizes, strides, NumPy broadcasting and axis normalisation.
import { echoValue } from './echo.js';
import { AxisError, ShapeError } from './errors.js';

/** A tensor's shape: the size of each axis, outermost first (`[]` for a scalar). */
export type Shape = readonly number[];

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** Row-major strides: the last axis is contiguous. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting of several shapes; `op` names the operation in the error. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  let nd = 0;
  for (const s of shapes) nd = Math.max(nd, s.length);
  const out = new Array<number>(nd).fill(1);
  for (let i = 1; i <= nd; i++) {
    for (const s of shapes) {
      const d = s.length - i >= 0 ? s[s.length - i] : 1;
      const o = out[nd - i];
      if (d === o || d === 1) continue;
      if (o === 1) out[nd - i] = d;
      else {
        throw new ShapeError(
          `${op}: shapes ${shapes.map(formatShape).join(' and ')} cannot be broadcast together ` +
            `(axis ${-i} has sizes ${o} and ${d}; sizes must be equal or 1)`,
        );
      }
    }
  }
  return out;
}

/**
 * The broadcast of two shapes, as `broadcastShapes`, but read-only: where one shape is the
 * result (equal shapes, a bias row against a batch, a scalar), it is that shape itself, not a copy.
 */
export function broadcastPair(op: string, a: Shape, b: Shape): Shape {
  if (covers(a, b)) return a;
  if (covers(b, a)) return b;
  return broadcastShapes(op, a, b);
}

/** Whether `big` is the broadcast of `big` and `small`. */
function covers(big: Shape, small: Shape): boolean {
  const lead = big.length - small.length;
  if (lead < 0) return false;
  for (let i = 0; i < small.length; i++) {
    const d = small[i];
    if (d !== 1 && d !== big[lead + i]) return false;
  }
  return true;
}

/**
 * Strides for reading an array of `shape` as if it had the (broadcast) shape `target`:
 * axes that were stretched get stride 0.
 */
export function broadcastStrides(shape: Shape, target: Shape): number[] {
  const own = stridesOf(shape);
  const out = new Array<number>(target.length).fill(0);
  const offset = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    out[i + offset] = shape[i] === 1 && target[i + offset] !== 1 ? 0 : own[i];
  }
  return out;
}

/** Turns a possibly negative axis into 0..ndim-1, or throws naming the op. */
export function normalizeAxis(op: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    const range = ndim === 0 ? 'none (the tensor is a scalar)' : `${-ndim}..${ndim - 1}`;
    throw new AxisError(
      `${op}: axis ${axis} is out of range for a tensor of ${ndim} dimension(s); valid axes: ${range}`,
    );
  }
  return axis < 0 ? axis + ndim : axis;
}

/** `undefined`/`null` means every axis. Returns sorted, unique, non-negative axes. */
export function normalizeAxes(
  op: string,
  axis: number | readonly number[] | null | undefined,
  ndim: number,
): number[] {
  const out: number[] = [];
  if (axis === undefined || axis === null) {
    for (let i = 0; i < ndim; i++) out.push(i);
    return out;
  }
  const list = typeof axis === 'number' ? [axis] : axis;
  let sorted = true;
  for (const a of list) {
    const n = normalizeAxis(op, a, ndim);
    if (out.length > 0 && n <= out[out.length - 1]) sorted = false;
    out.push(n);
  }
  if (sorted) return out; // strictly increasing: sorted and unique already
  const unique = new Set(out);
  if (unique.size !== out.length)
    throw new AxisError(`${op}: axis ${JSON.stringify(list)} names an axis twice`);
  return [...unique].sort((a, b) => a - b);
}

/** The most elements a tensor holds: 2³², the longest typed array Node 20's V8 makes. */
export const MAX_SIZE = 2 ** 32;
export const MAX_SIZE_TEXT = `${MAX_SIZE} (2^32)`;

/** Refuses `size` elements beyond `MAX_SIZE` with `what`, before a typed array throws a raw RangeError. */
export function checkSize(op: string, size: number, what: string): void {
  if (size > MAX_SIZE) {
    throw new ShapeError(
      `${op}: ${what} has ${size} elements; a tensor holds at most ${MAX_SIZE_TEXT}`,
    );
  }
}

export function checkShape(op: string, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) {
    throw new ShapeError(
      `${op}: shape must be an array of sizes such as [2, 3], got ${echoValue(shape)}`,
    );
  }
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(
        `${op}: invalid shape ${formatShape(shape)}; sizes must be non-negative integers`,
      );
    }
  }
  checkSize(op, sizeOf(shape), `shape ${formatShape(shape)}`);
  return [...shape];
}
