// The element types a tensor can hold, and their typed-array storage.
import { echoValue } from './echo.js';
import { DTypeError } from './errors.js';

/** A tensor's element type: float64 is the default; float32 halves the memory. */
export type DType = 'float32' | 'float64';
/**
 * The storage of a tensor's elements: a `Float64Array` for float64, a `Float32Array` for float32.
 */
export type TypedArray = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ['float32', 'float64'];

export function checkDType(dtype: unknown, where: string): DType {
  if (dtype === 'float32' || dtype === 'float64') return dtype;
  throw new DTypeError(
    `${where}: unknown dtype ${echoValue(dtype)}; expected 'float32' or 'float64'`,
  );
}

// Arrays up to 32 KiB are carved out of shared 256 KiB buffers (slabs): V8 gives every typed
// array over 64 bytes its own off-heap backing store, which costs many times what a view into a
// buffer that already exists costs (docs/performance.md has the measurements); and arrays up to
// 32 KiB (a 64×64 float64 layer's activations and gradients) are made on every training step. A
// live view keeps its whole slab alive, so slabs stay moderate.
const SLAB_BYTES = 256 * 1024;
const SLAB_MAX_ARRAY = 32 * 1024;
const ON_HEAP_MAX = 64; // V8 keeps arrays this small on the heap: already cheap
let slab = new ArrayBuffer(SLAB_BYTES);
let slabOffset = 0;

/** A zero-filled array of `size` elements. It may be a view into a buffer shared with other arrays. */
export function allocate(dtype: DType, size: number): TypedArray {
  const bytes = size * (dtype === 'float32' ? 4 : 8);
  if (bytes <= ON_HEAP_MAX || bytes > SLAB_MAX_ARRAY) {
    return dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
  }
  if (slabOffset + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabOffset = 0;
  }
  const out =
    dtype === 'float32'
      ? new Float32Array(slab, slabOffset, size)
      : new Float64Array(slab, slabOffset, size);
  slabOffset += (bytes + 7) & ~7; // keep every view 8-byte aligned
  return out;
}

/** Copies `source` into fresh storage of `dtype` (rounding to float32 where asked). */
export function toStorage(dtype: DType, source: ArrayLike<number>): TypedArray {
  return dtype === 'float32' ? Float32Array.from(source) : Float64Array.from(source);
}
