// Adam (with AMSGrad and L2 weight decay) and AdamW (decoupled weight decay): PyTorch's algorithms,
// bias correction included.
import type { TypedArray } from '@backprop/core';
import { echoValue, ValueError } from '@backprop/core';
import {
  buffer,
  checkBoolean,
  checkLr,
  checkNonNegative,
  checkPositive,
  checkUnit,
  Optimizer,
  type OptimizerSpec,
  type ParamState,
  type Params,
} from './optimizer.js';

/** Options of `new Adam(params, options)` and `new AdamW(params, options)`; `lr` is required. */
export interface AdamOptions {
  /** The learning rate η. */
  lr: number;
  /** β₁, β₂: decay rates of the running mean of g and of g², each in [0, 1). */
  betas: readonly [number, number];
  /** ε, added to √v̂ in the denominator (> 0). */
  eps: number;
  /** λ: for Adam an L2 penalty (g ← g + λθ); for AdamW decoupled decay (θ ← θ − ηλθ). */
  weightDecay: number;
  /** Divide by the running maximum of v̂ (AMSGrad) instead of v̂. */
  amsgrad: boolean;
  /** Ascend instead of descend. */
  maximize: boolean;
}

function spec(name: string, weightDecay: number): OptimizerSpec<AdamOptions> {
  return {
    name,
    defaults: {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay,
      amsgrad: false,
      maximize: false,
    },
    buffers: ['expAvg', 'expAvgSq', 'maxExpAvgSq'],
    check(o, where, lrMayBeZero) {
      checkLr(where, o.lr, lrMayBeZero);
      if (!Array.isArray(o.betas) || o.betas.length !== 2) {
        throw new ValueError(`${where}: betas must be a pair [β₁, β₂], got ${echoValue(o.betas)}`);
      }
      checkUnit(where, 'betas[0]', o.betas[0]);
      checkUnit(where, 'betas[1]', o.betas[1]);
      checkPositive(where, 'eps', o.eps);
      checkNonNegative(where, 'weightDecay', o.weightDecay);
      checkBoolean(where, 'amsgrad', o.amsgrad);
      checkBoolean(where, 'maximize', o.maximize);
    },
  };
}

/** One Adam step on one parameter; `decoupled` selects AdamW's weight decay. */
function adamUpdate(
  p: TypedArray,
  g: TypedArray,
  state: ParamState,
  o: AdamOptions,
  decoupled: boolean,
): void {
  const { lr, eps, weightDecay, amsgrad, maximize } = o;
  const [beta1, beta2] = o.betas;
  const m = buffer(state, 'expAvg', p);
  const v = buffer(state, 'expAvgSq', p);
  const vMax = amsgrad ? buffer(state, 'maxExpAvgSq', p) : null;
  const t = state.step;
  // bias correction: m and v start at 0, so their running means are too small by 1 − βᵗ
  const biasCorrection1 = 1 - beta1 ** t;
  const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** t);
  const stepSize = lr / biasCorrection1;
  const decay = 1 - lr * weightDecay;
  for (let i = 0; i < p.length; i++) {
    let d = maximize ? -g[i] : g[i];
    if (decoupled) p[i] = p[i] * decay;
    else if (weightDecay !== 0) d = d + weightDecay * p[i];
    m[i] = m[i] * beta1 + (1 - beta1) * d;
    v[i] = v[i] * beta2 + (1 - beta2) * d * d;
    let vHat = v[i];
    if (vMax !== null) {
      vMax[i] = Math.max(vMax[i], v[i]);
      vHat = vMax[i];
    }
    const denom = Math.sqrt(vHat) / biasCorrection2Sqrt + eps;
    p[i] = p[i] + (-stepSize * m[i]) / denom;
  }
}

/**
 * Adam (Kingma & Ba), exactly as `torch.optim.Adam` (PyTorch 1.13). Updates parameters in place.
 *
 * Per parameter θ at step t: g ← g + λθ;  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;
 * v̂ ← max(v̂, v) with AMSGrad else v;  θ ← θ − η/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε).
 *
 * @example
 * // a model's parameters: model.parameters()
 * const theta = tensor([1, -2], { requiresGrad: true });
 * const opt = new Adam([theta], { lr: 1e-3 });
 * theta.square().sum().backward();
 * opt.step();
 * // the first step moves each θ by η against the sign of its gradient
 * console.log(theta.toString()); // → tensor([ 0.9990, -1.9990], shape=[2], requiresGrad=true)
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, options, spec('Adam', 0));
  }

  protected update(p: TypedArray, g: TypedArray, state: ParamState, o: AdamOptions): void {
    adamUpdate(p, g, state, o, false);
  }
}

/**
 * AdamW (Loshchilov & Hutter), exactly as `torch.optim.AdamW` (PyTorch 1.13): Adam whose weight
 * decay shrinks the parameter directly, θ ← θ(1 − ηλ), instead of entering the gradient.
 * Default weightDecay 1e-2. Updates parameters in place.
 *
 * @example
 * // a model's parameters: model.parameters()
 * const theta = tensor([1, -2], { requiresGrad: true });
 * const opt = new AdamW([theta], { lr: 0.1, weightDecay: 0.01 });
 * theta.square().sum().backward();
 * opt.step();
 * // θ(1 − 0.1 · 0.01), then Adam's first step of 0.1 against the gradient's sign
 * console.log(theta.toString()); // → tensor([ 0.8990, -1.8980], shape=[2], requiresGrad=true)
 */
export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, options, spec('AdamW', 1e-2));
  }

  protected update(p: TypedArray, g: TypedArray, state: ParamState, o: AdamOptions): void {
    adamUpdate(p, g, state, o, true);
  }
}
