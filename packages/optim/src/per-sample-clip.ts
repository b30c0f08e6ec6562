// Per-sample gradient clipping, as DP-SGD does it (Abadi et al. 2016), without the noise and the
// privacy accounting: each sample's gradient is scaled to a norm of at most C, then the batch's
// gradient is their mean, so no single sample can move the weights by more than C/batch · lr.
import { noGrad, type Tensor, ValueError } from '@backprop/core';
import { perSampleGradients, type SampleLoss } from '@backprop/layers';
import type { Trainable } from './fit-options.js';
import { refuseWhileCompiling } from './optimizer.js';

/** What `clipPerSampleGradNorm` returns. */
export interface ClippedGradients {
  /** The mean over the batch of the clipped per-sample gradients, one per parameter. */
  grads: Tensor[];
  /** Each sample's gradient norm before clipping, shape [batch]. */
  norms: Tensor;
}

/**
 * Clips per-sample gradients and averages them: `perSample[j]` holds parameter j's gradient for
 * every sample (shape [batch, ...parameter], as `perSampleGradients` gives); sample i's gradient,
 * all parameters together, has the norm Nᵢ = √(Σⱼ ‖gᵢⱼ‖²), and is scaled by
 * min(1, maxNorm / (Nᵢ + 1e-6)) (Opacus's factor, as `clipGradNorm`'s for one sample). Returns
 * the mean over the batch of the scaled gradients, one per parameter, and every Nᵢ.
 * @example
 * // two samples' gradients of one parameter: norms 5 and 0.5; clipped to 1: [0.6, 0.8] and as is
 * const { grads, norms } = clipPerSampleGradNorm([tensor([[3, 4], [0.3, 0.4]])], 1);
 * console.log(norms.toArray(), grads[0].toString());
 * // → [ 5, 0.5 ] tensor([0.4500, 0.6000], shape=[2])
 */
export function clipPerSampleGradNorm(
  perSample: readonly Tensor[],
  maxNorm: number,
): ClippedGradients {
  const where = 'clipPerSampleGradNorm';
  if (!(typeof maxNorm === 'number' && maxNorm > 0)) {
    throw new ValueError(`${where}: maxNorm must be a number > 0, got ${String(maxNorm)}`);
  }
  const first = perSample[0];
  if (first === undefined || first.ndim === 0) {
    throw new ValueError(
      `${where}: expected one tensor per parameter with the samples along axis 0, got ${perSample.length === 0 ? 'none' : 'a scalar'}`,
    );
  }
  const batch = first.shape[0] as number;
  return noGrad(() => {
    let squares: Tensor | null = null;
    for (const [j, g] of perSample.entries()) {
      if (g.ndim === 0 || g.shape[0] !== batch) {
        throw new ValueError(
          `${where}: tensor ${j} has shape [${g.shape.join(', ')}]; expected ${batch} samples along axis 0, as tensor 0`,
        );
      }
      const s = g.reshape([batch, -1]).square().sum(1);
      squares = squares === null ? s : squares.add(s);
    }
    const norms = (squares as Tensor).sqrt();
    const factor = norms.add(1e-6).reciprocal().mul(maxNorm).clamp(null, 1);
    const grads = perSample.map((g) =>
      g.mul(factor.reshape([batch, ...g.shape.slice(1).map(() => 1)])).mean(0),
    );
    return { grads, norms };
  });
}

/**
 * One DP-SGD-style gradient: each sample's gradient of `loss` clipped to `maxNorm`
 * (`clipPerSampleGradNorm` on `perSampleGradients`), averaged, and put in each parameter's
 * `.grad` (added to one that is there, as `backward()` does), ready for `optimizer.step()`.
 * Returns the per-sample norms before clipping. `fit({ clipPerSampleGradNorm })` does this for
 * every batch.
 */
export function backwardClippedPerSample(
  model: Trainable,
  loss: SampleLoss,
  x: Tensor,
  y: Tensor,
  maxNorm: number,
): Tensor {
  refuseWhileCompiling('backwardClippedPerSample');
  const params = model.parameters();
  const { grads, norms } = clipPerSampleGradNorm(perSampleGradients(model, loss, x, y), maxNorm);
  params.forEach((p, j) => {
    const g = grads[j] as Tensor;
    p.grad = p.grad === null ? g : noGrad(() => (p.grad as Tensor).add(g));
  });
  return norms;
}
