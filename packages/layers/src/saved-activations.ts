// Activations in saved models go by their catalog name: the name to write (or why there is none),
// and the check that a name read back resolves. Used by the codecs of MLP and Sequential.
import { echo, echoValue, ValueError } from '@backprop/core';
import { activationName, getActivationEntry } from './activation-catalog.js';
import type { Activation } from './define-activation.js';
import { ModelFormatError } from './saved-model.js';

/** The catalog name of `fn`, or an error saying how to get it into the catalog. */
export function savedActivationName(fn: Activation, where: string): string {
  const name = activationName(fn);
  if (name !== undefined) return name;
  const defined = (fn as { entry?: { name?: unknown } }).entry?.name;
  const hint =
    typeof defined === 'string'
      ? `it was made by defineActivation as '${defined}' but is not registered: call registerActivation(${defined}) before saving`
      : `define it with defineActivation({ name: '${fn.name || 'myActivation'}', fn }) and registerActivation(...) it, then use that, before saving`;
  throw new ValueError(
    `toJSON: ${where} uses an activation that is not in the activation catalog, so it cannot be saved by name; ${hint}`,
  );
}

/** A catalog name that resolves (user activations must be registered before loading). */
export function readActivation(value: unknown, path: string): string {
  if (typeof value !== 'string') {
    throw new ModelFormatError(`expected an activation name, got ${echoValue(value)}`, {
      path,
    });
  }
  let saved: string;
  try {
    saved = getActivationEntry(value).name;
  } catch (e) {
    if (!(e instanceof ValueError)) throw e;
    // an unknown name may be a user's activation not yet registered; a known family's bad number is not
    const hint = e.message.startsWith('unknown activation')
      ? ' (a user-defined activation must be registered with registerActivation before loading)'
      : '';
    throw new ModelFormatError(`${e.message}${hint}`, { path });
  }
  // a re-save writes the catalog's spelling; a loaded document must be what its model saves
  if (saved !== value) {
    throw new ModelFormatError(
      `the activation ${echo(value)} is saved as ${echo(saved)}; write it so (a loaded model saves the same document back)`,
      { path },
    );
  }
  return value;
}
