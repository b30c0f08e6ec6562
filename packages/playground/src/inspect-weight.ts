// Clicking a weight: ∂E/∂w⁽ʲ⁾ₚ,ᵢ for one sample by the slide's formula (p. 11, 14 or 18) with the
// sample's numbers put in, beside autodiff's value and a central difference.
import { noGrad } from '@backprop/core';
import type { MLP } from '@backprop/layers';
import {
  readSlideNetwork,
  type SlideActivation,
  type SlideWeights,
  slideErrorSignals,
  slideForward,
  slideGradients,
} from '@backprop/optim';
import { PlaygroundError } from './errors.js';
import type { WeightInspection } from './inspections.js';
import { batchError, LOSS_NAMES } from './network.js';
import { weightName } from './slide-names.js';

/** h of the central difference, in the weight's units. */
export const CENTRAL_DIFFERENCE_STEP = 1e-5;

/** A number for TeX, 6 significant digits; negative ones in parentheses, as a factor needs. */
export function texNumber(v: number): string {
  const [mantissa, exponent] = v.toPrecision(6).split('e');
  const m = String(Number(mantissa));
  const text = exponent === undefined ? m : `${m} \\times 10^{${Number(exponent)}}`;
  return v < 0 ? `(${text})` : text;
}

const dE = (of: string) => `\\frac{\\partial E}{\\partial ${of}}`;
const dzda = (J: number, i: number) =>
  `\\frac{\\partial z^{(${J})}_{${i}}}{\\partial a^{(${J})}_{${i}}}`;
/** z⁽ʲ⁾ₚ, written x_p for the inputs (layer 0) as on p. 14. */
const zOf = (j: number, p: number) => (j === 0 ? `x_{${p}}` : `z^{(${j})}_{${p}}`);

/**
 * The slide's formula for ∂E/∂w⁽ʲ⁾ₚ,ᵢ and the same with the sample's numbers: p. 11 for the
 * output weights (j = k), p. 14 for w⁽⁰⁾ with one hidden layer, p. 18 (p. 16–17 put together)
 * for the rest. `value` is the slide's result, printed at the end.
 */
function slideTex(
  w: SlideWeights,
  f: SlideActivation,
  x: readonly number[],
  y: number,
  at: { j: number; p: number; i: number },
  value: number,
): { page: 11 | 14 | 18; formula: string; substituted: string } {
  const { j, p, i } = at;
  const k = w.length - 1;
  const forward = slideForward(w, f, x);
  const { a, z, yE } = forward;
  const n = texNumber;
  const end = ` = ${n(value).replace(/^\((.*)\)$/, '$1')}`; // the result needs no parentheses
  if (j === k) {
    return {
      page: 11,
      formula: `${dE(`w^{(${k})}_{${p}}`)} = (y_E - y)\\, ${zOf(k, p)}`,
      substituted: `= (${n(yE)} - ${n(y)}) \\cdot ${n(z[k]?.[p] as number)}${end}`,
    };
  }
  const J = j + 1; // the weight feeds neuron i of hidden layer J
  const df = f.df(a[J]?.[i] as number);
  if (k === 1) {
    return {
      page: 14,
      formula: `${dE(`w^{(0)}_{${p},${i}}`)} = x_{${p}}\\, (y_E - y)\\, w^{(1)}_{${i}}\\, ${dzda(1, i)}`,
      substituted: `= ${n(z[0]?.[p] as number)} \\cdot (${n(yE)} - ${n(y)}) \\cdot ${n(w[1]?.[i]?.[1] as number)} \\cdot ${n(df)}${end}`,
    };
  }
  const formula = (sum: string) =>
    `${dE(`w^{(${j})}_{${p},${i}}`)} = ${zOf(j, p)} ${sum}\\, ${dzda(J, i)}`;
  if (J === k) {
    // p. 18 where the recursion ends (p. 19): layer J + 1 is the output, ∂E/∂y_E = y_E − y
    return {
      page: 18,
      formula: formula(`(y_E - y)\\, w^{(${k})}_{${i}}`),
      substituted: `= ${n(z[j]?.[p] as number)} \\cdot (${n(yE)} - ${n(y)}) \\cdot ${n(w[k]?.[i]?.[1] as number)} \\cdot ${n(df)}${end}`,
    };
  }
  // p. 18 with the error signals ∂E/∂a⁽ᴶ⁺¹⁾_q of the next layer (p. 16–17's recursion)
  const dEda = slideErrorSignals(w, f, forward, y);
  const next = (w[J + 1]?.length as number) - 1;
  const terms = Array.from({ length: next }, (_, c) => {
    const q = c + 1;
    return `${n(dEda[J + 1]?.[q] as number)} \\cdot ${n(w[J]?.[i]?.[q] as number)}`;
  });
  return {
    page: 18,
    formula: formula(`\\sum_{q=1}^{${next}} ${dE(`a^{(${J + 1})}_{q}`)}\\, w^{(${J})}_{${i},q}`),
    substituted: `= ${n(z[j]?.[p] as number)} \\cdot (${terms.join(' + ')}) \\cdot ${n(df)}${end}`,
  };
}

function checkIndex(what: string, v: number, lo: number, hi: number, meaning: string): void {
  if (!Number.isInteger(v) || v < lo || v > hi) {
    throw new PlaygroundError(`inspectWeight: ${what} must be ${lo}–${hi} (${meaning}); got ${v}`);
  }
}

/**
 * ∂E/∂w⁽ʲ⁾ₚ,ᵢ (i 1-based) for one sample (x, y as the network sees them), three ways. Runs a
 * backward pass: the caller keeps the model's `.grad` if it needs them (Session does).
 */
export function inspectWeight(
  model: MLP,
  at: { j: number; p: number; i: number },
  sample: number,
  x: number[],
  y: number,
): WeightInspection {
  const { j, p, i } = at;
  const k = model.numHidden;
  const sizes = [model.config.inputs, ...model.config.hidden, model.config.outputs];
  checkIndex('j', j, 0, k, `the layer the weight leaves; ${k} is the output layer's`);
  checkIndex('p', p, 0, sizes[j] as number, 'the neuron it leaves; 0 is the bias');
  checkIndex('i', i, 1, sizes[j + 1] as number, 'the neuron it feeds, counted from 1');
  const linear = model.config.outputActivation === 'identity';
  const errorOf = () => batchError(model, [x], [y]);

  const E = errorOf();
  E.backward();
  const gradient = model.slideGradients(j)?.toArray() as number[][]; // set: E depends on every weight
  const autodiff = gradient[p]?.[i - 1] as number;

  let slide: number | null = null;
  let reason: string | null = null;
  let tex: WeightInspection['tex'] = null;
  let page: WeightInspection['page'] = null;
  try {
    const { w, f } = readSlideNetwork(model); // throws where the slides do not cover the network
    slide = slideGradients(model, x, y)[j]?.[p]?.[i - 1] as number;
    const t = slideTex(w, f, x, y, at, slide);
    page = t.page;
    tex = { formula: t.formula, substituted: t.substituted };
  } catch (e) {
    reason = linear
      ? (e as Error).message
      : "the output is softmax with the cross-entropy, while the slides derive E = ½(y_E − y)² of one linear output (p. 5, 10); softmax is not elementwise, so p. 15's ∂z/∂a becomes a Jacobian";
  }

  const h = CENTRAL_DIFFERENCE_STEP;
  const w = model.slideWeights(j).toArray() as number[][];
  const errorWith = (value: number) => {
    const moved = w.map((row) => [...row]);
    (moved[p] as number[])[i - 1] = value;
    model.setSlideWeights(j, moved);
    return noGrad(() => errorOf().item());
  };
  const weight = w[p]?.[i - 1] as number;
  const centralDifference = (errorWith(weight + h) - errorWith(weight - h)) / (2 * h);
  model.setSlideWeights(j, w);

  return {
    kind: 'weight',
    j,
    p,
    i,
    name: weightName(j, p, i, j === k && model.config.outputs === 1),
    sample,
    weight,
    error: { formula: LOSS_NAMES[linear ? 'linear' : 'softmax'], value: E.item() },
    page,
    tex,
    slide,
    reason,
    autodiff,
    difference: slide === null ? null : Math.abs(slide - autodiff),
    centralDifference,
    step: h,
  };
}
