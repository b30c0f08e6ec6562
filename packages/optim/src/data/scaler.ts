// Autoscaling (standardisation): each column shifted to mean 0 and scaled to standard deviation 1,
// with the statistics of the training data only, and the inverse for predictions.
import {
  checkOptions,
  echoValue,
  ShapeError,
  Tensor,
  type TensorLike,
  ValueError,
} from '@backprop/core';
import { asTensor, checkFinite, formatShape } from './input.js';

/** Options of `new StandardScaler(options)`. */
export interface StandardScalerOptions {
  /**
   * Delta degrees of freedom of the standard deviation: 0 (default) divides by n, the population
   * standard deviation, as scikit-learn's StandardScaler; 1 divides by n − 1, the sample standard
   * deviation that chemometrics texts often use for autoscaling.
   */
  ddof?: 0 | 1;
}

/** A fitted scaler's state, as `toJSON()` gives it and `StandardScaler.fromJSON()` takes it. */
export interface StandardScalerState {
  /** Always 'StandardScaler': what the JSON is. */
  type: 'StandardScaler';
  /** The delta degrees of freedom it was fitted with (see `StandardScalerOptions`). */
  ddof: 0 | 1;
  /** How many samples `fit` saw. */
  nSamples: number;
  /** The column means. */
  mean: number[];
  /** The column scales (standard deviations; 1 for a constant column). */
  scale: number[];
}

/**
 * Standardises columns: z = (x − mean) / scale, where scale is the column's standard deviation,
 * or 1 for a constant column (which then becomes all zeros, not NaN; scikit-learn does the same).
 * Fit it on the training data only and use those statistics for the test data and new inputs, so
 * that nothing about the test set leaks into training. A 1-D input [n] is n samples of one
 * column, so the same class scales a regression target and maps predictions back.
 * @example
 * const xTrain = tensor([[1, 10], [3, 30]]), xTest = tensor([[2, 40]]);
 * const scaler = new StandardScaler().fit(xTrain);
 * const zTrain = scaler.transform(xTrain), zTest = scaler.transform(xTest);
 * // the training columns' means 2 and 20, standard deviations 1 and 10
 * console.log(zTrain.toArray(), zTest.toArray()); // → [ [ -1, -1 ], [ 1, 1 ] ] [ [ 0, 2 ] ]
 * const yScaler = new StandardScaler().fit(tensor([100, 300])); // train on yScaler.transform(yTrain) …
 * // … and read predictions in y's units: 0.5 standard deviations above the mean
 * console.log(yScaler.inverseTransform(tensor([0.5])).toArray()); // → [ 250 ]
 */
export class StandardScaler {
  /** The delta degrees of freedom of the standard deviation: 0 (n) or 1 (n − 1). */
  readonly ddof: 0 | 1;
  private state: { mean: Float64Array; scale: Float64Array; nSamples: number } | null = null;

  constructor(options: StandardScalerOptions = {}) {
    checkOptions('StandardScaler', options, ['ddof']);
    const ddof = options.ddof ?? 0;
    if (ddof !== 0 && ddof !== 1) {
      throw new ValueError(`StandardScaler: ddof must be 0 or 1, got ${echoValue(ddof)}`);
    }
    this.ddof = ddof;
  }

  /** Whether `fit` (or `fromJSON`) has given it means and scales. */
  get fitted(): boolean {
    return this.state !== null;
  }
  /** The column means seen by `fit`. */
  get mean(): number[] {
    return Array.from(this.fittedState('mean').mean);
  }
  /** The column standard deviations seen by `fit` (1 for a constant column). */
  get scale(): number[] {
    return Array.from(this.fittedState('scale').scale);
  }
  /** The number of samples `fit` saw. */
  get nSamples(): number {
    return this.fittedState('nSamples').nSamples;
  }

  /** Learns each column's mean and standard deviation from `x` ([n, f], or [n] as one column). */
  fit(x: TensorLike): this {
    const { data, n, f } = columnsOf('StandardScaler.fit', x);
    if (n < 1 + this.ddof) {
      throw new ValueError(
        `StandardScaler.fit: needs at least ${1 + this.ddof} sample${this.ddof ? 's' : ''} (ddof ${this.ddof}), got ${n}`,
      );
    }
    checkFinite('StandardScaler.fit', 'x', data);
    const mean = new Float64Array(f);
    const scale = new Float64Array(f);
    for (let j = 0; j < f; j++) {
      let sum = 0;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < n; i++) {
        const v = data[i * f + j];
        sum += v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const m = sum / n;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (data[i * f + j] - m) ** 2;
      // A constant column would divide by 0 (or by rounding noise, as the mean of 0.1s is not
      // exactly 0.1): centre it on its value and leave it unscaled, so it becomes exactly 0.
      mean[j] = min === max ? min : m;
      scale[j] = min === max ? 1 : Math.sqrt(ss / (n - this.ddof));
    }
    this.state = { mean, scale, nSamples: n };
    return this;
  }

  /** (x − mean) / scale with the fitted statistics; same shape and dtype as `x`. */
  transform(x: TensorLike): Tensor {
    const { mean, scale } = this.fittedState('transform');
    const t = this.checked('transform', x);
    const out = t.data.slice();
    const f = mean.length;
    for (let k = 0; k < out.length; k++) {
      out[k] = (out[k] - mean[k % f]) / scale[k % f];
    }
    return new Tensor(out, t.shape);
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: TensorLike): Tensor {
    return this.fit(x).transform(x);
  }

  /** z · scale + mean: standardised values (a model's predictions) back in the original units. */
  inverseTransform(z: TensorLike): Tensor {
    const { mean, scale } = this.fittedState('inverseTransform');
    const t = this.checked('inverseTransform', z);
    const out = t.data.slice();
    const f = mean.length;
    for (let k = 0; k < out.length; k++) {
      out[k] = out[k] * scale[k % f] + mean[k % f];
    }
    return new Tensor(out, t.shape);
  }

  /** The fitted means and scales as plain JSON; `StandardScaler.fromJSON` restores them. */
  toJSON(): StandardScalerState {
    const { mean, scale, nSamples } = this.fittedState('toJSON');
    return {
      type: 'StandardScaler',
      ddof: this.ddof,
      nSamples,
      mean: Array.from(mean),
      scale: Array.from(scale),
    };
  }

  /** A fitted scaler from `toJSON()`'s state (e.g. after JSON.parse). */
  static fromJSON(state: StandardScalerState): StandardScaler {
    const bad = (why: string) => new ValueError(`StandardScaler.fromJSON: ${why}`);
    if (state === null || typeof state !== 'object' || state.type !== 'StandardScaler') {
      throw bad(`expected an object with type 'StandardScaler'`);
    }
    const { mean, scale, nSamples } = state;
    if (!Array.isArray(mean) || !Array.isArray(scale) || mean.length !== scale.length) {
      throw bad('mean and scale must be arrays of the same length');
    }
    if (!mean.every(Number.isFinite)) throw bad('mean must hold finite numbers');
    if (!scale.every((s) => Number.isFinite(s) && s > 0)) {
      throw bad('scale must hold finite numbers > 0');
    }
    if (!Number.isInteger(nSamples) || nSamples < 1) throw bad('nSamples must be an integer ≥ 1');
    const scaler = new StandardScaler({ ddof: state.ddof });
    scaler.state = { mean: Float64Array.from(mean), scale: Float64Array.from(scale), nSamples };
    return scaler;
  }

  private fittedState(fn: string) {
    if (this.state === null) {
      throw new ValueError(
        `StandardScaler.${fn}: the scaler is not fitted; call fit(xTrain) first`,
      );
    }
    return this.state;
  }

  private checked(fn: string, x: TensorLike): Tensor {
    const where = `StandardScaler.${fn}`;
    const { t, f } = columnsOf(where, x);
    const fitted = this.fittedState(fn).mean.length;
    if (f !== fitted) {
      throw new ShapeError(
        `${where}: x has ${f} column${f === 1 ? '' : 's'} but the scaler was fitted on ${fitted}`,
      );
    }
    checkFinite(where, 'x', t.data);
    return t;
  }
}

/** `x` as n rows of f columns: [n, f], or [n] read as one column. */
function columnsOf(where: string, x: TensorLike) {
  const t = asTensor(x);
  if (t.ndim === 1) return { t, data: t.data, n: t.shape[0], f: 1 };
  if (t.ndim === 2) return { t, data: t.data, n: t.shape[0], f: t.shape[1] };
  throw new ShapeError(
    `${where}: x has shape ${formatShape(t.shape)}; expected [n, features] or [n]`,
  );
}
