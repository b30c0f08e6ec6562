// RMSprop (Hinton's lecture 6e), with PyTorch's centred variant and momentum.
import type { TypedArray } from '@backprop/core';
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

/** Options of `new RMSprop(params, options)`; `lr` is required. */
export interface RMSpropOptions {
  /** The learning rate η. */
  lr: number;
  /** α: decay rate of the running mean of g², in [0, 1]. */
  alpha: number;
  /** ε, added to the root mean square (> 0). */
  eps: number;
  /** λ: L2 penalty, g ← g + λθ. */
  weightDecay: number;
  /** μ: momentum on the scaled step (0: none). */
  momentum: number;
  /** Divide by an estimate of the variance of g (E[g²] − E[g]²) instead of E[g²]. */
  centered: boolean;
  /** Ascend instead of descend. */
  maximize: boolean;
}

const SPEC: OptimizerSpec<RMSpropOptions> = {
  name: 'RMSprop',
  defaults: {
    lr: 1e-2,
    alpha: 0.99,
    eps: 1e-8,
    weightDecay: 0,
    momentum: 0,
    centered: false,
    maximize: false,
  },
  buffers: ['squareAvg', 'gradAvg', 'momentumBuffer'],
  check(o, where, lrMayBeZero) {
    checkLr(where, o.lr, lrMayBeZero);
    checkUnit(where, 'alpha', o.alpha, true);
    checkPositive(where, 'eps', o.eps);
    checkNonNegative(where, 'weightDecay', o.weightDecay);
    checkNonNegative(where, 'momentum', o.momentum);
    checkBoolean(where, 'centered', o.centered);
    checkBoolean(where, 'maximize', o.maximize);
  },
};

/**
 * RMSprop, exactly as `torch.optim.RMSprop` (PyTorch 1.13). Updates parameters in place.
 *
 * Per parameter: g ← g + λθ;  v ← αv + (1 − α)g²;  centred: ḡ ← αḡ + (1 − α)g, ṽ = v − ḡ², else ṽ = v;
 * with momentum b ← μb + g/(√ṽ + ε), θ ← θ − ηb;  without, θ ← θ − ηg/(√ṽ + ε).
 *
 * @example
 * // a model's parameters: model.parameters()
 * const theta = tensor([1], { requiresGrad: true });
 * const opt = new RMSprop([theta], { lr: 1e-2, centered: true });
 * theta.square().sum().backward();
 * opt.step();
 * // g = 2θ = 2, α = 0.99: v = 0.04, ḡ = 0.02, ṽ = 0.0396
 * console.log(theta.item().toFixed(6), (1 - (1e-2 * 2) / (Math.sqrt(0.0396) + 1e-8)).toFixed(6)); // → 0.899496 0.899496
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Params<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(params, options, SPEC);
  }

  protected update(p: TypedArray, g: TypedArray, state: ParamState, o: RMSpropOptions): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = o;
    const v = buffer(state, 'squareAvg', p);
    const gAvg = centered ? buffer(state, 'gradAvg', p) : null;
    const buf = momentum > 0 ? buffer(state, 'momentumBuffer', p) : null;
    for (let i = 0; i < p.length; i++) {
      let d = maximize ? -g[i] : g[i];
      if (weightDecay !== 0) d = d + weightDecay * p[i];
      v[i] = v[i] * alpha + (1 - alpha) * d * d;
      let avg: number;
      if (gAvg !== null) {
        gAvg[i] = gAvg[i] * alpha + (1 - alpha) * d;
        avg = Math.sqrt(v[i] + -gAvg[i] * gAvg[i]);
      } else {
        avg = Math.sqrt(v[i]);
      }
      avg = avg + eps;
      if (buf !== null) {
        buf[i] = buf[i] * momentum + d / avg;
        p[i] = p[i] + -lr * buf[i];
      } else {
        p[i] = p[i] + (-lr * d) / avg;
      }
    }
  }
}
