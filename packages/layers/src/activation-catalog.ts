// The activation catalog: names to activations, for configs, JSON and command lines. It starts
// with the built-ins (builtin-activations.ts) the first time it is used, not when a module loads, so
// importing any part of the package has no side effects and bundlers may drop what is unused.
import { checkOptions, echo, ValueError } from '@backprop/core';
import { BUILT_INS } from './builtin-activations.js';
import {
  type Activation,
  type ActivationEntry,
  type ActivationFamily,
  checkName,
  type DefinedActivation,
  defineActivationFamily,
  isDefined,
  isFamilyMember,
} from './define-activation.js';

const catalog = new Map<string, ActivationEntry>();
const families = new Map<string, ActivationFamily>();
let seeded = false;

/** The catalog, with the built-ins in it: the lecture's five first, then the others, aliases last. */
function entries(): Map<string, ActivationEntry> {
  if (!seeded) {
    seeded = true;
    for (const activation of BUILT_INS.activations) add(activation, activation.entry.name);
    for (const [alias, activation] of Object.entries(BUILT_INS.aliases)) add(activation, alias);
    for (const family of BUILT_INS.families) families.set(family.family.name, family);
  }
  return catalog;
}

function add(activation: DefinedActivation, name: string): void {
  const { entry } = activation;
  catalog.set(
    name,
    name === entry.name
      ? entry
      : Object.freeze({
          ...entry,
          description: `${entry.description} (alias of ${entry.name})`,
          name,
        }),
  );
}

/**
 * Adds an activation made by `defineActivation` to the catalog under its name, or under `as` (an
 * alias: `registerActivation(silu, { as: 'swish' })`). A name already taken is an error unless
 * `replace` is set.
 */
export function registerActivation(
  activation: DefinedActivation,
  options: { replace?: boolean; as?: string } = {},
): void {
  if (!isDefined(activation)) {
    throw new ValueError(
      'registerActivation: expected an activation made by defineActivation (a function with an entry)',
    );
  }
  checkOptions('registerActivation', options, ['replace', 'as']);
  const name = checkName('registerActivation', options.as ?? activation.entry.name);
  if (entries().has(name) && !options.replace) {
    throw new ValueError(
      `registerActivation: '${name}' is already registered (pass { replace: true } to replace it)`,
    );
  }
  add(activation, name);
}

/**
 * Registers a family of activations with numeric parameters and returns its maker, checked: the
 * catalog resolves `'name(p1, p2)'` by calling `make(p1, p2)`, and `activationName` gives that
 * string back for whatever the returned maker made. `make` names its activations with
 * `familyCall(name, params)` (or returns a registered one, e.g. for the default parameters).
 * `signature` documents the parameters in errors, e.g. 'leakyRelu(alpha)'.
 * @example
 * const scaledTanh = registerActivationFamily('scaledTanh', 'scaledTanh(beta)', (beta = 1) =>
 *   defineActivation({ name: `scaledTanh(${beta})`, fn: (a) => a.mul(beta).tanh() }));
 * // the catalog makes 'scaledTanh(2)' by calling scaledTanh(2)
 * console.log(getActivation('scaledTanh(2)')(tensor([1])).item() === Math.tanh(2)); // → true
 */
export function registerActivationFamily<P extends number[]>(
  name: string,
  signature: string,
  make: (...params: P) => DefinedActivation,
): ActivationFamily<P> {
  entries();
  if (families.has(name))
    throw new ValueError(`registerActivationFamily: '${name}' is already registered`);
  const family = defineActivationFamily(name, signature, make);
  families.set(name, family as unknown as ActivationFamily);
  return family;
}

/** Removes an activation (or an alias) from the catalog; true if it was there. Used by tests. */
export function unregisterActivation(name: string): boolean {
  return entries().delete(name);
}

const CALL = /^([A-Za-z_][A-Za-z0-9_.-]*)\((.*)\)$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function knownNames(): string {
  const plain = [...entries().keys()].join(', ');
  const fams = [...families.values()].map((f) => f.family.signature).join(', ');
  return fams ? `${plain}; with parameters: ${fams}` : plain;
}

/**
 * The catalog entry for `name`: a registered name such as 'relu', or a family call such as
 * 'leakyRelu(0.2)'. An unknown name is an error listing the known ones.
 */
export function getActivationEntry(name: string): ActivationEntry {
  const entry = typeof name === 'string' ? entries().get(name) : undefined;
  if (entry) return entry;
  const call = typeof name === 'string' ? CALL.exec(name.trim()) : null;
  const family = call ? families.get(call[1] as string) : undefined;
  if (call && family) {
    const inside = (call[2] as string).trim();
    const args = inside === '' ? [] : inside.split(',').map((s) => s.trim());
    if (args.length > family.family.arity || !args.every((s) => NUMBER.test(s))) {
      throw new ValueError(
        `activation ${echo(name, "'")}: expected at most ${family.family.arity} number(s), as in ${family.family.signature}`,
      );
    }
    return family(...args.map(Number)).entry;
  }
  throw new ValueError(
    `unknown activation ${typeof name === 'string' ? echo(name) : String(name)}; known activations: ${knownNames()}`,
  );
}

/** The activation function registered as `name` (or made by the family call `name`, e.g. 'elu(0.5)'). */
export function getActivation(name: string): Activation {
  return getActivationEntry(name).fn;
}

/** Every registered activation's entry (aliases included), in registration order. */
export function activationEntries(): ActivationEntry[] {
  return [...entries().values()];
}

/**
 * The name under which `fn` can be found again with `getActivation` (the first one registered
 * for it, or a family call such as 'leakyRelu(0.2)'), or undefined; used to save models as JSON.
 */
export function activationName(fn: Activation): string | undefined {
  for (const entry of entries().values()) if (entry.fn === fn) return entry.name;
  if (isFamilyMember(fn)) return (fn as DefinedActivation).entry.name;
  return undefined;
}
