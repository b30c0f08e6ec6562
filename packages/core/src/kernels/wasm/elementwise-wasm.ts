// The WebAssembly SIMD elementwise kernels (elementwise.wat, embedded by scripts/build-wasm.mjs):
// float32 sigmoid, about ten times faster than a loop over Math.exp. Loaded on first use, like
// the matmul module (matmul-wasm.ts) but with a memory of its own; anything that fails here makes
// the caller run its JavaScript loop instead.

import { WASM_RELAXED_SIMD_BASE64, WASM_SIMD_BASE64 } from './elementwise-wasm.generated.js';
import { LazyKernels, RETAIN_BYTES, type WasmVariant } from './load.js';

interface Exports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  /** y = 1 / (1 + e^−x) over n floats (n a multiple of 8); addresses in bytes. */
  sigmoid32(x: number, y: number, n: number): void;
}

const PAGE = 65536;
const LANES = 8; // the kernel's loop takes 8 floats a turn

const module = new LazyKernels<Exports>(WASM_SIMD_BASE64, WASM_RELAXED_SIMD_BASE64);
let heap = new Float32Array(0);

/** The instantiated module, or null (and `elementwiseUnavailableReason()` says why). */
export function elementwiseKernels(): Exports | null {
  return module.get();
}

/** Which build is loaded: 'relaxed-simd', 'simd', or null before or without one. */
export function elementwiseVariant(): WasmVariant | null {
  return module.variant;
}

/** Why the module could not be loaded ('' if it was, or was not tried). */
export function elementwiseUnavailableReason(): string {
  return module.unavailable;
}

/** Forgets the module, so the next use loads it again (for tests; see resetWasmKernels). */
export function resetElementwiseKernels({ allowRelaxed = true } = {}): void {
  module.reset(allowRelaxed);
  heap = new Float32Array(0);
}

/**
 * out[i] = 1 / (1 + e^−x[i]) for the first `n` elements, in float32. Returns false, having
 * written nothing, when WebAssembly is unavailable or its memory cannot hold the arrays.
 */
export function sigmoidWasm(x: Float32Array, out: Float32Array, n: number): boolean {
  const wasm = elementwiseKernels();
  if (wasm === null) return false;
  const padded = Math.ceil(n / LANES) * LANES; // the lanes past n compute junk no one reads
  const end = padded * 8; // memory: [x][y]
  const memory = wasm.memory;
  if (end > memory.buffer.byteLength) {
    try {
      memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
    } catch {
      return false;
    }
  }
  if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer);
  heap.set(x.length === n ? x : x.subarray(0, n), 0);
  wasm.sigmoid32(0, padded * 4, padded);
  out.set(heap.subarray(padded, padded + n));
  if (memory.buffer.byteLength > RETAIN_BYTES) {
    module.drop(); // the next call instantiates the compiled module again, with a small memory
    heap = new Float32Array(0);
  }
  return true;
}
