// The matmul kernel against a plain triple loop, for every transposition, sizes that are not
// multiples of the 4×4 block and large enough to take the blocked path, and broadcast batches;
// once on the JavaScript loops and once on the WebAssembly kernel.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { Generator } from '../random.js';
import { type KernelBackend, setKernelBackend } from './backend.js';
import { matmul } from './matmul.js';

function random(n: number, g: Generator): Float64Array {
  return Float64Array.from({ length: n }, () => g.normal());
}

/** op(X)(i, j) for X stored rows×cols, read transposed or not. */
function at(
  x: Float64Array,
  cols: number,
  transposed: boolean,
  i: number,
  j: number,
  offset = 0,
): number {
  return transposed ? (x[offset + j * cols + i] as number) : (x[offset + i * cols + j] as number);
}

describe.each<KernelBackend>(['js', 'wasm'])('matmul kernel (%s)', (backend) => {
  beforeEach(() => setKernelBackend(backend));
  afterAll(() => setKernelBackend('auto'));
  const g = new Generator(3);
  // (m, k, n): tiny (plain loop: eight columns a block, then four, then one), outer products
  // (k = 1: four columns a loop turn, and the rest), odd sizes on the blocked path, and a single
  // row/column
  const sizes: [number, number, number][] = [
    [3, 2, 5],
    [1, 16, 16],
    [3, 5, 13],
    [7, 1, 6],
    [16, 1, 16],
    [2, 1, 3],
    [37, 53, 29],
    [1, 300, 17],
    [65, 64, 1],
  ];
  for (const [m, k, n] of sizes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        it(`computes op(A)·op(B) for m=${m} k=${k} n=${n}, A${ta ? 'ᵀ' : ''} B${tb ? 'ᵀ' : ''}`, () => {
          const a = random(m * k, g);
          const b = random(k * n, g);
          const aShape = ta ? [k, m] : [m, k];
          const bShape = tb ? [n, k] : [k, n];
          const out = matmul(a, aShape, ta, b, bShape, tb, [], new Float64Array(m * n));
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              let s = 0;
              for (let p = 0; p < k; p++)
                s += at(a, aShape[1] as number, ta, i, p) * at(b, bShape[1] as number, tb, p, j);
              expect(Math.abs((out[i * n + j] as number) - s)).toBeLessThan(
                1e-12 * (1 + Math.abs(s)) * k,
              );
            }
          }
        });
      }
    }
  }

  it('broadcasts batch axes on the blocked path', () => {
    const [m, k, n] = [9, 70, 11];
    const a = random(2 * m * k, g); // [2, 1, m, k]
    const b = random(3 * n * k, g); // [3, n, k], read transposed
    const out = matmul(
      a,
      [2, 1, m, k],
      false,
      b,
      [3, n, k],
      true,
      [2, 3],
      new Float64Array(6 * m * n),
    );
    for (let s = 0; s < 2; s++) {
      for (let t = 0; t < 3; t++) {
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let sum = 0;
            for (let p = 0; p < k; p++)
              sum += (a[s * m * k + i * k + p] as number) * (b[t * n * k + j * k + p] as number);
            const got = out[((s * 3 + t) * m + i) * n + j] as number;
            expect(Math.abs(got - sum)).toBeLessThan(1e-11 * (1 + Math.abs(sum)));
          }
        }
      }
    }
  });
});
