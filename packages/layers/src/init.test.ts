// Initialisers: reproducible bit for bit from a seed, the documented distributions (limits,
// means, variances of large draws), float32, the default per activation, and errors for people.
import { DTypeError, Generator, ShapeError, type Tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import {
  activationEntries,
  defaultInit,
  getActivation,
  getActivationEntry,
  getInitializer,
  heNormal,
  heUniform,
  type Initializer,
  initializers,
  leakyRelu,
  normal,
  uniform,
  xavierNormal,
  xavierUniform,
  zerosInit,
} from './index.js';

const bytes = (t: Tensor) => [
  ...new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
];

function stats(t: Tensor): { mean: number; variance: number; min: number; max: number } {
  const d = Array.from(t.data);
  const mean = d.reduce((s, v) => s + v, 0) / d.length;
  const variance = d.reduce((s, v) => s + (v - mean) ** 2, 0) / d.length;
  return { mean, variance, min: Math.min(...d), max: Math.max(...d) };
}

const everyInit: [string, Initializer][] = [
  ...Object.entries(initializers),
  ['uniform(-0.1, 0.3)', uniform(-0.1, 0.3)],
  ['normal(1, 2)', normal(1, 2)],
];

describe('reproducibility', () => {
  it.each(everyInit)(
    '%s: the same seed gives the same weights, bit for bit (float64 and float32)',
    (_n, init) => {
      for (const dtype of ['float64', 'float32'] as const) {
        const a = init([30, 20], new Generator(42), dtype);
        const b = init([30, 20], new Generator(42), dtype);
        expect(a.dtype).toBe(dtype);
        expect(a.shape).toEqual([30, 20]);
        expect(bytes(a)).toEqual(bytes(b));
      }
    },
  );

  it.each(everyInit.filter(([n]) => n !== 'zeros'))(
    '%s: different seeds, and successive draws, differ',
    (_n, init) => {
      const a = init([10, 10], new Generator(1), 'float64');
      const b = init([10, 10], new Generator(2), 'float64');
      expect(bytes(a)).not.toEqual(bytes(b));
      const g = new Generator(1);
      const first = init([10, 10], g, 'float64');
      const second = init([10, 10], g, 'float64');
      expect(bytes(first)).toEqual(bytes(a));
      expect(bytes(second)).not.toEqual(bytes(first));
    },
  );

  it('draws uniform weights as low + (high − low)·u from the generator, u its uniform() numbers', () => {
    const limit = Math.sqrt(6 / 5); // heUniform on [5, 2]: l = √(6/fanIn)
    const w = heUniform([5, 2], new Generator(7), 'float64');
    const g = new Generator(7);
    expect([...w.data]).toEqual(Array.from({ length: 10 }, () => -limit + 2 * limit * g.uniform()));
  });

  it('makes float32 weights the float64 ones rounded, from the same draws', () => {
    for (const init of [xavierUniform, xavierNormal, heUniform, heNormal, normal(0.5, 3)]) {
      const w64 = init([40, 30], new Generator(5), 'float64');
      const w32 = init([40, 30], new Generator(5), 'float32');
      expect([...w32.data]).toEqual([...w64.data].map(Math.fround));
    }
  });
});

describe('distributions', () => {
  const N: [number, number] = [200, 300]; // 60 000 weights
  const n = N[0] * N[1];

  /** The sample mean within 5 standard errors of `mean`, the variance within 3 % of `variance`. */
  function expectMoments(t: Tensor, mean: number, variance: number) {
    const s = stats(t);
    expect(Math.abs(s.mean - mean), `mean ${s.mean}`).toBeLessThan(5 * Math.sqrt(variance / n));
    expect(
      Math.abs(s.variance / variance - 1),
      `variance ${s.variance} vs ${variance}`,
    ).toBeLessThan(0.03);
    return s;
  }

  it('xavierUniform: U(−l, l), l = √(6/(fanIn + fanOut)), variance 2/(fanIn + fanOut)', () => {
    const limit = Math.sqrt(6 / (N[0] + N[1]));
    const s = expectMoments(xavierUniform(N, new Generator(1), 'float64'), 0, 2 / (N[0] + N[1]));
    expect(s.min).toBeGreaterThanOrEqual(-limit);
    expect(s.max).toBeLessThan(limit);
    expect(s.max).toBeGreaterThan(0.99 * limit); // the limits are reached, not just respected
    expect(s.min).toBeLessThan(-0.99 * limit);
  });

  it('xavierNormal: N(0, 2/(fanIn + fanOut))', () => {
    expectMoments(xavierNormal(N, new Generator(2), 'float64'), 0, 2 / (N[0] + N[1]));
  });

  it('heUniform: U(−l, l), l = √(6/fanIn), variance 2/fanIn', () => {
    const limit = Math.sqrt(6 / N[0]);
    const s = expectMoments(heUniform(N, new Generator(3), 'float64'), 0, 2 / N[0]);
    expect(s.min).toBeGreaterThanOrEqual(-limit);
    expect(s.max).toBeLessThan(limit);
  });

  it('heNormal: N(0, 2/fanIn)', () => {
    expectMoments(heNormal(N, new Generator(4), 'float64'), 0, 2 / N[0]);
  });

  it('uniform(low, high): mean (low + high)/2, variance (high − low)²/12, inside [low, high)', () => {
    const s = expectMoments(uniform(-0.1, 0.3)(N, new Generator(5), 'float32'), 0.1, 0.4 ** 2 / 12);
    expect(s.min).toBeGreaterThanOrEqual(-0.1);
    expect(s.max).toBeLessThan(0.3);
  });

  it('normal(mean, std): its mean and variance std²', () => {
    expectMoments(normal(1, 2)(N, new Generator(6), 'float64'), 1, 4);
    expect(stats(normal(3, 0)([4, 4], new Generator(6), 'float64'))).toMatchObject({
      min: 3,
      max: 3,
    });
  });

  it('keeps every weight below high even where rounding would land on it (float64 and float32)', () => {
    // 1 − 2⁻⁵⁰ + 2⁻⁵⁰·u rounds to 1 for about one u in 16
    const w64 = uniform(1 - 2 ** -50, 1)([4000], new Generator(8), 'float64');
    expect(stats(w64).max).toBeLessThan(1);
    expect(stats(w64).min).toBeGreaterThanOrEqual(1 - 2 ** -50);
    // [0.1 − 10⁻⁷, 0.1) holds about 13 float32 numbers; round to nearest would give fround(0.1) > 0.1
    const w32 = uniform(0.1 - 1e-7, 0.1)([4000], new Generator(9), 'float32');
    expect(stats(w32).max).toBeLessThan(0.1);
    expect(stats(w32).min).toBeGreaterThanOrEqual(0.1 - 1e-7);
    expect(new Set(w32.data).size).toBeGreaterThan(5);
  });

  it('zeros: all zeros in the dtype asked for, and the generator does not advance', () => {
    const g = new Generator(10);
    const z = zerosInit([3, 4], g, 'float32');
    expect(z.dtype).toBe('float32');
    expect([...z.data]).toEqual(Array(12).fill(0));
    expect(g.uniform()).toBe(new Generator(10).uniform());
    expect(getInitializer('zeros')).toBe(zerosInit);
  });

  it('treats a vector [n] as [n, n] and a scalar as [1, 1]; an empty shape gives an empty tensor', () => {
    const v = heUniform([50], new Generator(11), 'float64');
    expect(v.shape).toEqual([50]);
    expect(Math.max(...Array.from(v.data, Math.abs))).toBeLessThan(Math.sqrt(6 / 50));
    const s = xavierUniform([], new Generator(11), 'float64');
    expect(s.shape).toEqual([]);
    expect(Math.abs(s.item())).toBeLessThan(Math.sqrt(3));
    for (const init of [xavierUniform, xavierNormal, heUniform, heNormal]) {
      expect(init([0, 5], new Generator(1), 'float64').shape).toEqual([0, 5]);
    }
  });
});

describe('defaultInit', () => {
  it('gives heNormal for ReLU-like activations and xavierUniform for the others', () => {
    expect(defaultInit('relu')).toBe('heNormal');
    expect(defaultInit('leakyRelu(0.2)')).toBe('heNormal');
    expect(defaultInit('sigmoid')).toBe('xavierUniform');
    expect(defaultInit('tanh')).toBe('xavierUniform');
    expect(defaultInit('softmax')).toBe('xavierUniform');
    for (const entry of activationEntries()) {
      const expected = entry.init === 'he' ? 'heNormal' : 'xavierUniform';
      expect(defaultInit(entry.name), entry.name).toBe(expected);
      expect(defaultInit(entry), entry.name).toBe(expected);
      expect(defaultInit(entry.fn), entry.name).toBe(expected);
    }
  });

  it('takes functions: catalog ones, family-made ones, and unknown ones (xavierUniform)', () => {
    expect(defaultInit(getActivation('gelu'))).toBe('heNormal');
    expect(defaultInit(leakyRelu(0.3))).toBe('heNormal');
    expect(defaultInit((a) => a.relu())).toBe('xavierUniform');
    expect(getInitializer(defaultInit(getActivationEntry('elu')))).toBe(heNormal);
  });

  it('says what is wrong', () => {
    expect(() => defaultInit('rleu')).toThrow(
      /unknown activation "rleu"; known activations: sigmoid/,
    );
    expect(() => defaultInit(3 as never)).toThrow(
      'defaultInit: expected an activation name, function or catalog entry, got 3',
    );
  });
});

describe('errors', () => {
  it('refuses bad parameters, saying which', () => {
    expect(() => uniform(1, 0)).toThrow(
      'uniform: expected low < high (and a finite high − low), got 1 and 0',
    );
    expect(() => uniform(0, 0)).toThrow(/expected low < high/);
    expect(() => uniform(-1e308, 1e308)).toThrow(/a finite high − low/);
    expect(() => uniform(Number.NaN, 1)).toThrow('uniform: low must be a finite number, got NaN');
    expect(() => uniform(0, Number.POSITIVE_INFINITY)).toThrow(
      'uniform: high must be a finite number, got Infinity',
    );
    expect(() => normal(0, -1)).toThrow('normal: expected std ≥ 0, got -1');
    expect(() => normal(Number.NaN)).toThrow('normal: mean must be a finite number, got NaN');
    expect(() => normal(0, Number.POSITIVE_INFINITY)).toThrow(/std must be a finite number/);
    expect(() => uniform(0.1, 0.1 + 1e-12)([3], new Generator(0), 'float32')).toThrow(
      /^uniform: no float32 number lies in \[0\.1, 0\.1000000000010\d*\)$/,
    );
  });

  it('refuses bad shapes, dtypes and generators', () => {
    expect(() => xavierUniform([2, 3, 4], new Generator(0), 'float64')).toThrow(
      'xavierUniform: expected a [fanIn, fanOut] weight matrix (or a vector), got shape [2, 3, 4]',
    );
    expect(() => heNormal([2, -3], new Generator(0), 'float64')).toThrow(ShapeError);
    expect(() => heNormal([2, -3], new Generator(0), 'float64')).toThrow(
      /^heNormal: invalid shape \[2, -3\]/,
    );
    expect(() => uniform()([2, 3], new Generator(0), 'float16' as never)).toThrow(DTypeError);
    expect(() => uniform()([2, 3], new Generator(0), 'float16' as never)).toThrow(
      /^uniform: unknown dtype "float16"/,
    );
    expect(() => heUniform([2, 3], undefined as never, 'float64')).toThrow(
      /heUniform: expected a Generator from @backprop\/core, got undefined/,
    );
  });

  it('lists the known names when a name is unknown', () => {
    expect(() => getInitializer('glorot')).toThrow(
      'unknown initializer "glorot"; known: xavierUniform, xavierNormal, heUniform, heNormal, uniform, normal, zeros',
    );
    expect(() => getInitializer('__proto__')).toThrow(/unknown initializer "__proto__"/);
    expect(() => getInitializer('toString')).toThrow(/unknown initializer "toString"/);
    expect(getInitializer('heNormal')).toBe(heNormal);
  });
});
