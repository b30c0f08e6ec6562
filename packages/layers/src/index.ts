// @backprop/layers: the lecture's neural network built from @backprop/core's ops. The public API, listed.
export {
  type Activation,
  type ActivationDefinition,
  type ActivationEntry,
  activationEntries,
  activationName,
  defineActivation,
  getActivation,
  getActivationEntry,
  registerActivation,
  unregisterActivation,
} from './activation.js';
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
export { Module } from './module.js';
