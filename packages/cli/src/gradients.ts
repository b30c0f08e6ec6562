// `backprop gradients model.json data.csv --row 3`: the lecture's table (p. 11, 14, 18) for one
// sample of the user's own data: every ∂E/∂w by the slides' formulas, by autodiff, and by a
// central difference, side by side.
import { noGrad, type Tensor } from '@backprop/core';
import { crossEntropy, halfSquaredError, type MLP } from '@backprop/layers';
import { readSlideNetwork, slideGradients } from '@backprop/optim';
import { readForModel } from './data.js';
import { UserError } from './errors.js';
import { readModelFile } from './model-file.js';
import { table } from './report.js';

/** The central difference's step h, in the scaled weights' units. */
export const CENTRAL_DIFFERENCE_STEP = 1e-5;

/** One weight's row of the table. */
export interface GradientRow {
  /** w⁽ʲ⁾ₚ,ᵢ as on the slides (the output weight of a one-output network: w⁽ᵏ⁾ₚ). */
  name: string;
  /** The layer j the weight leaves (0 = the inputs). */
  j: number;
  /** The neuron p of layer j it leaves (0 = the bias, x₀ = z₀ = 1). */
  p: number;
  /** The neuron i of layer j + 1 it feeds, 1-based as on the slides. */
  i: number;
  weight: number;
  /** The slide whose formula gives it ('p. 11', 'p. 14', 'p. 18'); null when not covered. */
  page: string | null;
  /** ∂E/∂w by the slides' formulas; null when the slides do not cover the model. */
  slide: number | null;
  autodiff: number;
  centralDifference: number;
  /** |slide − autodiff|; null when the slides do not cover the model. */
  difference: number | null;
}

export interface GradientsResult {
  /** 1-based: row 1 is the first data row below the header. */
  row: number;
  rows: number;
  task: 'regression' | 'classification';
  architecture: string;
  /** The row's features as in the file, and as the network sees them (scaled with the model's scaler). */
  x: { raw: number[]; scaled: number[] };
  /** The row's target: in the file, and as the network sees it (regression: scaled; classification: the class). */
  y: { raw: number | string; scaled: number | null };
  /** The network's output for the row: y_E (scaled) for regression, logits for classification. */
  output: number[];
  /** The error whose gradient is shown, and its value. */
  error: { formula: string; value: number };
  /** Whether the slides' formulas cover this model; if not, why (the slide column is then null). */
  slides: { covered: true } | { covered: false; reason: string };
  centralDifferenceStep: number;
  weights: GradientRow[];
  maxDifference: number | null;
  maxCentralDifferenceGap: number;
}

export async function gradients(
  modelPath: string,
  dataPath: string,
  row: number,
): Promise<GradientsResult> {
  const loaded = await readModelFile(modelPath);
  const { file, model } = loaded;
  const data = await readForModel(dataPath, file, true);
  if (!(Number.isInteger(row) && row >= 1 && row <= data.rows)) {
    throw new UserError(
      `--row ${row}: ${dataPath} has data rows 1 to ${data.rows} (1-based: row 1 is the first row below the header)`,
    );
  }
  const index = row - 1;
  const raw = rowOf(data.x, index);
  const scaled = rowOf(loaded.xScaler.transform(data.x.gather([index])), 0);
  const target = (data.y as Tensor).data[index] as number;
  const regression = file.task === 'regression';
  const yScaled = regression
    ? loaded.yScaler
      ? (loaded.yScaler.transform([[target]]).data[0] as number)
      : target
    : null;

  // E for one sample: the slides' ½(y_E − y)² (p. 10) for regression; the training loss
  // (cross-entropy of the softmax) for classification, which the slides do not derive.
  const error = (): Tensor =>
    regression
      ? halfSquaredError(model.forward([scaled]), [[yScaled as number]])
      : crossEntropy(model.forward([scaled]), [target]);

  const k = model.numHidden;
  model.zeroGrad();
  const E = error();
  E.backward();
  const autodiff = Array.from(
    { length: k + 1 },
    (_, j) => model.slideGradients(j)?.toArray() as number[][],
  );
  const output = Array.from(noGrad(() => model.forward([scaled])).data);

  let slide: number[][][] | null = null;
  let coverage: GradientsResult['slides'];
  if (!regression) {
    coverage = {
      covered: false,
      reason:
        "a classification network: its outputs go through softmax and E is the cross-entropy, while the slides derive E = ½(y_E − y)² of one linear output (p. 5, 10); softmax is not elementwise, so p. 15's ∂z/∂a becomes a Jacobian (docs/softmax-jacobian.md)",
    };
  } else {
    try {
      readSlideNetwork(model);
      slide = slideGradients(model, scaled, yScaled as number);
      coverage = { covered: true };
    } catch (e) {
      coverage = { covered: false, reason: (e as Error).message };
    }
  }

  const fd = centralDifferences(model, () => noGrad(() => error().item()));
  const weights: GradientRow[] = [];
  const outputs = file.task === 'regression' ? 1 : (file.classes?.length ?? 0);
  for (let j = 0; j <= k; j++) {
    const w = model.slideWeights(j).toArray() as number[][];
    autodiff[j].forEach((cols, p) => {
      cols.forEach((g, c) => {
        const s = slide ? (slide[j][p][c] as number) : null;
        weights.push({
          name: weightName(j, p, c + 1, j === k && outputs === 1),
          j,
          p,
          i: c + 1,
          weight: w[p][c] as number,
          page: slide ? pageOf(j, k) : null,
          slide: s,
          autodiff: g,
          centralDifference: fd[j][p][c] as number,
          difference: s === null ? null : Math.abs(s - g),
        });
      });
    });
  }
  return {
    row,
    rows: data.rows,
    task: file.task,
    architecture: model.describe(),
    x: { raw, scaled },
    y: { raw: file.classes ? (file.classes[target] as string) : target, scaled: yScaled },
    output,
    error: {
      formula: regression
        ? 'E = ½(y_E − y)², y_E and y scaled (p. 10)'
        : 'E = −log softmax(a)_y (cross-entropy of the row’s class)',
      value: E.item(),
    },
    slides: coverage,
    centralDifferenceStep: CENTRAL_DIFFERENCE_STEP,
    weights,
    maxDifference: slide ? Math.max(...weights.map((r) => r.difference as number)) : null,
    maxCentralDifferenceGap: Math.max(
      ...weights.map((r) => Math.abs(r.centralDifference - r.autodiff)),
    ),
  };
}

function rowOf(x: Tensor, i: number): number[] {
  const f = x.shape[1] as number;
  return Array.from(x.data.subarray(i * f, (i + 1) * f));
}

/** ∂E/∂w ≈ (E(w + h) − E(w − h)) / 2h, one weight at a time, each restored exactly after. */
function centralDifferences(model: MLP, errorOf: () => number): number[][][] {
  const h = CENTRAL_DIFFERENCE_STEP;
  const out: number[][][] = [];
  for (let j = 0; j <= model.numHidden; j++) {
    const w = model.slideWeights(j).toArray() as number[][];
    const at = (p: number, c: number, value: number) => {
      const moved = w.map((r) => [...r]);
      (moved[p] as number[])[c] = value;
      model.setSlideWeights(j, moved);
      return errorOf();
    };
    out.push(w.map((cols, p) => cols.map((v, c) => (at(p, c, v + h) - at(p, c, v - h)) / (2 * h))));
    model.setSlideWeights(j, w);
  }
  return out;
}

/** Which slide's formula gives ∂E/∂w⁽ʲ⁾ in a network of k hidden layers. */
function pageOf(j: number, k: number): string {
  if (j === k) return 'p. 11'; // (y_E − y) z⁽ᵏ⁾ₚ
  return k === 1 ? 'p. 14' : 'p. 18';
}

const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';
const SUPERSCRIPTS = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const lower = (n: number) => String(n).replace(/\d/g, (d) => SUBSCRIPTS[Number(d)] as string);
const upper = (n: number) => String(n).replace(/\d/g, (d) => SUPERSCRIPTS[Number(d)] as string);

/** w⁽ʲ⁾ₚ,ᵢ; the one output's weights are w⁽ᵏ⁾ₚ, as on p. 5 and 11. */
export function weightName(j: number, p: number, i: number, singleOutput: boolean): string {
  return `w⁽${upper(j)}⁾${lower(p)}${singleOutput ? '' : `,${lower(i)}`}`;
}

const value = (v: number | null) => (v === null ? '' : (v < 0 ? '' : ' ') + v.toExponential(12));
const gap = (v: number | null) => (v === null ? '' : v.toExponential(1));

/** The table for people: the row, what the network sees, then one line per weight. */
export function gradientsText(r: GradientsResult, model: string, data: string): string {
  const lines = [
    `${data}, row ${r.row} of ${r.rows} (1-based: row 1 is the first row below the header)`,
    `model ${model}: ${r.architecture}`,
    `the network sees ${r.task === 'regression' ? 'x and y' : 'x'} scaled by the model's scalers (fitted on its training rows):`,
    `  x = [${r.x.raw.join(', ')}] → scaled [${r.x.scaled.map((v) => v.toFixed(6)).join(', ')}]`,
    r.y.scaled === null
      ? `  y = '${r.y.raw}' (class; the outputs are logits)`
      : `  y = ${r.y.raw} → scaled ${r.y.scaled.toFixed(6)}; y_E = ${(r.output[0] as number).toFixed(6)} (scaled)`,
    `${r.error.formula} = ${r.error.value.toExponential(6)}`,
  ];
  if (!r.slides.covered) {
    lines.push(
      `the slides' formulas do not cover this model: ${r.slides.reason}`,
      "so only autodiff and the central difference are shown (the slides cover regression networks with one linear output and one of the slides' elementwise activations for every hidden layer)",
    );
  }
  lines.push(
    `central difference: (E(w + h) − E(w − h)) / 2h, h = ${r.centralDifferenceStep.toExponential(0)}`,
    '',
  );
  const covered = r.slides.covered;
  const header = covered
    ? ['∂E/∂w', 'slide', 'slide formula', 'autodiff', '|formula − autodiff|', 'central difference']
    : ['∂E/∂w', 'autodiff', 'central difference'];
  const rows = r.weights.map((w) =>
    covered
      ? [
          w.name,
          w.page ?? '',
          value(w.slide),
          value(w.autodiff),
          gap(w.difference),
          value(w.centralDifference),
        ]
      : [w.name, value(w.autodiff), value(w.centralDifference)],
  );
  lines.push(table([header, ...rows]), '');
  if (r.maxDifference !== null) {
    lines.push(`max |slide formula − autodiff| = ${r.maxDifference.toExponential(2)}`);
  }
  lines.push(`max |central difference − autodiff| = ${r.maxCentralDifferenceGap.toExponential(2)}`);
  return lines.join('\n');
}
