// Activations: plain functions (a: Tensor) => Tensor, and a catalog that maps names to them
// (for configs, JSON and command lines). Adding one is one definition and, optionally, one call.
import { elementwise, type Tensor, ValueError } from '@backprop/core';

/** An activation z = f(a). Elementwise ones act on each neuron; softmax couples a whole row. */
export type Activation = (a: Tensor) => Tensor;

/** An activation made by `defineActivation`: the function, carrying what the catalog knows of it. */
export type DefinedActivation = Activation & { readonly entry: ActivationEntry };

/** What the catalog knows about an activation. */
export interface ActivationEntry {
  readonly name: string;
  readonly fn: Activation;
  /**
   * The closed-form derivative f′(a) of an elementwise activation, written independently of `fn`
   * (so tests can hold autodiff to it, and the slides' formulas can use it); absent for softmax.
   */
  readonly derivative?: (a: Tensor) => Tensor;
  /** Whether f acts on each element alone (softmax does not: its Jacobian couples a row). */
  readonly elementwise: boolean;
  /**
   * Points where f′ jumps (f is not differentiable) or f″ jumps. At each, the derivative takes the
   * value that `derivative` gives there: the stated convention, e.g. relu′(0) = 0.
   */
  readonly kinks?: readonly number[];
  /** Whether f″ exists away from the kinks (so a second-order check applies). */
  readonly twiceDifferentiable: boolean;
  /** The weight initialisation that suits it: Glorot ('xavier') for saturating or linear ones, He for ReLU-like ones. */
  readonly init: 'xavier' | 'he';
  /** One line for humans. */
  readonly description: string;
}

export interface ActivationDefinition {
  name: string;
  /** The activation composed from tensor ops: its gradient comes for free. */
  fn?: Activation;
  /**
   * Or the activation as a scalar function `f` with its derivative `df` written in tensor ops (for
   * stability or a kink convention); `df(a, z)` gets z = f(a), handy when f′ is cheaper from z.
   * Written in tensor ops, `df` can itself be differentiated, so second derivatives still work.
   */
  f?: (a: number) => number;
  df?: (a: Tensor, z: Tensor) => Tensor;
  /** The closed-form f′(a), for tests and documentation (elementwise activations only). */
  derivative?: (a: Tensor) => Tensor;
  /** Default true; false for activations such as softmax (then give `fn`, not f and df). */
  elementwise?: boolean;
  kinks?: readonly number[];
  /** Default true. */
  twiceDifferentiable?: boolean;
  /** Default 'xavier'. */
  init?: 'xavier' | 'he';
  /** Default: the name. */
  description?: string;
}

/**
 * Makes an activation from a composition (`fn`) or from a scalar `f` with its derivative `df`.
 * @example
 * // composed: the gradient comes from the ops
 * const bent = defineActivation({ name: 'bent', fn: (a) => a.square().add(1).sqrt().sub(1).div(2).add(a) });
 * // given as f and f′ (here z = f(a) gives f′ cheaply: 1 − z²)
 * const myTanh = defineActivation({ name: 'myTanh', f: Math.tanh, df: (_a, z) => z.square().neg().add(1) });
 * registerActivation(bent); // now getActivation('bent') and MLP({ activation: 'bent' }) work
 */
export function defineActivation(definition: ActivationDefinition): DefinedActivation {
  if (typeof definition !== 'object' || definition === null)
    throw new ValueError(
      `defineActivation: expected a definition object, got ${String(definition)}`,
    );
  const { name, fn, f, df } = definition;
  if (typeof name !== 'string' || name === '')
    throw new ValueError(`defineActivation: name must be a non-empty string, got ${String(name)}`);
  const where = `defineActivation(${name})`;
  const elementwiseAct = definition.elementwise ?? true;
  let activation: Activation;
  if (typeof fn === 'function' && f === undefined && df === undefined) {
    activation = fn;
  } else if (fn === undefined && typeof f === 'function' && typeof df === 'function') {
    if (!elementwiseAct)
      throw new ValueError(`${where}: f and df define an elementwise activation; give fn instead`);
    const op = elementwise(name, f, (g, a, z) => g.mul(df(a, z)));
    activation = (a) => op(a);
  } else {
    throw new ValueError(
      `${where}: give either fn (a composition of ops) or both f and df (f′ in tensor ops), not ${describeGiven(definition)}`,
    );
  }
  if (definition.derivative !== undefined && typeof definition.derivative !== 'function')
    throw new ValueError(`${where}: derivative must be a function (a: Tensor) => Tensor`);
  if (definition.derivative && !elementwiseAct)
    throw new ValueError(
      `${where}: a scalar derivative only makes sense for an elementwise activation`,
    );
  const kinks = definition.kinks ?? [];
  if (!Array.isArray(kinks) || !kinks.every((k) => typeof k === 'number' && Number.isFinite(k)))
    throw new ValueError(`${where}: kinks must be a list of finite numbers, got ${String(kinks)}`);
  const init = definition.init ?? 'xavier';
  if (init !== 'xavier' && init !== 'he')
    throw new ValueError(`${where}: init must be 'xavier' or 'he', got ${String(init)}`);

  const wrapped = ((a: Tensor) => activation(a)) as DefinedActivation;
  const entry: ActivationEntry = Object.freeze({
    name,
    fn: wrapped,
    elementwise: elementwiseAct,
    twiceDifferentiable: definition.twiceDifferentiable ?? true,
    init,
    description: definition.description ?? name,
    ...(definition.derivative ? { derivative: definition.derivative } : {}),
    ...(kinks.length > 0 ? { kinks: Object.freeze([...kinks]) } : {}),
  });
  Object.defineProperty(wrapped, 'name', { value: name });
  Object.defineProperty(wrapped, 'entry', { value: entry, enumerable: true }); // read-only
  return wrapped;
}

function describeGiven(d: ActivationDefinition): string {
  const given = (['fn', 'f', 'df'] as const).filter((k) => d[k] !== undefined);
  return given.length === 0 ? 'neither' : given.join(' and ');
}

// ------------------------------------------------------------------------------------ the catalog

const catalog = new Map<string, ActivationEntry>();

/** A family of activations with numeric parameters, e.g. leakyRelu(α): saved as 'leakyRelu(0.2)'. */
interface Family {
  signature: string;
  /** How many parameters the signature names. */
  arity: number;
  make: (...params: number[]) => DefinedActivation;
}
const families = new Map<string, Family>();
/** Activations made by a family, whose entry names ('leakyRelu(0.2)') parse back to the same function. */
const familyMade = new WeakSet<Activation>();

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function checkName(where: string, name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ValueError(
      `${where}: a catalog name is a letter or _ followed by letters, digits, _, . or -; got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

function isDefined(value: unknown): value is DefinedActivation {
  return typeof value === 'function' && typeof (value as { entry?: unknown }).entry === 'object';
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
  const name = checkName('registerActivation', options.as ?? activation.entry.name);
  if (catalog.has(name) && !options.replace) {
    throw new ValueError(
      `registerActivation: '${name}' is already registered (pass { replace: true } to replace it)`,
    );
  }
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
 * Registers a family of activations with numeric parameters and returns its maker, checked: the
 * catalog resolves `'name(p1, p2)'` by calling `make(p1, p2)`, and `activationName` gives that
 * string back for whatever the returned maker made. `make` names its activations with
 * `familyCall(name, params)` (or returns a registered one, e.g. for the default parameters).
 * `signature` documents the parameters in errors, e.g. 'leakyRelu(alpha)'.
 * @example
 * export const leakyRelu = registerActivationFamily('leakyRelu', 'leakyRelu(alpha)', (alpha = 0.01) => …);
 */
export function registerActivationFamily<P extends number[]>(
  name: string,
  signature: string,
  make: (...params: P) => DefinedActivation,
): (...params: P) => DefinedActivation {
  checkName('registerActivationFamily', name);
  if (families.has(name))
    throw new ValueError(`registerActivationFamily: '${name}' is already registered`);
  const checked = (...params: P): DefinedActivation => {
    const made = make(...params);
    if (!isDefined(made))
      throw new ValueError(
        `${name}: the family must return an activation made by defineActivation`,
      );
    const expected = familyCall(name, params);
    if (made.entry.name !== expected && catalog.get(made.entry.name)?.fn !== made) {
      throw new ValueError(
        `${name}: the activation made for (${params.join(', ')}) is named '${made.entry.name}'; ` +
          `expected '${expected}' so that it can be found again`,
      );
    }
    familyMade.add(made);
    return made;
  };
  const params = /^[^(]*\((.*)\)$/.exec(signature)?.[1]?.trim();
  if (params === undefined)
    throw new ValueError(
      `registerActivationFamily(${name}): signature must look like '${name}(alpha)', got '${signature}'`,
    );
  families.set(name, {
    signature,
    arity: params === '' ? 0 : params.split(',').length,
    make: checked as (...params: number[]) => DefinedActivation,
  });
  return checked;
}

/** The catalog name of a family member: `leakyRelu(0.2)`. Numbers print so that they parse back exactly. */
export function familyCall(name: string, params: readonly number[]): string {
  return `${name}(${params.map(String).join(', ')})`;
}

/** Removes an activation (or an alias) from the catalog; true if it was there. Used by tests. */
export function unregisterActivation(name: string): boolean {
  return catalog.delete(name);
}

const CALL = /^([A-Za-z_][A-Za-z0-9_.-]*)\((.*)\)$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function knownNames(): string {
  const plain = [...catalog.keys()].join(', ');
  const fams = [...families.values()].map((f) => f.signature).join(', ');
  return fams ? `${plain}; with parameters: ${fams}` : plain;
}

/**
 * The catalog entry for `name`: a registered name such as 'relu', or a family call such as
 * 'leakyRelu(0.2)'. An unknown name is an error listing the known ones.
 */
export function getActivationEntry(name: string): ActivationEntry {
  const entry = typeof name === 'string' ? catalog.get(name) : undefined;
  if (entry) return entry;
  const call = typeof name === 'string' ? CALL.exec(name.trim()) : null;
  const family = call ? families.get(call[1] as string) : undefined;
  if (call && family) {
    const inside = (call[2] as string).trim();
    const args = inside === '' ? [] : inside.split(',').map((s) => s.trim());
    if (args.length > family.arity || !args.every((s) => NUMBER.test(s))) {
      throw new ValueError(
        `activation '${name}': expected at most ${family.arity} number(s), as in ${family.signature}`,
      );
    }
    return family.make(...args.map(Number)).entry;
  }
  throw new ValueError(
    `unknown activation ${JSON.stringify(name)}; known activations: ${knownNames()}`,
  );
}

/** The activation function registered as `name` (or made by the family call `name`, e.g. 'elu(0.5)'). */
export function getActivation(name: string): Activation {
  return getActivationEntry(name).fn;
}

/** Every registered activation's entry (aliases included), in registration order. */
export function activationEntries(): ActivationEntry[] {
  return [...catalog.values()];
}

/**
 * The name under which `fn` can be found again with `getActivation` (the first one registered
 * for it, or a family call such as 'leakyRelu(0.2)'), or undefined; used to save models as JSON.
 */
export function activationName(fn: Activation): string | undefined {
  for (const entry of catalog.values()) if (entry.fn === fn) return entry.name;
  if (familyMade.has(fn)) return (fn as DefinedActivation).entry.name;
  return undefined;
}
