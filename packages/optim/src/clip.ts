// Gradient clipping, between backward() and step(): by the global norm of all gradients, or by value.
import { echoValue, NonFiniteError, Tensor, ValueError } from '@backprop/core';
import { checkNonNegative, refuseWhileCompiling } from './optimizer.js';

/**
 * Scales all gradients together so that their global norm (the norm of all of them concatenated)
 * is at most `maxNorm`, as `torch.nn.utils.clip_grad_norm_`: every gradient is multiplied by
 * maxNorm / (N + 1e-6) when that is below 1, that is when the total norm N exceeds maxNorm − 1e-6. Changes the `grad` tensors in
 * place (backward gives each parameter's `grad` storage of its own) and skips parameters without
 * one. Returns N, measured before clipping.
 *
 * `normType` is p of the p-norm (Infinity for the largest |g|). A non-finite total norm throws a
 * NonFiniteError naming the first parameter with a non-finite gradient, unless
 * `errorIfNonfinite: false` (then, like PyTorch, the gradients are scaled by a NaN or 0 factor).
 *
 * @example
 * // a model's parameters: model.parameters()
 * const w = tensor([0, 0], { requiresGrad: true });
 * const opt = new SGD([w], { lr: 1 });
 * const loss = w.mul(tensor([3, 4])).sum();
 * loss.backward();
 * const norm = clipGradNorm([w], 1.0);
 * opt.step();
 * // the gradient [3, 4] has norm 5; clipped to norm 1 it is [0.6, 0.8], and w − 1 · [0.6, 0.8]
 * console.log(norm, w.toString()); // → 5 tensor([-0.6000, -0.8000], shape=[2], requiresGrad=true)
 */
export function clipGradNorm(
  params: Tensor | Iterable<Tensor>,
  maxNorm: number,
  normType = 2,
  options: { errorIfNonfinite?: boolean } = {},
): number {
  const where = 'clipGradNorm';
  refuseWhileCompiling(where);
  checkNonNegative(where, 'maxNorm', maxNorm);
  if (typeof normType !== 'number' || Number.isNaN(normType) || normType <= 0) {
    throw new ValueError(
      `${where}: normType must be a number > 0 (Infinity for the max norm), got ${echoValue(normType)}`,
    );
  }
  const list = toList(where, params);
  const grads = list.flatMap((p) => (p.grad === null ? [] : [p.grad.data]));
  if (grads.length === 0) return 0;
  // as PyTorch: the norm of each gradient, then the norm of those norms
  const total = pNorm(
    grads.map((g) => pNorm(g, normType)),
    normType,
  );
  if (!Number.isFinite(total) && (options.errorIfNonfinite ?? true)) {
    const index = list.findIndex((p) => p.grad?.data.some((v) => !Number.isFinite(v)));
    throw new NonFiniteError(
      `${where}: the total ${normType}-norm of the gradients is ${total} (parameter ${index} has a non-finite gradient); ` +
        'pass { errorIfNonfinite: false } to scale them anyway',
    );
  }
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1 || Number.isNaN(coef)) {
    for (const g of grads) for (let i = 0; i < g.length; i++) g[i] = g[i] * coef;
  }
  return total;
}

/**
 * Clamps every gradient element to [−clipValue, clipValue], in place, as
 * `torch.nn.utils.clip_grad_value_`; skips parameters without a gradient.
 * @example
 * const w = tensor([1, 1], { requiresGrad: true });
 * w.mul(tensor([-2, 0.25])).sum().backward();
 * clipGradValue([w], 0.5);
 * console.log(w.grad?.toArray()); // → [ -0.5, 0.25 ]
 */
export function clipGradValue(params: Tensor | Iterable<Tensor>, clipValue: number): void {
  const where = 'clipGradValue';
  refuseWhileCompiling(where);
  checkNonNegative(where, 'clipValue', clipValue);
  for (const p of toList(where, params)) {
    const g = p.grad?.data;
    if (g === undefined) continue;
    for (let i = 0; i < g.length; i++) g[i] = Math.min(Math.max(g[i], -clipValue), clipValue);
  }
}

function pNorm(values: ArrayLike<number>, p: number): number {
  let acc = 0;
  if (p === Infinity) {
    for (let i = 0; i < values.length; i++) acc = Math.max(acc, Math.abs(values[i]));
    return acc;
  }
  if (p === 1) {
    for (let i = 0; i < values.length; i++) acc += Math.abs(values[i]);
    return acc;
  }
  if (p === 2) {
    for (let i = 0; i < values.length; i++) acc += values[i] * values[i];
    return Math.sqrt(acc);
  }
  for (let i = 0; i < values.length; i++) acc += Math.abs(values[i]) ** p;
  return acc ** (1 / p);
}

function toList(where: string, params: Tensor | Iterable<Tensor>): Tensor[] {
  const list = params instanceof Tensor ? [params] : [...params];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor))
      throw new ValueError(`${where}: parameter ${i} is ${echoValue(p)}, not a tensor`);
  });
  return list;
}
