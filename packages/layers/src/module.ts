// Module: the base of every layer. Parameters and sub-modules are found in the module's own
// fields (in declaration order), so a layer only declares them, as in PyTorch.
import { Tensor } from '@backprop/core';

/** Something a module can hold that has parameters of its own. */
function isModule(value: unknown): value is Module {
  return value instanceof Module;
}

/**
 * The base of every layer: subclasses declare their parameters (tensors that require grad) and
 * sub-modules as fields and implement `forward`; `parameters()` and `zeroGrad()` find them.
 * @example
 * import { type Tensor, tensor } from '@backprop/core';
 * import { Module } from '@backprop/layers';
 * class Scale extends Module {
 *   readonly s = tensor(2, { requiresGrad: true });
 *   forward(x: Tensor): Tensor {
 *     return x.mul(this.s);
 *   }
 * }
 * console.log(new Scale().numParameters()); // → 1
 */
export abstract class Module {
  /** Computes the module's output for a batch `x` (rows are samples). */
  abstract forward(x: Tensor): Tensor;

  /**
   * Every parameter with a stable dotted name such as `layers.0.weight`, in the order the fields
   * were declared: tensor fields that require grad, and the parameters of sub-modules (fields
   * holding a Module or an array of Modules) under the field's name.
   */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [key, value] of Object.entries(this)) {
      const name = prefix + key;
      if (value instanceof Tensor) {
        if (value.requiresGrad) out.push([name, value]);
      } else if (isModule(value)) {
        out.push(...value.namedParameters(`${name}.`));
      } else if (Array.isArray(value)) {
        value.forEach((item, i) => {
          if (isModule(item)) out.push(...item.namedParameters(`${name}.${i}.`));
          else if (item instanceof Tensor && item.requiresGrad) out.push([`${name}.${i}`, item]);
        });
      }
    }
    return out;
  }

  /** The sub-modules held directly by this one, with their field names. */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (isModule(value)) out.push([key, value]);
      else if (Array.isArray(value)) {
        value.forEach((item, i) => {
          if (isModule(item)) out.push([`${key}.${i}`, item]);
        });
      }
    }
    return out;
  }

  /** Every parameter, in `namedParameters()` order: what an optimiser is given. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** The number of trainable numbers. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Clears the `.grad` of every parameter. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** A one-line description of this module alone (its own settings), used by `toString`. */
  describe(): string {
    return this.constructor.name;
  }

  /** A readable summary: the module tree, each parameter's shape, and the parameter counts. */
  toString(): string {
    const lines: string[] = [];
    const walk = (m: Module, name: string, indent: string) => {
      const own = m.namedParameters().filter(([n]) => !n.includes('.'));
      const count = m.numParameters();
      lines.push(
        `${indent}${name ? `(${name}) ` : ''}${m.describe()}  [${count} parameter${count === 1 ? '' : 's'}]`,
      );
      for (const [n, p] of own) lines.push(`${indent}  ${n}: [${p.shape.join(', ')}]`);
      for (const [n, child] of m.namedChildren()) walk(child, n, `${indent}  `);
    };
    walk(this, '', '');
    return lines.join('\n');
  }
}
