// The slides' names for weights and layers (p. 4–5): w⁽ʲ⁾ₚ,ᵢ, a⁽ʲ⁾, with Unicode sub- and superscripts.

const SUB = '₀₁₂₃₄₅₆₇₈₉';
const SUP = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** n in subscript digits. */
export const lower = (n: number): string =>
  String(n).replace(/\d/g, (d) => SUB[Number(d)] as string);
/** n in superscript digits. */
export const upper = (n: number): string =>
  String(n).replace(/\d/g, (d) => SUP[Number(d)] as string);

/** w⁽ʲ⁾ₚ,ᵢ as on the slides; the one output's weights are w⁽ᵏ⁾ₚ (p. 5, 11). */
export function weightName(j: number, p: number, i: number, singleOutput: boolean): string {
  return `w⁽${upper(j)}⁾${lower(p)}${singleOutput ? '' : `,${lower(i)}`}`;
}
