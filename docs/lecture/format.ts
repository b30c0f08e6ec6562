// How the lecture pages print numbers: aligned fixed-point values and short gaps between two ways
// of computing one number.

/** Fixed-point text of a number, with a space where a minus sign would be (aligned columns). */
export const fixed = (v: number, digits = 12) => (v < 0 ? '' : '\u2007') + v.toFixed(digits);

/** A small non-negative number in short exponential form, '0' when it is 0. */
export const small = (d: number) => (d === 0 ? '0' : d.toExponential(1));

/** |u − v| in short exponential form, '0' when equal. */
export const gap = (u: number, v: number) => small(Math.abs(u - v));
