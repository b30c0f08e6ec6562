// Adagrad (Duchi et al.): per-coordinate step sizes from the sum of all past squared gradients.
import type { TypedArray } from '@backprop/core';
import {
  buffer,
  checkBoolean,
  checkLr,
  checkNonNegative,
  checkPositive,
  Optimizer,
  type OptimizerSpec,
  type ParamState,
  type Params,
} from './optimizer.js';

/** Options of `new Adagrad(params, options)`; `lr` is required. */
export interface AdagradOptions {
  /** The learning rate η. */
  lr: number;
  /** The step t uses η / (1 + (t − 1)·lrDecay). */
  lrDecay: number;
  /** λ: L2 penalty, g ← g + λθ. */
  weightDecay: number;
  /** The value the sum of squared gradients starts from. */
  initialAccumulatorValue: number;
  /** ε, added to √sum (> 0). */
  eps: number;
  /** Ascend instead of descend. */
  maximize: boolean;
}

const SPEC: OptimizerSpec<AdagradOptions> = {
  name: 'Adagrad',
  defaults: {
    lr: 1e-2,
    lrDecay: 0,
    weightDecay: 0,
    initialAccumulatorValue: 0,
    eps: 1e-10,
    maximize: false,
  },
  buffers: ['sum'],
  check(o, where, lrMayBeZero) {
    checkLr(where, o.lr, lrMayBeZero);
    checkNonNegative(where, 'lrDecay', o.lrDecay);
    checkNonNegative(where, 'weightDecay', o.weightDecay);
    checkNonNegative(where, 'initialAccumulatorValue', o.initialAccumulatorValue);
    checkPositive(where, 'eps', o.eps);
    checkBoolean(where, 'maximize', o.maximize);
  },
};

/**
 * Adagrad, exactly as `torch.optim.Adagrad` (PyTorch 1.13). Updates parameters in place.
 *
 * Per parameter at step t: g ← g + λθ;  η̃ = η / (1 + (t − 1)·lrDecay);  s ← s + g²;
 * θ ← θ − η̃ g / (√s + ε), with s starting at initialAccumulatorValue.
 *
 * @example
 * // a model's parameters: model.parameters()
 * const theta = tensor([1], { requiresGrad: true });
 * const opt = new Adagrad([theta], { lr: 0.1 });
 * theta.square().sum().backward();
 * opt.step();
 * // g = 2θ = 2, s = 4: θ − 0.1 · 2 / 2
 * console.log(theta.item().toFixed(6)); // → 0.900000
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Params<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super(params, options, SPEC);
  }

  protected update(p: TypedArray, g: TypedArray, state: ParamState, o: AdagradOptions): void {
    const { lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize } = o;
    const sum = buffer(state, 'sum', p, initialAccumulatorValue);
    const clr = lr / (1 + (state.step - 1) * lrDecay);
    for (let i = 0; i < p.length; i++) {
      let d = maximize ? -g[i] : g[i];
      if (weightDecay !== 0) d = d + weightDecay * p[i];
      sum[i] = sum[i] + d * d;
      const std = Math.sqrt(sum[i]) + eps;
      p[i] = p[i] + (-clr * d) / std;
    }
  }
}
