// Which kernels run the heavy ops (matmul, float32 exp, sigmoid and tanh, the activations' rules):
// WebAssembly SIMD where it is faster, or plain JavaScript. The two agree to float rounding; the
// switch exists for environments that forbid WebAssembly and for tests that compare the two.

import type { TypedArray } from '../dtype.js';
import { echoValue } from '../echo.js';
import { BackpropError, ValueError } from '../errors.js';
import type { Shape } from '../shape-math.js';
import type { PairKernel, UnaryKernel } from './elementwise.js';
import { type ElementwiseKernel, elementwiseWasm } from './wasm/elementwise-wasm.js';
import type { WasmVariant } from './wasm/load.js';
import { wasmKernels, wasmUnavailableReason, wasmVariant } from './wasm/matmul-wasm.js';

/**
 * Which kernels run the heavy ops: `'auto'` (WebAssembly where it wins), `'js'` or `'wasm'` (see
 * `setKernelBackend`).
 */
export type KernelBackend = 'auto' | 'js' | 'wasm';

let setting: KernelBackend = 'auto';

/**
 * Chooses the kernels for matrix products and the elementwise ops that have WebAssembly twins
 * (float32 exp, sigmoid, tanh; relu and the activations' rules). `'auto'` (the default) uses
 * WebAssembly SIMD for inputs large enough that it wins, and JavaScript where WebAssembly is
 * unavailable; `'js'` never touches WebAssembly (say, under a content security policy without
 * `'wasm-unsafe-eval'`); `'wasm'` uses it at every size, and throws here if it cannot load.
 *
 * @example
 * setKernelBackend('js');
 * // plain JavaScript loops
 * console.log(matmul(tensor([[1, 2]]), tensor([[3], [4]])).item()); // → 11
 * console.log(getKernelBackend()); // → js
 * setKernelBackend('auto');
 */
export function setKernelBackend(backend: KernelBackend): void {
  if (backend !== 'auto' && backend !== 'js' && backend !== 'wasm') {
    throw new ValueError(
      `setKernelBackend: unknown backend ${echoValue(backend)}; expected 'auto', 'js' or 'wasm'`,
    );
  }
  if (backend === 'wasm' && wasmKernels() === null) {
    throw new BackpropError(
      `setKernelBackend('wasm'): the WebAssembly kernels cannot load here (${wasmUnavailableReason()}); use 'auto' or 'js'`,
    );
  }
  setting = backend;
}

/**
 * The kernels large matrix products run on now: `'wasm'` when the setting allows it and the
 * WebAssembly module loads here, else `'js'`.
 */
export function getKernelBackend(): 'js' | 'wasm' {
  return setting !== 'js' && wasmKernels() !== null ? 'wasm' : 'js';
}

/**
 * Which build of the WebAssembly kernels this engine loads (and runs, unless
 * `setKernelBackend('js')`): `'relaxed-simd'` (fused multiply-adds: Node 22+, Chromium 114+, or
 * Node 20 started with `--experimental-wasm-relaxed-simd`), `'simd'` (separate multiply and add),
 * or null where WebAssembly is unavailable (then `why` says why). Loads the module if it is not
 * loaded yet.
 *
 * @example
 * const { build, why } = getWasmBuild();
 * // 'relaxed-simd' on Node 22, 'simd' on Node 20 (why is then empty)
 * console.log(build === 'relaxed-simd' || build === 'simd', why === ''); // → true true
 */
export function getWasmBuild(): {
  /** The build that loaded, or `null` when WebAssembly is unavailable. */
  build: WasmVariant | null;
  /** Why WebAssembly is unavailable (empty when it loaded). */
  why: string;
} {
  const loaded = wasmKernels() !== null;
  return { build: loaded ? wasmVariant() : null, why: loaded ? '' : wasmUnavailableReason() };
}

/** The setting itself, for the kernels (no loading). */
export function kernelSetting(): KernelBackend {
  return setting;
}

// From these sizes (elements) the WebAssembly elementwise kernels, copies in and out included,
// beat the JavaScript loops, op overhead included: docs/performance.md has the measurements. The
// float32 exp, sigmoid and tanh twins (a polynomial e^x, within 3 ulp; Cephes' tanhf) pay off
// early; the cheap ops only on large arrays.
export const WASM_MIN_ELEMENTS = {
  exp: 32,
  sigmoid: 32,
  tanh: 32,
  relu: 256,
  reluGrad: 256,
  sigmoidGrad: 256,
  tanhGrad: 256,
};

/** Whether an elementwise op of `n` elements should try its WebAssembly kernel (`from`: its size). */
export function useWasmElementwise(n: number, from: number): boolean {
  return setting === 'wasm' || (setting === 'auto' && n >= from);
}

/**
 * The kernel table: op `name`'s JavaScript loop, or, where the op has a WebAssembly twin, a
 * kernel that runs the twin when the setting and the size call for it and the loop otherwise.
 * Ops give their loop once, here, and never choose a backend themselves.
 */
export function unaryKernel(name: string, js: UnaryKernel): UnaryKernel {
  if (!hasWasmTwin(name)) return js;
  const from = WASM_MIN_ELEMENTS[name];
  return (x, out, n) => {
    if (useWasmElementwise(n, from) && elementwiseWasm(name, x, null, out, n)) return;
    js(x, out, n);
  };
}

/** `unaryKernel` for loops of two inputs (the activations' derivative rules). */
export function pairKernel(name: string, js: PairKernel): PairKernel {
  if (!hasWasmTwin(name)) return js;
  const from = WASM_MIN_ELEMENTS[name];
  return (a, b, out, n) => {
    if (useWasmElementwise(n, from) && elementwiseWasm(name, a, b, out, n)) return;
    js(a, b, out, n);
  };
}

function hasWasmTwin(name: string): name is ElementwiseKernel {
  return name in WASM_MIN_ELEMENTS;
}

/**
 * A matrix product spread over threads, with the arguments of kernels/matmul.ts's `matmul`. It
 * returns true when it has written the whole product, false (having written nothing) when it
 * declines, and the caller then computes the product itself.
 */
export type ParallelMatmul = (
  a: TypedArray,
  aShape: Shape,
  transposeA: boolean,
  b: TypedArray,
  bShape: Shape,
  transposeB: boolean,
  batch: Shape,
  out: TypedArray,
) => boolean;

// From this many multiply-adds (all batch items together) a second thread pays for posting the
// work and copying through shared memory: scripts/bench-threads.mjs measures it.
export const PARALLEL_MIN_MULTIPLY_ADDS = 1 << 24;

let parallel: ParallelMatmul | null = null;

/** Sets (or with null removes) the threaded matmul: @backprop/core/node's useThreads does. */
export function setParallelMatmul(fn: ParallelMatmul | null): void {
  parallel = fn;
}

/** The threaded matmul, or null: consulted for products of PARALLEL_MIN_MULTIPLY_ADDS or more. */
export function parallelMatmul(): ParallelMatmul | null {
  return parallel;
}
