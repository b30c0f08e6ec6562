// Linear: the affine map x·W + b that every layer of the lecture's network starts with (p. 5,
// eqs. 1, 2 and 4): core's `linear` op (x·W + b in one node), so its gradient comes from the engine.
import {
  checkOptions,
  type DType,
  DTypeError,
  Generator,
  linear,
  rand,
  ShapeError,
  Tensor,
  type TensorLike,
  tensor,
  ValueError,
} from '@backprop/core';
import { getInitializer, type Initializer } from './init.js';
import { Module } from './module.js';
import { child, readBoolean, readObject, readSize } from './read-json.js';
import type { Codec, SavedModel } from './saved-model.js';
import { toJSON } from './to-json.js';

/** Options of `new Linear(inFeatures, outFeatures, options)`. */
export interface LinearOptions {
  /** Whether to add a bias b (default true). */
  bias?: boolean;
  /** How to draw W: an initialiser or its name (default 'xavierUniform'). */
  init?: string | Initializer;
  /** How to set b: an initialiser or its name (default 'zeros'). */
  biasInit?: string | Initializer;
  /** 'float64' (default) or 'float32'. */
  dtype?: DType;
  /** Draw the initial weights from a fresh generator with this seed. */
  seed?: number;
  /**
   * Or draw them from this generator (it advances). With neither, a seed is drawn from core's
   * global generator, so `manualSeed` makes the weights reproducible.
   */
  generator?: Generator;
}

const LINEAR_OPTIONS = Object.keys({
  bias: true,
  init: true,
  biasInit: true,
  dtype: true,
  seed: true,
  generator: true,
} satisfies { [K in keyof LinearOptions]-?: true });

/** Checks that `n` is a positive integer, naming `what` in the error. */
export function checkSize(where: string, what: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) {
    throw new ValueError(`${where}: ${what} must be a positive integer, got ${String(n)}`);
  }
  return n;
}

function resolveInit(where: string, init: string | Initializer): Initializer {
  if (typeof init === 'function') return init;
  try {
    return getInitializer(init);
  } catch (e) {
    throw e instanceof ValueError ? new ValueError(`${where}: ${e.message}`) : e;
  }
}

/** The generator options ask for: an explicit one, a fresh seeded one, or one seeded from the global generator. */
export function pickGenerator(options: { seed?: number; generator?: Generator }): Generator {
  if (options.generator) return options.generator;
  if (options.seed !== undefined) return new Generator(options.seed);
  return new Generator(Math.floor(rand([]).item() * 2 ** 53));
}

/**
 * A fully connected layer: y = x·W + b with W of shape [inFeatures, outFeatures] and b of shape
 * [outFeatures]. A row of x is one sample; a 1-D x is a single sample.
 * @example
 * const layer = new Linear(3, 4, { seed: 0 });
 * console.log(layer.forward([[1, 2, 3]]).shape); // → [ 1, 4 ]
 */
export class Linear extends Module {
  /** W, shape [inFeatures, outFeatures]: W[p][i] is the weight from input p to output i. */
  weight: Tensor;
  /** b, shape [outFeatures], or null for a layer without bias. */
  bias: Tensor | null;
  /** The number of inputs (rows of W). */
  readonly inFeatures: number;
  /** The number of outputs (columns of W). */
  readonly outFeatures: number;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    const where = `Linear(${inFeatures} → ${outFeatures})`;
    this.inFeatures = checkSize(where, 'inFeatures', inFeatures);
    this.outFeatures = checkSize(where, 'outFeatures', outFeatures);
    checkOptions(where, options, LINEAR_OPTIONS);
    const { bias = true, init = 'xavierUniform', biasInit = 'zeros', dtype = 'float64' } = options;
    if (dtype !== 'float64' && dtype !== 'float32') {
      throw new DTypeError(`${where}: dtype must be 'float64' or 'float32', got ${String(dtype)}`);
    }
    const generator = pickGenerator(options);
    this.weight = asParameter(
      resolveInit(where, init)([inFeatures, outFeatures], generator, dtype),
      [inFeatures, outFeatures],
      dtype,
      `${where}: init`,
    );
    this.bias = bias
      ? asParameter(
          resolveInit(where, biasInit)([outFeatures], generator, dtype),
          [outFeatures],
          dtype,
          `${where}: biasInit`,
        )
      : null;
  }

  /** The parameters' element type. */
  get dtype(): DType {
    return this.weight.dtype;
  }

  /** How a Linear is saved and loaded (used by `toJSON` and `fromJSON`). */
  static get codec(): Codec<'Linear', Linear> {
    return linearCodec;
  }

  /** The model as JSON (architecture, activation names, dtype, exact weights); see `fromJSON`. */
  toJSON(): SavedModel {
    return toJSON(this);
  }

  override describe(): string {
    const extras = [
      ...(this.bias ? [] : ['no bias']),
      ...(this.dtype === 'float64' ? [] : [this.dtype]),
    ];
    return `Linear(${this.inFeatures} → ${this.outFeatures}${extras.map((e) => `, ${e}`).join('')})`;
  }

  /** x·W + b for x of shape [batch, inFeatures] (or [inFeatures] for one sample; more leading axes batch too). */
  override forward(x: TensorLike): Tensor {
    const input = this.checkInput(x);
    return linear(input, this.weight, this.bias);
  }

  /** Converts `x` to a tensor of this layer's dtype and checks its last axis, with errors naming the layer. */
  checkInput(x: TensorLike): Tensor {
    // describe() builds a string: only an error needs it, and this runs on every forward pass
    const dtype = this.weight.dtype;
    const t = x instanceof Tensor ? x : tensor(x, { dtype });
    if (
      t.shape.length === 0 ||
      t.shape[t.shape.length - 1] !== this.inFeatures ||
      t.dtype !== dtype
    ) {
      throw this.misfit(t);
    }
    return t;
  }

  private misfit(t: Tensor): ShapeError | DTypeError {
    const dtype = this.weight.dtype;
    if (t.shape.length === 0 || t.shape[t.shape.length - 1] !== this.inFeatures) {
      return new ShapeError(
        `${this.describe()}: expected input with ${this.inFeatures} features (shape [batch, ${this.inFeatures}]), got [${t.shape.join(', ')}]`,
      );
    }
    return new DTypeError(
      `${this.describe()}: the layer's weights are ${dtype} but the input is ${t.dtype}; cast it with x.astype('${dtype}')`,
    );
  }
}

/** A fresh leaf of `shape` and `dtype` that requires grad, made from what an initialiser returned. */
function asParameter(t: unknown, shape: number[], dtype: DType, where: string): Tensor {
  if (
    !(t instanceof Tensor) ||
    t.shape.length !== shape.length ||
    t.shape.some((n, i) => n !== shape[i])
  ) {
    const got = t instanceof Tensor ? `a tensor of shape [${t.shape.join(', ')}]` : String(t);
    throw new ShapeError(
      `${where} must return a tensor of shape [${shape.join(', ')}], got ${got}`,
    );
  }
  return tensor(t.detach(), { dtype, requiresGrad: true });
}

/** A Linear is saved as its sizes and whether it has a bias; W and b go with the parameters. */
export const linearCodec: Codec<'Linear', Linear> = {
  type: 'Linear',
  model: Linear,
  describe(model, { prefix }) {
    const tensors: [string, Tensor][] = [[`${prefix}weight`, model.weight]];
    if (model.bias) tensors.push([`${prefix}bias`, model.bias]);
    const config = {
      inFeatures: model.inFeatures,
      outFeatures: model.outFeatures,
      bias: model.bias !== null,
    };
    return { config, tensors };
  },
  parameters({ inFeatures, outFeatures, bias }, prefix) {
    const out: [string, number[]][] = [[`${prefix}weight`, [inFeatures, outFeatures]]];
    if (bias) out.push([`${prefix}bias`, [outFeatures]]);
    return out;
  },
  read(config, path) {
    const c = readObject(config, path, { required: ['inFeatures', 'outFeatures', 'bias'] });
    return {
      inFeatures: readSize(c.inFeatures, child(path, 'inFeatures')),
      outFeatures: readSize(c.outFeatures, child(path, 'outFeatures')),
      bias: readBoolean(c.bias, child(path, 'bias')),
    };
  },
  build({ inFeatures, outFeatures, bias }, dtype) {
    // zeros and a fixed seed: no random draws, and core's global generator is left alone
    return new Linear(inFeatures, outFeatures, {
      bias,
      dtype,
      init: 'zeros',
      biasInit: 'zeros',
      seed: 0,
    });
  },
};
