// Linear: x·W + b against plain loops, its gradients against central differences, its errors.
import {
  DTypeError,
  detectAnomaly,
  Generator,
  manualSeed,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { checkGradients, expectAllClose } from '../../core/test/helpers.js';
import { Linear, uniform } from './index.js';

type Mat = number[][];

/** y[n][i] = Σ_p x[n][p] W[p][i] + b[i], in plain loops. */
function plainAffine(x: Mat, w: Mat, b: number[] | null): Mat {
  return x.map((row) =>
    (w[0] as number[]).map((_, i) => {
      let s = b ? (b[i] as number) : 0;
      row.forEach((v, p) => {
        s += v * ((w[p] as number[])[i] as number);
      });
      return s;
    }),
  );
}

const X: Mat = [
  [0.5, -1.2, 2.0],
  [-0.3, 0.8, 0.1],
];

describe('Linear', () => {
  it('computes x·W + b with W of shape [in, out] and b of shape [out]', () => {
    const layer = new Linear(3, 4, { seed: 1, biasInit: uniform(-1, 1) });
    expect(layer.weight.shape).toEqual([3, 4]);
    expect(layer.bias?.shape).toEqual([4]);
    const y = layer.forward(X);
    expect(y.shape).toEqual([2, 4]);
    expectAllClose(
      y,
      plainAffine(X, layer.weight.toArray() as Mat, layer.bias?.toArray() as number[]),
    );
  });

  it('takes one sample as a 1-D input, and extra leading axes as batch axes', () => {
    const layer = new Linear(3, 2, { seed: 2, biasInit: uniform(-1, 1) });
    const w = layer.weight.toArray() as Mat;
    const b = layer.bias?.toArray() as number[];
    const one = layer.forward(X[0] as number[]);
    expect(one.shape).toEqual([2]);
    expectAllClose(one, plainAffine([X[0] as number[]], w, b)[0] as number[]);
    const batched = layer.forward([X, X, X]);
    expect(batched.shape).toEqual([3, 2, 2]);
    expectAllClose(
      batched,
      [0, 1, 2].map(() => plainAffine(X, w, b)),
    );
  });

  it('has no bias with { bias: false }', () => {
    const layer = new Linear(3, 2, { bias: false, seed: 3 });
    expect(layer.bias).toBeNull();
    expect(layer.namedParameters().map(([n]) => n)).toEqual(['weight']);
    expect(layer.numParameters()).toBe(6);
    expectAllClose(layer.forward(X), plainAffine(X, layer.weight.toArray() as Mat, null));
    expect(layer.describe()).toBe('Linear(3 → 2, no bias)');
  });

  it('names its parameters weight and bias and summarises itself', () => {
    const layer = new Linear(3, 4, { seed: 0 });
    expect(layer.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
    expect(layer.numParameters()).toBe(16);
    expect(layer.toString()).toBe('Linear(3 → 4)  [16 parameters]\n  weight: [3, 4]\n  bias: [4]');
    expect(new Linear(2, 2, { dtype: 'float32', seed: 0 }).describe()).toBe(
      'Linear(2 → 2, float32)',
    );
  });

  it('gradients of W, b and x equal central differences (float64)', () => {
    const layer = new Linear(3, 4, { seed: 4, biasInit: uniform(-1, 1) });
    const f = (w: Tensor, b: Tensor, x: Tensor) => {
      layer.weight = w;
      layer.bias = b;
      return layer.forward(x);
    };
    checkGradients(f, [layer.weight, layer.bias as Tensor, tensor(X)]);
    checkGradients(f, [layer.weight, layer.bias as Tensor, tensor(X[1] as number[])]);
  });

  it('initialises biases to zero and weights with Glorot by default', () => {
    const layer = new Linear(30, 20, { seed: 5 });
    expect(Array.from(layer.bias?.data ?? [])).toEqual(new Array(20).fill(0));
    const limit = Math.sqrt(6 / (30 + 20));
    const w = Array.from(layer.weight.data);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.8 * limit);
  });

  it('takes an initialiser by name or as a function', () => {
    const zeros = new Linear(2, 3, { init: 'zeros', seed: 0 });
    expect(Array.from(zeros.weight.data)).toEqual(new Array(6).fill(0));
    const custom = new Linear(2, 3, { init: uniform(2, 3), seed: 0 });
    for (const v of custom.weight.data) expect(v >= 2 && v < 3).toBe(true);
    expect(() => new Linear(2, 3, { init: 'glorot' })).toThrow(
      /Linear\(2 → 3\): unknown initializer ["']glorot["']; known: xavierUniform/,
    );
    expect(() => new Linear(2, 3, { init: () => tensor([1, 2]) as Tensor })).toThrow(
      /Linear\(2 → 3\): init must return a tensor of shape \[2, 3\], got a tensor of shape \[2\]/,
    );
  });

  it('is reproducible: same seed, same generator state or same manualSeed → same weights', () => {
    const a = new Linear(4, 3, { seed: 9 });
    const b = new Linear(4, 3, { seed: 9 });
    const c = new Linear(4, 3, { seed: 10 });
    expect(Array.from(a.weight.data)).toEqual(Array.from(b.weight.data));
    expect(Array.from(a.weight.data)).not.toEqual(Array.from(c.weight.data));
    // a shared generator advances, so two layers drawn from it differ
    const g = new Generator(9);
    const first = new Linear(4, 3, { generator: g });
    const second = new Linear(4, 3, { generator: g });
    expect(Array.from(first.weight.data)).toEqual(Array.from(a.weight.data));
    expect(Array.from(second.weight.data)).not.toEqual(Array.from(first.weight.data));
    // with neither, the global generator decides
    manualSeed(123);
    const p = new Linear(4, 3);
    const q = new Linear(4, 3);
    manualSeed(123);
    const r = new Linear(4, 3);
    expect(Array.from(r.weight.data)).toEqual(Array.from(p.weight.data));
    expect(Array.from(q.weight.data)).not.toEqual(Array.from(p.weight.data));
  });

  it('runs in float32, and converts nested arrays to its dtype', () => {
    const layer = new Linear(3, 2, { dtype: 'float32', seed: 6 });
    expect(layer.weight.dtype).toBe('float32');
    expect(layer.bias?.dtype).toBe('float32');
    expect(layer.forward(X).dtype).toBe('float32');
  });

  it('refuses bad sizes and a wrong input, naming the layer and the shapes', () => {
    expect(() => new Linear(0, 2)).toThrow(
      'Linear(0 → 2): inFeatures must be a positive integer, got 0',
    );
    expect(() => new Linear(2, 1.5)).toThrow(/outFeatures must be a positive integer, got 1.5/);
    expect(() => new Linear(2, 2, { dtype: 'int32' as never })).toThrow(DTypeError);
    const layer = new Linear(3, 4, { seed: 0 });
    expect(() => layer.forward(tensor(new Float64Array(10), { shape: [5, 2] }))).toThrow(
      'Linear(3 → 4): expected input with 3 features (shape [batch, 3]), got [5, 2]',
    );
    expect(() => layer.forward([1, 2])).toThrow(ShapeError);
    expect(() => layer.forward(2)).toThrow(/got \[\]/);
    expect(() => layer.forward(tensor(X, { dtype: 'float32' }))).toThrow(
      "Linear(3 → 4): the layer's weights are float64 but the input is float32; cast it with x.astype('float64')",
    );
    expect(() => new Linear(2, 2, { seed: Number.NaN })).toThrow(ValueError);
  });
});

describe('Linear under anomaly detection', () => {
  it('names the line that called forward, not Linear.forward inside the library', () => {
    const layer = new Linear(1, 1, { seed: 0 });
    layer.weight.data[0] = 1e308;
    expect(() => detectAnomaly(() => layer.forward(tensor([[1e308]])))).toThrow(
      /^linear produced Infinity .* the op was called at .*linear\.test\.ts:\d+:\d+\)?$/,
    );
  });
});
