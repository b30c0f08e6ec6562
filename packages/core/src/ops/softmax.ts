// softmax and logSoftmax along one axis: numerically stable, with Jacobians that couple the axis.
import { bindComposite } from '../primitive.js';
import { normalizeAxis } from '../shape-math.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { toTensor } from '../tensor.js';

/**
 * exp(xᵢ) / Σⱼ exp(xⱼ) along `axis`. Not elementwise: each output depends on the whole axis.
 * Computed from x − max(x), so inputs of ±1000 do not overflow.
 */
export function softmax(input: TensorLike, axis = -1): Tensor {
  const x = toTensor(input);
  const a = normalizeAxis('softmax', axis, x.ndim);
  return bindComposite(
    'softmax',
    [x],
    () => {
      if (x.shape[a] === 0) return x.zerosLike(); // an empty axis has nothing to normalise (and no max)
      const e = x.sub(x.max(a, true)).exp();
      return e.div(e.sum(a, true));
    },
    // Jacobian ∂yᵢ/∂xⱼ = yᵢ(δᵢⱼ − yⱼ), so the vjp is y ⊙ (g − Σ g⊙y)
    (g, y) => [y.mul(g.sub(g.mul(y).sum(a, true)))],
  );
}

/** log(softmax(x)) along `axis`, computed as x − logsumexp(x): stable where log(softmax) is not. */
export function logSoftmax(input: TensorLike, axis = -1): Tensor {
  const x = toTensor(input);
  const a = normalizeAxis('logSoftmax', axis, x.ndim);
  return bindComposite(
    'logSoftmax',
    [x],
    () => x.sub(x.logsumexp(a, true)),
    // ∂yᵢ/∂xⱼ = δᵢⱼ − softmax(x)ⱼ, so the vjp is g − softmax(x) · Σ g
    (g, y) => [g.sub(y.exp().mul(g.sum(a, true)))],
  );
}
