// Stochastic gradient descent with momentum, dampening, Nesterov and weight decay: PyTorch's SGD.
import type { TypedArray } from '@backprop/core';
import { ValueError } from '@backprop/core';
import {
  buffer,
  checkBoolean,
  checkLr,
  checkNonNegative,
  checkNumber,
  Optimizer,
  type OptimizerSpec,
  type ParamState,
  type Params,
} from './optimizer.js';

/** Options of `new SGD(params, options)`; `lr` is required. */
export interface SGDOptions {
  /** The learning rate η (required). */
  lr: number;
  /** μ: how much of the previous update is kept (0: plain SGD). */
  momentum: number;
  /** τ: the new gradient enters the momentum buffer with weight 1 − τ (not at the first step). */
  dampening: number;
  /** Nesterov's momentum: step along g + μ·b instead of b. Needs momentum > 0 and dampening 0. */
  nesterov: boolean;
  /** λ: L2 penalty, g ← g + λθ. */
  weightDecay: number;
  /** Ascend instead of descend (maximise the objective). */
  maximize: boolean;
}

const SPEC: OptimizerSpec<SGDOptions> = {
  name: 'SGD',
  defaults: {
    lr: undefined,
    momentum: 0,
    dampening: 0,
    nesterov: false,
    weightDecay: 0,
    maximize: false,
  },
  buffers: ['momentumBuffer'],
  check(o, where, lrMayBeZero) {
    checkLr(where, o.lr, lrMayBeZero);
    checkNonNegative(where, 'momentum', o.momentum);
    checkNumber(where, 'dampening', o.dampening);
    checkBoolean(where, 'nesterov', o.nesterov);
    checkNonNegative(where, 'weightDecay', o.weightDecay);
    checkBoolean(where, 'maximize', o.maximize);
    // PyTorch's rule: Nesterov momentum is defined without dampening
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new ValueError(
        `${where}: nesterov needs momentum > 0 and dampening = 0, got momentum ${o.momentum} and dampening ${o.dampening}`,
      );
    }
  },
};

/**
 * Stochastic gradient descent, exactly as `torch.optim.SGD` (PyTorch 1.13). Updates the
 * parameters in place.
 *
 * Per parameter θ with gradient g, at step t:
 * - g ← −g if maximize;  g ← g + λθ;
 * - with momentum: b ← g at t = 1, else b ← μb + (1 − τ)g;  g ← g + μb (Nesterov) or g ← b;
 * - θ ← θ − ηg.
 *
 * @example
 * // a model's parameters: model.parameters()
 * const theta = tensor([1, -2], { requiresGrad: true });
 * const opt = new SGD([theta], { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad();
 * theta.square().sum().backward();
 * opt.step();
 * // b = g = 2θ at the first step: θ − 0.1 · 2θ
 * console.log(theta.toArray()); // → [ 0.8, -1.6 ]
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Params<SGDOptions>, options: Partial<SGDOptions> & { lr: number }) {
    super(params, options, SPEC);
  }

  protected update(p: TypedArray, g: TypedArray, state: ParamState, o: SGDOptions): void {
    const { lr, momentum, dampening, nesterov, weightDecay, maximize } = o;
    if (momentum === 0 && weightDecay === 0 && !maximize) {
      plainStep(p, g, -lr);
      return;
    }
    const first = state.buffers.momentumBuffer === undefined;
    const buf = momentum !== 0 ? buffer(state, 'momentumBuffer', p) : null;
    for (let i = 0; i < p.length; i++) {
      let d = maximize ? -g[i] : g[i];
      if (weightDecay !== 0) d = d + weightDecay * p[i];
      if (buf !== null) {
        buf[i] = first ? d : buf[i] * momentum + (1 - dampening) * d;
        d = nesterov ? d + momentum * buf[i] : buf[i];
      }
      p[i] = p[i] + -lr * d;
    }
  }
}

/**
 * Plain SGD, θ ← θ + (−η)·g: what the general loop computes with no momentum, weight decay or
 * maximize (the same bits), four elements a loop turn. For a small network the update is a
 * visible share of a step, and a turn of V8's loop costs about as much as one element's update.
 */
function plainStep(p: TypedArray, g: TypedArray, minusLr: number): void {
  const n = p.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    p[i] = p[i] + minusLr * g[i];
    p[i + 1] = p[i + 1] + minusLr * g[i + 1];
    p[i + 2] = p[i + 2] + minusLr * g[i + 2];
    p[i + 3] = p[i + 3] + minusLr * g[i + 3];
  }
  for (; i < n; i++) p[i] = p[i] + minusLr * g[i];
}
