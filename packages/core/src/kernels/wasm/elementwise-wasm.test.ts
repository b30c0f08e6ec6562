// The WebAssembly elementwise kernels (elementwise.wat). float32 e^x and sigmoid against Math.exp
// in float64 rounded to float32: within 3 ulp, exact at the special values, on both builds (SIMD,
// and relaxed SIMD with fused multiply-adds); relu, reluGrad and sigmoidGrad against their
// formulas written out here (float64: bit for bit); every length, with nothing written past the
// end; the ops' values and gradients on both backends; the fallback without WebAssembly.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { exp, grad, mul, relu, sigmoid, sum, tanh, tensor } from '../../index.js';
import { Generator } from '../../random.js';
import { setKernelBackend, WASM_MIN_ELEMENTS } from '../backend.js';
import {
  elementwiseKernels,
  elementwiseUnavailableReason,
  elementwiseVariant,
  elementwiseWasm,
  resetElementwiseKernels,
} from './elementwise-wasm.js';
import { RETAIN_BYTES } from './load.js';

let allowRelaxed = false; // the plain SIMD build first, whatever the engine accepts

afterEach(() => {
  vi.unstubAllGlobals();
  resetElementwiseKernels({ allowRelaxed });
  setKernelBackend('auto');
});

/** σ(x) in float64 with Math.exp, rounded to float32: the reference, independent of the kernel. */
function reference(x: number): number {
  return Math.fround(1 / (1 + Math.exp(-x)));
}

/** How many float32 steps (units in the last place) `got` is from `want`. */
function ulps(got: number, want: number): number {
  return Math.abs(got - want) / (Math.abs(want) * 2 ** -23);
}

/**
 * The kernel's promise: within 3 ulp of the float32-rounded reference (whose own rounding is half
 * of one); where the reference is below the smallest normal float32 (2⁻¹²⁶), within 2⁻¹²⁶ of it
 * (the kernel's e^x stays in the normal range, so such values may come out as 0).
 */
function close(got: number, want: number): boolean {
  return Math.abs(want) < 2 ** -126 ? Math.abs(got - want) < 2 ** -126 : ulps(got, want) <= 3;
}

function wasmSigmoid(x: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  expect(elementwiseWasm('sigmoid', x, null, out, x.length), elementwiseUnavailableReason()).toBe(
    true,
  );
  return out;
}

function agreesWithMathExp(): void {
  it('is within 3 ulp of Math.exp’s sigmoid over [−100, 100]', () => {
    const g = new Generator(11);
    const x = new Float32Array(200_000);
    for (let i = 0; i < x.length; i++) {
      // half of them in [−20, 20], where σ changes; the rest out to the ends of the range
      x[i] = i % 2 === 0 ? (g.uniform() - 0.5) * 40 : (g.uniform() - 0.5) * 200;
    }
    const y = wasmSigmoid(x);
    const far = [];
    for (let i = 0; i < x.length; i++) {
      if (!close(y[i] as number, reference(x[i] as number))) far.push(x[i]);
    }
    expect(far).toEqual([]);
  });

  it('gives the exact values at the ends, at zero, for infinities and NaN', () => {
    const x = Float32Array.of(0, -0, Infinity, -Infinity, 1e30, -1e30, 88.8, 100, -104, NaN);
    const y = wasmSigmoid(x);
    expect(Array.from(y)).toEqual([0.5, 0.5, 1, 0, 1, 0, 1, 1, 0, NaN]);
    // between e^−x overflowing float32 and σ rounding to 0, the kernel gives 0 or a value below
    // the smallest normal float (Math.exp's float64 gives a subnormal float32)
    for (const v of [-87.5, -88, -88.5, -88.8, -90, -100]) {
      const [s] = wasmSigmoid(Float32Array.of(v));
      expect(reference(v)).toBeGreaterThan(0); // a subnormal float32
      expect(Math.abs((s as number) - reference(v))).toBeLessThan(2 ** -126);
    }
  });

  it('computes e^x within 3 ulp of Math.exp rounded to float32, subnormal results included', () => {
    const g = new Generator(12);
    const x = new Float32Array(200_000);
    for (let i = 0; i < x.length; i++) x[i] = (g.uniform() - 0.5) * 210; // [−105, 105]
    const y = new Float32Array(x.length);
    expect(elementwiseWasm('exp', x, null, y, x.length)).toBe(true);
    const far = [];
    for (let i = 0; i < x.length; i++) {
      const want = Math.fround(Math.exp(x[i] as number));
      const got = y[i] as number;
      // below the smallest normal float: within two steps of the smallest subnormal (2⁻¹⁴⁹)
      const ok = !Number.isFinite(want)
        ? got === want
        : want < 2 ** -126
          ? Math.abs(got - want) <= 2 * 2 ** -149
          : ulps(got, want) <= 3;
      if (!ok) far.push(x[i]);
    }
    expect(far).toEqual([]);
    const special = Float32Array.of(
      0,
      -0,
      Infinity,
      -Infinity,
      NaN,
      88.72,
      88.73,
      89,
      -103,
      -104,
      -200,
    );
    const out = new Float32Array(special.length);
    elementwiseWasm('exp', special, null, out, special.length);
    expect(Array.from(out.subarray(0, 5))).toEqual([1, 1, Infinity, 0, NaN]);
    expect(out[5]).toBeGreaterThan(3.39e38); // e^88.72 is just below the largest float32
    expect(Number.isFinite(out[5] as number)).toBe(true);
    expect(Array.from(out.subarray(6))).toEqual([
      Infinity,
      Infinity,
      Math.fround(Math.exp(-103)),
      0,
      0,
    ]);
  });

  it('computes tanh within 2 ulp of Math.tanh rounded to float32, exact at the ends', () => {
    const g = new Generator(13);
    const x = new Float32Array(200_000);
    for (let i = 0; i < x.length; i++) {
      x[i] = i % 2 === 0 ? (g.uniform() - 0.5) * 4 : (g.uniform() - 0.5) * 40; // both forms
    }
    const y = new Float32Array(x.length);
    expect(elementwiseWasm('tanh', x, null, y, x.length)).toBe(true);
    const far = [];
    for (let i = 0; i < x.length; i++) {
      if (ulps(y[i] as number, Math.fround(Math.tanh(x[i] as number))) > 2) far.push(x[i]);
    }
    expect(far).toEqual([]);
    const special = Float32Array.of(0, -0, Infinity, -Infinity, NaN, 1e-30, -1e-30, 20, -20);
    const out = new Float32Array(special.length);
    elementwiseWasm('tanh', special, null, out, special.length);
    expect(Array.from(out)).toEqual([
      0,
      -0,
      1,
      -1,
      NaN,
      Math.fround(1e-30),
      -Math.fround(1e-30),
      1,
      -1,
    ]);
    expect(Object.is(out[1], -0)).toBe(true);
  });

  it('computes every length and writes nothing past n', () => {
    const g = new Generator(3);
    for (let n = 0; n <= 41; n++) {
      const x = new Float32Array(n + 3).map(() => (g.uniform() - 0.5) * 10);
      const buffer = new Float32Array(n + 8).fill(-7);
      const out = buffer.subarray(2, 2 + n + 3);
      expect(elementwiseWasm('sigmoid', x, null, out, n)).toBe(true);
      for (let i = 0; i < n; i++)
        expect(close(out[i] as number, reference(x[i] as number))).toBe(true);
      expect(Array.from(buffer.subarray(0, 2))).toEqual([-7, -7]);
      expect(Array.from(buffer.subarray(2 + n))).toEqual(new Array(6).fill(-7));
    }
  });
}

describe('WebAssembly elementwise kernels', () => {
  beforeAll(() => resetElementwiseKernels({ allowRelaxed }));

  it('loads here (Node has WebAssembly SIMD)', () => {
    expect(elementwiseKernels(), elementwiseUnavailableReason()).not.toBeNull();
    expect(elementwiseVariant()).toBe('simd');
  });

  agreesWithMathExp();

  it('gives back the memory a large input grew', () => {
    const n = RETAIN_BYTES / 8 + 1000; // input and output past RETAIN_BYTES together
    const x = new Float32Array(n).fill(-2);
    const y = new Float32Array(n);
    expect(elementwiseWasm('sigmoid', x, null, y, n)).toBe(true);
    expect([y[0], y[n - 1]]).toEqual([reference(-2), reference(-2)]);
    // the instance that grew was dropped: the next one starts with one 64 KiB page
    expect(elementwiseKernels()?.memory.buffer.byteLength).toBe(65536);
  });

  it('gives the sigmoid op the same values and gradients on both backends, float32 only', () => {
    const g = new Generator(8);
    const values = Array.from({ length: 300 }, () => (g.uniform() - 0.5) * 30);
    const run = (backend: 'js' | 'wasm', dtype: 'float32' | 'float64') => {
      setKernelBackend(backend);
      const x = tensor(values, { dtype });
      const [y, dx] = [sigmoid(x), grad((t) => sum(sigmoid(t)))(x)];
      return { y: Array.from(y.data), dx: Array.from(dx.data) };
    };
    const js = run('js', 'float32');
    resetElementwiseKernels({ allowRelaxed });
    const wasm = run('wasm', 'float32');
    expect(elementwiseVariant()).toBe('simd'); // the op went through the kernel
    for (let i = 0; i < values.length; i++) {
      expect(close(wasm.y[i] as number, js.y[i] as number)).toBe(true);
      // σ' = σ(1 − σ) from the output moves by at most |1 − 2σ| times σ's error (3 ulp of σ)
      const bound = 3 * 2 ** -23 * Math.abs(js.y[i] as number) + 2 ** -126;
      expect(Math.abs((wasm.dx[i] as number) - (js.dx[i] as number))).toBeLessThanOrEqual(bound);
    }
    // float64 never takes the float32 kernel: Math.exp's values, bit for bit
    const f64 = run('wasm', 'float64');
    expect(f64.y).toEqual(values.map((v) => 1 / (1 + Math.exp(-v))));
  });

  it('gives the exp op the same values on both backends (float32), Math.exp’s in float64', () => {
    const g = new Generator(9);
    const values = Array.from({ length: 300 }, () => (g.uniform() - 0.5) * 60);
    setKernelBackend('js');
    const js = exp(tensor(values, { dtype: 'float32' })).data;
    setKernelBackend('wasm');
    const wasm = exp(tensor(values, { dtype: 'float32' })).data;
    for (let i = 0; i < values.length; i++) {
      expect(close(wasm[i] as number, js[i] as number), `e^${values[i]}`).toBe(true);
    }
    expect(Array.from(exp(tensor(values)).data)).toEqual(values.map(Math.exp));
  });

  it('gives the tanh op and its gradient the same values on both backends', () => {
    const g = new Generator(10);
    const values = Array.from({ length: 300 }, () => (g.uniform() - 0.5) * 8);
    const run = (backend: 'js' | 'wasm', dtype: 'float32' | 'float64') => {
      setKernelBackend(backend);
      const x = tensor(values, { dtype });
      return { y: tanh(x).data, dx: grad((t) => sum(tanh(t)))(x).data };
    };
    const [js, wasm] = [run('js', 'float32'), run('wasm', 'float32')];
    for (let i = 0; i < values.length; i++) {
      expect(ulps(wasm.y[i] as number, js.y[i] as number), `tanh ${values[i]}`).toBeLessThanOrEqual(
        2,
      );
      // 1 − y² moves by 2|y| times y's error (2 ulp of y) and rounds a few times more
      const bound = 6 * 2 ** -23 * Math.max(Math.abs(js.y[i] as number), 2 ** -23);
      expect(Math.abs((wasm.dx[i] as number) - (js.dx[i] as number))).toBeLessThanOrEqual(
        bound + 2 ** -22 * (js.dx[i] as number),
      );
    }
    const [js64, wasm64] = [run('js', 'float64'), run('wasm', 'float64')];
    expect(Array.from(wasm64.y)).toEqual(values.map(Math.tanh)); // float64: Math.tanh
    expect(Array.from(wasm64.dx)).toEqual(Array.from(js64.dx)); // tanhGrad64: the same bits
  });

  it("uses WebAssembly in 'auto' only from the size threshold up, and never under 'js'", () => {
    const small = tensor(new Array(WASM_MIN_ELEMENTS.sigmoid - 1).fill(0.25), { dtype: 'float32' });
    sigmoid(small);
    expect(elementwiseVariant()).toBeNull(); // not loaded for a small input
    setKernelBackend('js');
    sigmoid(tensor(new Array(1000).fill(0.25), { dtype: 'float32' }));
    expect(elementwiseVariant()).toBeNull();
    setKernelBackend('auto');
    sigmoid(tensor(new Array(WASM_MIN_ELEMENTS.sigmoid).fill(0.25), { dtype: 'float32' }));
    expect(elementwiseVariant()).toBe('simd');
  });

  it('falls back to the JS loop when there is no WebAssembly or no SIMD', () => {
    const real = (globalThis as unknown as { WebAssembly: object }).WebAssembly;
    const x = tensor([-3, 0, 2, 40, ...new Array(60).fill(1)], { dtype: 'float32' });
    vi.stubGlobal('WebAssembly', undefined);
    resetElementwiseKernels({ allowRelaxed });
    expect(Array.from(sigmoid(x).data.subarray(0, 4))).toEqual([-3, 0, 2, 40].map(reference));
    expect(elementwiseUnavailableReason()).toMatch(/no WebAssembly/);
    vi.stubGlobal('WebAssembly', { ...real, validate: () => false });
    resetElementwiseKernels({ allowRelaxed });
    expect(sigmoid(x).data[0]).toBe(reference(-3));
    expect(elementwiseUnavailableReason()).toMatch(/SIMD/);
  });
});

// The JavaScript loops' formulas, written out independently of the kernels and of ops/unary.ts.
const FORMULAS = {
  relu: (x: number) => Math.max(x, 0),
  reluGrad: (g: number, x: number) => g * (x > 0 ? 1 : 0),
  sigmoidGrad: (g: number, y: number) => g * (y * (1 - y)),
  tanhGrad: (g: number, y: number) => g * (1 - y * y),
};

/** Random values with the special ones mixed in: NaN, ±0, ±∞, tiny and huge. */
function mixed(n: number, g: Generator, T: typeof Float32Array | typeof Float64Array) {
  const special = [Number.NaN, 0, -0, Infinity, -Infinity, 1e-40, -1e-40, 1e30, -1e30, 0.5, 1];
  const values = new T(n);
  for (let i = 0; i < n; i++) {
    values[i] =
      i % 5 === 0 ? (special[(i / 5) % special.length] as number) : (g.uniform() - 0.5) * 6;
  }
  return values;
}

describe('WebAssembly relu, reluGrad and sigmoidGrad', () => {
  for (const T of [Float64Array, Float32Array]) {
    const dtype = T === Float64Array ? 'float64' : 'float32';
    for (const op of ['relu', 'reluGrad', 'sigmoidGrad', 'tanhGrad'] as const) {
      // float64: the same IEEE operations in the same order, so the same bits; float32: relu and
      // reluGrad are exact in any precision, the other rules round after each operation
      const exact = dtype === 'float64' || op === 'relu' || op === 'reluGrad';
      it(`${op}, ${dtype}: ${exact ? 'bit for bit' : 'within 2 ulp of'} the JavaScript formula, every length`, () => {
        const g = new Generator(op.length);
        for (const n of [...Array.from({ length: 41 }, (_, i) => i), 1000]) {
          const x = mixed(n, g, T);
          const other = op === 'relu' ? null : mixed(n, g, T).reverse();
          const out = new T(n + 2).fill(-7);
          expect(elementwiseWasm(op, x, other, out, n)).toBe(true);
          expect([out[n], out[n + 1]]).toEqual([-7, -7]); // nothing past n
          for (let i = 0; i < n; i++) {
            const want =
              other === null
                ? FORMULAS.relu(x[i] as number)
                : FORMULAS[op as 'reluGrad' | 'sigmoidGrad' | 'tanhGrad'](
                    x[i] as number,
                    other[i] as number,
                  );
            const wantT = dtype === 'float32' ? Math.fround(want) : want;
            const got = out[i] as number;
            if (exact || !Number.isFinite(wantT) || wantT === 0) {
              expect(
                Object.is(got, wantT),
                `${op}(${x[i]}, ${other?.[i]}) = ${got}, not ${wantT}`,
              ).toBe(true);
            } else
              expect(Math.abs(got - wantT)).toBeLessThanOrEqual(
                2 * 2 ** -23 * Math.abs(wantT) + 2 ** -149,
              );
          }
        }
      });
    }
  }

  it('serve the relu op and its gradient on both backends alike', () => {
    const g = new Generator(21);
    const values = Array.from({ length: 600 }, () => g.normal());
    const run = (backend: 'js' | 'wasm', dtype: 'float32' | 'float64') => {
      setKernelBackend(backend);
      const x = tensor(values, { dtype });
      const w = tensor(
        values.map((v) => v * 0.5),
        { dtype },
      );
      // relu(x), and its gradient (reluGrad); sigmoid's gradient goes through sigmoidGrad
      const dx = grad((t) => sum(mul(sigmoid(relu(t)), w)))(x);
      return { y: Array.from(relu(x).data), dx: Array.from(dx.data) };
    };
    for (const dtype of ['float64', 'float32'] as const) {
      const js = run('js', dtype);
      const wasm = run('wasm', dtype);
      expect(wasm.y).toEqual(js.y);
      // float64: identical; float32: sigmoid (3 ulp) and sigmoidGrad (2 ulp) round differently
      if (dtype === 'float64') expect(wasm.dx).toEqual(js.dx);
      else
        for (let i = 0; i < values.length; i++)
          expect(wasm.dx[i]).toBeCloseTo(js.dx[i] as number, 6);
    }
  });

  it('decline a float32 kernel for float64 arrays that has none (sigmoid) and mixed dtypes', () => {
    const x = new Float64Array(64);
    expect(elementwiseWasm('sigmoid', x, null, new Float64Array(64), 64)).toBe(false);
    expect(elementwiseWasm('reluGrad', x, new Float32Array(64), new Float64Array(64), 64)).toBe(
      false,
    );
  });
});

// Node 20 accepts relaxed SIMD only behind a V8 flag, set here for the rest of this file's process
// (vitest gives each test file its own); Node 22+ and Chromium-based browsers take it by default.
describe('WebAssembly elementwise kernels, relaxed-SIMD build', () => {
  beforeAll(async () => {
    const name = 'node:v8';
    const v8 = (await import(/* @vite-ignore */ name)) as { setFlagsFromString(f: string): void };
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    allowRelaxed = true;
    resetElementwiseKernels({ allowRelaxed });
  });

  it('loads the relaxed-SIMD build where the engine accepts it', () => {
    expect(elementwiseKernels(), elementwiseUnavailableReason()).not.toBeNull();
    expect(elementwiseVariant()).toBe('relaxed-simd');
  });

  agreesWithMathExp();
});
