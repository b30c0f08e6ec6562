// RBF: the radial basis function exp(−γa²) as a module, for a γ that is learned (the activation
// `rbf` in builtin-activations.ts is the same function with a fixed γ).
import { type DType, Tensor } from '@backprop/core';
import { checkParam } from './define-activation.js';
import { Module } from './module.js';
import { type SavedModel, toJSON } from './serialize.js';

/**
 * The radial basis function exp(−γa²) as a module, its γ a learnable parameter when asked
 * (`{ learnable: true }`: then `gamma` is a tensor that requires grad, found by `parameters()`).
 * @example
 * const act = new RBF({ gamma: 0.5, learnable: true });
 * act.forward(a).sum().backward(); // act.gamma.grad = Σ −a²·exp(−γa²)
 */
export class RBF extends Module {
  /** γ: a number, or a 0-d tensor that requires grad when learnable. */
  readonly gamma: number | Tensor;

  constructor(options: { gamma?: number; learnable?: boolean; dtype?: DType } = {}) {
    super();
    const { gamma = 1, learnable = false, dtype = 'float64' } = options;
    checkParam('RBF', 'gamma', gamma, true);
    if (learnable) {
      const g = new Tensor(
        dtype === 'float32' ? Float32Array.of(gamma) : Float64Array.of(gamma),
        [],
      );
      g.requiresGrad = true;
      this.gamma = g;
    } else {
      this.gamma = gamma;
    }
  }

  /** exp(−γa²) for every element of `a`. */
  forward(a: Tensor): Tensor {
    const g = this.gamma;
    return a
      .square()
      .mul(typeof g === 'number' ? -g : g.neg())
      .exp();
  }

  /** The module as JSON (γ and whether it is learnable); see `fromJSON`. */
  toJSON(): SavedModel {
    return toJSON(this);
  }

  override describe(): string {
    const g = this.gamma;
    return typeof g === 'number' ? `RBF(gamma=${g})` : `RBF(gamma=${g.item()}, learnable)`;
  }
}
