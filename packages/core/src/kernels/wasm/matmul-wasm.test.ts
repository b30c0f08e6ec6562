// The WebAssembly matmul against the JavaScript one: the same products to float tolerance for
// every transposition, ragged and blocked sizes and broadcast batches, on both builds (SIMD, and
// relaxed SIMD with fused multiply-adds); the fallback when WebAssembly or SIMD is missing; and
// the committed binaries equal to a fresh build of matmul.wat.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { staleModules } from '../../../scripts/build-wasm.mjs';
import { BackpropError, gradients, matmul as matmulOp, randn, ValueError } from '../../index.js';
import { Generator } from '../../random.js';
import type { Shape } from '../../shape-math.js';
import {
  getKernelBackend,
  getWasmBuild,
  type KernelBackend,
  setKernelBackend,
} from '../backend.js';
import { matmul, WASM_MIN_MULTIPLY_ADDS } from '../matmul.js';
import {
  RETAIN_BYTES,
  resetWasmKernels,
  wasmKernels,
  wasmMemoryBytes,
  wasmUnavailableReason,
  wasmVariant,
} from './matmul-wasm.js';

type Float = Float32Array | Float64Array;

let allowRelaxed = false; // the plain SIMD build first, whatever the engine accepts

afterEach(() => {
  vi.unstubAllGlobals();
  resetWasmKernels({ allowRelaxed });
  setKernelBackend('auto');
});

function random(T: typeof Float32Array | typeof Float64Array, n: number, g: Generator): Float {
  const x = new T(n);
  for (let i = 0; i < n; i++) x[i] = g.normal();
  return x;
}

/** The kernel's product on `backend`. */
function product(
  backend: KernelBackend,
  a: Float,
  aShape: Shape,
  ta: boolean,
  b: Float,
  bShape: Shape,
  tb: boolean,
  batch: Shape,
  outSize: number,
): Float {
  setKernelBackend(backend);
  const out = a instanceof Float32Array ? new Float32Array(outSize) : new Float64Array(outSize);
  return matmul(a, aShape, ta, b, bShape, tb, batch, out) as Float;
}

/** Σ_p |op(A)(i, p)|·|op(B)(p, j)| for one matrix pair: the scale of the rounding error at (i, j). */
function magnitudes(a: Float, ta: boolean, b: Float, tb: boolean, m: number, k: number, n: number) {
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const x = (ta ? a[p * m + i] : a[i * k + p]) as number;
        const y = (tb ? b[j * k + p] : b[p * n + j]) as number;
        s += Math.abs(x * y);
      }
      scale[i * n + j] = s;
    }
  }
  return scale;
}

/** The wasm kernel's products equal the JS kernel's for many shapes (registers `it`s). */
function agreesWithJs(): void {
  // (m, k, n): one element, ragged edges below the 4×8 tile, single rows and columns, k = 1,
  // exactly one tile, odd k (the micro-kernel takes two steps of k at a time), sizes around the
  // threshold, and blocks past mc (64) and kc (512 / 256), one with a last block of three steps.
  // Two caught packing bugs: k = 3 (fewer columns than a 4×4 transposed block) and 70×300·300×9
  // with Bᵀ (a ragged panel whose missing rows lay past the end of memory)
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [3, 2, 5],
    [4, 1, 8],
    [4, 7, 8],
    [8, 3, 16],
    [6, 515, 10],
    [1, 64, 64],
    [64, 64, 1],
    [64, 1, 64],
    [9, 17, 27],
    [16, 16, 16],
    [37, 53, 29],
    [131, 260, 67],
    [70, 300, 9],
  ];
  for (const [T, dtype, tol] of [
    [Float32Array, 'float32', 1e-5],
    [Float64Array, 'float64', 1e-12],
  ] as const) {
    for (const [m, k, n] of sizes) {
      it(`agrees with the JS kernel in ${dtype} for m=${m} k=${k} n=${n}, every transposition`, () => {
        const g = new Generator(m * 1000 + k * 10 + n);
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const a = random(T, m * k, g);
            const b = random(T, k * n, g);
            const aShape = ta ? [k, m] : [m, k];
            const bShape = tb ? [n, k] : [k, n];
            const js = product('js', a, aShape, ta, b, bShape, tb, [], m * n);
            const wasm = product('wasm', a, aShape, ta, b, bShape, tb, [], m * n);
            const scale = magnitudes(a, ta, b, tb, m, k, n);
            for (let i = 0; i < m * n; i++) {
              const diff = Math.abs((wasm[i] as number) - (js[i] as number));
              if (!(diff <= tol * (scale[i] as number))) {
                expect.fail(
                  `A${ta ? 'ᵀ' : ''}B${tb ? 'ᵀ' : ''} element ${i}: wasm ${wasm[i]}, js ${js[i]}, ` +
                    `scale ${scale[i]}`,
                );
              }
            }
          }
        }
      });
    }

    it(`agrees with the JS kernel in ${dtype} on broadcast batches`, () => {
      const g = new Generator(7);
      const [m, k, n] = [9, 70, 11];
      const a = random(T, 2 * m * k, g); // [2, 1, m, k]
      const b = random(T, 3 * n * k, g); // [3, n, k], read transposed
      const args = [a, [2, 1, m, k], false, b, [3, n, k], true, [2, 3], 6 * m * n] as const;
      const js = product('js', ...args);
      const wasm = product('wasm', ...args);
      for (let s = 0; s < 2; s++) {
        for (let t = 0; t < 3; t++) {
          const scale = magnitudes(
            a.subarray(s * m * k, (s + 1) * m * k),
            false,
            b.subarray(t * n * k, (t + 1) * n * k),
            true,
            m,
            k,
            n,
          );
          for (let i = 0; i < m * n; i++) {
            const at = (s * 3 + t) * m * n + i;
            expect(Math.abs((wasm[at] as number) - (js[at] as number))).toBeLessThanOrEqual(
              tol * (scale[i] as number),
            );
          }
        }
      }
    });
  }
}

describe('WebAssembly matmul', () => {
  beforeAll(() => resetWasmKernels({ allowRelaxed }));

  it('loads here (Node has WebAssembly SIMD)', () => {
    expect(wasmKernels(), wasmUnavailableReason()).not.toBeNull();
    expect(wasmVariant()).toBe('simd');
    expect(getKernelBackend()).toBe('wasm');
    expect(getWasmBuild()).toEqual({ build: 'simd', why: '' });
  });

  agreesWithJs();

  it('gives the matmul op the same values and gradients on both backends', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = randn([3, 40, 33], { dtype, seed: 1, requiresGrad: true });
      const w = randn([33, 21], { dtype, seed: 2, requiresGrad: true });
      const run = (backend: KernelBackend) => {
        setKernelBackend(backend);
        const y = matmulOp(x, w);
        const grads = gradients([y.mul(y).sum()], [x, w]);
        return [y, ...grads].map((t) => Array.from(t.data));
      };
      const js = run('js');
      const wasm = run('wasm');
      const rtol = dtype === 'float32' ? 1e-4 : 1e-11;
      js.forEach((values, t) => {
        values.forEach((v, i) => {
          const diff = Math.abs((wasm[t]?.[i] as number) - v);
          expect(diff, `output ${t}, element ${i}`).toBeLessThanOrEqual(rtol * (1 + Math.abs(v)));
        });
      });
    }
  });

  it("uses WebAssembly in 'auto' only from the size threshold up", () => {
    // a product just below the threshold must not instantiate the module
    resetWasmKernels({ allowRelaxed });
    const n = Math.floor(Math.cbrt(WASM_MIN_MULTIPLY_ADDS - 1));
    const a = new Float64Array(n * n).fill(1);
    matmul(a, [n, n], false, a, [n, n], false, [], new Float64Array(n * n));
    expect(wasmVariant()).toBeNull(); // not loaded
    const big = Math.ceil(Math.cbrt(WASM_MIN_MULTIPLY_ADDS));
    const b = new Float64Array(big * big).fill(1);
    const out = matmul(b, [big, big], false, b, [big, big], false, [], new Float64Array(big * big));
    expect(wasmVariant()).toBe('simd');
    expect(out[0]).toBe(big);
  });

  it('gives back memory a large product grew, and keeps it for small ones', () => {
    setKernelBackend('wasm');
    const small = new Float64Array(64 * 64).fill(1);
    matmul(small, [64, 64], false, small, [64, 64], false, [], new Float64Array(64 * 64));
    const kept = wasmMemoryBytes();
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(RETAIN_BYTES);
    // a 64 MiB operand times a column: cheap to compute, but past what the module keeps
    const rows = RETAIN_BYTES / 8 / 1024;
    const a = new Float64Array(rows * 1024).fill(0.5);
    const b = new Float64Array(1024).fill(2);
    const out = matmul(a, [rows, 1024], false, b, [1024, 1], false, [], new Float64Array(rows));
    expect(out[rows - 1]).toBe(1024);
    expect(wasmMemoryBytes()).toBe(0); // instance dropped; the next product makes a fresh one
    matmul(small, [64, 64], false, small, [64, 64], false, [], new Float64Array(64 * 64));
    expect(wasmMemoryBytes()).toBe(kept);
  });

  it('adds a bias to every row in its memory (linear), with the bits of the JavaScript addition', () => {
    const g = new Generator(17);
    for (const T of [Float32Array, Float64Array]) {
      for (const [m, k, n] of [
        [64, 16, 64],
        [7, 33, 13],
        [5, 40, 3],
        [1, 64, 65],
      ] as const) {
        const a = random(T, m * k, g);
        const b = random(T, k * n, g);
        const bias = random(T, n, g);
        setKernelBackend('wasm');
        const fused = matmul(a, [m, k], false, b, [k, n], false, [], new T(m * n), bias);
        const plain = matmul(a, [m, k], false, b, [k, n], false, [], new T(m * n));
        for (let i = 0; i < m * n; i++) plain[i] = (plain[i] as number) + (bias[i % n] as number);
        expect(Array.from(fused), `${T.name} ${m}×${k}·${k}×${n}`).toEqual(Array.from(plain));
        // and the JavaScript kernel adds the same bias
        setKernelBackend('js');
        const js = matmul(a, [m, k], false, b, [k, n], false, [], new T(m * n), bias);
        const jsPlain = matmul(a, [m, k], false, b, [k, n], false, [], new T(m * n));
        for (let i = 0; i < m * n; i++)
          jsPlain[i] = (jsPlain[i] as number) + (bias[i % n] as number);
        expect(Array.from(js)).toEqual(Array.from(jsPlain));
      }
    }
  });

  it('falls back to the JS kernel when there is no WebAssembly', () => {
    vi.stubGlobal('WebAssembly', undefined);
    resetWasmKernels({ allowRelaxed });
    expect(getKernelBackend()).toBe('js');
    expect(wasmUnavailableReason()).toMatch(/no WebAssembly/);
    expect(getWasmBuild()).toEqual({
      build: null,
      why: 'this JavaScript engine has no WebAssembly',
    });
    expect(() => setKernelBackend('wasm')).toThrow(BackpropError);
    expect(() => setKernelBackend('wasm')).toThrow(/cannot load here \(.*no WebAssembly\)/);
    const g = new Generator(5);
    const a = random(Float64Array, 40 * 50, g);
    const b = random(Float64Array, 50 * 30, g);
    const out = matmul(a, [40, 50], false, b, [50, 30], false, [], new Float64Array(1200));
    let s = 0;
    for (let p = 0; p < 50; p++) s += (a[p] as number) * (b[p * 30] as number);
    expect(out[0]).toBeCloseTo(s, 12);
  });

  it('falls back to the JS kernel when WebAssembly lacks SIMD or refuses to compile', () => {
    const real = (globalThis as unknown as { WebAssembly: object }).WebAssembly;
    vi.stubGlobal('WebAssembly', { ...real, validate: () => false });
    resetWasmKernels({ allowRelaxed });
    expect(getKernelBackend()).toBe('js');
    expect(wasmUnavailableReason()).toMatch(/SIMD/);
    vi.stubGlobal('WebAssembly', {
      ...real,
      Module: class {
        constructor() {
          throw new Error('Wasm code generation disallowed by embedder');
        }
      },
    });
    resetWasmKernels({ allowRelaxed });
    expect(getKernelBackend()).toBe('js');
    expect(wasmUnavailableReason()).toMatch(/disallowed/);
    const a = new Float32Array(64 * 64).fill(0.5);
    const out = matmul(a, [64, 64], false, a, [64, 64], false, [], new Float32Array(64 * 64));
    expect(out[4095]).toBe(16);
  });

  it("runs only JS kernels under setKernelBackend('js')", () => {
    setKernelBackend('js');
    expect(getKernelBackend()).toBe('js');
    resetWasmKernels({ allowRelaxed });
    const a = new Float64Array(100 * 100).fill(1);
    matmul(a, [100, 100], false, a, [100, 100], false, [], new Float64Array(100 * 100));
    expect(wasmVariant()).toBeNull(); // never loaded
    expect(() => setKernelBackend('gpu' as KernelBackend)).toThrow(ValueError);
  });

  it('is built from the .wat sources: the committed generated modules match a fresh compile', async () => {
    const stale = await staleModules();
    expect(stale.map((s) => s.path)).toEqual([]);
  });
});

// Node 20 accepts relaxed SIMD only behind a V8 flag, set here for the rest of this file's process
// (vitest gives each test file its own); Node 22+ and Chromium-based browsers take it by default.
describe('WebAssembly matmul, relaxed-SIMD build', () => {
  beforeAll(async () => {
    const name = 'node:v8';
    const v8 = (await import(/* @vite-ignore */ name)) as { setFlagsFromString(f: string): void };
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    allowRelaxed = true;
    resetWasmKernels({ allowRelaxed });
  });

  it('loads the relaxed-SIMD build where the engine accepts it', () => {
    expect(wasmKernels(), wasmUnavailableReason()).not.toBeNull();
    expect(wasmVariant()).toBe('relaxed-simd');
    expect(getWasmBuild()).toEqual({ build: 'relaxed-simd', why: '' });
  });

  agreesWithJs();
});
