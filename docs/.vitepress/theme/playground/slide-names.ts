// The slides' names for weights and neurons (w⁽ʲ⁾ₚ,ᵢ, a⁽ʲ⁾ᵢ) in plain text, for labels and titles.

const SUPERSCRIPTS = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';

/** 12 → ¹² (layer indices as the slides write them). */
export const superscript = (n: number) =>
  String(n).replace(/\d/g, (d) => SUPERSCRIPTS[Number(d)] as string);
/** 12 → ₁₂. */
export const subscript = (n: number) =>
  String(n).replace(/\d/g, (d) => SUBSCRIPTS[Number(d)] as string);

/** w⁽ʲ⁾ₚ,ᵢ as the slides write it (p. 5). */
export const weightName = (j: number, p: number, i: number) =>
  `w⁽${superscript(j)}⁾${subscript(p)},${subscript(i)}`;

/** a⁽ʲ⁾ᵢ, the input of hidden neuron i of layer j (p. 5). */
export const neuronName = (j: number, i: number) => `a⁽${superscript(j)}⁾${subscript(i)}`;
