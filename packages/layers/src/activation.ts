// Activations: plain functions (a: Tensor) => Tensor, and a catalog that maps names to them
// (for configs, JSON and command lines). Adding one is one definition and, optionally, one call.
import { elementwise, type Tensor, ValueError } from '@backprop/core';

/** An activation z = f(a). Elementwise ones act on each neuron; softmax couples a whole row. */
export type Activation = (a: Tensor) => Tensor;

/** What the catalog knows about an activation. */
export interface ActivationEntry {
  name: string;
  fn: Activation;
  /** The closed-form derivative f'(a) for elementwise activations (used by tests and the slide formulas); absent for softmax. */
  derivative?: (a: Tensor) => Tensor;
  /** Whether f is elementwise (softmax is not). */
  elementwise: boolean;
  /** Points where f is not differentiable, with the convention the derivative takes there. */
  kinks?: readonly number[];
  /** Whether the second derivative exists (away from kinks) and should be checked. */
  twiceDifferentiable: boolean;
  /** The weight initialisation that suits it: Glorot for saturating ones, He for ReLU-like ones. */
  init: 'xavier' | 'he';
  /** One line for humans. */
  description: string;
}

export interface ActivationDefinition {
  name: string;
  /** The activation composed from tensor ops: its gradient comes for free. */
  fn?: Activation;
  /**
   * Or the activation given as a scalar function with its derivative f'(a) written in tensor ops
   * (for stability or a kink convention); z is f(a), handy when f' is cheaper from the output.
   */
  f?: (a: number) => number;
  df?: (a: Tensor, z: Tensor) => Tensor;
  derivative?: (a: Tensor) => Tensor;
  elementwise?: boolean;
  kinks?: readonly number[];
  twiceDifferentiable?: boolean;
  init?: 'xavier' | 'he';
  description?: string;
}

/**
 * Makes an activation from a composition (`fn`) or from a scalar `f` with its derivative `df`.
 * @example
 * const swish = defineActivation({ name: 'swish', fn: (a) => a.mul(a.sigmoid()) });
 */
export function defineActivation(
  definition: ActivationDefinition,
): Activation & { entry: ActivationEntry } {
  const { name, fn, f, df } = definition;
  if (typeof name !== 'string' || name === '')
    throw new ValueError('defineActivation: name must be a non-empty string');
  let activation: Activation;
  if (fn && !f && !df) activation = fn;
  else if (!fn && f && df) {
    const op = elementwise(name, f, (g, a, z) => g.mul(df(a, z)));
    activation = (a) => op(a);
  } else {
    throw new ValueError(
      `defineActivation(${name}): give either fn (a composition of ops) or both f and df`,
    );
  }
  const wrapped = Object.assign((a: Tensor) => activation(a), {}) as Activation & {
    entry: ActivationEntry;
  };
  wrapped.entry = {
    name,
    fn: wrapped,
    elementwise: definition.elementwise ?? true,
    twiceDifferentiable: definition.twiceDifferentiable ?? true,
    init: definition.init ?? 'xavier',
    description: definition.description ?? name,
    ...(definition.derivative ? { derivative: definition.derivative } : {}),
    ...(definition.kinks ? { kinks: definition.kinks } : {}),
  };
  return wrapped;
}

const catalog = new Map<string, ActivationEntry>();

/** Adds an activation to the catalog under its name (replacing one of the same name only with `replace`). */
export function registerActivation(
  activation: Activation & { entry: ActivationEntry },
  options: { replace?: boolean } = {},
): void {
  const { entry } = activation;
  if (catalog.has(entry.name) && !options.replace) {
    throw new ValueError(
      `registerActivation: '${entry.name}' is already registered (pass { replace: true } to replace it)`,
    );
  }
  catalog.set(entry.name, entry);
}

/** Removes a user-registered activation (used by tests). */
export function unregisterActivation(name: string): boolean {
  return catalog.delete(name);
}

/** The catalog entry for `name`; an unknown name is an error listing the known ones. */
export function getActivationEntry(name: string): ActivationEntry {
  const entry = catalog.get(name);
  if (!entry) {
    throw new ValueError(
      `unknown activation '${name}'; known activations: ${[...catalog.keys()].join(', ')}`,
    );
  }
  return entry;
}

/** The activation function registered as `name`. */
export function getActivation(name: string): Activation {
  return getActivationEntry(name).fn;
}

/** Every registered activation's entry, in registration order. */
export function activationEntries(): ActivationEntry[] {
  return [...catalog.values()];
}

/** The name under which `fn` is registered, or undefined (used to save models as JSON). */
export function activationName(fn: Activation): string | undefined {
  for (const entry of catalog.values()) if (entry.fn === fn) return entry.name;
  return undefined;
}
