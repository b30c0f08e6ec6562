// Sequential: modules and activations applied one after another, for stacks the MLP does not cover.
import {
  BackpropError,
  echoValue,
  Tensor,
  type TensorLike,
  tensor,
  ValueError,
} from '@backprop/core';
import { activationName, getActivation } from './activation-catalog.js';
import type { Activation } from './define-activation.js';
import { Module } from './module.js';
import { child, type JsonObject, readArray, readObject } from './read-json.js';
import { readActivation, savedActivationName } from './saved-activations.js';
import {
  type Codec,
  isModelType,
  MODEL_TYPES,
  ModelFormatError,
  type SavedModel,
  type SequentialItemJSON,
} from './saved-model.js';
import { toJSON } from './to-json.js';

/** What a Sequential holds at each position: a module, or an activation (a function, or its catalog name). */
export type SequentialItem = Module | Activation | string;

/**
 * Applies its items in order. Activations sit between modules as plain functions (or catalog
 * names); parameters are named by position, e.g. `layers.0.weight`, `layers.2.bias`.
 * @example
 * const net = new Sequential(new Linear(2, 3, { seed: 0 }), 'sigmoid', new Linear(3, 1, { seed: 1 }));
 * console.log(net.forward([[0.5, -1]]).shape); // → [ 1, 1 ]
 */
export class Sequential extends Module {
  /** Its items in order: layers (modules) and activations. */
  readonly layers: (Module | Activation)[];

  constructor(...items: SequentialItem[]) {
    super();
    this.layers = items.map((item, i) => {
      if (item instanceof Module) return item;
      if (typeof item === 'function') return item;
      if (typeof item === 'string') {
        try {
          return getActivation(item);
        } catch (e) {
          throw e instanceof ValueError ? new ValueError(`Sequential item ${i}: ${e.message}`) : e;
        }
      }
      throw new ValueError(
        `Sequential item ${i}: expected a Module, an activation function or an activation name, got ${item === null ? 'null' : typeof item}`,
      );
    });
  }

  /** The number of items (modules and activations). */
  get length(): number {
    return this.layers.length;
  }

  /** How a Sequential is saved and loaded (used by `toJSON` and `fromJSON`). */
  static get codec(): Codec<'Sequential', Sequential> {
    return sequentialCodec;
  }

  /** The model as JSON (architecture, activation names, dtype, exact weights); see `fromJSON`. */
  toJSON(): SavedModel {
    return toJSON(this);
  }

  override describe(): string {
    const parts = this.layers.map((item) =>
      item instanceof Module
        ? item.describe()
        : (activationName(item) ?? (item.name || 'activation')),
    );
    return `Sequential(${parts.join(' → ')})`;
  }

  /** Runs `x` through every item; an error inside one is re-thrown naming its position. */
  override forward(x: TensorLike): Tensor {
    // nested arrays take the dtype of the parameters, so a float32 stack accepts plain numbers
    let h =
      x instanceof Tensor ? x : tensor(x, { dtype: this.parameters()[0]?.dtype ?? 'float64' });
    this.layers.forEach((item, i) => {
      try {
        const out: unknown = item instanceof Module ? item.forward(h) : item(h);
        if (!(out instanceof Tensor)) {
          throw new ValueError(`returned ${out === null ? 'null' : typeof out}, not a Tensor`);
        }
        h = out;
      } catch (e) {
        if (e instanceof BackpropError) e.message = `Sequential layers.${i}: ${e.message}`;
        throw e;
      }
    });
    return h;
  }
}

/** A Sequential is saved as its items in order: activations by catalog name, models nested. */
export const sequentialCodec: Codec<'Sequential', Sequential> = {
  type: 'Sequential',
  model: Sequential,
  describe(model, { prefix }, nested) {
    const layers: SequentialItemJSON[] = [];
    const tensors: [string, Tensor][] = [];
    model.layers.forEach((item, i) => {
      const itemLabel = `${prefix}layers.${i}`;
      if (typeof item === 'function') {
        layers.push({
          type: 'activation',
          name: savedActivationName(item, `${itemLabel} (an activation in a Sequential)`),
        });
      } else {
        const inner = nested(item, `${itemLabel}.`, itemLabel);
        layers.push(inner.spec);
        tensors.push(...inner.tensors);
      }
    });
    return { config: { layers }, tensors };
  },
  parameters: ({ layers }, prefix, nested) =>
    layers.flatMap((item, i) =>
      item.type === 'activation' ? [] : nested(item, `${prefix}layers.${i}.`),
    ),
  read(config, path, nested) {
    const c = readObject(config, path, { required: ['layers'] });
    const at = child(path, 'layers');
    const layers = readArray(c.layers, at).map((item, i): SequentialItemJSON => {
      const p = `${at}[${i}]`;
      if (
        typeof item === 'object' &&
        item !== null &&
        Object.hasOwn(item, 'type') &&
        (item as JsonObject).type === 'activation'
      ) {
        const a = readObject(item, p, { required: ['type', 'name'] });
        return { type: 'activation', name: readActivation(a.name, child(p, 'name')) };
      }
      const m = readObject(item, p, { required: ['type', 'config'] });
      if (!isModelType(m.type)) {
        throw new ModelFormatError(
          `expected 'activation' or one of ${MODEL_TYPES.map((t) => `'${t}'`).join(', ')}, got ${echoValue(m.type)}`,
          { path: child(p, 'type') },
        );
      }
      return nested(m.type, m.config, p);
    });
    return { layers };
  },
  build: ({ layers }, dtype, nested) =>
    new Sequential(
      ...layers.map((item) => (item.type === 'activation' ? item.name : nested(item, dtype))),
    ),
};
