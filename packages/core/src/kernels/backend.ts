// Which kernels run the heavy ops (today: matmul): WebAssembly SIMD where it is faster, or plain
// JavaScript. The two agree to float rounding; the switch exists for environments that forbid
// WebAssembly and for tests that compare the two.
import { BackpropError, ValueError } from '../errors.js';
import { wasmKernels, wasmUnavailableReason } from './wasm/matmul-wasm.js';

export type KernelBackend = 'auto' | 'js' | 'wasm';

let setting: KernelBackend = 'auto';

/**
 * Chooses the kernels for matrix products. `'auto'` (the default) uses WebAssembly SIMD for
 * products large enough that it wins, and JavaScript where WebAssembly is unavailable; `'js'`
 * never touches WebAssembly (say, under a content security policy without `'wasm-unsafe-eval'`);
 * `'wasm'` uses it at every size, and throws here if it cannot load.
 *
 * @example
 * setKernelBackend('js');
 * matmul(a, b); // plain JavaScript loops
 * setKernelBackend('auto');
 */
export function setKernelBackend(backend: KernelBackend): void {
  if (backend !== 'auto' && backend !== 'js' && backend !== 'wasm') {
    throw new ValueError(
      `setKernelBackend: unknown backend ${JSON.stringify(backend)}; expected 'auto', 'js' or 'wasm'`,
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

/** The setting itself, for the kernels (no loading). */
export function kernelSetting(): KernelBackend {
  return setting;
}
