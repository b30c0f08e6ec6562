// The saved-model format: what a saved document holds, the error for one that cannot be read, and
// the Codec through which each savable class is saved and loaded (codecs.ts lists them). It names
// the model types and their JSON but imports no model class, so every class can import it.
import { type DType, type Tensor, ValueError } from '@backprop/core';
import type { Module } from './module.js';

/** The value of `format` in every saved model. */
export const MODEL_FORMAT = 'backprop-model';
/** The format version this library writes and reads. */
export const MODEL_FORMAT_VERSION = 1;

/** A saved `Linear`'s config. */
export interface LinearConfigJSON {
  /** The number of inputs. */
  inFeatures: number;
  /** The number of outputs. */
  outFeatures: number;
  /** Whether the layer has a bias. */
  bias: boolean;
}

/** `mlp.config` without its dtype (saved once, at the top), activations by catalog name. */
export interface MLPConfigJSON {
  /** The number of inputs. */
  inputs: number;
  /** The neurons of each hidden layer. */
  hidden: number[];
  /** The number of outputs. */
  outputs: number;
  /** One catalog name per hidden layer. */
  activation: string[];
  /** The output layer's activation, by catalog name. */
  outputActivation: string;
  /** One initialiser name per layer of weights (k + 1); kept so `mlp.config` survives a round trip. */
  init: string[];
  /** The seed the weights were drawn with. */
  seed: number;
}

/** A learnable γ is saved among the parameters (as `gamma`, shape []); a fixed one here. */
export type RBFConfigJSON =
  | {
      /** γ is a parameter, saved among the parameters. */
      learnable: true;
    }
  | {
      /** γ is fixed, saved here. */
      learnable: false;
      /** The fixed γ. */
      gamma: number;
    };

/** One item of a Sequential: an activation by catalog name, or a nested model. */
export type SequentialItemJSON =
  | {
      /** Marks an activation item. */
      type: 'activation';
      /** The activation's catalog name. */
      name: string;
    }
  | ModelSpecJSON;

/** A saved `Sequential`'s config. */
export interface SequentialConfigJSON {
  /** Its items, in order. */
  layers: SequentialItemJSON[];
}

/** A model's architecture: its type and config (what a Sequential item holds, too). */
export type ModelSpecJSON =
  | {
      /** The model's class. */
      type: 'Linear';
      /** Its constructor's arguments. */
      config: LinearConfigJSON;
    }
  | {
      /** The model's class. */
      type: 'MLP';
      /** Its constructor's arguments. */
      config: MLPConfigJSON;
    }
  | {
      /** The model's class. */
      type: 'Sequential';
      /** Its items. */
      config: SequentialConfigJSON;
    }
  | {
      /** The model's class. */
      type: 'RBF';
      /** How its γ is saved. */
      config: RBFConfigJSON;
    };

/** The name of a savable model class: 'Linear', 'MLP', 'Sequential' or 'RBF'. */
export type ModelType = ModelSpecJSON['type'];

/** The config saved for models of type `K`. */
export type ModelConfigJSON<K extends ModelType> = {
  [T in ModelType]: Extract<ModelSpecJSON, { type: T }>['config'];
}[K];

/** Every model type, in the order errors list them (the Record makes tsc hold it to ModelType). */
export const MODEL_TYPES = Object.keys({
  Linear: 0,
  MLP: 0,
  Sequential: 0,
  RBF: 0,
} satisfies Record<ModelType, 0>) as readonly ModelType[];

/** Whether `value` names a model type. */
export function isModelType(value: unknown): value is ModelType {
  return typeof value === 'string' && (MODEL_TYPES as readonly string[]).includes(value);
}

/** A parameter as saved: its shape and values. */
export interface SavedParameter {
  /** The tensor's shape. */
  shape: number[];
  /** The elements in row-major order (float32 ones widened exactly to JS numbers). */
  values: number[];
}

/** A saved model: plain JSON. */
export type SavedModel = ModelSpecJSON & {
  /** Always `MODEL_FORMAT`: what the document is. */
  format: typeof MODEL_FORMAT;
  /** The format version it was written in (`MODEL_FORMAT_VERSION`). */
  version: typeof MODEL_FORMAT_VERSION;
  /** The parameters' element type. */
  dtype: DType;
  /** Every parameter under its `namedParameters()` name, e.g. `layers.0.weight`. */
  parameters: Record<string, SavedParameter>;
};

/** Sequentials nested deeper than this are refused, when saving and when loading. */
export const MAX_DEPTH = 64;

/**
 * A saved model that cannot be read: malformed, truncated or hostile. `path` says where in the
 * document, e.g. `parameters["layers.0.weight"].values[3]` ('' for the document as a whole).
 */
export class ModelFormatError extends ValueError {
  /** Where in the document, e.g. `config.hidden[1]`; '' for the document as a whole. */
  readonly path: string;
  /** What is wrong there, without the prefix. */
  readonly problem: string;
  /** The file it was read from (set by `load` in `@backprop/layers/node`). */
  readonly file: string | undefined;

  constructor(problem: string, options: { path?: string; file?: string; source?: string } = {}) {
    const { path = '', file, source = 'fromJSON' } = options;
    super(`${source}: ${path ? `${path}: ` : ''}${problem}`);
    this.path = path;
    this.problem = problem;
    this.file = file;
  }
}

/** A parameter's name and shape, as a config implies them. */
export type ParameterShape = [name: string, shape: number[]];

/** A model's spec and the tensors its parameters are saved from, found through its structure. */
export interface Described {
  spec: ModelSpecJSON;
  tensors: [string, Tensor][];
}

/**
 * How models of one type are saved and loaded. Saving finds the codec through the model's class
 * (its static `codec`); loading finds it by the document's `type` (codecs.ts). A codec of a model
 * that holds others (Sequential) reaches theirs through `nested`.
 */
export interface Codec<K extends ModelType = ModelType, M extends Module = Module> {
  readonly type: K;
  /** The class it saves: exactly it, not subclasses (they may do what a config cannot say). */
  readonly model: abstract new (
    ...args: never[]
  ) => M;
  /**
   * The model's config and every tensor its parameters are saved from, named under `prefix`;
   * `label` names the model in errors ('the model', 'layers.2').
   */
  describe(
    model: M,
    at: { prefix: string; label: string },
    nested: (model: Module, prefix: string, label: string) => Described,
  ): { config: ModelConfigJSON<K>; tensors: [string, Tensor][] };
  /** Every parameter's name and shape, in `namedParameters()` order, from a config alone. */
  parameters(
    config: ModelConfigJSON<K>,
    prefix: string,
    nested: (spec: ModelSpecJSON, prefix: string) => ParameterShape[],
  ): ParameterShape[];
  /** Checks a config from a document (`path` is where it sits), every field's type and range. */
  read(
    config: unknown,
    path: string,
    nested: (type: ModelType, config: unknown, path: string) => ModelSpecJSON,
  ): ModelConfigJSON<K>;
  /** A fresh model for a checked config; the loader then overwrites its parameters. */
  build(
    config: ModelConfigJSON<K>,
    dtype: DType,
    nested: (spec: ModelSpecJSON, dtype: DType) => Module,
  ): M;
}
