// The element types a tensor can hold, and their typed-array storage.
import { DTypeError } from './errors.js';

export type DType = 'float32' | 'float64';
export type TypedArray = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ['float32', 'float64'];

export function checkDType(dtype: unknown, where: string): DType {
  if (dtype === 'float32' || dtype === 'float64') return dtype;
  throw new DTypeError(
    `${where}: unknown dtype ${JSON.stringify(dtype)}; expected 'float32' or 'float64'`,
  );
}

export function allocate(dtype: DType, size: number): TypedArray {
  return dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
}

/** Copies `source` into fresh storage of `dtype` (rounding to float32 where asked). */
export function toStorage(dtype: DType, source: ArrayLike<number>): TypedArray {
  return dtype === 'float32' ? Float32Array.from(source) : Float64Array.from(source);
}
