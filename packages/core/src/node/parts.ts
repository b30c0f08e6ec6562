// How a matrix product is cut into parts for threads, and how one thread computes its part with
// core's own kernel (kernels/matmul.ts). The main thread and the workers run this same code.
import type { TypedArray } from '../dtype.js';
import { matmul } from '../kernels/matmul.js';
import { type Shape, sizeOf } from '../shape-math.js';

/**
 * `lines` runs of `count` elements, `stride` apart, from element `start` of a shared array: one
 * run for a contiguous range, several for a band of columns.
 */
export interface Block {
  start: number;
  lines: number;
  count: number;
  stride: number;
}

/** One thread's share: a product of its own, as matmul() arguments over blocks of A, B and out. */
export interface Part {
  a: Block;
  aShape: Shape;
  transposeA: boolean;
  b: Block;
  bShape: Shape;
  transposeB: boolean;
  batch: Shape;
  out: Block;
}

function range(start: number, count: number): Block {
  return { start, lines: 1, count, stride: count };
}

/** `length` cut into `parts` nearly equal pieces, at multiples of 4 (the wasm kernel's tile) when long enough. */
function cuts(length: number, parts: number): number[] {
  const step = length >= 8 * parts ? 4 : 1;
  const units = Math.ceil(length / step);
  const at = [];
  for (let i = 0; i <= parts; i++)
    at.push(Math.min(length, Math.round((units * i) / parts) * step));
  return at;
}

/**
 * Cuts op(A)·op(B) into at most `threads` parts of about equal work: along the first batch axis
 * longer than 1, so each part is one matmul() call on contiguous slices; for a single product,
 * into bands of rows of the output (or of columns, when it is wider than tall).
 */
export function planParts(
  aShape: Shape,
  transposeA: boolean,
  bShape: Shape,
  transposeB: boolean,
  batch: Shape,
  threads: number,
): Part[] {
  const m = aShape[aShape.length - (transposeA ? 1 : 2)];
  const k = aShape[aShape.length - (transposeA ? 2 : 1)];
  const n = bShape[bShape.length - (transposeB ? 2 : 1)];
  const axis = batch.findIndex((size) => size > 1);
  const parts: Part[] = [];
  if (axis >= 0) {
    // the axes before `axis` are all 1, so a slice along it is contiguous in A, B and out
    const extent = batch[axis];
    const at = cuts(extent, Math.min(threads, extent));
    const slice = (shape: Shape, s: number, e: number): [Block, Shape] => {
      const d = axis - (batch.length + 2 - shape.length); // the axis in `shape`, if it has it
      if (d < 0 || shape[d] === 1) return [range(0, sizeOf(shape)), shape];
      const inner = sizeOf(shape.slice(d + 1));
      return [range(s * inner, (e - s) * inner), shape.map((size, i) => (i === d ? e - s : size))];
    };
    const outInner = sizeOf(batch.slice(axis + 1)) * m * n;
    for (let i = 0; i + 1 < at.length; i++) {
      const s = at[i];
      const e = at[i + 1];
      const [a, aPart] = slice(aShape, s, e);
      const [b, bPart] = slice(bShape, s, e);
      const partBatch = batch.map((size, j) => (j === axis ? e - s : size));
      parts.push({
        a,
        aShape: aPart,
        transposeA,
        b,
        bShape: bPart,
        transposeB,
        batch: partBatch,
        out: range(s * outInner, (e - s) * outInner),
      });
    }
    return parts;
  }
  if (m >= n) {
    const at = cuts(m, Math.min(threads, m));
    for (let i = 0; i + 1 < at.length; i++) {
      const r0 = at[i];
      const rows = at[i + 1] - r0;
      parts.push({
        // rows of op(A): contiguous in A, or when A is stored transposed (k×m) a band of its columns
        a: transposeA ? { start: r0, lines: k, count: rows, stride: m } : range(r0 * k, rows * k),
        aShape: transposeA ? [k, rows] : [rows, k],
        transposeA,
        b: range(0, k * n),
        bShape: transposeB ? [n, k] : [k, n],
        transposeB,
        batch: [],
        out: range(r0 * n, rows * n),
      });
    }
  } else {
    const at = cuts(n, Math.min(threads, n));
    for (let i = 0; i + 1 < at.length; i++) {
      const j0 = at[i];
      const cols = at[i + 1] - j0;
      parts.push({
        a: range(0, m * k),
        aShape: transposeA ? [k, m] : [m, k],
        transposeA,
        // columns of op(B): contiguous when B is stored transposed (n×k), else a band of columns
        b: transposeB ? range(j0 * k, cols * k) : { start: j0, lines: k, count: cols, stride: n },
        bShape: transposeB ? [cols, k] : [k, cols],
        transposeB,
        batch: [],
        out: { start: j0, lines: m, count: cols, stride: n },
      });
    }
  }
  return parts;
}

function contiguous(block: Block): boolean {
  return block.lines === 1 || block.stride === block.count;
}

/** Scratch arrays a thread reuses for gathered operands and scattered output. */
export class Scratch {
  private readonly arrays: TypedArray[] = [];

  /** Scratch array `slot`, of `like`'s type, with room for `size` elements. */
  get(slot: number, like: TypedArray, size: number): TypedArray {
    let array = this.arrays[slot];
    if (array === undefined || array.constructor !== like.constructor || array.length < size) {
      array = like instanceof Float32Array ? new Float32Array(size) : new Float64Array(size);
      this.arrays[slot] = array;
    }
    return array.subarray(0, size);
  }
}

/** Copies `block` of `from` into the same place in `to`. */
export function copyBlock(from: TypedArray, to: TypedArray, block: Block): void {
  if (contiguous(block)) {
    const end = block.start + block.lines * block.count;
    to.set(from.subarray(block.start, end), block.start);
    return;
  }
  for (let l = 0, s = block.start; l < block.lines; l++, s += block.stride) {
    to.set(from.subarray(s, s + block.count), s);
  }
}

/** The elements of `block` in `from`: a view when contiguous, else a copy in scratch `slot`. */
function gather(from: TypedArray, block: Block, scratch: Scratch, slot: number): TypedArray {
  const size = block.lines * block.count;
  if (contiguous(block)) return from.subarray(block.start, block.start + size);
  const into = scratch.get(slot, from, size);
  for (let l = 0; l < block.lines; l++) {
    const s = block.start + l * block.stride;
    into.set(from.subarray(s, s + block.count), l * block.count);
  }
  return into;
}

/** Computes `part` of the product of A and B (whole operands, as shared) into `out` with matmul(). */
export function runPart(
  part: Part,
  a: TypedArray,
  b: TypedArray,
  out: TypedArray,
  scratch: Scratch,
): void {
  const aPart = gather(a, part.a, scratch, 0);
  const bPart = gather(b, part.b, scratch, 1);
  const o = part.out;
  const size = o.lines * o.count;
  const direct = contiguous(o);
  const outPart = direct ? out.subarray(o.start, o.start + size) : scratch.get(2, out, size);
  matmul(
    aPart,
    part.aShape,
    part.transposeA,
    bPart,
    part.bShape,
    part.transposeB,
    part.batch,
    outPart,
  );
  if (direct) return;
  for (let l = 0; l < o.lines; l++) {
    out.set(outPart.subarray(l * o.count, (l + 1) * o.count), o.start + l * o.stride);
  }
}
