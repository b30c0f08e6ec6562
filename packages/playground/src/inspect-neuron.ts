// Clicking a hidden neuron: its error signal ∂E/∂a⁽ʲ⁾ᵢ for one sample (p. 16–18) by autodiff
// (retainGrad on a⁽ʲ⁾), beside a central difference that runs the network on from layer j.
import { noGrad, type Tensor, tensor } from '@backprop/core';
import { crossEntropy, halfSquaredError, type MLP } from '@backprop/layers';
import { PlaygroundError } from './errors.js';
import type { NeuronInspection } from './inspections.js';
import { errorOf } from './network.js';

/** h of the central difference in a⁽ʲ⁾ᵢ. */
export const NEURON_STEP = 1e-5;

/** E for one sample from hidden layer j's a⁽ʲ⁾ on: z⁽ʲ⁾ = f(a⁽ʲ⁾), then the layers above (p. 5). */
function errorFrom(model: MLP, j: number, aj: number[], y: number): number {
  return noGrad(() => {
    const k = model.numHidden;
    let h: Tensor = (model.activations[j - 1] as (a: Tensor) => Tensor)(tensor([aj]));
    for (let l = j; l < k; l++) {
      h = (model.activations[l] as (a: Tensor) => Tensor)(model.layers[l]?.forward(h) as Tensor);
    }
    const logits = model.layers[k]?.forward(h) as Tensor;
    return model.config.outputActivation === 'identity'
      ? halfSquaredError(logits, [[y]]).item()
      : crossEntropy(logits, [y]).item();
  });
}

/**
 * ∂E/∂a⁽ʲ⁾ᵢ for hidden layer j = 1..k, neuron i (1-based), one sample (x, y as the network sees
 * them). Runs a backward pass: the caller keeps the model's `.grad` if it needs them.
 */
export function inspectNeuron(
  model: MLP,
  at: { j: number; i: number },
  sample: number,
  x: number[],
  y: number,
): NeuronInspection {
  const { j, i } = at;
  const k = model.numHidden;
  if (k === 0) throw new PlaygroundError('inspectNeuron: this network has no hidden layer');
  if (!Number.isInteger(j) || j < 1 || j > k) {
    throw new PlaygroundError(`inspectNeuron: j must be a hidden layer 1–${k}; got ${j}`);
  }
  const m = model.config.hidden[j - 1] as number;
  if (!Number.isInteger(i) || i < 1 || i > m) {
    throw new PlaygroundError(
      `inspectNeuron: i must be 1–${m} (hidden layer ${j} has ${m} neurons); got ${i}`,
    );
  }
  const t = model.forward([x], { intermediates: { retainGrad: true } });
  const E = errorOf(model, t, [y]);
  E.backward();
  const aj = t.a[j - 1] as Tensor;
  const a = Array.from(aj.data);
  const autodiff = aj.grad?.data[i - 1] as number;
  const h = NEURON_STEP;
  const moved = (d: number) => a.map((v, c) => (c === i - 1 ? v + d : v));
  const centralDifference =
    (errorFrom(model, j, moved(h), y) - errorFrom(model, j, moved(-h), y)) / (2 * h);
  return {
    kind: 'neuron',
    j,
    i,
    sample,
    a: a[i - 1] as number,
    z: (t.z[j - 1] as Tensor).data[i - 1] as number,
    autodiff,
    centralDifference,
    step: h,
  };
}
