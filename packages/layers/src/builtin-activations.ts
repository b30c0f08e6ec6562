// The built-in activations: the lecture's five (p. 6–7) and the usual modern ones, listed at the end
// for the catalog (activation-catalog.ts). Composed from core's ops unless stated (NOTE lines).
// Each is a call at module level; its makers are marked @__NO_SIDE_EFFECTS__ (so are defineActivation
// and defineActivationFamily) so that a bundle drops the built-ins it never uses.
import type { Tensor } from '@backprop/core';
import {
  checkParam,
  type DefinedActivation,
  defineActivation,
  defineActivationFamily,
  familyCall,
} from './define-activation.js';

/**
 * A closed-form derivative as values only: `v ↦ f′(v)` applied to each element, in plain Math,
 * independent of the ops that compute f (so a test can hold autodiff to it). Not differentiable.
 */
/* @__NO_SIDE_EFFECTS__ */ function pointwise(df: (v: number) => number): (a: Tensor) => Tensor {
  return (a) => {
    const out = a.zerosLike();
    for (let i = 0; i < a.size; i++) out.data[i] = df(a.data[i]);
    return out;
  };
}

/** σ(v) in plain Math without overflow: e^v / (1 + e^v) for v < 0. */
const logistic = (v: number) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
/** log(1 + e^v) in plain Math without overflow. */
const softplusValue = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));

// ------------------------------------------------------------------- the lecture's five (p. 6–7)

// #region sigmoid
/**
 * Logistic sigmoid z = 1 / (1 + e^(−a)); z′ = z(1 − z) ≤ 0.25 (p. 6). Core's stable sigmoid:
 * a = −800 gives z = 0 and gradient 0, where the composition 1/(1 + exp(−a)) would give NaN.
 */
export const sigmoid = defineActivation({
  name: 'sigmoid',
  fn: (a) => a.sigmoid(), // NOTE: core's op, with f′ from the output; composing exp would overflow
  derivative: pointwise((v) => {
    const e = Math.exp(-Math.abs(v)); // e^(−|a|)/(1 + e^(−|a|))², symmetric, never overflows
    return e / (1 + e) ** 2;
  }),
  init: 'xavier',
  description: 'logistic sigmoid 1/(1 + e^(−a)), in (0, 1); f′ = f(1 − f) ≤ 0.25 (p. 6)',
});
// #endregion sigmoid

// #region softsign
/** Softsign z = a / (1 + |a|); z′ = 1 / (1 + |a|)² (p. 6). f′ is continuous; f″ jumps at 0 (from 2 to −2). */
export const softsign = defineActivation({
  name: 'softsign',
  fn: (a) => a.div(a.abs().add(1)),
  derivative: pointwise((v) => 1 / (1 + Math.abs(v)) ** 2),
  kinks: [0], // of f″ only: f′(0) = 1 exactly; autodiff's f″(0) is 0, the mean of ±2
  init: 'xavier',
  description: 'softsign a/(1 + |a|), in (−1, 1); f′ = 1/(1 + |a|)² (p. 6)',
});
// #endregion softsign

// #region softmax
/**
 * Softmax along the last axis: z_i = e^(a_i) / Σ_p e^(a_p) (p. 6–7). Not elementwise: the Jacobian
 * ∂z_i/∂a_q = z_i(δ_iq − z_q) couples the neurons of a row, so it has no scalar derivative. Rows of
 * ±1000 do not overflow (core subtracts the row's max).
 */
export const softmax = defineActivation({
  name: 'softmax',
  fn: (a) => a.softmax(-1),
  elementwise: false,
  init: 'xavier',
  description:
    'softmax e^(a_i)/Σ_p e^(a_p) along the last axis; Jacobian z_i(δ_iq − z_q), not elementwise (p. 6–7)',
});
// #endregion softmax

// #region relu
/** Rectified linear unit z = max(0, a); z′ = 1 for a > 0, 0 for a < 0, and relu′(0) = 0 by convention (p. 7). */
export const relu = defineActivation({
  name: 'relu',
  fn: (a) => a.relu(), // NOTE: core's op; relu′(0) = 0, as in PyTorch and JAX
  derivative: pointwise((v) => (v > 0 ? 1 : 0)),
  kinks: [0],
  init: 'he',
  description: 'rectified linear unit max(0, a); relu′(0) = 0 (p. 7)',
});
// #endregion relu

// #region rbf
/** exp(−γa²) named `name`; f′ = −2γa·exp(−γa²). */
/* @__NO_SIDE_EFFECTS__ */ function makeRbf(gamma: number, name: string): DefinedActivation {
  return defineActivation({
    name,
    fn: (a) => a.square().mul(-gamma).exp(),
    derivative: pointwise((v) => -2 * gamma * v * Math.exp(-gamma * v * v)),
    init: 'xavier',
    description: `radial basis function exp(−γa²) with γ = ${gamma}; f′ = −2γa·exp(−γa²) (p. 7)`,
  });
}
// #endregion rbf

const rbfDefault = makeRbf(1, 'rbf'); // the catalog's 'rbf'

/**
 * Radial basis function z = exp(−γa²), γ > 0 (default 1; the catalog's 'rbf'); z′ = −2γa·exp(−γa²)
 * (p. 7). For a learnable γ use the `RBF` module. In the catalog as 'rbf' or e.g. 'rbf(0.5)'.
 */
export const rbf = defineActivationFamily('rbf', 'rbf(gamma)', (gamma = 1) => {
  checkParam('rbf', 'gamma', gamma, true);
  return gamma === 1 ? rbfDefault : makeRbf(gamma, familyCall('rbf', [gamma]));
});

// -------------------------------------------------------------------------------- the others

/** Identity z = a; z′ = 1 (the lecture's linear output, p. 5, eq. 4). */
export const identity = defineActivation({
  name: 'identity',
  fn: (a) => a,
  derivative: (a) => a.onesLike(),
  init: 'xavier',
  description: 'identity a (a linear layer; p. 5, eq. 4)',
});

/** Hyperbolic tangent z = tanh a, in (−1, 1); z′ = 1 − z² = 1/cosh²a. */
export const tanh = defineActivation({
  name: 'tanh',
  fn: (a) => a.tanh(),
  derivative: pointwise((v) => {
    const e = Math.exp(-2 * Math.abs(v)); // 1/cosh²a = 4e^(−2|a|)/(1 + e^(−2|a|))²
    return (4 * e) / (1 + e) ** 2;
  }),
  init: 'xavier',
  description: 'hyperbolic tangent, in (−1, 1); f′ = 1 − f²',
});

/** a for a > 0, αa otherwise, named `name`; f′ = 1 or α (α at 0). */
/* @__NO_SIDE_EFFECTS__ */ function makeLeakyRelu(alpha: number, name: string): DefinedActivation {
  return defineActivation({
    name,
    fn: (a) => a.where(a.gt(0), a.mul(alpha)), // at 0 the gradient goes to αa: leakyRelu′(0) = α
    derivative: pointwise((v) => (v > 0 ? 1 : alpha)),
    kinks: [0],
    init: 'he',
    description: `leaky ReLU a for a > 0, αa otherwise, α = ${alpha}; f′(0) = α (PyTorch)`,
  });
}

const leakyReluDefault = makeLeakyRelu(0.01, 'leakyRelu');

/**
 * Leaky ReLU z = a for a > 0, αa otherwise (α default 0.01, PyTorch's); z′ = 1 or α, and α at
 * a = 0 (PyTorch's convention). In the catalog as 'leakyRelu' (α = 0.01) or e.g. 'leakyRelu(0.2)'.
 */
export const leakyRelu = defineActivationFamily('leakyRelu', 'leakyRelu(alpha)', (alpha = 0.01) => {
  checkParam('leakyRelu', 'alpha', alpha);
  return alpha === 0.01 ? leakyReluDefault : makeLeakyRelu(alpha, familyCall('leakyRelu', [alpha]));
});

/**
 * α(e^a − 1) for a ≤ 0 and a for a > 0, composed so that neither branch overflows: the exp sees
 * min(a, 0) (clamp passes the gradient at 0), so a = 1000 gives no e^1000 and no 0·∞ = NaN in
 * the gradient of the branch not taken. The gradient at 0 is the left one, α.
 */
const eluOf = (a: Tensor, alpha: number) =>
  a.where(a.gt(0), a.clamp(null, 0).exp().sub(1).mul(alpha));

/** a for a > 0, α(e^a − 1) otherwise, named `name`; f′ = 1 or αe^a (α at 0). */
/* @__NO_SIDE_EFFECTS__ */ function makeElu(alpha: number, name: string): DefinedActivation {
  return defineActivation({
    name,
    fn: (a) => eluOf(a, alpha),
    derivative: pointwise((v) => (v > 0 ? 1 : alpha * Math.exp(v))),
    kinks: [0], // f′ jumps from α to 1 unless α = 1; f″ always jumps (α to 0)
    init: 'he',
    description: `exponential linear unit a for a > 0, α(e^a − 1) otherwise, α = ${alpha}; f′(0) = α (PyTorch)`,
  });
}

const eluDefault = makeElu(1, 'elu');

/**
 * Exponential linear unit z = a for a > 0, α(e^a − 1) otherwise (α default 1); z′ = 1 or αe^a,
 * and α at a = 0 (PyTorch's convention). In the catalog as 'elu' (α = 1) or e.g. 'elu(0.5)'.
 */
export const elu = defineActivationFamily('elu', 'elu(alpha)', (alpha = 1) => {
  checkParam('elu', 'alpha', alpha);
  return alpha === 1 ? eluDefault : makeElu(alpha, familyCall('elu', [alpha]));
});

/** SELU's α (Klambauer et al. 2017; PyTorch's value). */
export const SELU_ALPHA = 1.6732632423543772;
/** SELU's λ, the scale (Klambauer et al. 2017; PyTorch's value). */
export const SELU_LAMBDA = 1.0507009873554805;

/**
 * Scaled ELU z = λa for a > 0, λα(e^a − 1) otherwise, with λ ≈ 1.0507009873554805 and
 * α ≈ 1.6732632423543772 (self-normalising); z′ = λ or λαe^a, and λα at a = 0 (PyTorch's).
 */
export const selu = defineActivation({
  name: 'selu',
  fn: (a) => eluOf(a, SELU_ALPHA).mul(SELU_LAMBDA),
  derivative: pointwise((v) => (v > 0 ? SELU_LAMBDA : SELU_LAMBDA * SELU_ALPHA * Math.exp(v))),
  kinks: [0],
  // LeCun normal (variance 1/fanIn) is SELU's own; Glorot is the same when fanIn = fanOut
  init: 'xavier',
  description: 'scaled ELU λ·elu_α(a), λ ≈ 1.0507, α ≈ 1.6733; f′(0) = λα (PyTorch)',
});

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_K = 0.044715;

/**
 * GELU, **tanh approximation** (PyTorch's `gelu(approximate='tanh')`; the exact a·Φ(a) needs erf,
 * which core lacks): z = ½a(1 + tanh(u)), u = √(2/π)(a + 0.044715a³). Computed as a·σ(2u), the
 * same number (½(1 + tanh u) = σ(2u)) without the cancellation of 1 + tanh u for a ≪ 0.
 * z′ = ½(1 + tanh u) + ½a(1 − tanh²u)·√(2/π)(1 + 3·0.044715a²). In the catalog as 'geluTanh'
 * (the name saved in models) and 'gelu'.
 */
export const gelu = defineActivation({
  name: 'geluTanh',
  fn: (a) =>
    a.mul(
      a
        .add(a.square().mul(a).mul(GELU_K))
        .mul(2 * GELU_C)
        .sigmoid(),
    ),
  derivative: pointwise((v) => {
    const t = Math.tanh(GELU_C * (v + GELU_K * v ** 3));
    return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_C * (1 + 3 * GELU_K * v * v);
  }),
  init: 'he',
  description:
    "GELU, tanh approximation ½a(1 + tanh(√(2/π)(a + 0.044715a³))), as PyTorch's approximate='tanh'",
});
/** The same function as `gelu`, named for what it computes. */
export const geluTanh = gelu;

/** SiLU (= swish with β = 1) z = a·σ(a); z′ = σ(a)(1 + a(1 − σ(a))). Core's stable σ keeps ±1000 finite. */
export const silu = defineActivation({
  name: 'silu',
  fn: (a) => a.mul(a.sigmoid()),
  derivative: pointwise((v) => {
    const s = logistic(v);
    return s * (1 + v * (1 - s));
  }),
  init: 'he',
  description: 'sigmoid-weighted linear unit a·σ(a) (swish); f′ = σ(a)(1 + a(1 − σ(a)))',
});
/** Swish: the same function as `silu` (swish with β = 1). */
export const swish = silu;

/**
 * Softplus z = log(1 + e^a), computed as max(a, 0) + log1p(e^(−|a|)) so that a = 1000 gives 1000,
 * not ∞; z′ = σ(a).
 */
export const softplus = defineActivation({
  name: 'softplus',
  // NOTE: f and f′ given: the composition max(a, 0) + log1p(exp(−|a|)) is stable but its autodiff
  // f″(0) would be 0 (abs′(0) = 0), not σ′(0) = 0.25; f′ = σ(a) is right everywhere.
  f: softplusValue,
  df: (a) => a.sigmoid(),
  derivative: pointwise(logistic),
  init: 'he',
  description: 'softplus log(1 + e^a), stable as max(a, 0) + log1p(e^(−|a|)); f′ = σ(a)',
});

/** Mish z = a·tanh(softplus(a)); z′ = tanh(sp) + a·(1 − tanh²(sp))·σ(a), sp = softplus(a). */
export const mish = defineActivation({
  name: 'mish',
  fn: (a) => a.mul(softplus(a).tanh()),
  derivative: pointwise((v) => {
    const t = Math.tanh(softplusValue(v));
    return t + v * (1 - t * t) * logistic(v);
  }),
  init: 'he',
  description: 'mish a·tanh(softplus(a)); f′ = tanh(sp) + a(1 − tanh² sp)σ(a)',
});

/**
 * Hard sigmoid z = clamp(a/6 + 1/2, 0, 1) (PyTorch's Hardsigmoid); z′ = 1/6 for −3 < a < 3, else 0,
 * and 0 at a = ±3 (PyTorch's convention).
 */
export const hardSigmoid = defineActivation({
  name: 'hardSigmoid',
  // NOTE: f and f′ given for PyTorch's kink convention (0 at ±3); core's clamp would pass 1/6 there
  f: (v) => (v <= -3 ? 0 : v >= 3 ? 1 : v / 6 + 0.5),
  df: (a) => a.gt(-3).mul(a.lt(3)).div(6),
  derivative: pointwise((v) => (v > -3 && v < 3 ? 1 / 6 : 0)),
  kinks: [-3, 3],
  init: 'xavier',
  description: "hard sigmoid clamp(a/6 + 1/2, 0, 1), PyTorch's; f′(±3) = 0",
});

/** Hard tanh z = clamp(a, −1, 1); z′ = 1 for −1 < a < 1, else 0, and 0 at a = ±1 (PyTorch's convention). */
export const hardTanh = defineActivation({
  name: 'hardTanh',
  // NOTE: f and f′ given for PyTorch's kink convention (0 at ±1); core's clamp would pass 1 there
  f: (v) => Math.min(Math.max(v, -1), 1),
  df: (a) => a.gt(-1).mul(a.lt(1)),
  derivative: pointwise((v) => (v > -1 && v < 1 ? 1 : 0)),
  kinks: [-1, 1],
  init: 'xavier',
  description: "hard tanh clamp(a, −1, 1), PyTorch's; f′(±1) = 0",
});

/**
 * What the catalog starts with (activation-catalog.ts): the lecture's five first, then the others; aliases
 * after them, so that `activationName` gives the primary name. The families return these
 * instances for their default parameters.
 */
export const BUILT_INS = {
  activations: [
    sigmoid,
    softsign,
    softmax,
    relu,
    rbfDefault,
    identity,
    tanh,
    leakyReluDefault,
    eluDefault,
    selu,
    gelu,
    silu,
    softplus,
    mish,
    hardSigmoid,
    hardTanh,
  ],
  aliases: { gelu, swish: silu },
  families: [rbf, leakyRelu, elu],
} as const;
