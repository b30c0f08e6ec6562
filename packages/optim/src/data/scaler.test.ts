import { randn, ShapeError, tensor, ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { StandardScaler, type StandardScalerState } from './scaler.js';

// Column 0: mean 3, squared deviations 4 + 1 + 0 + 9 = 14; column 1: mean 30, 400 + 100 + 900 + 0
// = 1400; column 2 is constant. Population variances 14/4 and 1400/4, sample ones 14/3, 1400/3.
const xTrain = [
  [1, 10, 5],
  [2, 20, 5],
  [3, 60, 5],
  [6, 30, 5],
];

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs((actual[i] as number) - (expected[i] as number))).toBeLessThanOrEqual(tol);
  }
}

describe('StandardScaler', () => {
  it('learns column means and population standard deviations (ddof 0, as scikit-learn)', () => {
    const s = new StandardScaler().fit(xTrain);
    expect(s.mean).toEqual([3, 30, 5]);
    expectClose(s.scale, [Math.sqrt(3.5), Math.sqrt(350), 1]);
    expect(s.nSamples).toBe(4);
    expect(s.fitted).toBe(true);
  });

  it('uses the sample standard deviation with ddof 1', () => {
    const s = new StandardScaler({ ddof: 1 }).fit(xTrain);
    expectClose(s.scale, [Math.sqrt(14 / 3), Math.sqrt(1400 / 3), 1]);
  });

  it('transforms to (x − mean) / scale: the training columns get mean 0 and standard deviation 1', () => {
    const z = new StandardScaler().fitTransform(xTrain);
    expect(z.shape).toEqual([4, 3]);
    const a = Math.sqrt(3.5);
    const b = Math.sqrt(350);
    expectClose(z.data, [-2 / a, -20 / b, 0, -1 / a, -10 / b, 0, 0, 30 / b, 0, 3 / a, 0, 0]);
  });

  it('agrees with plain loops on random data, and each column comes out with mean 0, std 1', () => {
    const x = randn([50, 4], { seed: 3 })
      .mul(tensor([1, 10, 0.01, 1000]))
      .add(tensor([5, -3, 0, 1e4]));
    const s = new StandardScaler().fit(x);
    const z = s.transform(x);
    for (let j = 0; j < 4; j++) {
      const col = Array.from({ length: 50 }, (_, i) => x.data[i * 4 + j] as number);
      const m = col.reduce((acc, v) => acc + v, 0) / 50;
      const sd = Math.sqrt(col.reduce((acc, v) => acc + (v - m) ** 2, 0) / 50);
      expect(s.mean[j]).toBeCloseTo(m, 10);
      expect(s.scale[j] / sd).toBeCloseTo(1, 12);
      const zc = Array.from({ length: 50 }, (_, i) => z.data[i * 4 + j] as number);
      const zm = zc.reduce((acc, v) => acc + v, 0) / 50;
      expect(Math.abs(zm)).toBeLessThan(1e-12);
      expect(Math.sqrt(zc.reduce((acc, v) => acc + (v - zm) ** 2, 0) / 50)).toBeCloseTo(1, 12);
    }
  });

  it('transforms test data with the training statistics, not its own', () => {
    const s = new StandardScaler().fit(xTrain);
    const zTest = s.transform([
      [5, 40, 7],
      [3, 30, 5],
    ]);
    expectClose(zTest.data, [2 / Math.sqrt(3.5), 10 / Math.sqrt(350), 2, 0, 0, 0]);
    // Refitting on the test data would give other numbers; transform must not refit.
    expect(s.mean).toEqual([3, 30, 5]);
  });

  it('leaves a constant column unscaled: exactly 0 after transform, never NaN', () => {
    const s = new StandardScaler().fit([
      [0.1, 1],
      [0.1, 2],
      [0.1, 3],
    ]);
    expect(s.scale[0]).toBe(1);
    expect(s.mean[0]).toBe(0.1);
    const z = s.transform([[0.1, 2]]);
    expect(Array.from(z.data)).toEqual([0, 0]);
    expect(s.transform([[0.6, 2]]).data[0]).toBeCloseTo(0.5, 15);
  });

  it('inverts transform (round trip to 1e-12) for features and for a target', () => {
    const x = randn([20, 3], { seed: 7 }).mul(100);
    const s = new StandardScaler().fit(x);
    expectClose(s.inverseTransform(s.transform(x)).data, Array.from(x.data), 1e-12);

    // A 1-D target: scaled for training, predictions [n, 1] mapped back to the target's units.
    const y = [151, 75, 141, 206, 135];
    const ys = new StandardScaler().fit(y);
    const yz = ys.transform(y);
    expect(yz.shape).toEqual([5]);
    const predictions = tensor(Array.from(yz.data), { shape: [5, 1] });
    const back = ys.inverseTransform(predictions);
    expect(back.shape).toEqual([5, 1]);
    expectClose(back.data, y, 1e-12);
  });

  it('keeps float32 inputs float32', () => {
    const x = tensor(xTrain, { dtype: 'float32' });
    const z = new StandardScaler().fitTransform(x);
    expect(z.dtype).toBe('float32');
    expect(z.data[0]).toBe(Math.fround(-2 / Math.sqrt(3.5)));
  });

  it('saves and restores its state through JSON exactly', () => {
    const s = new StandardScaler().fit(randn([30, 3], { seed: 1 }));
    const state = JSON.parse(JSON.stringify(s)) as StandardScalerState;
    expect(state.type).toBe('StandardScaler');
    expect(state.ddof).toBe(0);
    expect(state.nSamples).toBe(30);
    const restored = StandardScaler.fromJSON(state);
    expect(restored.mean).toEqual(s.mean);
    expect(restored.scale).toEqual(s.scale);
    const x = randn([4, 3], { seed: 2 });
    expect(Array.from(restored.transform(x).data)).toEqual(Array.from(s.transform(x).data));
  });

  it('explains misuse', () => {
    const s = new StandardScaler();
    expect(() => s.transform(xTrain)).toThrow(
      'StandardScaler.transform: the scaler is not fitted; call fit(xTrain) first',
    );
    expect(() => s.mean).toThrow(ValueError);
    expect(() => s.toJSON()).toThrow(/not fitted/);
    s.fit(xTrain);
    expect(() => s.transform([[1, 2]])).toThrow(ShapeError);
    expect(() => s.transform([[1, 2]])).toThrow(
      'StandardScaler.transform: x has 2 columns but the scaler was fitted on 3',
    );
    expect(() => s.inverseTransform([1, 2])).toThrow(
      /x has 1 column but the scaler was fitted on 3/,
    );
    expect(() => s.fit(tensor([[[1]]]))).toThrow(
      /shape \[1, 1, 1\]; expected \[n, features\] or \[n\]/,
    );
    expect(() => s.fit([[1, Number.NaN]])).toThrow(
      'StandardScaler.fit: x[1] is NaN; expected a finite number',
    );
    expect(() => s.transform([[1, Number.POSITIVE_INFINITY, 3]])).toThrow(/x\[1\] is Infinity/);
    expect(() => new StandardScaler().fit(tensor([], { shape: [0, 2] }))).toThrow(
      /at least 1 sample/,
    );
    expect(() => new StandardScaler({ ddof: 1 }).fit([[1, 2]])).toThrow(/at least 2 samples/);
    expect(() => new StandardScaler({ ddof: 2 as 0 })).toThrow(/ddof must be 0 or 1/);
  });

  it('refuses a broken state', () => {
    const good: StandardScalerState = {
      type: 'StandardScaler',
      ddof: 0,
      nSamples: 3,
      mean: [0],
      scale: [1],
    };
    expect(StandardScaler.fromJSON(good).scale).toEqual([1]);
    expect(() => StandardScaler.fromJSON({ ...good, type: 'Other' as 'StandardScaler' })).toThrow(
      /type 'StandardScaler'/,
    );
    expect(() => StandardScaler.fromJSON({ ...good, scale: [1, 2] })).toThrow(/same length/);
    expect(() => StandardScaler.fromJSON({ ...good, scale: [0] })).toThrow(
      /scale must hold finite numbers > 0/,
    );
    expect(() => StandardScaler.fromJSON({ ...good, mean: [Number.NaN] })).toThrow(
      /mean must hold finite/,
    );
    expect(() => StandardScaler.fromJSON({ ...good, nSamples: 0 })).toThrow(/nSamples/);
  });
});
