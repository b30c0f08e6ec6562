// @backprop/layers: the lecture's neural network built from @backprop/core's ops. The public API, listed.

/**
 * Neural-network layers on `@backprop/core`: the lecture's `MLP`, `Linear`, `Sequential`, `RBF`,
 * an activation catalog, losses, initialisers, and saving models to JSON.
 * @module @backprop/layers
 */

export {
  activationEntries,
  activationName,
  getActivation,
  getActivationEntry,
  registerActivation,
  registerActivationFamily,
  unregisterActivation,
} from './activation-catalog.js';
export {
  elu,
  gelu,
  geluTanh,
  hardSigmoid,
  hardTanh,
  identity,
  leakyRelu,
  mish,
  rbf,
  relu,
  SELU_ALPHA,
  SELU_LAMBDA,
  selu,
  sigmoid,
  silu,
  softmax,
  softplus,
  softsign,
  swish,
  tanh,
} from './builtin-activations.js';
export type { SavableModel } from './codecs.js';
export { isCompileSafe, isCompileSafeLoss } from './compile-safe.js';
export { defaultInit } from './default-init.js';
export {
  type Activation,
  type ActivationDefinition,
  type ActivationEntry,
  type ActivationFamily,
  type DefinedActivation,
  defineActivation,
} from './define-activation.js';
export { fromJSON } from './from-json.js';
export {
  getInitializer,
  heNormal,
  heUniform,
  type Initializer,
  type InitName,
  initializers,
  normal,
  uniform,
  xavierNormal,
  xavierUniform,
  zerosInit,
} from './init.js';
export { Linear, type LinearOptions } from './linear.js';
export {
  binaryCrossEntropy,
  type ClassTarget,
  crossEntropy,
  type HuberOptions,
  halfSquaredError,
  huber,
  type LossOptions,
  mae,
  mse,
  type Reduction,
} from './losses.js';
export {
  type ActivationSpec,
  type IntermediatesOptions,
  MLP,
  type MLPConfig,
  type MLPForwardOptions,
  type MLPIntermediates,
  type MLPOptions,
  type MLPTrace,
  type TraceOptions,
} from './mlp.js';
export { Module } from './module.js';
export { perSampleGradients, type SampleLoss } from './per-sample.js';
export { RBF } from './rbf.js';
export {
  type LinearConfigJSON,
  type MLPConfigJSON,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  ModelFormatError,
  type ModelSpecJSON,
  type ModelType,
  type RBFConfigJSON,
  type SavedModel,
  type SavedParameter,
  type SequentialConfigJSON,
  type SequentialItemJSON,
} from './saved-model.js';
export { Sequential, type SequentialItem } from './sequential.js';
export { toJSON, toJSONString } from './to-json.js';
