// Which models and losses core's `compile` replays exactly: the library's own, whose values depend
// on nothing but their inputs and parameters, computed with ops. fit compiles its step for these
// by default (optim's fit.ts); anything else may read a JS flag, Math.random or `.data`, which a
// replay would freeze at its trace, so it runs eagerly unless the caller says otherwise.
import { BUILT_INS } from './builtin-activations.js';
import type { Activation } from './define-activation.js';
import { Linear } from './linear.js';
import { binaryCrossEntropy, crossEntropy, halfSquaredError, huber, mae, mse } from './losses.js';
import { MLP } from './mlp.js';
import { Module } from './module.js';
import { Sequential } from './sequential.js';

// made on first use: importing a module does nothing, so a bundle keeps only what it calls
let activations: Set<unknown> | undefined;
let losses: Set<unknown> | undefined;

function isBuiltIn(fn: unknown): boolean {
  activations ??= new Set<unknown>(BUILT_INS.activations);
  return activations.has(fn);
}

/**
 * Whether `compile` replays `model`'s forward pass exactly: an `MLP`, `Linear` or `Sequential` of
 * them whose activations are the catalog's own (with their default parameters), none with a
 * `forward` of its own. A subclass, or an activation from `defineActivation`, may compute with
 * more than ops, so it is not (it may still be; `compile` then is the caller's decision).
 */
export function isCompileSafe(model: unknown): boolean {
  if (!(model instanceof Module)) return false;
  if (model instanceof MLP) {
    return (
      model.forward === MLP.prototype.forward &&
      model.activations.every((f) => isBuiltIn(f)) &&
      isBuiltIn(model.outputActivation)
    );
  }
  if (model instanceof Linear) return model.forward === Linear.prototype.forward;
  if (model instanceof Sequential) {
    return (
      model.forward === Sequential.prototype.forward &&
      model.layers.every((item) =>
        item instanceof Module ? isCompileSafe(item) : isBuiltIn(item as Activation),
      )
    );
  }
  return false;
}

/** Whether `loss` is one of the library's losses (mse, mae, huber, halfSquaredError, crossEntropy, binaryCrossEntropy). */
export function isCompileSafeLoss(loss: unknown): boolean {
  losses ??= new Set<unknown>([
    mse,
    mae,
    huber,
    halfSquaredError,
    crossEntropy,
    binaryCrossEntropy,
  ]);
  return losses.has(loss);
}
