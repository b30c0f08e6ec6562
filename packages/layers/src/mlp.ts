// MLP: the lecture's network (p. 3–5): k hidden layers z⁽ʲ⁾ = f(a⁽ʲ⁾) and a linear output y_E,
// with the slides' notation (bias as row 0 of w⁽ʲ⁾, every a⁽ʲ⁾ and z⁽ʲ⁾) as a first-class view.
import {
  BackpropError,
  checkOptions,
  concat,
  type DType,
  DTypeError,
  echoValue,
  type FusedActivation,
  fusedMLP,
  Generator,
  noGrad,
  ShapeError,
  type Tensor,
  type TensorLike,
  tensor,
  ValueError,
} from '@backprop/core';
import { activationName, getActivationEntry } from './activation-catalog.js';
import { identity, relu, sigmoid, tanh } from './builtin-activations.js';
import { defaultInit } from './default-init.js';
import type { Activation } from './define-activation.js';
import { getInitializer } from './init.js';
import { checkSize, Linear } from './linear.js';
import { Module } from './module.js';
import { child, readArray, readObject, readSize } from './read-json.js';
import { readActivation, savedActivationName } from './saved-activations.js';
import { type Codec, ModelFormatError, type SavedModel } from './saved-model.js';
import { toJSON } from './to-json.js';

/** An activation given by its catalog name or as a function. */
export type ActivationSpec = string | Activation;

/** Options of `new MLP(options)`: the lecture's network of p. 3–5. */
export interface MLPOptions {
  /** m: the number of inputs x₁..x_m. */
  inputs: number;
  /** `[m⁽¹⁾, …, m⁽ᵏ⁾]`: the neurons of each hidden layer; [] (k = 0) is linear regression. */
  hidden: readonly number[];
  /** The number of outputs (default 1, the lecture's single y). */
  outputs?: number;
  /** f of the hidden layers (p. 6–7): one for all, or one per hidden layer (default 'sigmoid'). */
  activation?: ActivationSpec | readonly ActivationSpec[];
  /** Applied to the output layer's a: 'identity' (default, p. 5 eq. 4) or 'softmax' for classification (p. 8). */
  outputActivation?: ActivationSpec;
  /**
   * Initialiser name for all layers, or one per layer (k + 1). By default each layer gets the one
   * that suits the activation it feeds (Glorot for saturating ones, He for ReLU-like ones).
   */
  init?: string | readonly string[];
  /** Seed of the initial weights (default 0): the same seed gives the same weights everywhere. */
  seed?: number;
  /** 'float64' (default) or 'float32'. */
  dtype?: DType;
}

/** The normalised, JSON-able configuration: `new MLP(mlp.config)` rebuilds the same network. */
export interface MLPConfig {
  /** m: the number of inputs. */
  inputs: number;
  /** The neurons of each hidden layer. */
  hidden: number[];
  /** The number of outputs. */
  outputs: number;
  /** One per hidden layer: the catalog name, or null for a function that is not in the catalog. */
  activation: (string | null)[];
  /** The catalog name, or null for a function that is not in the catalog. */
  outputActivation: string | null;
  /** One initialiser name per layer (k + 1 of them: layer j's weights feed layer j + 1). */
  init: string[];
  /** The seed the weights were drawn with. */
  seed: number;
  /** The parameters' element type. */
  dtype: DType;
}

/** What `forward(x, { intermediates: true })` returns: every intermediate of p. 5, tensors of the real graph. */
export interface MLPIntermediates {
  /** y_E (p. 5, eq. 4): the output layer's a after `outputActivation`. */
  output: Tensor;
  /** The output layer's a, before `outputActivation` (for the default 'identity', y_E's values). */
  logits: Tensor;
  /** a[j − 1] = a⁽ʲ⁾ of hidden layer j = 1..k (eqs. 1–2), shape [batch, m⁽ʲ⁾]. */
  a: Tensor[];
  /** z[j − 1] = z⁽ʲ⁾ = f(a⁽ʲ⁾) of hidden layer j = 1..k (eq. 3), without the constant z₀⁽ʲ⁾ = 1. */
  z: Tensor[];
}

/** Options of the intermediates that `mlp.forward(x, { intermediates })` returns. */
export interface IntermediatesOptions {
  /** Call `retainGrad()` on every returned tensor, so `.grad` holds ∂E/∂a⁽ʲ⁾ etc. after backward. */
  retainGrad?: boolean;
}

/** Options of `mlp.forward(x, options)`. */
export interface MLPForwardOptions {
  /** Return every a⁽ʲ⁾ and z⁽ʲ⁾ as well as y_E (see `MLPIntermediates`). */
  intermediates?: boolean | IntermediatesOptions;
  /** @deprecated The old name of `intermediates` ("trace" is core's `compile` recording); the same. */
  trace?: boolean | IntermediatesOptions;
}

/** @deprecated The old name of `MLPIntermediates`. */
export type MLPTrace = MLPIntermediates;
/** @deprecated The old name of `IntermediatesOptions`. */
export type TraceOptions = IntermediatesOptions;

const where = 'MLP';
// Every option name, held by the compiler to MLPOptions' keys (MLPConfig has the same ones).
const MLP_OPTIONS = Object.keys({
  inputs: true,
  hidden: true,
  outputs: true,
  activation: true,
  outputActivation: true,
  init: true,
  seed: true,
  dtype: true,
} satisfies { [K in keyof MLPOptions]-?: true });
const FORWARD_OPTIONS = Object.keys({
  intermediates: true,
  trace: true,
} satisfies { [K in keyof MLPForwardOptions]-?: true });

/** forward's options checked: the intermediates asked for (`trace` is their old name), if any. */
function readForwardOptions(
  options: MLPForwardOptions,
): boolean | IntermediatesOptions | undefined {
  checkOptions(`${where}.forward`, options, FORWARD_OPTIONS);
  const wanted = options.intermediates ?? options.trace;
  if (typeof wanted === 'object' && wanted !== null) {
    const which = options.intermediates === undefined ? 'trace' : 'intermediates';
    checkOptions(`${where}.forward: ${which}`, wanted, ['retainGrad']);
  }
  return wanted;
}

// The catalog's activations that core's `fusedMLP` runs inside its layers, made on first use:
// importing a module does nothing, so a bundle without MLP drops the catalog (release test).
let fusedNames: Map<Activation, FusedActivation> | undefined;

function fusedName(fn: Activation): FusedActivation | undefined {
  fusedNames ??= new Map<Activation, FusedActivation>([
    [identity, 'identity'],
    [sigmoid, 'sigmoid'],
    [tanh, 'tanh'],
    [relu, 'relu'],
  ]);
  return fusedNames.get(fn);
}

function sameList(a: readonly Activation[], b: readonly Activation[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function activationLabel(fn: Activation): string {
  return activationName(fn) ?? `<${fn.name || 'unnamed'}>`;
}

/** Resolves an activation spec to its function and config name, with errors saying which layer. */
function resolveActivation(spec: unknown, what: string): { fn: Activation; name: string | null } {
  if (typeof spec === 'function') {
    const fn = spec as Activation;
    return { fn, name: activationName(fn) ?? null };
  }
  if (typeof spec === 'string') {
    try {
      const entry = getActivationEntry(spec);
      return { fn: entry.fn, name: entry.name };
    } catch (e) {
      throw e instanceof ValueError ? new ValueError(`${where}: ${what}: ${e.message}`) : e;
    }
  }
  const got =
    spec === null
      ? 'null (a function that was not in the catalog cannot be restored from a config)'
      : spec instanceof Module
        ? `the module ${spec.describe()} (put modules with parameters, e.g. RBF({ learnable: true }), in a Sequential)`
        : typeof spec;
  throw new ValueError(`${where}: ${what} must be an activation name or a function, got ${got}`);
}

/**
 * The lecture's multilayer perceptron: inputs x → k hidden layers z⁽ʲ⁾ = f(a⁽ʲ⁾) → output y_E.
 * @example
 * const net = new MLP({ inputs: 2, hidden: [3], activation: 'sigmoid', seed: 0 });
 * const yE = net.forward([[0.5, -1]]);
 * console.log(yE.shape); // → [ 1, 1 ]
 * // w⁽⁰⁾: 3 × 3, row 0 the bias (p. 4)
 * console.log(net.slideWeights(0).shape); // → [ 3, 3 ]
 * const { a, z } = net.forward([[0.5, -1]], { intermediates: { retainGrad: true } });
 * console.log(a[0].shape, z[0].shape); // → [ 1, 3 ] [ 1, 3 ]
 */
export class MLP extends Module {
  /** The normalised configuration (frozen, JSON-able). */
  readonly config: Readonly<MLPConfig>;
  /** layers[j] maps layer j to layer j + 1 (layer 0 = inputs); layers[k] is the output layer. */
  readonly layers: Linear[];
  /** activations[j − 1] = f of hidden layer j. */
  readonly activations: Activation[];
  /** The activation applied to the output layer's a. */
  readonly outputActivation: Activation;
  /** What `fusedActivations` found, for the activations it found it for. */
  private fused: { hidden: Activation[]; output: Activation; names: FusedActivation[] } | undefined;

  /** Builds the network from options, or from a saved `config` (which must name every activation). */
  constructor(options: MLPOptions | Readonly<MLPConfig>) {
    super();
    if (typeof options !== 'object' || options === null) {
      throw new ValueError(
        `${where}: expected an options object such as { inputs: 2, hidden: [3] }`,
      );
    }
    checkOptions(where, options, MLP_OPTIONS);
    const inputs = checkSize(where, 'inputs', options.inputs);
    if (!Array.isArray(options.hidden)) {
      throw new ValueError(
        `${where}: hidden must be an array of hidden-layer sizes [m1, …, mk] (use [] for no hidden layer), got ${String(options.hidden)}`,
      );
    }
    const hidden = options.hidden.map((m, i) => checkSize(where, `hidden[${i}]`, m));
    const k = hidden.length;
    const outputs = checkSize(where, 'outputs', options.outputs ?? 1);
    const dtype = options.dtype ?? 'float64';
    if (dtype !== 'float64' && dtype !== 'float32') {
      throw new DTypeError(`${where}: dtype must be 'float64' or 'float32', got ${String(dtype)}`);
    }
    const seed = options.seed ?? 0;
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
      throw new ValueError(`${where}: seed must be an integer, got ${String(seed)}`);
    }

    const spec = options.activation === undefined ? 'sigmoid' : options.activation;
    let specs: readonly unknown[];
    if (Array.isArray(spec)) {
      if (spec.length !== k) {
        throw new ValueError(
          `${where}: activation has ${spec.length} entr${spec.length === 1 ? 'y' : 'ies'} but there ${k === 1 ? 'is 1 hidden layer' : `are ${k} hidden layers`} (hidden: [${hidden.join(', ')}]); give one activation for all, or one per hidden layer`,
        );
      }
      specs = spec;
    } else {
      resolveActivation(spec, 'activation'); // a typo is an error even when k = 0
      specs = hidden.map(() => spec);
    }
    const hiddenActs = specs.map((s, i) =>
      resolveActivation(s, `activation of hidden layer ${i + 1}`),
    );
    const outputAct = resolveActivation(
      options.outputActivation === undefined ? 'identity' : options.outputActivation,
      'outputActivation',
    );

    // layer j's weights feed hidden layer j + 1, or the output layer when j = k
    const feeds = [...hiddenActs, outputAct].map((act) => act.fn);
    let init: string[];
    if (options.init === undefined) init = feeds.map((fn) => defaultInit(fn));
    else if (Array.isArray(options.init)) {
      if (options.init.length !== k + 1) {
        throw new ValueError(
          `${where}: init has ${options.init.length} entries but the network has ${k + 1} layers of weights (k + 1 with k = ${k}); give one name for all, or one per layer`,
        );
      }
      init = [...options.init];
    } else init = feeds.map(() => options.init as string);
    init.forEach((name, j) => {
      try {
        getInitializer(name);
      } catch (e) {
        throw e instanceof ValueError
          ? new ValueError(`${where}: init of layer ${j}: ${e.message}`)
          : e;
      }
    });

    this.config = Object.freeze({
      inputs,
      hidden: Object.freeze([...hidden]) as number[],
      outputs,
      activation: Object.freeze(hiddenActs.map((h) => h.name)) as (string | null)[],
      outputActivation: outputAct.name,
      init: Object.freeze([...init]) as string[],
      seed,
      dtype,
    });
    const sizes = [inputs, ...hidden, outputs];
    const generator = new Generator(seed);
    this.layers = init.map(
      (name, j) => new Linear(sizes[j], sizes[j + 1], { init: name, dtype, generator }),
    );
    this.activations = hiddenActs.map((h) => h.fn);
    this.outputActivation = outputAct.fn;
  }

  /** k, the number of hidden layers. */
  get numHidden(): number {
    return this.config.hidden.length;
  }

  /** How an MLP is saved and loaded (used by `toJSON` and `fromJSON`). */
  static get codec(): Codec<'MLP', MLP> {
    return mlpCodec;
  }

  /** The model as JSON (architecture, activation names, dtype, exact weights); see `fromJSON`. */
  toJSON(): SavedModel {
    return toJSON(this);
  }

  override describe(): string {
    const { inputs, outputs } = this.config;
    const hidden = this.config.hidden.map(
      (m, i) => `${m} ${activationLabel(this.activations[i] as Activation)}`,
    );
    const out = `${outputs} ${activationLabel(this.outputActivation)}`;
    return `MLP(${[inputs, ...hidden, out].join(' → ')})`;
  }

  /**
   * y_E for a batch x of shape [batch, inputs] (or one sample of shape [inputs]). With
   * `{ intermediates: true }` it returns every a⁽ʲ⁾ and z⁽ʲ⁾ too: call `retainGrad()` on them (or
   * pass `{ intermediates: { retainGrad: true } }`), then `backward()`, then read `.grad` =
   * ∂E/∂a⁽ʲ⁾ (p. 16–18). `{ trace }` is the deprecated old name of `{ intermediates }`.
   * @example
   * const net = new MLP({ inputs: 2, hidden: [3], activation: 'sigmoid', seed: 0 });
   * const [x, y] = [tensor([[0.5, -1]]), tensor([[1]])];
   * const t = net.forward(x, { intermediates: { retainGrad: true } });
   * t.output.sub(y).square().mul(0.5).sum().backward(); // E = ½(y_E − y)², p. 10
   * // ∂E/∂a⁽¹⁾, one per neuron of the hidden layer
   * console.log(t.a[0].grad?.shape); // → [ 1, 3 ]
   * // the output layer's ∂E/∂a is y_E − y (p. 11)
   * console.log(t.logits.grad?.item() === t.output.sub(y).item()); // → true
   */
  override forward(x: TensorLike): Tensor;
  override forward(
    x: TensorLike,
    options: { intermediates: true | IntermediatesOptions },
  ): MLPIntermediates;
  /** @deprecated `{ trace }` is the old name of `{ intermediates }`: the same, renamed. */
  override forward(
    x: TensorLike,
    options: { trace: true | IntermediatesOptions },
  ): MLPIntermediates;
  override forward(x: TensorLike, options?: MLPForwardOptions): Tensor | MLPIntermediates;
  override forward(x: TensorLike, options?: MLPForwardOptions): Tensor | MLPIntermediates {
    // the plain call (no options) is every training step's: no options to check, no intermediates kept
    const wanted = options === undefined ? undefined : readForwardOptions(options);
    const h = this.input(x);
    if (!wanted) {
      // the usual call: the whole network as core's one fused op, where its activations allow
      const fused = this.fusedActivations();
      if (fused !== null) {
        const y = fusedMLP(h, this.layers, fused);
        return fused[this.layers.length - 1] === 'identity' ? this.outputActivation(y) : y;
      }
    }
    return this.layerByLayer(h, wanted);
  }

  /** x as a tensor the first layer takes, with errors naming the layer. */
  private input(x: TensorLike): Tensor {
    try {
      return (this.layers[0] as Linear).checkInput(x);
    } catch (e) {
      if (e instanceof BackpropError) e.message = `${where} layers.0: ${e.message}`;
      throw e;
    }
  }

  /** Eqs. 1–4 one op at a time, keeping every a⁽ʲ⁾ and z⁽ʲ⁾ when they are wanted. */
  private layerByLayer(
    x: Tensor,
    wanted: boolean | IntermediatesOptions | undefined,
  ): Tensor | MLPIntermediates {
    const layers = this.layers;
    const activations = this.activations;
    let h = x;
    const a: Tensor[] = [];
    const z: Tensor[] = [];
    for (let i = 0; i < activations.length; i++) {
      const aj = (layers[i] as Linear).forward(h); // eqs. 1–2: a⁽ʲ⁾ = z⁽ʲ⁻¹⁾·w⁽ʲ⁻¹⁾ (bias row 0)
      h = (activations[i] as Activation)(aj); // eq. 3: z⁽ʲ⁾ = f(a⁽ʲ⁾)
      if (wanted) {
        a.push(aj);
        z.push(h);
      }
    }
    const logits = (layers[layers.length - 1] as Linear).forward(h); // eq. 4
    const output = this.outputActivation(logits);
    if (!wanted) return output;
    if (typeof wanted === 'object' && wanted.retainGrad) {
      for (const t of [...a, ...z, logits, output]) t.retainGrad();
    }
    return { output, logits, a, z };
  }

  /**
   * The activations as core's `fusedMLP` names them, one a layer, or null when a hidden one is
   * not among them. An output activation that is not (softmax) runs after the fused op, which
   * then ends with 'identity'. Read on every call: `activations` is an array a user may change.
   */
  private fusedActivations(): FusedActivation[] | null {
    const acts = this.activations;
    const cached = this.fused;
    if (
      cached !== undefined &&
      cached.output === this.outputActivation &&
      sameList(cached.hidden, acts)
    ) {
      return cached.names;
    }
    const names: FusedActivation[] = [];
    for (const fn of acts) {
      const name = fusedName(fn);
      if (name === undefined) return null;
      names.push(name);
    }
    names.push(fusedName(this.outputActivation) ?? 'identity');
    this.fused = { hidden: [...acts], output: this.outputActivation, names };
    return names;
  }

  /**
   * The slides' w⁽ʲ⁾ (p. 4): an (m⁽ʲ⁾ + 1) × m⁽ʲ⁺¹⁾ copy whose entry [p][i] is w⁽ʲ⁾ₚ,ᵢ, the weight
   * from neuron p of layer j to neuron i of layer j + 1, with row 0 the bias (x₀ = z₀⁽ʲ⁾ = 1).
   * j runs 0..k; j = k is the output layer's w⁽ᵏ⁾ₚ, (m⁽ᵏ⁾ + 1) × outputs.
   */
  slideWeights(j: number): Tensor {
    const layer = this.layerAt('slideWeights', j);
    return stackBias(layer.bias as Tensor, layer.weight);
  }

  /**
   * ∂E/∂w⁽ʲ⁾ₚ,ᵢ in the layout of `slideWeights(j)` (p. 11, 14, 18), from the parameters' `.grad`;
   * null before any backward.
   */
  slideGradients(j: number): Tensor | null {
    const layer = this.layerAt('slideGradients', j);
    const { weight, bias } = layer as { weight: Tensor; bias: Tensor };
    if (!weight.grad && !bias.grad) return null;
    return stackBias(bias.grad ?? bias.zerosLike(), weight.grad ?? weight.zerosLike());
  }

  /**
   * Sets layer j's weights from the slides' (m⁽ʲ⁾ + 1) × m⁽ʲ⁺¹⁾ matrix, row 0 the bias (see
   * `slideWeights`); for the output layer with one output, a vector [w₀, …, w_m] also works.
   * The parameters keep their identity (an optimiser holding them sees the new values).
   */
  setSlideWeights(j: number, matrix: TensorLike): this {
    const layer = this.layerAt('setSlideWeights', j);
    const rows = layer.inFeatures + 1;
    const cols = layer.outFeatures;
    const m = tensor(matrix, { dtype: this.config.dtype });
    const fits =
      (m.ndim === 2 && m.shape[0] === rows && m.shape[1] === cols) ||
      (m.ndim === 1 && cols === 1 && m.shape[0] === rows);
    if (!fits) {
      const k = this.numHidden;
      const to = j === k ? 'outputs' : `m(${j + 1})`;
      throw new ShapeError(
        `${where}.setSlideWeights(${j}, …): expected shape [${rows}, ${cols}] (m(${j}) + 1 = ${rows} rows, row 0 the bias; ${to} = ${cols} columns), got [${m.shape.join(', ')}]`,
      );
    }
    (layer.bias as Tensor).data.set(m.data.subarray(0, cols));
    layer.weight.data.set(m.data.subarray(cols));
    layer.weight.markChanged();
    layer.bias?.markChanged();
    return this;
  }

  private layerAt(method: string, j: number): Linear {
    const k = this.numHidden;
    if (!Number.isInteger(j) || j < 0 || j > k) {
      throw new ValueError(
        `${where}.${method}: j must be an integer from 0 to k = ${k} (w⁽ʲ⁾ feeds layer j + 1; j = ${k} is the output layer), got ${String(j)}`,
      );
    }
    return this.layers[j] as Linear;
  }
}

/** [b; W]: the bias as row 0 above the weights, a new leaf. */
function stackBias(bias: Tensor, weight: Tensor): Tensor {
  return noGrad(() => concat([bias.reshape([1, bias.size]), weight], 0));
}

/** An MLP is saved as its config, activations by catalog name; every layer's W and b as parameters. */
export const mlpCodec: Codec<'MLP', MLP> = {
  type: 'MLP',
  model: MLP,
  describe(model, { prefix, label }) {
    const { inputs, hidden, outputs, init, seed } = model.config;
    const activation = model.activations.map((fn, i) =>
      savedActivationName(fn, `${label} (MLP), the activation of hidden layer ${i + 1}`),
    );
    const outputActivation = savedActivationName(
      model.outputActivation,
      `${label} (MLP), its outputActivation`,
    );
    const tensors: [string, Tensor][] = [];
    model.layers.forEach((layer, j) => {
      tensors.push([`${prefix}layers.${j}.weight`, layer.weight]);
      if (layer.bias) tensors.push([`${prefix}layers.${j}.bias`, layer.bias]);
    });
    const config = {
      inputs,
      hidden: [...hidden],
      outputs,
      activation,
      outputActivation,
      init: [...init],
      seed,
    };
    return { config, tensors };
  },
  parameters({ inputs, hidden, outputs }, prefix) {
    const sizes = [inputs, ...hidden, outputs];
    return hidden.concat(outputs).flatMap((to, j): [string, number[]][] => [
      [`${prefix}layers.${j}.weight`, [sizes[j], to]],
      [`${prefix}layers.${j}.bias`, [to]],
    ]);
  },
  read(config, path) {
    const at = (key: string) => child(path, key);
    const c = readObject(config, path, {
      required: ['inputs', 'hidden', 'outputs', 'activation', 'outputActivation', 'init', 'seed'],
    });
    const inputs = readSize(c.inputs, at('inputs'));
    const hidden = readArray(c.hidden, at('hidden')).map((m, i) =>
      readSize(m, `${at('hidden')}[${i}]`),
    );
    const outputs = readSize(c.outputs, at('outputs'));
    const acts = readArray(c.activation, at('activation'));
    if (acts.length !== hidden.length) {
      throw new ModelFormatError(
        `expected one activation name per hidden layer (${hidden.length}), got ${acts.length}`,
        { path: at('activation') },
      );
    }
    const activation = acts.map((a, i) => readActivation(a, `${at('activation')}[${i}]`));
    const outputActivation = readActivation(c.outputActivation, at('outputActivation'));
    const inits = readArray(c.init, at('init'));
    if (inits.length !== hidden.length + 1) {
      throw new ModelFormatError(
        `expected one initialiser name per layer of weights (${hidden.length + 1}), got ${inits.length}`,
        { path: at('init') },
      );
    }
    const init = inits.map((name, j) => {
      const p = `${at('init')}[${j}]`;
      if (typeof name !== 'string')
        throw new ModelFormatError(`expected an initialiser name, got ${echoValue(name)}`, {
          path: p,
        });
      try {
        getInitializer(name);
      } catch (e) {
        if (!(e instanceof ValueError)) throw e;
        throw new ModelFormatError(e.message, { path: p });
      }
      return name;
    });
    const seed = c.seed;
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
      throw new ModelFormatError(`expected an integer, got ${echoValue(seed)}`, {
        path: at('seed'),
      });
    }
    return { inputs, hidden, outputs, activation, outputActivation, init, seed };
  },
  build: (config, dtype) => new MLP({ ...config, dtype }),
};
