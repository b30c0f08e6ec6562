// What clicking a weight or a neuron shows: ∂E/∂w by the slide's formula (p. 11, 14, 18) with the
// sample's numbers substituted, beside autodiff and a central difference; and ∂E/∂a⁽ʲ⁾ᵢ.

/** A weight's ∂E/∂w for one sample, three ways. */
export interface WeightInspection {
  kind: 'weight';
  /** The weight w⁽ʲ⁾ₚ,ᵢ: layer j (0 = inputs), from neuron p (0 = bias), to neuron i (1-based). */
  j: number;
  p: number;
  i: number;
  /** Its name as on the slides, e.g. 'w⁽⁰⁾₁,₂' (the one output's weights: 'w⁽ᵏ⁾ₚ'). */
  name: string;
  /** The sample's index in the data. */
  sample: number;
  /** The weight's value. */
  weight: number;
  /** E for this sample, and its formula. */
  error: { formula: string; value: number };
  /** The slide whose formula gives ∂E/∂w (11: output weights, 14: k = 1, 18: k > 1); null when the slides do not cover the network. */
  page: 11 | 14 | 18 | null;
  /** The slide's formula in TeX, and the same with this sample's numbers; null when not covered. */
  tex: { formula: string; substituted: string } | null;
  /** ∂E/∂w by the slide's formula (optim's slideGradients); null when not covered. */
  slide: number | null;
  /** Why the slides do not cover this network (when `slide` is null). */
  reason: string | null;
  /** ∂E/∂w by autodiff (backward on this one sample). */
  autodiff: number;
  /** |slide − autodiff|; null when not covered. */
  difference: number | null;
  /** (E(w + h) − E(w − h)) / 2h. */
  centralDifference: number;
  /** h of the central difference. */
  step: number;
}

/** ∂E/∂a⁽ʲ⁾ᵢ of one hidden neuron for one sample (p. 16–18's error signal). */
export interface NeuronInspection {
  kind: 'neuron';
  /** Hidden layer j = 1..k, neuron i = 1..m⁽ʲ⁾. */
  j: number;
  i: number;
  sample: number;
  /** a⁽ʲ⁾ᵢ and z⁽ʲ⁾ᵢ = f(a⁽ʲ⁾ᵢ) for the sample. */
  a: number;
  z: number;
  /** ∂E/∂a⁽ʲ⁾ᵢ by autodiff (retainGrad on a⁽ʲ⁾). */
  autodiff: number;
  /** (E(a + h) − E(a − h)) / 2h, running the network on from layer j. */
  centralDifference: number;
  step: number;
}
