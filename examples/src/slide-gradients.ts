// The slides' hand-derived gradients (p. 11, 14, 18) beside autodiff's and central differences,
// for every weight of the lecture's network with k = 1 and k = 3 hidden layers and one sample.
import { pathToFileURL } from 'node:url';
import { noGrad } from '@backprop/core';
import { halfSquaredError, MLP } from '@backprop/layers';
import { readSlideNetwork, slideForward, slideGradients } from '@backprop/optim';

/** One sample: x₁, x₂ (x₀ = 1 is the bias input, p. 3–4) and the target y. */
export const sample = { x: [0.5, -1.2], y: 0.8 };

/**
 * Fixed small weights in the slides' layout (p. 4): weights[j][p][c] = w⁽ʲ⁾ₚ,c₊₁, from neuron p of
 * layer j (row 0 the bias) to neuron c + 1 of layer j + 1; the last matrix feeds the output y_E.
 */
export const networks: Readonly<Record<1 | 3, { hidden: number[]; weights: number[][][] }>> = {
  1: {
    hidden: [3],
    weights: [
      [
        [0.1, -0.2, 0.05],
        [0.4, 0.3, -0.5],
        [-0.3, 0.2, 0.6],
      ],
      [[0.05], [0.7], [-0.4], [0.3]],
    ],
  },
  3: {
    hidden: [3, 3, 2],
    weights: [
      [
        [0.1, -0.2, 0.05],
        [0.4, 0.3, -0.5],
        [-0.3, 0.2, 0.6],
      ],
      [
        [0.05, -0.1, 0.2],
        [0.3, -0.4, 0.25],
        [-0.2, 0.5, 0.1],
        [0.45, 0.15, -0.35],
      ],
      [
        [-0.05, 0.1],
        [0.6, -0.3],
        [-0.25, 0.4],
        [0.35, 0.2],
      ],
      [[0.1], [0.7], [-0.5]],
    ],
  },
};

/** One weight's row of the table. */
export interface WeightRow {
  /** w⁽ʲ⁾ₚ,ᵢ, as printed. */
  name: string;
  j: number;
  p: number;
  /** The neuron of layer j + 1 it feeds (1-based, as on the slides; 1 for the output). */
  i: number;
  /** The slide whose formula gives it: 'p. 11', 'p. 14' or 'p. 18'. */
  page: string;
  slide: number;
  autodiff: number;
  finiteDifference: number;
}

export interface NetworkResult {
  k: number;
  yE: number;
  E: number;
  rows: WeightRow[];
  maxSlideVsAutodiff: number;
  maxFdVsAutodiff: number;
}

export interface SlideGradientsResult {
  networks: NetworkResult[];
  /** max |slide formula − autodiff| over every weight of every network. */
  maxSlideVsAutodiff: number;
  /** max |central difference − autodiff| over every weight of every network. */
  maxFdVsAutodiff: number;
}

export interface SlideGradientsOptions {
  log?: (line: string) => void;
  /** Which networks (default [1, 3]). */
  ks?: readonly (1 | 3)[];
  /** Leave out the network's description and the formulas' legend (for the demo). */
  compact?: boolean;
  /** The central difference's step h (default 1e-5). */
  h?: number;
}

const SUB = '₀₁₂₃₄₅₆₇₈₉';
const SUP: Record<string, string> = { '(': '⁽', ')': '⁾' };
const sub = (n: number) => String(n).replace(/\d/g, (d) => SUB[Number(d)]);
const sup = (s: string) => s.replace(/[\d()]/g, (c) => SUP[c] ?? '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(c)]);
const fmt = (v: number) => (v < 0 ? '' : ' ') + v.toFixed(12);

/** The lecture's MLP (sigmoid hidden layers, one linear output) holding the fixed weights. */
export function buildNetwork(k: 1 | 3): MLP {
  const { hidden, weights } = networks[k];
  const mlp = new MLP({ inputs: sample.x.length, hidden, activation: 'sigmoid' });
  weights.forEach((w, j) => {
    mlp.setSlideWeights(j, w);
  });
  return mlp;
}

/** E = ½ (y_E − y)² (p. 10) through the MLP's forward pass, no graph recorded. */
function errorOf(mlp: MLP, x: readonly number[], y: number): number {
  return noGrad(() => halfSquaredError(mlp.forward([x as number[]]), [[y]]).item());
}

/** ∂E/∂w⁽ʲ⁾ₚ,c₊₁ ≈ (E(w + h) − E(w − h)) / 2h, one weight at a time, in float64. */
function centralDifferences(mlp: MLP, x: readonly number[], y: number, h: number): number[][][] {
  const out: number[][][] = [];
  for (let j = 0; j <= mlp.numHidden; j++) {
    const w = mlp.slideWeights(j).toArray() as number[][];
    out.push(
      w.map((row, p) =>
        row.map((v, c) => {
          const at = (value: number) => {
            const moved = w.map((r) => [...r]);
            moved[p][c] = value;
            mlp.setSlideWeights(j, moved);
            return errorOf(mlp, x, y);
          };
          const d = (at(v + h) - at(v - h)) / (2 * h);
          mlp.setSlideWeights(j, w); // restore exactly
          return d;
        }),
      ),
    );
  }
  return out;
}

/** Which slide's formula gives ∂E/∂w⁽ʲ⁾ in a network of k hidden layers. */
function pageOf(j: number, k: number): string {
  if (j === k) return 'p. 11'; // (y_E − y) z⁽ᵏ⁾ₚ
  return k === 1 ? 'p. 14' : 'p. 18';
}

function runNetwork(k: 1 | 3, h: number, compact: boolean, log: (l: string) => void) {
  const { x, y } = sample;
  const mlp = buildNetwork(k);

  // The slides' formulas, literally (@backprop/optim's slide module: plain loops over p, i, q, j).
  const slide = slideGradients(mlp, x, y);
  const { w, f } = readSlideNetwork(mlp);
  const slideYE = slideForward(w, f, x).yE; // p. 5, eqs. 1–4

  // #region autodiff
  // Autodiff: the MLP's forward pass, E = ½ (y_E − y)² (p. 10), one backward sweep.
  mlp.zeroGrad();
  const yE = mlp.forward([x]);
  const E = halfSquaredError(yE, [[y]]);
  E.backward();
  const autodiff = Array.from(
    { length: k + 1 },
    (_, j) => mlp.slideGradients(j)?.toArray() as number[][],
  );
  // #endregion autodiff

  const fd = centralDifferences(mlp, x, y, h);

  const rows: WeightRow[] = [];
  for (let j = 0; j <= k; j++) {
    autodiff[j].forEach((row, p) => {
      row.forEach((g, c) => {
        const name =
          j === k ? `w${sup(`(${j})`)}${sub(p)}` : `w${sup(`(${j})`)}${sub(p)},${sub(c + 1)}`;
        rows.push({
          name,
          j,
          p,
          i: c + 1,
          page: pageOf(j, k),
          slide: slide[j][p][c],
          autodiff: g,
          finiteDifference: fd[j][p][c],
        });
      });
    });
  }
  const maxSlideVsAutodiff = Math.max(...rows.map((r) => Math.abs(r.slide - r.autodiff)));
  const maxFdVsAutodiff = Math.max(...rows.map((r) => Math.abs(r.finiteDifference - r.autodiff)));

  const sizes = [x.length, ...networks[k].hidden].join(' → ');
  log(
    `k = ${k}: ${sizes} → 1 (sigmoid hidden layers, linear y_E), x = [${x.join(', ')}], y = ${y}`,
  );
  if (!compact) {
    log(`  y_E = ${yE.item().toFixed(12)} (slides' forward pass, p. 5: ${slideYE.toFixed(12)})`);
    log(`  E = ½(y_E − y)² = ${E.item().toFixed(12)}`);
  }
  const diff = (u: number, v: number, width: number) =>
    Math.abs(u - v)
      .toExponential(1)
      .padStart(width);
  const cols = ['slide formula', 'autodiff', 'central diff.'].map((c) => c.padStart(15));
  log(`  ${'∂E/∂w'.padEnd(10)} slide  ${cols.join('  ')}  ${'|slide−AD|'}  ${'|FD−AD|'}`);
  for (const r of rows) {
    const values = [r.slide, r.autodiff, r.finiteDifference].map(fmt).join('  ');
    log(
      `  ${r.name.padEnd(10)} ${r.page}  ${values}  ${diff(r.slide, r.autodiff, 10)}  ${diff(r.finiteDifference, r.autodiff, 7)}`,
    );
  }
  log(
    `  max |slide − autodiff| = ${maxSlideVsAutodiff.toExponential(2)}, max |central diff. − autodiff| = ${maxFdVsAutodiff.toExponential(2)}`,
  );
  return { k, yE: yE.item(), E: E.item(), rows, maxSlideVsAutodiff, maxFdVsAutodiff };
}

/** Prints one table per network through `log` and returns the largest differences. */
export function runSlideGradients(options: SlideGradientsOptions = {}): SlideGradientsResult {
  const { log = console.log, ks = [1, 3], compact = false, h = 1e-5 } = options;
  if (!compact) {
    log("The slides' gradient formulas against autodiff and central differences (float64):");
    log('  p. 11  ∂E/∂w⁽ᵏ⁾ₚ = (y_E − y) z⁽ᵏ⁾ₚ                       (output weights)');
    log('  p. 14  ∂E/∂w⁽⁰⁾ₚ,ᵢ = xₚ (y_E − y) w⁽¹⁾ᵢ ∂z⁽¹⁾ᵢ/∂a⁽¹⁾ᵢ       (k = 1)');
    log('  p. 18  ∂E/∂w⁽ʲ⁻¹⁾ₚ,ᵢ = z⁽ʲ⁻¹⁾ₚ Σ_q ∂E/∂a⁽ʲ⁺¹⁾_q w⁽ʲ⁾ᵢ,q ∂z⁽ʲ⁾ᵢ/∂a⁽ʲ⁾ᵢ   (k > 1)');
    log('  autodiff: MLP.forward, halfSquaredError, backward(), read with slideGradients(j)');
    log(`  central diff.: (E(w + h) − E(w − h)) / 2h with h = ${h.toExponential(0)}`);
    log('');
  }
  const results = ks.map((k, n) => {
    if (n > 0) log('');
    return runNetwork(k, h, compact, log);
  });
  const maxSlideVsAutodiff = Math.max(...results.map((r) => r.maxSlideVsAutodiff));
  const maxFdVsAutodiff = Math.max(...results.map((r) => r.maxFdVsAutodiff));
  if (results.length > 1) {
    log('');
    log(
      `Over every weight: max |slide − autodiff| = ${maxSlideVsAutodiff.toExponential(2)}, max |central diff. − autodiff| = ${maxFdVsAutodiff.toExponential(2)}`,
    );
  }
  return { networks: results, maxSlideVsAutodiff, maxFdVsAutodiff };
}

// Run when executed as a script, not when imported by a test or the demo.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = runSlideGradients();
  if (!(r.maxSlideVsAutodiff <= 1e-12 && r.maxFdVsAutodiff <= 1e-7)) process.exitCode = 1;
}
