// RBF: the radial basis function exp(−γa²) as a module, for a γ that is learned (the activation
// `rbf` in builtin-activations.ts is the same function with a fixed γ).
import { checkOptions, type DType, echoValue, Tensor } from '@backprop/core';
import { checkParam, PARAM_LIMIT } from './define-activation.js';
import { Module } from './module.js';
import { child, type JsonObject, readBoolean, readObject } from './read-json.js';
import { type Codec, ModelFormatError, type SavedModel } from './saved-model.js';
import { toJSON } from './to-json.js';

/**
 * The radial basis function exp(−γa²) as a module, its γ a learnable parameter when asked
 * (`{ learnable: true }`: then `gamma` is a tensor that requires grad, found by `parameters()`).
 * @example
 * const act = new RBF({ gamma: 0.5, learnable: true });
 * act.forward(tensor([1, 2])).sum().backward();
 * // ∂/∂γ Σ exp(−γa²) = Σ −a²·exp(−γa²)
 * console.log((act.gamma as Tensor).grad?.item()); // → -1.1478717926590842
 * console.log(-Math.exp(-0.5) - 4 * Math.exp(-2)); // → -1.1478717926590842
 */
export class RBF extends Module {
  /** γ: a number, or a 0-d tensor that requires grad when learnable. */
  readonly gamma: number | Tensor;

  constructor(options: { gamma?: number; learnable?: boolean; dtype?: DType } = {}) {
    super();
    checkOptions('RBF', options, ['gamma', 'learnable', 'dtype']);
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

  /** How an RBF is saved and loaded (used by `toJSON` and `fromJSON`). */
  static get codec(): Codec<'RBF', RBF> {
    return rbfCodec;
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

/** An RBF is saved with its fixed γ in the config, or a learnable γ among the parameters. */
export const rbfCodec: Codec<'RBF', RBF> = {
  type: 'RBF',
  model: RBF,
  describe(model, { prefix }) {
    const g = model.gamma;
    return typeof g === 'number'
      ? { config: { learnable: false, gamma: g }, tensors: [] }
      : { config: { learnable: true }, tensors: [[`${prefix}gamma`, g]] };
  },
  parameters: (config, prefix) => (config.learnable ? [[`${prefix}gamma`, []]] : []),
  read(config, path) {
    const learnable =
      typeof config === 'object' && config !== null && (config as JsonObject).learnable;
    const c = readObject(config, path, {
      required: learnable === true ? ['learnable'] : ['learnable', 'gamma'],
    });
    if (readBoolean(c.learnable, child(path, 'learnable'))) return { learnable: true };
    const gamma = c.gamma;
    if (typeof gamma !== 'number' || !(gamma > 0 && gamma <= PARAM_LIMIT)) {
      throw new ModelFormatError(
        `expected a positive number at most 1e6, got ${echoValue(gamma)}`,
        {
          path: child(path, 'gamma'),
        },
      );
    }
    return { learnable: false, gamma };
  },
  // a learnable γ gets its value with the other parameters (it may have been trained to any sign)
  build: (config, dtype) =>
    config.learnable
      ? new RBF({ gamma: 1, learnable: true, dtype })
      : new RBF({ gamma: config.gamma, dtype }),
};
