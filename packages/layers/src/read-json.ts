// Reading a saved document's JSON: plain objects with exactly the expected keys (prototype keys
// refused), arrays, sizes and flags, each error a ModelFormatError naming where in the document.
import { echo, echoList, echoValue } from '@backprop/core';
import { ModelFormatError } from './saved-model.js';

/** Keys that could reach a prototype if some code ever copied them around: refused outright. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** `parameters["layers.0.weight"]`, `config.hidden`: how a path names a key. */
export function child(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key)
    ? path
      ? `${path}.${key}`
      : key
    : `${path}[${JSON.stringify(key)}]`;
}

export type JsonObject = Record<string, unknown>;

/** A plain object with exactly the `required` keys (and any of `optional`); forbidden keys refused. */
export function readObject(
  value: unknown,
  path: string,
  keys: { required: readonly string[]; optional?: readonly string[] },
): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ModelFormatError(`expected an object, got ${echoValue(value)}`, { path });
  }
  // a Set, not an array: `parameters` lists every parameter name, and a lookup in a list of them
  // for each key made loading quadratic (26 s for a 4 MB file)
  const allowed = new Set([...keys.required, ...(keys.optional ?? [])]);
  for (const key of Object.keys(value)) {
    if (FORBIDDEN.has(key)) {
      throw new ModelFormatError(
        `the key ${JSON.stringify(key)} is not allowed (it could pollute prototypes)`,
        {
          path,
        },
      );
    }
    if (!allowed.has(key)) {
      throw new ModelFormatError(
        `unexpected key ${echo(key)}; expected ${echoList([...allowed], 'keys')}`,
        { path },
      );
    }
  }
  for (const key of keys.required) {
    if (!Object.hasOwn(value, key)) {
      throw new ModelFormatError(`missing key ${JSON.stringify(key)}`, { path });
    }
  }
  return value as JsonObject;
}

export function readArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value))
    throw new ModelFormatError(`expected an array, got ${echoValue(value)}`, { path });
  return value;
}

export function readSize(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new ModelFormatError(`expected a positive integer, got ${echoValue(value)}`, {
      path,
    });
  }
  return value;
}

export function readBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean')
    throw new ModelFormatError(`expected true or false, got ${echoValue(value)}`, { path });
  return value;
}
