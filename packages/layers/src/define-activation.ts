// Activations: plain functions (a: Tensor) => Tensor, made by `defineActivation` with what the
// catalog (activation-catalog.ts) needs to know of them; families of them with numeric parameters.
import { checkOptions, elementwise, type Tensor, ValueError } from '@backprop/core';

/** An activation z = f(a). Elementwise ones act on each neuron; softmax couples a whole row. */
export type Activation = (a: Tensor) => Tensor;

/** An activation made by `defineActivation`: the function, carrying what the catalog knows of it. */
export type DefinedActivation = Activation & {
  /** What the catalog knows of it. */
  readonly entry: ActivationEntry;
};

/** What the catalog knows about an activation. */
export interface ActivationEntry {
  /** Its catalog name. */
  readonly name: string;
  /** The activation itself. */
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

/** What `defineActivation` takes: a name, and either `fn` or the pair `f`, `df`. */
export interface ActivationDefinition {
  /** The catalog name: a letter or `_`, then letters, digits, `_`, `.` or `-`. */
  name: string;
  /** The activation composed from tensor ops: its gradient comes for free. */
  fn?: Activation;
  /**
   * Or the activation as a scalar function `f` with its derivative `df` written in tensor ops (for
   * stability or a kink convention); `df(a, z)` gets z = f(a), handy when f′ is cheaper from z.
   * Written in tensor ops, `df` can itself be differentiated, so second derivatives still work.
   */
  f?: (a: number) => number;
  /** f′ in tensor ops, given a and z = f(a) (see `f`). */
  df?: (a: Tensor, z: Tensor) => Tensor;
  /** The closed-form f′(a), for tests and documentation (elementwise activations only). */
  derivative?: (a: Tensor) => Tensor;
  /** Default true; false for activations such as softmax (then give `fn`, not f and df). */
  elementwise?: boolean;
  /** Points where f′ or f″ jumps; `df` gives the convention there (e.g. relu′(0) = 0). */
  kinks?: readonly number[];
  /** Default true. */
  twiceDifferentiable?: boolean;
  /** Default 'xavier'. */
  init?: 'xavier' | 'he';
  /** Default: the name. */
  description?: string;
}

const DEFINITION_KEYS = Object.keys({
  name: true,
  fn: true,
  f: true,
  df: true,
  derivative: true,
  elementwise: true,
  kinks: true,
  twiceDifferentiable: true,
  init: true,
  description: true,
} satisfies { [K in keyof ActivationDefinition]-?: true });

/**
 * Makes an activation from a composition (`fn`) or from a scalar `f` with its derivative `df`.
 * @example
 * // composed: the gradient comes from the ops
 * const bent = defineActivation({ name: 'bent', fn: (a) => a.square().add(1).sqrt().sub(1).div(2).add(a) });
 * // given as f and f′ (here z = f(a) gives f′ cheaply: 1 − z²)
 * const myTanh = defineActivation({ name: 'myTanh', f: Math.tanh, df: (_a, z) => z.square().neg().add(1) });
 * console.log(myTanh(tensor([0.5])).item() === Math.tanh(0.5)); // → true
 * // now getActivation('bent') and MLP({ activation: 'bent' }) work
 * registerActivation(bent);
 * console.log(new MLP({ inputs: 2, hidden: [3], activation: 'bent' }).describe()); // → MLP(2 → 3 bent → 1 identity)
 */
export /* @__NO_SIDE_EFFECTS__ */ function defineActivation(
  definition: ActivationDefinition,
): DefinedActivation {
  if (typeof definition !== 'object' || definition === null)
    throw new ValueError(
      `defineActivation: expected a definition object, got ${String(definition)}`,
    );
  checkOptions('defineActivation', definition, DEFINITION_KEYS);
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

// ------------------------------------------------------------------------------------ families

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** `name` if it can be a catalog name (a letter or _, then letters, digits, _, . or -). */
export function checkName(where: string, name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ValueError(
      `${where}: a catalog name is a letter or _ followed by letters, digits, _, . or -; got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

export function isDefined(value: unknown): value is DefinedActivation {
  return typeof value === 'function' && typeof (value as { entry?: unknown }).entry === 'object';
}

/** A family of activations with numeric parameters, e.g. leakyRelu(α): saved as 'leakyRelu(0.2)'. */
export type ActivationFamily<P extends number[] = number[]> = ((
  ...params: P
) => DefinedActivation) & {
  /** The family's name and parameters, as the catalog lists them. */
  readonly family: {
    /** The family's catalog name, e.g. 'leakyRelu'. */
    readonly name: string;
    /** e.g. 'leakyRelu(alpha)', for errors. */
    readonly signature: string;
    /** How many parameters the signature names. */
    readonly arity: number;
  };
};

/**
 * The largest magnitude of an activation's parameter. Beyond it an activation of an input of
 * ordinary size overflows (leakyRelu(−1e308) of −10 is +Infinity; rbf(1e308)′ is NaN); up to it,
 * every input with |a| ≤ 1e300 gives a finite value.
 */
export const PARAM_LIMIT = 1e6;

/**
 * A family's numeric parameter (`positive`: > 0), finite and at most `PARAM_LIMIT` in magnitude,
 * or an error naming the family and the parameter. Loading a model checks through it too.
 */
export function checkParam(where: string, label: string, value: number, positive = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (positive && !(value > 0))) {
    throw new ValueError(
      `${where}: ${label} must be a ${positive ? 'positive ' : ''}finite number, got ${String(value)}`,
    );
  }
  if (Math.abs(value) > PARAM_LIMIT) {
    throw new ValueError(`${where}: ${label} must be at most 1e6 in magnitude, got ${value}`);
  }
  return value;
}

/** Activations made by a family, whose entry names ('leakyRelu(0.2)') parse back to the same function. */
const familyMade = new WeakSet<Activation>();

/** Whether `fn` was made by a family (so its entry's name is the family call that makes it again). */
export function isFamilyMember(fn: Activation): boolean {
  return familyMade.has(fn);
}

/** The catalog name of a family member: `leakyRelu(0.2)`. Numbers print so that they parse back exactly. */
export function familyCall(name: string, params: readonly number[]): string {
  return `${name}(${params.map(String).join(', ')})`;
}

/**
 * A family's maker, checked: `make(...params)` must return an activation named
 * `familyCall(name, params)`, or named `name` itself (the family's default member, which is then
 * registered under that name). Not yet in the catalog: see `registerActivationFamily`.
 */
export /* @__NO_SIDE_EFFECTS__ */ function defineActivationFamily<P extends number[]>(
  name: string,
  signature: string,
  make: (...params: P) => DefinedActivation,
): ActivationFamily<P> {
  checkName('registerActivationFamily', name);
  const params = /^[^(]*\((.*)\)$/.exec(signature)?.[1]?.trim();
  if (params === undefined)
    throw new ValueError(
      `registerActivationFamily(${name}): signature must look like '${name}(alpha)', got '${signature}'`,
    );
  const checked = (...args: P): DefinedActivation => {
    const made = make(...args);
    if (!isDefined(made))
      throw new ValueError(
        `${name}: the family must return an activation made by defineActivation`,
      );
    const expected = familyCall(name, args);
    if (made.entry.name !== expected && made.entry.name !== name) {
      throw new ValueError(
        `${name}: the activation made for (${args.join(', ')}) is named '${made.entry.name}'; ` +
          `expected '${expected}' so that it can be found again`,
      );
    }
    familyMade.add(made);
    return made;
  };
  const family = { name, signature, arity: params === '' ? 0 : params.split(',').length };
  return Object.assign(checked, { family: Object.freeze(family) });
}
