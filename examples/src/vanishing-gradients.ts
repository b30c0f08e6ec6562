// p. 20 measured: how much of the output error ∂E/∂y_E reaches each hidden layer of a freshly
// initialised network, with sigmoid and with ReLU, against the sigmoid's 0.25ᵈ bound; writes an SVG.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { linePlot } from '@backprop/cli/plots';
import { Generator, randn, type Tensor } from '@backprop/core';
import { halfSquaredError, MLP } from '@backprop/layers';

export const ACTIVATIONS = ['sigmoid', 'relu'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** max |f′(a)|: the sigmoid's σ(1 − σ) peaks at a = 0 with 1/4; ReLU's is 1 for a > 0. */
export const MAX_DERIVATIVE: Readonly<Record<ActivationName, number>> = { sigmoid: 0.25, relu: 1 };

/** One hidden layer j = 1..k of a network of depth k, or the output (j = k + 1). */
export interface LayerStat {
  j: number;
  /** d = k + 1 − j: how many f′ factors lie between y_E and a⁽ʲ⁾ (0 at the output). */
  d: number;
  /** ‖∂E/∂a⁽ʲ⁾‖ / ‖∂E/∂y_E‖ over the batch (Frobenius norms); 1 at the output. */
  ratio: number;
  /** Π over l = j..k of ‖W̃⁽ˡ⁾‖₂, the spectral norms of the weights without their bias row. */
  weightFactor: number;
  /** max|f′|ᵈ · weightFactor: a proven upper bound on `ratio`. */
  bound: number;
  /** ‖∂E/∂W⁽ʲ⁻¹⁾‖ (bias row included): the size of the step SGD gives the weights feeding layer j. */
  weightGradNorm: number;
}

export interface NetworkStats {
  activation: ActivationName;
  /** k, the number of hidden layers. */
  depth: number;
  /** j = 1..k + 1, the output last. */
  layers: LayerStat[];
  /** weightNorms[l] = ‖W̃⁽ˡ⁾‖₂ for l = 1..k (index 0 unused: W⁽⁰⁾ carries nothing back to x). */
  weightNorms: number[];
}

export interface VanishingOptions {
  log?: (line: string) => void;
  /** Where the SVG goes; no file is written when absent. */
  outDir?: string;
  /** The depths k to build (default 1..10); the per-layer table is for the deepest. */
  depths?: readonly number[];
  /** Neurons per hidden layer (default 16). */
  width?: number;
  /** Inputs m (default 10). */
  inputs?: number;
  /** Samples in the batch (default 64). */
  batch?: number;
  seed?: number;
  /** Print only the per-layer table of the deepest network (for the demo). */
  compact?: boolean;
}

export interface VanishingResult {
  depths: number[];
  /** stats[activation][n] for depths[n]. */
  stats: Record<ActivationName, NetworkStats[]>;
  svg: string;
  /** The SVG's path, when `outDir` was given. */
  svgPath?: string;
}

/** ‖M‖₂, the largest singular value, by power iteration on MᵀM until it stops changing. */
export function spectralNorm(m: readonly (readonly number[])[]): number {
  const cols = m[0]?.length ?? 0;
  let v = Array.from({ length: cols }, (_, c) => 1 + c / cols); // not orthogonal to MᵀM's top eigenvector in practice
  let sigma = 0;
  for (let iter = 0; iter < 10_000; iter++) {
    const u = m.map((row) => row.reduce((s, w, c) => s + w * v[c], 0)); // M v
    const next = v.map((_, c) => m.reduce((s, row, r) => s + row[c] * u[r], 0)); // Mᵀ M v
    const norm = Math.hypot(...next);
    if (norm === 0) return 0;
    const estimate = Math.sqrt(norm / Math.hypot(...v));
    v = next.map((x) => x / norm);
    if (Math.abs(estimate - sigma) <= 1e-15 * estimate) return estimate;
    sigma = estimate;
  }
  return sigma;
}

const frobenius = (t: Tensor) => Math.hypot(...t.data);

// #region measure
/** One network at initialisation: forward the batch, E = Σ ½(y_E − y)² (p. 10), one backward. */
function measure(
  activation: ActivationName,
  depth: number,
  width: number,
  data: { x: Tensor; y: Tensor },
  seed: number,
): NetworkStats {
  const hidden = Array.from({ length: depth }, () => width);
  const mlp = new MLP({ inputs: data.x.shape[1], hidden, activation, seed });
  const t = mlp.forward(data.x, { intermediates: { retainGrad: true } });
  halfSquaredError(t.output, data.y).backward();
  const errorNorm = frobenius(t.output.grad as Tensor); // ‖∂E/∂y_E‖ = ‖y_E − y‖

  const layers: LayerStat[] = [];
  const weightNorms: number[] = [Number.NaN];
  let weightFactor = 1;
  for (let j = depth + 1; j >= 1; j--) {
    const d = depth + 1 - j;
    const grad = j === depth + 1 ? (t.output.grad as Tensor) : (t.a[j - 1].grad as Tensor);
    layers.unshift({
      j,
      d,
      ratio: frobenius(grad) / errorNorm,
      weightFactor,
      bound: MAX_DERIVATIVE[activation] ** d * weightFactor,
      weightGradNorm: frobenius(mlp.slideGradients(j - 1) as Tensor),
    });
    // W̃⁽ʲ⁻¹⁾ carries ∂E/∂a⁽ʲ⁾ back to z⁽ʲ⁻¹⁾: its bias row meets the constant z₀ = 1 and carries nothing.
    if (j > 1) {
      const w = (mlp.slideWeights(j - 1).toArray() as number[][]).slice(1);
      weightNorms[j - 1] = spectralNorm(w);
      weightFactor *= weightNorms[j - 1];
    }
  }
  return { activation, depth, layers, weightNorms };
}
// #endregion measure

const e = (v: number, width = 9) => v.toExponential(2).padStart(width);

/** Builds every network, prints the tables through `log`, writes the SVG to `outDir`. */
export async function runVanishingGradients(
  options: VanishingOptions = {},
): Promise<VanishingResult> {
  const {
    log = console.log,
    outDir,
    depths = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    width = 16,
    inputs = 10,
    batch = 64,
    seed = 0,
    compact = false,
  } = options;
  const generator = new Generator(seed);
  const data = {
    x: randn([batch, inputs], { generator }), // standard-normal inputs
    y: randn([batch, 1], { generator }), // standard-normal targets
  };
  const stats = {} as Record<ActivationName, NetworkStats[]>;
  for (const act of ACTIVATIONS) stats[act] = depths.map((k) => measure(act, k, width, data, seed));

  const deepest = depths.reduce((a, b) => Math.max(a, b));
  const at = (act: ActivationName) => stats[act][depths.indexOf(deepest)];
  const sig = at('sigmoid');
  const relu = at('relu');

  log(
    `Vanishing gradients (p. 20): ${batch} standard-normal samples, ${inputs} inputs, hidden layers of ${width}, one linear output,`,
  );
  log(
    `E = Σ ½(y_E − y)² (p. 10), at initialisation (seed ${seed}; Glorot for sigmoid, He for ReLU, the MLP's defaults).`,
  );
  if (!compact) {
    const hiddenNorms = sig.weightNorms.slice(1, deepest); // the width × width layers
    const range =
      hiddenNorms.length > 0
        ? `${Math.min(...hiddenNorms).toFixed(2)}–${Math.max(...hiddenNorms).toFixed(2)} for the ${width} × ${width} layers, ${sig.weightNorms[deepest].toFixed(2)} for the output's`
        : `${sig.weightNorms[deepest].toFixed(2)} for the output's`;
    for (const line of [
      '',
      'What reaches hidden layer j of a network of k hidden layers, d = k + 1 − j steps below y_E (p. 16–18):',
      '  ∂E/∂a⁽ʲ⁾ = f′(a⁽ʲ⁾) ⊙ (W̃⁽ʲ⁾ ∂E/∂a⁽ʲ⁺¹⁾), starting from ∂E/∂y_E = y_E − y, where W̃⁽ʲ⁾ is w⁽ʲ⁾ without',
      '  its bias row (which meets the constant z₀ = 1). Each step multiplies the norm by at most',
      '  max|f′| · ‖W̃⁽ʲ⁾‖₂, so, for each sample and hence for the batch,',
      '      ratio = ‖∂E/∂a⁽ʲ⁾‖ / ‖∂E/∂y_E‖  ≤  max|f′|ᵈ · Π_{l=j..k} ‖W̃⁽ˡ⁾‖₂.',
      "  p. 20's 0.25ʲ (j counted from the output) is the first factor for the sigmoid, whose f′ = σ(1 − σ)",
      '  is at most 0.25: what the activations alone let through. It is not a bound on the gradient: the',
      `  weights' factor is not 1 (here ‖W̃‖₂ = ${range}),`,
      '  so the measured ratio may exceed 0.25ᵈ (it does where "÷ 0.25ᵈ" > 1). The proven bound, column',
      '  "bound", includes the weights and is loose: it assumes f′ = 0.25 and perfect alignment at every',
      '  step. Neither says anything once training moves the weights, and for ReLU (max|f′| = 1) the bound',
      '  promises no decay at all: whether the error survives is up to its weights and active units.',
    ])
      log(line);
  }
  log('');
  log(
    `Per layer, depth k = ${deepest} (ratio = ‖∂E/∂a⁽ʲ⁾‖ / ‖∂E/∂y_E‖; ‖∂E/∂W‖ of the weights into layer j):`,
  );
  log(
    `  ${'layer j'.padEnd(9)} ${'d'.padStart(2)}  ${'0.25ᵈ'.padStart(9)}  ${'sigmoid'.padStart(9)}  ${'÷ 0.25ᵈ'.padStart(9)}  ${'bound'.padStart(9)}  ${'ReLU'.padStart(9)}  ${'sig ‖∂E/∂W‖'.padStart(12)}  ${'ReLU ‖∂E/∂W‖'.padStart(12)}`,
  );
  sig.layers.forEach((s, n) => {
    const r = relu.layers[n];
    const name = s.j === deepest + 1 ? `y_E (${s.j})` : String(s.j);
    log(
      `  ${name.padEnd(9)} ${String(s.d).padStart(2)}  ${e(0.25 ** s.d)}  ${e(s.ratio)}  ${e(s.ratio / 0.25 ** s.d)}  ${e(s.bound)}  ${e(r.ratio)}  ${e(s.weightGradNorm, 12)}  ${e(r.weightGradNorm, 12)}`,
    );
  });
  log(
    "  (bound = 0.25ᵈ · Π‖W̃⁽ˡ⁾‖₂, the sigmoid's proven bound; ÷ 0.25ᵈ = sigmoid / 0.25ᵈ, above 1 where the weights amplify)",
  );

  if (compact) {
    const kept = relu.layers.map((r) => r.ratio);
    const perLayer = sig.layers[0].ratio ** (1 / deepest);
    for (const line of [
      "  p. 20's 0.25ᵈ counts only the sigmoid's f′ ≤ 0.25, d times; the weights can amplify, so the",
      '  sigmoid column may exceed it. The trend is the point: the sigmoid network loses a factor of',
      `  about ${perLayer.toFixed(2)} per layer; the ReLU network keeps ${Math.min(...kept).toFixed(2)}–${Math.max(...kept).toFixed(2)} of the error at every layer.`,
    ])
      log(line);
  }

  if (!compact && depths.length > 1) {
    log('');
    log(
      'By depth k: what reaches the first hidden layer (j = 1, d = k), and ‖∂E/∂W⁽⁰⁾‖ / ‖∂E/∂W⁽ᵏ⁾‖:',
    );
    log(
      `  ${'k'.padStart(3)}  ${'0.25ᵏ'.padStart(9)}  ${'sigmoid'.padStart(9)}  ${'÷ 0.25ᵏ'.padStart(9)}  ${'ReLU'.padStart(9)}  ${'sig W⁽⁰⁾/W⁽ᵏ⁾'.padStart(14)}  ${'ReLU W⁽⁰⁾/W⁽ᵏ⁾'.padStart(15)}`,
    );
    depths.forEach((k, n) => {
      const s = stats.sigmoid[n].layers;
      const r = stats.relu[n].layers;
      const wRatio = (ls: LayerStat[]) => ls[0].weightGradNorm / ls[ls.length - 1].weightGradNorm;
      log(
        `  ${String(k).padStart(3)}  ${e(0.25 ** k)}  ${e(s[0].ratio)}  ${e(s[0].ratio / 0.25 ** k)}  ${e(r[0].ratio)}  ${e(wRatio(s), 14)}  ${e(wRatio(r), 15)}`,
      );
    });
  }

  const x = sig.layers.map((s) => s.j);
  const svg = await linePlot({
    series: [
      { name: 'sigmoid', x, y: sig.layers.map((s) => s.ratio) },
      { name: 'ReLU', x, y: relu.layers.map((s) => s.ratio) },
      { name: '0.25^d (p. 20)', x, y: sig.layers.map((s) => 0.25 ** s.d), color: '#999999' },
      { name: 'sigmoid bound', x, y: sig.layers.map((s) => s.bound), color: '#b279a2' },
    ],
    title: `Error reaching each layer at initialisation, depth ${deepest} (p. 20)`,
    xTitle: `layer j (1 = first hidden, ${deepest + 1} = output y_E)`,
    yTitle: '‖∂E/∂a(j)‖ / ‖∂E/∂y_E‖',
    logY: true,
    integerX: true,
  });
  let svgPath: string | undefined;
  if (outDir !== undefined) {
    mkdirSync(outDir, { recursive: true });
    svgPath = join(outDir, 'vanishing-gradients.svg');
    writeFileSync(svgPath, svg);
    log('');
    log(`Wrote ${svgPath}`);
  }
  return { depths: [...depths], stats, svg, svgPath };
}

/** examples/out, where the examples write their files (gitignored). */
export const defaultOutDir = fileURLToPath(new URL('../out', import.meta.url));

// Run when executed as a script, not when imported by a test or the demo.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runVanishingGradients({ outDir: defaultOutDir });
}
