// The default initialiser for the weights that feed an activation, from what the catalog knows of
// it; kept apart from init.ts so that a layer's initialisers do not load the catalog.
import { ValueError } from '@backprop/core';
import { activationName, getActivationEntry } from './activation-catalog.js';
import type { Activation, ActivationEntry } from './define-activation.js';
import type { InitName } from './init.js';

/**
 * The documented default initialiser for the weights that feed an activation: 'heNormal' for
 * ReLU-like ones (entry.init 'he'), 'xavierUniform' otherwise (entry.init 'xavier'). Takes a
 * catalog name, an entry, or a function; a function the catalog does not know gets
 * 'xavierUniform' (the choice for saturating or linear activations).
 * @example
 * console.log(defaultInit('relu'), defaultInit('tanh')); // → heNormal xavierUniform
 */
export function defaultInit(activation: string | Activation | ActivationEntry): InitName {
  let kind: 'xavier' | 'he';
  if (typeof activation === 'string') kind = getActivationEntry(activation).init;
  else if (typeof activation === 'function') {
    const own = (activation as { entry?: ActivationEntry }).entry;
    const name = activationName(activation);
    kind = own?.init ?? (name === undefined ? 'xavier' : getActivationEntry(name).init);
  } else if (activation && typeof activation === 'object' && 'init' in activation) {
    kind = activation.init;
  } else {
    throw new ValueError(
      `defaultInit: expected an activation name, function or catalog entry, got ${String(activation)}`,
    );
  }
  return kind === 'he' ? 'heNormal' : 'xavierUniform';
}
