// One sample's forward pass and its backward as a Mermaid flowchart (core's toMermaid): every
// node keeps its gradient, and the slides' names label a⁽ʲ⁾, z⁽ʲ⁾, y_E and E.
import { type Tensor, tensor, toMermaid, topologicalOrder } from '@backprop/core';
import type { MLP } from '@backprop/layers';
import { errorOf } from './network.js';
import { superscript } from './slide-names.js';

/**
 * The graph of E for one sample (x, y as the network sees them) after backward: values and
 * ∂E/∂ of every node. Runs a backward pass: the caller keeps the model's `.grad` if it needs them.
 */
export function sampleGraph(model: MLP, x: number[], y: number): string {
  const input = tensor([x]);
  input.label = 'x';
  const out = model.forward(input, { intermediates: true });
  out.a.forEach((t, n) => {
    t.label = `a⁽${superscript(n + 1)}⁾`;
  });
  out.z.forEach((t, n) => {
    t.label = `z⁽${superscript(n + 1)}⁾`;
  });
  const linear = model.config.outputActivation === 'identity';
  out.logits.label = linear ? 'y_E' : `a⁽${superscript(model.numHidden + 1)}⁾ (logits)`;
  if (!linear) out.output.label = 'softmax';
  // E of p. 10, ½(y_E − y)², spelled out in ops so that the drawing shows each step (layers'
  // halfSquaredError is one fused op of the same value)
  const E = linear
    ? out.output
        .sub(tensor([[y]]))
        .square()
        .mul(0.5)
        .mean()
    : errorOf(model, out, [y]);
  E.label = 'E';
  // the backward pass as the graph's second layer of numbers: ∂E/∂ of every node, not only leaves
  for (const t of topologicalOrder([E]) as Tensor[]) if (!t.isLeaf) t.retainGrad();
  E.backward();
  // the parameters by their slide names (p. 4: the bias is row p = 0 of w⁽ʲ⁾), for this drawing only
  const named: [Tensor, string][] = model.layers.flatMap((layer, j) => [
    [layer.weight, `w⁽${superscript(j)}⁾ₚ,ᵢ (p ≥ 1)`] as [Tensor, string],
    ...(layer.bias ? [[layer.bias, `w⁽${superscript(j)}⁾₀,ᵢ (bias)`] as [Tensor, string]] : []),
  ]);
  const labels = named.map(([t]) => t.label);
  named.forEach(([t, label]) => {
    t.label = label;
  });
  try {
    return toMermaid(E, { values: true, grads: true });
  } finally {
    named.forEach(([t], n) => {
      t.label = labels[n];
    });
  }
}
