// The lecture's tiny network built by hand with @backprop/core: autodiff's gradients side by side
// with the slides' closed forms (p. 11, p. 14), a numerical gradient check, and the graph drawn.
import { pathToFileURL } from 'node:url';
import {
  type GradcheckReport,
  gradcheck,
  ones,
  type Tensor,
  tensor,
  toMermaid,
} from '@backprop/core';

/** One sample and fixed small weights (m = 2 inputs, m⁽¹⁾ = 3 hidden neurons). */
export const sample = {
  /** x₁, x₂ (x₀ = 1 is prepended as the bias input, p. 3–4). */
  x: [0.5, -1.2],
  /** The target y. */
  y: 0.8,
  /** W⁽⁰⁾[p][i]: from input p (row 0 = bias) to hidden neuron i + 1; shape (m + 1) × m⁽¹⁾. */
  w0: [
    [0.1, -0.2, 0.05],
    [0.4, 0.3, -0.5],
    [-0.3, 0.2, 0.6],
  ],
  /** w⁽¹⁾[p]: from hidden neuron p (p = 0 is the bias z₀ = 1) to the output. */
  w1: [0.05, 0.7, -0.4, 0.3],
};

export type Sample = typeof sample;

/** The network of p. 5 as tensor ops: eq. 1, 3 and 4, then the error of p. 10. */
export function forward(
  xs: readonly number[],
  y: number,
  w0: Tensor,
  w1: Tensor,
): { x: Tensor; a: Tensor; z: Tensor; yE: Tensor; E: Tensor } {
  const x = tensor([[1, ...xs]]); // one sample as a row, x₀ = 1 folded in as the bias (p. 5, eq. 1)
  x.label = 'x';
  const a = x.matmul(w0); // aᵢ⁽¹⁾ = Σₚ w⁽⁰⁾ₚ,ᵢ xₚ  (eq. 1)
  a.label = 'a⁽¹⁾';
  const z = a.sigmoid(); // zᵢ⁽¹⁾ = f(aᵢ⁽¹⁾)  (eq. 3)
  z.label = 'z⁽¹⁾';
  const one = ones([1, 1]);
  one.label = 'z₀';
  const zb = one.concat(z, 1); // z₀⁽¹⁾ = 1 (p. 5, eq. 4)
  const yE = zb.mul(w1).sum(); // y_E = Σₚ w⁽¹⁾ₚ zₚ⁽¹⁾  (eq. 4)
  yE.label = 'y_E';
  const target = tensor(y);
  target.label = 'y';
  const E = yE.sub(target).square().mul(0.5); // E = ½(y_E − y)²  (p. 10)
  E.label = 'E';
  return { x, a, z, yE, E };
}

/** The slides' closed forms, on plain numbers with plain loops: no tensors, no autodiff. */
export function slideGradients(s: Sample): {
  yE: number;
  /** ∂E/∂aᵢ⁽¹⁾ (p. 13), i = 1..m⁽¹⁾ stored at i − 1. */
  dA: number[];
  /** ∂E/∂w⁽¹⁾ₚ = (y_E − y) zₚ⁽¹⁾ (p. 11), p = 0..m⁽¹⁾. */
  dW1: number[];
  /** ∂E/∂w⁽⁰⁾ₚ,ᵢ = xₚ (y_E − y) w⁽¹⁾ᵢ ∂zᵢ/∂aᵢ (p. 14), as [p][i − 1]. */
  dW0: number[][];
} {
  const x = [1, ...s.x];
  const hidden = s.w1.length - 1;
  const a: number[] = [];
  for (let i = 0; i < hidden; i++) {
    let sum = 0;
    for (let p = 0; p < x.length; p++) sum += s.w0[p][i] * x[p];
    a.push(sum);
  }
  const z = [1, ...a.map((v) => 1 / (1 + Math.exp(-v)))]; // z₀ = 1
  let yE = 0;
  for (let p = 0; p < z.length; p++) yE += s.w1[p] * z[p];
  const err = yE - s.y; // ∂E/∂y_E (p. 10)
  const dW1 = z.map((zp) => err * zp); // p. 11
  const dZdA = z.slice(1).map((zi) => zi * (1 - zi)); // sigmoid' = f(a)(1 − f(a)) (p. 15)
  const dA = dZdA.map((d, i) => err * s.w1[i + 1] * d); // p. 13
  const dW0 = x.map((xp) => dZdA.map((d, i) => xp * err * s.w1[i + 1] * d)); // p. 14
  return { yE, dA, dW1, dW0 };
}

export interface DemoResult {
  E: number;
  yE: number;
  /** Autodiff's ∂E/∂W⁽⁰⁾, ∂E/∂w⁽¹⁾ and the retained ∂E/∂a⁽¹⁾. */
  gradW0: number[][];
  gradW1: number[];
  gradA: number[];
  /** The largest |autodiff − slide formula| over every gradient compared. */
  maxDifference: number;
  gradcheck: GradcheckReport;
  mermaid: string;
}

const fmt = (v: number) => (v < 0 ? '' : ' ') + v.toFixed(10);
const sub = (n: number) => String(n).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)]);
const list = (vs: readonly number[]) => `[${vs.map((v) => v.toFixed(6)).join(', ')}]`;

/** Builds the network, backpropagates, compares with the slides and prints it all through `log`. */
export function runDemo(log: (line: string) => void = console.log): DemoResult {
  const s = sample;
  const w0 = tensor(s.w0, { requiresGrad: true });
  w0.label = 'W⁽⁰⁾';
  const w1 = tensor(s.w1, { requiresGrad: true });
  w1.label = 'w⁽¹⁾';
  const { a, z, yE, E } = forward(s.x, s.y, w0, w1);
  a.retainGrad(); // keep ∂E/∂a⁽¹⁾, an intermediate, after backward()
  yE.retainGrad();
  E.backward();

  const gradW0 = (w0.grad as Tensor).toArray() as number[][];
  const gradW1 = Array.from((w1.grad as Tensor).data);
  const gradA = Array.from((a.grad as Tensor).data);
  const slide = slideGradients(s);

  log("The lecture's network (p. 3–5): inputs x₁, x₂ with x₀ = 1, three sigmoid neurons");
  log('with z₀ = 1, a linear output y_E, and the error E = ½(y_E − y)² of one sample (p. 10).');
  log('');
  const row = (name: string, value: string) => log(`  ${name.padEnd(21)} = ${value}`);
  row('x (with x₀ = 1)', `[${[1, ...s.x].join(', ')}]`);
  row('y (the target)', String(s.y));
  row('a⁽¹⁾ = x·W⁽⁰⁾', list(Array.from(a.data)));
  row('z⁽¹⁾ = sigmoid(a⁽¹⁾)', list(Array.from(z.data)));
  row('y_E = Σₚ w⁽¹⁾ₚ zₚ', yE.item().toFixed(6));
  row('E = ½(y_E − y)²', E.item().toFixed(6));
  log('');
  log('Gradients from E.backward():');
  row('∂E/∂y_E (retainGrad)', (yE.grad as Tensor).item().toFixed(6));
  row('∂E/∂a⁽¹⁾ (retainGrad)', list(gradA));
  row('∂E/∂w⁽¹⁾', list(gradW1));
  gradW0.forEach((values, p) => {
    row(`∂E/∂W⁽⁰⁾, row p = ${p}`, list(values));
  });

  // One row per gradient: its name, the slide that gives its closed form, autodiff, the formula.
  const rows: [string, string, number, number][] = [];
  gradA.forEach((v, i) => {
    rows.push([`∂E/∂a${sub(i + 1)}⁽¹⁾`, 'p. 13', v, slide.dA[i]]);
  });
  gradW1.forEach((v, p) => {
    rows.push([`∂E/∂w${sub(p)}⁽¹⁾`, 'p. 11', v, slide.dW1[p]]);
  });
  gradW0.forEach((row, p) => {
    row.forEach((v, i) => {
      rows.push([`∂E/∂w${sub(p)},${sub(i + 1)}⁽⁰⁾`, 'p. 14', v, slide.dW0[p][i]]);
    });
  });
  let maxDifference = Math.abs(yE.item() - slide.yE);
  log('');
  log('Autodiff against the slides (p. 11: (y_E − y)·zₚ; p. 14: xₚ·(y_E − y)·w⁽¹⁾ᵢ·∂zᵢ/∂aᵢ):');
  log('  gradient     slide   autodiff         slide formula    |difference|');
  for (const [name, page, auto, formula] of rows) {
    const diff = Math.abs(auto - formula);
    maxDifference = Math.max(maxDifference, diff);
    log(
      `  ${name.padEnd(12)} ${page}   ${fmt(auto)}    ${fmt(formula)}    ${diff.toExponential(1)}`,
    );
  }
  log(`  max |autodiff − slide formula| = ${maxDifference.toExponential(2)}`);

  const report = gradcheck((w0, w1) => forward(s.x, s.y, w0, w1).E, [s.w0, s.w1]);
  log('');
  log(`Central differences: ${report.message}`);

  const mermaid = toMermaid(E);
  log('');
  log('The computation graph (Mermaid; paste into a ```mermaid block or mermaid.live):');
  log(mermaid);

  return {
    E: E.item(),
    yE: yE.item(),
    gradW0,
    gradW1,
    gradA,
    maxDifference,
    gradcheck: report,
    mermaid,
  };
}

// Run when executed as a script (`npm run demo`), not when imported by a test.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = runDemo();
  if (!(result.maxDifference <= 1e-12) || !result.gradcheck.ok) process.exitCode = 1;
}
