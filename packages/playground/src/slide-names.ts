// The slides' names for weights and neurons (p. 4–5): w⁽ʲ⁾ₚ,ᵢ, a⁽ʲ⁾ᵢ, with Unicode sub- and superscripts.

const SUB = '₀₁₂₃₄₅₆₇₈₉';
const SUP = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** n in subscript digits. */
export const subscript = (n: number): string =>
  String(n).replace(/\d/g, (d) => SUB[Number(d)] as string);
/** n in superscript digits. */
export const superscript = (n: number): string =>
  String(n).replace(/\d/g, (d) => SUP[Number(d)] as string);

/** w⁽ʲ⁾ₚ,ᵢ as on the slides; the one output's weights are w⁽ᵏ⁾ₚ (p. 5, 11). */
export function weightName(j: number, p: number, i: number, singleOutput: boolean): string {
  return `w⁽${superscript(j)}⁾${subscript(p)}${singleOutput ? '' : `,${subscript(i)}`}`;
}

/** a⁽ʲ⁾ᵢ, the input of hidden neuron i of layer j (p. 5). */
export const neuronName = (j: number, i: number): string => `a⁽${superscript(j)}⁾${subscript(i)}`;
