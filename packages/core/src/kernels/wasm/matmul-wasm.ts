// The WebAssembly SIMD matrix product (matmul.wat, embedded by scripts/build-wasm.mjs): compiled
// on first use, fed by copying the operands into its memory. Its relaxed-SIMD twin (fused
// multiply-adds, faster where it runs: bench-matmul.mjs --builds compares them, and
// docs/performance.md has the measurements) is taken where the engine accepts it, the plain SIMD
// build elsewhere. Anything that fails here (no WebAssembly, no SIMD, a content security policy,
// memory that cannot grow) makes the caller use the JavaScript kernel instead.
import type { TypedArray } from '../../dtype.js';
import { LazyKernels, RETAIN_BYTES, type WasmMemory, type WasmVariant } from './load.js';

export { RETAIN_BYTES };

import { WASM_RELAXED_SIMD_BASE64, WASM_SIMD_BASE64 } from './matmul-wasm.generated.js';

/** gemm32/gemm64 in matmul.wat: addresses in bytes, strides in elements. */
type Gemm = (
  a: number,
  ai: number,
  ap: number,
  b: number,
  bp: number,
  bj: number,
  c: number,
  m: number,
  k: number,
  n: number,
  work: number,
  mc: number,
  kc: number,
  nc: number,
) => void;

interface Exports {
  memory: WasmMemory;
  gemm32: Gemm;
  gemm64: Gemm;
  /** C[i][j] += bias[j] over the m×n matrix C; addresses in bytes. */
  addRows32: (c: number, bias: number, m: number, n: number) => void;
  addRows64: (c: number, bias: number, m: number, n: number) => void;
}

// Block sizes (elements): an mc×kc block of A stays in L2 while each kc×nr panel of B sits in
// L1; the micro-kernel's tile is 4 rows by NR columns (matmul.wat's $tile32 and $tile64). The
// float32 kc of 512 (a 16 KiB panel of B) was measured faster than 256 (docs/performance.md).
const KC = { float32: 512, float64: 256 };
const MC = { float32: 64, float64: 64 };
const NC = 4096;
const NR = { float32: 8, float64: 4 };
const TILE_BYTES = 128;

const module = new LazyKernels<Exports>(WASM_SIMD_BASE64, WASM_RELAXED_SIMD_BASE64);

/** The instantiated module, or null (and `wasmUnavailableReason()` says why). */
export function wasmKernels(): Exports | null {
  return module.get();
}

/** The size of the live instance's memory in bytes (0 when none is instantiated). */
export function wasmMemoryBytes(): number {
  return module.instance === null ? 0 : module.instance.memory.buffer.byteLength;
}

/** Which build of the module is loaded: 'relaxed-simd', 'simd', or null before or without one. */
export function wasmVariant(): WasmVariant | null {
  return module.variant;
}

/**
 * Forgets the module, so the next use loads it again: for tests that take WebAssembly away, or
 * that test the plain SIMD build on an engine that would take the relaxed one.
 */
export function resetWasmKernels({ allowRelaxed = true } = {}): void {
  module.reset(allowRelaxed);
}

/** Why the WebAssembly kernels could not be loaded ('' if they were, or were not tried). */
export function wasmUnavailableReason(): string {
  return module.unavailable;
}

/**
 * out [batch, m, n] = op(A)·op(B) for every batch item, where `offsets` holds each item's element
 * offsets into a, b and out, three numbers an item (null: one item, at 0). Returns false, having written nothing, when WebAssembly is
 * unavailable or its memory cannot hold the operands.
 */
export function matmulWasm(
  a: TypedArray,
  aLength: number,
  transposeA: boolean,
  b: TypedArray,
  bLength: number,
  transposeB: boolean,
  out: TypedArray,
  m: number,
  k: number,
  n: number,
  offsets: readonly number[] | null,
  bias: TypedArray | null = null,
): boolean {
  const size = out.BYTES_PER_ELEMENT;
  if (a.BYTES_PER_ELEMENT !== size || b.BYTES_PER_ELEMENT !== size) return false;
  const dtype = size === 4 ? 'float32' : 'float64';
  const mc = Math.min(MC[dtype], roundUp(m, 4));
  const kc = Math.min(KC[dtype], k);
  const nc = Math.min(NC, roundUp(n, NR[dtype]));
  // memory: [work: tile, packed A, packed B][A][B][out][bias], each 64-byte aligned
  const work = 0;
  const aPtr = roundUp(TILE_BYTES + (mc * kc + kc * nc) * size, 64);
  const bPtr = aPtr + roundUp(aLength * size, 64);
  const outPtr = bPtr + roundUp(bLength * size, 64);
  const biasPtr = outPtr + roundUp(out.length * size, 64);
  // null also when the memory cannot grow that far: the JS kernel needs no copies
  const wasm = module.reserve(biasPtr + (bias === null ? 0 : n * size));
  if (wasm === null) return false;
  const heap = module.heap(size);
  heap.set(a.length === aLength ? a : a.subarray(0, aLength), aPtr / size);
  heap.set(b.length === bLength ? b : b.subarray(0, bLength), bPtr / size);
  if (bias !== null) heap.set(bias, biasPtr / size);
  // element (i, p) of op(A) is i·ai + p·ap past its start; element (p, j) of op(B) p·bp + j·bj
  const ai = transposeA ? 1 : k;
  const ap = transposeA ? m : 1;
  const bp = transposeB ? 1 : n;
  const bj = transposeB ? k : 1;
  const gemm = dtype === 'float32' ? wasm.gemm32 : wasm.gemm64;
  if (offsets === null) gemm(aPtr, ai, ap, bPtr, bp, bj, outPtr, m, k, n, work, mc, kc, nc);
  else {
    for (let t = 0; t < offsets.length; t += 3) {
      const aOffset = offsets[t];
      const bOffset = offsets[t + 1];
      const outOffset = offsets[t + 2];
      gemm(
        aPtr + aOffset * size,
        ai,
        ap,
        bPtr + bOffset * size,
        bp,
        bj,
        outPtr + outOffset * size,
        m,
        k,
        n,
        work,
        mc,
        kc,
        nc,
      );
    }
  }
  if (bias !== null && n > 0) {
    (dtype === 'float32' ? wasm.addRows32 : wasm.addRows64)(outPtr, biasPtr, out.length / n, n);
  }
  out.set(heap.subarray(outPtr / size, outPtr / size + out.length));
  module.release();
  return true;
}

function roundUp(x: number, multiple: number): number {
  return Math.ceil(x / multiple) * multiple;
}
