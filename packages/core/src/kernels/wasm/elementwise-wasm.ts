// The WebAssembly SIMD elementwise kernels (elementwise.wat, embedded by scripts/build-wasm.mjs):
// float32 exp, sigmoid and tanh, much faster than loops over Math.exp and Math.tanh
// (docs/performance.md has the measurements), and relu and the rules of relu, sigmoid and tanh in
// both dtypes. Loaded on first use, like the matmul module (matmul-wasm.ts) but with a memory of
// its own; anything that fails here makes the caller run its JavaScript loop.
import type { TypedArray } from '../../dtype.js';
import { WASM_RELAXED_SIMD_BASE64, WASM_SIMD_BASE64 } from './elementwise-wasm.generated.js';
import { LazyKernels, type WasmMemory, type WasmVariant } from './load.js';

/** A kernel of one input (x → y) or two (a, b → y): byte addresses, and a multiple of 32 bytes. */
type Kernel = (a: number, b: number, y: number, bytes?: number) => void;

interface Exports {
  memory: WasmMemory;
  exp32: Kernel;
  sigmoid32: Kernel;
  relu32: Kernel;
  relu64: Kernel;
  reluGrad32: Kernel;
  reluGrad64: Kernel;
  sigmoidGrad32: Kernel;
  sigmoidGrad64: Kernel;
  tanh32: Kernel;
  tanhGrad32: Kernel;
  tanhGrad64: Kernel;
}

/** The kernels by op: [float32, float64], null where that dtype has none. */
const KERNELS = {
  exp: ['exp32', null],
  sigmoid: ['sigmoid32', null],
  relu: ['relu32', 'relu64'],
  reluGrad: ['reluGrad32', 'reluGrad64'],
  sigmoidGrad: ['sigmoidGrad32', 'sigmoidGrad64'],
  tanh: ['tanh32', null],
  tanhGrad: ['tanhGrad32', 'tanhGrad64'],
} as const;

export type ElementwiseKernel = keyof typeof KERNELS;

const STEP = 32; // every kernel's loop takes a multiple of 32 bytes

const module = new LazyKernels<Exports>(WASM_SIMD_BASE64, WASM_RELAXED_SIMD_BASE64);

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
}

/**
 * out[i] = op(x[i]) (one input) or op(x[i], other[i]) (two) for i < n, all of one dtype. Returns
 * false, having written nothing, when the op has no kernel for the dtype, WebAssembly is
 * unavailable, or its memory cannot hold the arrays.
 */
export function elementwiseWasm(
  op: ElementwiseKernel,
  x: TypedArray,
  other: TypedArray | null,
  out: TypedArray,
  n: number,
): boolean {
  const size = out.BYTES_PER_ELEMENT;
  const name = KERNELS[op][size === 4 ? 0 : 1];
  if (name === null || x.BYTES_PER_ELEMENT !== size) return false;
  if (other !== null && other.BYTES_PER_ELEMENT !== size) return false;
  const bytes = Math.ceil((n * size) / STEP) * STEP;
  // memory: [x][other][out]
  const otherPtr = bytes;
  const outPtr = other === null ? bytes : 2 * bytes;
  const wasm = module.reserve(outPtr + bytes);
  if (wasm === null) return false;
  const heap = module.heap(size);
  heap.set(x.length === n ? x : x.subarray(0, n), 0);
  if (other === null) wasm[name](0, outPtr, bytes);
  else {
    heap.set(other.length === n ? other : other.subarray(0, n), otherPtr / size);
    wasm[name](0, otherPtr, outPtr, bytes);
  }
  out.set(heap.subarray(outPtr / size, outPtr / size + n));
  module.release();
  return true;
}
