// Per-sample gradients of a model: every sample's own gradient of its loss, for every parameter,
// in one batched pass (core's vmap over a reverse sweep). The lecture's per-sample SGD (p. 10)
// takes these one at a time; their mean is the batch gradient.
import {
  enableGrad,
  gradients,
  ShapeError,
  type Tensor,
  type TensorLike,
  toTensor,
  ValueError,
  vmap,
} from '@backprop/core';
import type { Module } from './module.js';

/** A loss of one sample's prediction (shape [1, ...]) and target (shape [1, ...]): one value. */
export type SampleLoss = (prediction: Tensor, target: Tensor) => Tensor;

/**
 * Each sample's own gradient of `loss(model.forward(xᵢ), targetᵢ)` for every parameter: one
 * tensor per parameter, in `model.parameters()` order, of shape [batch, ...parameter.shape].
 * Computed in one pass with `vmap` (each op runs on the whole batch), not a loop over samples;
 * the parameters' `.grad` is not touched. Sample i is given to the model and the loss as a
 * batch of one (`x[i]` with shape [1, ...]), so `mse` or `crossEntropy` with its default mean
 * is that sample's loss, and the mean of the per-sample gradients over the batch axis is the
 * gradient of the batch's mean loss. Class targets for `crossEntropy` must be one-hot rows
 * (probabilities) here: inside vmap a target has no values to read as class indices.
 * @example
 * import { tensor } from '@backprop/core';
 * import { MLP, mse, perSampleGradients } from '@backprop/layers';
 * const net = new MLP({ inputs: 2, hidden: [3], activation: 'tanh', seed: 0 });
 * const x = tensor([[0.5, -1], [1, 2], [0, 0.3]]);
 * const y = tensor([[1], [0], [0.5]]);
 * const grads = perSampleGradients(net, (p, t) => mse(p, t), x, y);
 * console.log(grads.map((g) => g.shape)); // → [ [ 3, 2, 3 ], [ 3, 3 ], [ 3, 3, 1 ], [ 3, 1 ] ]
 */
export function perSampleGradients(
  model: Pick<Module, 'forward' | 'parameters'>,
  loss: SampleLoss,
  x: TensorLike,
  target: TensorLike,
): Tensor[] {
  const where = 'perSampleGradients';
  if (typeof loss !== 'function') {
    throw new ValueError(`${where}: loss must be a function (prediction, target) => Tensor`);
  }
  const xs = toTensor(x);
  const ts = toTensor(target, xs);
  if (xs.ndim === 0 || ts.ndim === 0 || xs.shape[0] !== ts.shape[0]) {
    throw new ShapeError(
      `${where}: x and target need the samples along their first axis, in the same number; got shapes ` +
        `[${xs.shape.join(', ')}] and [${ts.shape.join(', ')}]`,
    );
  }
  const params = model.parameters();
  const one = (xi: Tensor, ti: Tensor): Tensor[] =>
    enableGrad(() => {
      const l = loss(model.forward(xi.unsqueeze(0)), ti.unsqueeze(0));
      if (l.size !== 1) {
        throw new ShapeError(
          `${where}: the loss of one sample must be a single value, got shape [${l.shape.join(', ')}]`,
        );
      }
      return gradients([l], params);
    });
  return vmap(one)(xs, ts) as Tensor[];
}
