// Matrix products on raw typed arrays: either operand may be read transposed (so the backward
// pass never materialises a transpose), with broadcast batch dimensions. Large products go to
// the WebAssembly SIMD kernel (wasm/matmul.wat) when it loads; these loops are the fallback.
import type { TypedArray } from '../dtype.js';
import { broadcastStrides, type Shape, sizeOf } from '../shape-math.js';
import { kernelSetting, PARALLEL_MIN_MULTIPLY_ADDS, parallelMatmul } from './backend.js';
import { Cursor } from './cursor.js';
import { matmulWasm } from './wasm/matmul-wasm.js';

// Below this many multiply-adds, packing costs more than it saves.
const SMALL = 4096;
// From this many multiply-adds (all batch items together) the WebAssembly kernel, copies
// included, beats the loops here (scripts/bench-matmul.mjs --shapes measures both;
// docs/performance.md has the measurements).
export const WASM_MIN_MULTIPLY_ADDS = 1024;

/**
 * out (m×n, from oOff) = op(A) (m×k) · op(B) (k×n), where op(X) is X or Xᵀ. A is stored m×k
 * (k×m if transposed) from aOff, B k×n (n×k if transposed) from bOff, all row-major.
 */
function gemm(
  a: TypedArray,
  aOff: number,
  ta: boolean,
  b: TypedArray,
  bOff: number,
  tb: boolean,
  out: TypedArray,
  oOff: number,
  m: number,
  k: number,
  n: number,
): void {
  // element (i, p) of op(A) is at aOff + i·ai + p·ap; element (p, j) of op(B) at bOff + p·bp + j·bj
  const ai = ta ? 1 : k;
  const ap = ta ? m : 1;
  const bp = tb ? 1 : n;
  const bj = tb ? k : 1;
  if (m * n * k <= SMALL) small(a, aOff, ai, ap, b, bOff, bp, bj, out, oOff, m, k, n);
  else blocked(a, aOff, ai, ap, b, bOff, bp, bj, out, oOff, m, k, n);
}

/**
 * Small products without packing: eight output columns at a time (then four, then one), their
 * sums kept in local variables over the whole k loop: faster than accumulating a row of the
 * output in memory, and eight columns faster than four, since a turn of V8's loop costs about as
 * much as the arithmetic in it (docs/performance.md has the measurements). Element (i, p) of
 * op(A) is A[aOff + i·ai + p·ap], element (p, j) of op(B) is B[bOff + p·bp + j·bj].
 */
function small(
  A: TypedArray,
  aOff: number,
  ai: number,
  ap: number,
  B: TypedArray,
  bOff: number,
  bp: number,
  bj: number,
  out: TypedArray,
  oOff: number,
  m: number,
  k: number,
  n: number,
): void {
  if (k === 1) {
    // an outer product (a weight's gradient from one sample): one multiplication per element,
    // four to a loop turn, since a turn of V8's loop costs about as much as the store
    // (docs/performance.md has the measurements)
    for (let i = 0, o = oOff; i < m; i++) {
      const v = A[aOff + i * ai];
      let j = 0;
      for (let y = bOff; j + 4 <= n; j += 4, y += 4 * bj, o += 4) {
        out[o] = v * B[y];
        out[o + 1] = v * B[y + bj];
        out[o + 2] = v * B[y + 2 * bj];
        out[o + 3] = v * B[y + 3 * bj];
      }
      for (let y = bOff + j * bj; j < n; j++, y += bj) out[o++] = v * B[y];
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    const rowA = aOff + i * ai;
    const o = oOff + i * n;
    let j = 0;
    for (; j + 8 <= n; j += 8) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let s4 = 0;
      let s5 = 0;
      let s6 = 0;
      let s7 = 0;
      for (let p = 0, x = rowA, y = bOff + j * bj; p < k; p++, x += ap, y += bp) {
        const v = A[x];
        s0 += v * B[y];
        s1 += v * B[y + bj];
        s2 += v * B[y + 2 * bj];
        s3 += v * B[y + 3 * bj];
        s4 += v * B[y + 4 * bj];
        s5 += v * B[y + 5 * bj];
        s6 += v * B[y + 6 * bj];
        s7 += v * B[y + 7 * bj];
      }
      out[o + j] = s0;
      out[o + j + 1] = s1;
      out[o + j + 2] = s2;
      out[o + j + 3] = s3;
      out[o + j + 4] = s4;
      out[o + j + 5] = s5;
      out[o + j + 6] = s6;
      out[o + j + 7] = s7;
    }
    for (; j + 4 <= n; j += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let p = 0, x = rowA, y = bOff + j * bj; p < k; p++, x += ap, y += bp) {
        const v = A[x];
        s0 += v * B[y];
        s1 += v * B[y + bj];
        s2 += v * B[y + 2 * bj];
        s3 += v * B[y + 3 * bj];
      }
      out[o + j] = s0;
      out[o + j + 1] = s1;
      out[o + j + 2] = s2;
      out[o + j + 3] = s3;
    }
    for (; j < n; j++) {
      let s = 0;
      for (let p = 0, x = rowA, y = bOff + j * bj; p < k; p++, x += ap, y += bp) s += A[x] * B[y];
      out[o + j] = s;
    }
  }
}

let packedA = new Float64Array(0);
let packedB = new Float64Array(0);

/**
 * The 4×4 register-blocked product. B is packed once into panels of 4 columns ([p][c], k×4 each)
 * and A into blocks of 4 rows ([p][r]), so the inner loop reads both sequentially whatever the
 * operands' layout; 16 sums stay in local variables across the whole k loop.
 */
function blocked(
  a: TypedArray,
  aOff: number,
  ai: number,
  ap: number,
  b: TypedArray,
  bOff: number,
  bp: number,
  bj: number,
  out: TypedArray,
  oOff: number,
  m: number,
  k: number,
  n: number,
): void {
  const panels = Math.ceil(n / 4);
  if (packedB.length < panels * 4 * k) packedB = new Float64Array(panels * 4 * k);
  if (packedA.length < 4 * k) packedA = new Float64Array(4 * k);
  const B = packedB;
  const A = packedA;
  for (let q = 0; q < panels; q++) {
    for (let p = 0; p < k; p++) {
      for (let c = 0; c < 4; c++) {
        const j = q * 4 + c;
        B[(q * k + p) * 4 + c] = j < n ? b[bOff + p * bp + j * bj] : 0;
      }
    }
  }
  for (let i0 = 0; i0 < m; i0 += 4) {
    for (let p = 0; p < k; p++) {
      for (let r = 0; r < 4; r++) {
        const i = i0 + r;
        A[p * 4 + r] = i < m ? a[aOff + i * ai + p * ap] : 0;
      }
    }
    for (let q = 0; q < panels; q++) {
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      let bi = q * k * 4;
      for (let p = 0, ai4 = 0; p < k; p++, ai4 += 4, bi += 4) {
        const a0 = A[ai4],
          a1 = A[ai4 + 1],
          a2 = A[ai4 + 2],
          a3 = A[ai4 + 3];
        const b0 = B[bi],
          b1 = B[bi + 1],
          b2 = B[bi + 2],
          b3 = B[bi + 3];
        c00 += a0 * b0;
        c01 += a0 * b1;
        c02 += a0 * b2;
        c03 += a0 * b3;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c12 += a1 * b2;
        c13 += a1 * b3;
        c20 += a2 * b0;
        c21 += a2 * b1;
        c22 += a2 * b2;
        c23 += a2 * b3;
        c30 += a3 * b0;
        c31 += a3 * b1;
        c32 += a3 * b2;
        c33 += a3 * b3;
      }
      const sums = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
      for (let r = 0; r < 4 && i0 + r < m; r++) {
        for (let c = 0; c < 4 && q * 4 + c < n; c++)
          out[oOff + (i0 + r) * n + q * 4 + c] = sums[r * 4 + c];
      }
    }
  }
}

/**
 * Batched matmul: out [...batch, m, n] = op(A) · op(B) for each batch index, where A is
 * [...batchA, m, k] (or [..., k, m] if `transposeA`), B is [...batchB, k, n] (or [..., n, k]) and
 * `batch` is the broadcast of batchA and batchB. With `bias` (n values), bias[j] is then added to
 * every row: x·W + b, in the WebAssembly module's memory when the product runs there.
 */
export function matmul(
  a: TypedArray,
  aShape: Shape,
  transposeA: boolean,
  b: TypedArray,
  bShape: Shape,
  transposeB: boolean,
  batch: Shape,
  out: TypedArray,
  bias: TypedArray | null = null,
): TypedArray {
  const m = aShape[aShape.length - (transposeA ? 1 : 2)];
  const k = aShape[aShape.length - (transposeA ? 2 : 1)];
  const n = bShape[bShape.length - (transposeB ? 2 : 1)];
  const nb = batch.length === 0 ? 1 : sizeOf(batch);
  const total = nb * m * k * n;
  // threads (set up by @backprop/core/node's useThreads) take large products, or decline
  const parallel = total >= PARALLEL_MIN_MULTIPLY_ADDS ? parallelMatmul() : null;
  if (parallel?.(a, aShape, transposeA, b, bShape, transposeB, batch, out)) {
    if (bias !== null) addRows(out, bias, nb * m, n);
    return out;
  }
  const setting = kernelSetting();
  if (
    total > 0 &&
    (setting === 'wasm' || (setting === 'auto' && total >= WASM_MIN_MULTIPLY_ADDS))
  ) {
    const offsets = nb === 1 ? null : itemOffsets(aShape, bShape, batch, m * k, k * n, m * n);
    const [aLength, bLength] = [sizeOf(aShape), sizeOf(bShape)];
    if (matmulWasm(a, aLength, transposeA, b, bLength, transposeB, out, m, k, n, offsets, bias)) {
      return out;
    }
  }
  // the loops here: small products (a layer applied to one sample), or no WebAssembly
  if (nb === 1) gemm(a, 0, transposeA, b, 0, transposeB, out, 0, m, k, n);
  else {
    const offsets = itemOffsets(aShape, bShape, batch, m * k, k * n, m * n);
    for (let t = 0; t < offsets.length; t += 3) {
      const aOffset = offsets[t];
      const bOffset = offsets[t + 1];
      const outOffset = offsets[t + 2];
      gemm(a, aOffset, transposeA, b, bOffset, transposeB, out, outOffset, m, k, n);
    }
  }
  if (bias !== null) addRows(out, bias, nb * m, n);
  return out;
}

/**
 * The element offsets of every item of the broadcast batch: its matrices' starts in A (of
 * `aShape`), B (of `bShape`) and the output, three numbers an item. A list, not a visitor: a
 * function that makes a closure gets a heap-allocated context on every call, taken or not, and
 * matmul runs eight times in a small network's step.
 */
function itemOffsets(
  aShape: Shape,
  bShape: Shape,
  batch: Shape,
  aSize: number,
  bSize: number,
  outSize: number,
): number[] {
  const nb = sizeOf(batch);
  const offsets: number[] = [];
  const c = new Cursor(
    batch,
    broadcastStrides(aShape.slice(0, -2), batch),
    broadcastStrides(bShape.slice(0, -2), batch),
  );
  for (let t = 0; t < nb; t++, c.step()) offsets.push(c.a * aSize, c.b * bSize, t * outSize);
  return offsets;
}

/**
 * Whether `matmul` computes a product of `total` multiply-adds (one matrix, no batch) with the
 * loops of `small`: no threads or WebAssembly take it, and it is small. A caller that does such
 * a product in loops of its own, with the same sums in the same order, then has its bits
 * (fusedMLP does, for one sample).
 */
export function loopsTake(total: number): boolean {
  const setting = kernelSetting();
  if (total > 0 && (setting === 'wasm' || (setting === 'auto' && total >= WASM_MIN_MULTIPLY_ADDS)))
    return false;
  return total <= SMALL && total < PARALLEL_MIN_MULTIPLY_ADDS;
}

/** out[r, j] += bias[j] for every row r of the rows × n matrix `out` (the bias of a layer). */
export function addRows(out: TypedArray, bias: TypedArray, rows: number, n: number): void {
  for (let r = 0, o = 0; r < rows; r++) {
    for (let j = 0; j < n; j++, o++) out[o] = out[o] + bias[j];
  }
}
