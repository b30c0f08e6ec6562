// The slides' names for neurons and layers (a⁽ʲ⁾ᵢ, x₁) in plain text, for labels and titles; a
// weight's name (w⁽ʲ⁾ₚ,ᵢ) is @backprop/playground's weightName, as the gradient panel shows it.

const SUPERSCRIPTS = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';

/** 12 → ¹² (layer indices as the slides write them). */
export const superscript = (n: number) =>
  String(n).replace(/\d/g, (d) => SUPERSCRIPTS[Number(d)] as string);
/** 12 → ₁₂. */
export const subscript = (n: number) =>
  String(n).replace(/\d/g, (d) => SUBSCRIPTS[Number(d)] as string);

/** a⁽ʲ⁾ᵢ, the input of hidden neuron i of layer j (p. 5). */
export const neuronName = (j: number, i: number) => `a⁽${superscript(j)}⁾${subscript(i)}`;
