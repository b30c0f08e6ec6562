// fit's errors for people: each says when in training it happened (epoch, batch) and what came.
import { BackpropError, NonFiniteError, Tensor } from '@backprop/core';
import type { History } from './history.js';

/**
 * The error for a training step that went non-finite: the loss (`what` is "the loss is NaN"), or
 * a gradient while the loss was finite. Which batch and samples, and what to try.
 */
export function divergence(
  where: string,
  what: string,
  lr: number,
  indices: readonly number[],
  rows: readonly number[] | null,
): NonFiniteError {
  const first = rows ? rows[indices[0]] : indices[0];
  const samples =
    indices.length === 1 ? `sample ${first}` : `${indices.length} samples, first ${first}`;
  return new NonFiniteError(
    `${where} (${samples}): ${what}. Training diverged: try a lower learning rate (lr is ${lr}) or clipGradNorm, ` +
      'and find the first op that made a non-finite value with detectAnomaly(() => fit(model, options))',
  );
}

/**
 * Training diverged while every number stayed finite: an epoch's loss passed `divergenceFactor` ×
 * the loss at the initial weights. `history` holds the epochs before it (and `initialLoss`).
 */
export class DivergenceError extends BackpropError {
  /** The epochs before the one that diverged, and the initial loss it was measured against. */
  readonly history: History;

  constructor(message: string, history: History) {
    super(message);
    this.history = history;
  }
}

/** The error for an epoch whose loss passed `factor` × the initial loss (see `DivergenceError`). */
export function explosion(
  epoch: number,
  loss: number,
  factor: number,
  lr: number,
  history: History,
): DivergenceError {
  return new DivergenceError(
    `fit: epoch ${epoch}: the loss ${loss} is more than divergenceFactor (${factor}) × the loss at the initial weights, ${history.initialLoss}. ` +
      `Training diverged: try a lower learning rate (lr is ${lr}) or clipGradNorm, or raise divergenceFactor`,
    history,
  );
}

/** The first parameter whose gradient holds NaN or ±Infinity, and that value; null if none. */
export function nonFiniteGradient(
  params: readonly Tensor[],
): { index: number; value: number } | null {
  for (let i = 0; i < params.length; i++) {
    const g = params[i]?.grad;
    if (!g) continue;
    const d = g.data;
    // v − v is 0 for a finite v and NaN otherwise: one comparison an array, not one call an element
    let sum = 0;
    for (let k = 0; k < d.length; k++) sum += (d[k] as number) - (d[k] as number);
    if (sum === 0) continue;
    for (let k = 0; k < d.length; k++) {
      if (!Number.isFinite(d[k])) return { index: i, value: d[k] as number };
    }
  }
  return null;
}

/**
 * Prefixes `where` to the message of a library error thrown by `fn`, so it says when it happened;
 * with `anyError`, to any Error's (code of the user's own that fit calls, such as a metric).
 */
export function inContext<T>(where: string, fn: () => T, anyError = false): T {
  try {
    return fn();
  } catch (e) {
    throw withContext(where, e, anyError);
  }
}

/** `e` with `where` prefixed to its message as `inContext` does, for a caller's own catch. */
export function withContext(where: string, e: unknown, anyError = false): unknown {
  const ours = e instanceof BackpropError || (anyError && e instanceof Error);
  if (ours && !e.message.startsWith('fit')) e.message = `${where}: ${e.message}`;
  return e;
}

/** A shape as the errors write it: [4, 1]. */
export function shapeOf(t: Tensor | readonly number[]): string {
  return `[${(t instanceof Tensor ? t.shape : t).join(', ')}]`;
}
