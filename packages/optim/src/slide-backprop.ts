// The lecture's hand-derived backpropagation, written literally: plain-number loops over the
// slides' indices p, i, q and layers j (p. 5, 10–19). Teaching code, checked against autodiff.
import { ValueError } from '@backprop/core';
import type { MLP } from '@backprop/layers';

/** f and f′ of an elementwise activation in plain Math (p. 6–7; f′ is what p. 15 needs). */
export interface SlideActivation {
  /** z = f(a) (p. 5, eq. 3). */
  f: (a: number) => number;
  /** ∂z/∂a = f′(a) (p. 15). */
  df: (a: number) => number;
}

const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));

// #region slide-activations
/**
 * The slides' activations (p. 6–7) with their derivatives, by the names the layers catalog uses.
 * tanh is not on the slides; identity is the output's f (p. 5, eq. 4). Softmax is missing on
 * purpose: it is not elementwise, so p. 15's ∂zᵢ/∂aᵢ becomes a Jacobian (docs/softmax-jacobian.md).
 */
export const slideActivations: Readonly<Record<string, SlideActivation>> = Object.freeze({
  sigmoid: { f: sigmoid, df: (a) => sigmoid(a) * (1 - sigmoid(a)) }, // f(1 − f) ≤ 0.25 (p. 20)
  softsign: { f: (a) => a / (1 + Math.abs(a)), df: (a) => 1 / (1 + Math.abs(a)) ** 2 },
  relu: { f: (a) => Math.max(0, a), df: (a) => (a > 0 ? 1 : 0) }, // relu′(0) = 0, as autodiff's
  rbf: { f: (a) => Math.exp(-(a * a)), df: (a) => -2 * a * Math.exp(-(a * a)) }, // γ = 1
  tanh: { f: Math.tanh, df: (a) => 1 - Math.tanh(a) ** 2 },
  identity: { f: (a) => a, df: () => 1 },
});
// #endregion slide-activations

/**
 * The slides' weights, indexed as on the slides: w[j][p][i] = w⁽ʲ⁾ₚ,ᵢ, from neuron p of layer j
 * to neuron i of layer j + 1, for j = 0..k (layer 0 = the inputs x). p = 0 is the bias
 * (x₀ = z₀⁽ʲ⁾ = 1); neurons i count from 1, so column 0 of every w[j] is unused (NaN). The output
 * is the one neuron of layer k + 1: w⁽ᵏ⁾ₚ = w[k][p][1].
 */
export type SlideWeights = number[][][];

/** Every intermediate of p. 5, indexed as on the slides. */
export interface SlideForward {
  /** a[j][i] = a⁽ʲ⁾ᵢ for j = 1..k, i = 1..m⁽ʲ⁾ (eqs. 1–2); a[0] and a[j][0] are unused. */
  a: number[][];
  /** z[j][p] = z⁽ʲ⁾ₚ for p = 0..m⁽ʲ⁾ with z[j][0] = 1 (eq. 3); z[0] = x with x₀ = 1. */
  z: number[][];
  /** y_E (eq. 4). */
  yE: number;
}

export interface SlideBackward extends SlideForward {
  /** E = ½ (y_E − y)² (p. 10). */
  E: number;
  /** dEdw[j][p][i] = ∂E/∂w⁽ʲ⁾ₚ,ᵢ, in the layout of `w` (p. 11, 14, 18). */
  dEdw: SlideWeights;
}

/** m⁽ʲ⁾, the number of neurons of layer j = 0..k + 1 (m⁽⁰⁾ = m inputs, m⁽ᵏ⁺¹⁾ = 1 output). */
function neurons(w: SlideWeights, j: number): number {
  const k = w.length - 1;
  return j <= k ? w[j].length - 1 : 1;
}

// #region forward
/**
 * The forward pass of p. 5 for one sample x = [x₁, …, x_m].
 * @example
 * const mlp = new MLP({ inputs: 2, hidden: [3], activation: 'sigmoid', seed: 0 });
 * const { w } = readSlideNetwork(mlp);
 * const { a, z, yE } = slideForward(w, slideActivations.sigmoid, [0.5, -1]);
 * console.log(a.length, z.length); // → 2 2
 * // the slides' sums give autodiff's output
 * console.log(Math.abs(yE - mlp.forward([[0.5, -1]]).item()) < 1e-15); // → true
 */
export function slideForward(
  w: SlideWeights,
  f: SlideActivation,
  x: readonly number[],
): SlideForward {
  const k = w.length - 1;
  if (x.length !== neurons(w, 0)) {
    throw new ValueError(
      `slideForward: x has ${x.length} values but w⁽⁰⁾ has ${neurons(w, 0)} inputs (m⁽⁰⁾ + 1 = ${neurons(w, 0) + 1} rows)`,
    );
  }
  const a: number[][] = [[]];
  const z: number[][] = [[1, ...x]]; // x₀ = 1: eq. 1 is eq. 2 with z⁽⁰⁾ = x
  for (let j = 1; j <= k; j++) {
    const wj = w[j - 1];
    const aj = [Number.NaN];
    const zj = [1]; // z₀⁽ʲ⁾ = 1
    for (let i = 1; i <= neurons(w, j); i++) {
      let sum = 0;
      for (let p = 0; p <= neurons(w, j - 1); p++) {
        sum += wj[p][i] * z[j - 1][p]; // p. 5 eqs. 1–2: a⁽ʲ⁾ᵢ = Σₚ w⁽ʲ⁻¹⁾ₚ,ᵢ z⁽ʲ⁻¹⁾ₚ
      }
      aj[i] = sum;
      zj[i] = f.f(sum); // p. 5 eq. 3: z⁽ʲ⁾ᵢ = f(a⁽ʲ⁾ᵢ)
    }
    a.push(aj);
    z.push(zj);
  }
  let yE = 0;
  for (let p = 0; p <= neurons(w, k); p++) {
    yE += w[k][p][1] * z[k][p]; // p. 5 eq. 4: y_E = Σₚ w⁽ᵏ⁾ₚ z⁽ᵏ⁾ₚ
  }
  return { a, z, yE };
}
// #endregion forward

// #region error-signals
/**
 * ∂E/∂a⁽ʲ⁾ᵢ for j = 1..k (p. 16–17), as dEda[j][i]: starting where p. 19 says the error enters,
 * ∂E/∂y_E = y_E − y, and propagating back through layers k, k − 1, …, 1. Any k ≥ 1.
 */
export function slideErrorSignals(
  w: SlideWeights,
  f: SlideActivation,
  forward: SlideForward,
  y: number,
): number[][] {
  const { a, yE } = forward;
  const k = w.length - 1;
  const dEda: number[][] = [];
  // The output is neuron 1 of layer k + 1 and its a is y_E itself (eq. 4 is linear), so
  // ∂E/∂a⁽ᵏ⁺¹⁾₁ = ∂E/∂y_E = y_E − y (p. 10): where p. 18's expansion ends, and where we start (p. 19).
  dEda[k + 1] = [Number.NaN, yE - y];
  for (let j = k; j >= 1; j--) {
    dEda[j] = [Number.NaN];
    for (let i = 1; i <= neurons(w, j); i++) {
      let sum = 0;
      for (let q = 1; q <= neurons(w, j + 1); q++) {
        // p. 17: ∂a⁽ʲ⁺¹⁾_q/∂a⁽ʲ⁾ᵢ = w⁽ʲ⁾ᵢ,q ∂z⁽ʲ⁾ᵢ/∂a⁽ʲ⁾ᵢ, summed over q = 1..m⁽ʲ⁺¹⁾
        sum += dEda[j + 1][q] * w[j][i][q] * f.df(a[j][i]);
      }
      dEda[j][i] = sum; // p. 16–17: ∂E/∂a⁽ʲ⁾ᵢ = Σ_q ∂E/∂a⁽ʲ⁺¹⁾_q w⁽ʲ⁾ᵢ,q ∂z⁽ʲ⁾ᵢ/∂a⁽ʲ⁾ᵢ
    }
  }
  return dEda;
}
// #endregion error-signals

/**
 * ∂E/∂w for one sample (x, y), with E = ½ (y_E − y)² (p. 10): the slides' formulas, p. 11 for the
 * output weights, p. 14 for k = 1 and p. 18 for k > 1.
 */
export function slideBackward(
  w: SlideWeights,
  f: SlideActivation,
  x: readonly number[],
  y: number,
): SlideBackward {
  const forward = slideForward(w, f, x);
  const { a, z, yE } = forward;
  const k = w.length - 1;
  const dEdw: SlideWeights = w.map((wj) =>
    wj.map((row) => row.map((_, i) => (i === 0 ? Number.NaN : 0))),
  );

  // #region output-weights
  // p. 11: ∂E/∂w⁽ᵏ⁾ₚ = ∂E/∂y_E · ∂y_E/∂w⁽ᵏ⁾ₚ = (y_E − y) z⁽ᵏ⁾ₚ
  for (let p = 0; p <= neurons(w, k); p++) {
    dEdw[k][p][1] = (yE - y) * z[k][p];
  }
  // #endregion output-weights

  if (k === 1) {
    // #region one-hidden-layer
    // p. 14: ∂E/∂w⁽⁰⁾ₚ,ᵢ = x_p (y_E − y) w⁽¹⁾ᵢ ∂z⁽¹⁾ᵢ/∂a⁽¹⁾ᵢ, the last factor from p. 15
    const xp = z[0]; // xp[p] = x_p for p = 0..m, with x₀ = 1
    for (let i = 1; i <= neurons(w, 1); i++) {
      for (let p = 0; p <= neurons(w, 0); p++) {
        dEdw[0][p][i] = xp[p] * (yE - y) * w[1][i][1] * f.df(a[1][i]);
      }
    }
    // #endregion one-hidden-layer
  } else if (k > 1) {
    // #region deep
    // p. 18: ∂E/∂w⁽ʲ⁻¹⁾ₚ,ᵢ = z⁽ʲ⁻¹⁾ₚ ∂E/∂a⁽ʲ⁾ᵢ, with ∂E/∂a⁽ʲ⁾ᵢ from the recursion of p. 16–17
    const dEda = slideErrorSignals(w, f, forward, y);
    for (let j = 1; j <= k; j++) {
      for (let i = 1; i <= neurons(w, j); i++) {
        for (let p = 0; p <= neurons(w, j - 1); p++) {
          dEdw[j - 1][p][i] = z[j - 1][p] * dEda[j][i];
        }
      }
    }
    // #endregion deep
  }
  return { ...forward, E: 0.5 * (yE - y) ** 2, dEdw };
}

// #region update
/** p. 10: the per-sample update w ← w − η ∂E/∂w, in place. */
export function slideUpdate(w: SlideWeights, dEdw: SlideWeights, eta: number): void {
  for (let j = 0; j < w.length; j++) {
    for (let p = 0; p < w[j].length; p++) {
      for (let i = 1; i < w[j][p].length; i++) {
        w[j][p][i] = w[j][p][i] - eta * dEdw[j][p][i];
      }
    }
  }
}
// #endregion update

// ---------------------------------------------------------------- through the MLP's slide view

/**
 * The MLP's weights with the slides' indices (see `SlideWeights`), read through
 * `mlp.slideWeights(j)`, and the activation of its hidden layers. The MLP must be the lecture's:
 * one linear output and one elementwise activation from `slideActivations` for every hidden layer.
 */
export function readSlideNetwork(mlp: MLP): {
  /** The weights in the slides' layout (see `SlideWeights`). */
  w: SlideWeights;
  /** The hidden layers' activation f with its derivative. */
  f: SlideActivation;
} {
  const { config } = mlp;
  const where = `slide formulas (${mlp.describe()})`;
  if (config.outputs !== 1 || config.outputActivation !== 'identity') {
    throw new ValueError(
      `${where}: the slides' network has one linear output y_E (p. 5, eq. 4); got ${config.outputs} output(s) with outputActivation '${config.outputActivation}'`,
    );
  }
  const names = new Set(config.activation);
  if (names.size > 1) {
    throw new ValueError(
      `${where}: the slides use one activation f for every hidden layer (p. 5, eq. 3); got ${config.activation.join(', ')}`,
    );
  }
  const name = config.activation[0] ?? 'identity'; // k = 0 has no hidden layer, so no f
  const f =
    name === null || !Object.hasOwn(slideActivations, name) ? undefined : slideActivations[name];
  if (f === undefined) {
    throw new ValueError(
      `${where}: activation ${name === null ? 'outside the catalog' : `'${name}'`} has no plain-number f and f′ here; known: ${Object.keys(slideActivations).join(', ')} (softmax is not elementwise: see docs/softmax-jacobian.md)`,
    );
  }
  const w: SlideWeights = [];
  for (let j = 0; j <= mlp.numHidden; j++) {
    const matrix = mlp.slideWeights(j).toArray() as number[][];
    w.push(matrix.map((row) => [Number.NaN, ...row])); // neuron i sits at column i
  }
  return { w, f };
}

/** Writes slide-indexed weights back through `mlp.setSlideWeights(j, …)`. */
export function writeSlideWeights(mlp: MLP, w: SlideWeights): void {
  for (const [j, wj] of w.entries()) mlp.setSlideWeights(j, toSlideMatrix(wj));
}

/** One layer in `mlp.slideWeights(j)`'s layout: column 0 dropped, so column c holds neuron c + 1. */
function toSlideMatrix(wj: number[][]): number[][] {
  return wj.map((row) => row.slice(1));
}

/**
 * ∂E/∂w⁽ʲ⁾ for one sample by the slides' formulas, E = ½ (y_E − y)² (p. 10), as one matrix per
 * layer j = 0..k in the layout of `mlp.slideWeights(j)`: [p][c] = ∂E/∂w⁽ʲ⁾ₚ,c₊₁, row 0 the bias.
 * Autodiff's `mlp.slideGradients(j)` after `backward()` gives the same numbers.
 * @example
 * const mlp = new MLP({ inputs: 2, hidden: [3], activation: 'sigmoid', seed: 0 });
 * // 3 × 3: ∂E/∂w⁽⁰⁾ₚ,ᵢ of p. 14
 * const slides = slideGradients(mlp, [0.5, -1], 0.3)[0];
 * halfSquaredError(mlp.forward([[0.5, -1]]), [[0.3]]).backward();
 * console.log(mlp.slideGradients(0)?.sub(tensor(slides)).abs().max().item()); // → 0
 */
export function slideGradients(mlp: MLP, x: readonly number[], y: number): number[][][] {
  const { w, f } = readSlideNetwork(mlp);
  return slideBackward(w, f, x, y).dEdw.map(toSlideMatrix);
}

/**
 * One per-sample step of the lecture's training (p. 10): the slides' ∂E/∂w, then
 * w ← w − η ∂E/∂w, written back into the MLP. Returns E = ½ (y_E − y)² before the step.
 * @example
 * const mlp = new MLP({ inputs: 2, hidden: [3], activation: 'sigmoid', seed: 0 });
 * const samples: [number[], number][] = [[[0, 0], 0.2], [[1, 0], 0.8], [[0, 1], 0.5]];
 * const errors: number[] = [];
 * for (let epoch = 0; epoch < 500; epoch++) {
 *   let E = 0;
 *   for (const [x, y] of samples) E += slideStep(mlp, x, y, 0.5);
 *   errors.push(E);
 * }
 * console.log(errors[0].toFixed(4), errors[499].toFixed(4)); // → 0.3292 0.0000
 */
export function slideStep(mlp: MLP, x: readonly number[], y: number, eta: number): number {
  if (typeof eta !== 'number' || !Number.isFinite(eta) || eta <= 0) {
    throw new ValueError(
      `slideStep: the learning rate η must be a finite number > 0, got ${String(eta)}`,
    );
  }
  const { w, f } = readSlideNetwork(mlp);
  const { E, dEdw } = slideBackward(w, f, x, y);
  slideUpdate(w, dEdw, eta);
  writeSlideWeights(mlp, w);
  return E;
}
