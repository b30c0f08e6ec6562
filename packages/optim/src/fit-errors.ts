// fit's errors for people: each says when in training it happened (epoch, batch) and what came.
import { BackpropError, NonFiniteError, Tensor } from '@backprop/core';

/** The error for a training loss that is NaN or infinite: which batch and samples, and what to try. */
export function divergence(
  where: string,
  value: number,
  lr: number,
  indices: readonly number[],
  rows: readonly number[] | null,
): NonFiniteError {
  const first = rows ? rows[indices[0]] : indices[0];
  const samples =
    indices.length === 1 ? `sample ${first}` : `${indices.length} samples, first ${first}`;
  return new NonFiniteError(
    `${where} (${samples}): the loss is ${value}. Training diverged: try a lower learning rate (lr is ${lr}) or clipGradNorm, ` +
      'and find the first op that made a non-finite value with detectAnomaly(() => fit(model, options))',
  );
}

/** Prefixes `where` to the message of a library error thrown by `fn`, so it says when it happened. */
export function inContext<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof BackpropError && !e.message.startsWith('fit'))
      e.message = `${where}: ${e.message}`;
    throw e;
  }
}

/** A shape as the errors write it: [4, 1]. */
export function shapeOf(t: Tensor | readonly number[]): string {
  return `[${(t instanceof Tensor ? t.shape : t).join(', ')}]`;
}
