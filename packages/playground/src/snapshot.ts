// What the page draws, as one JSON-able object: the loss history, the weights and ∂E/∂w in the
// slides' layout, the per-layer gradient norms beside 0.25ᵈ, and the surface or the yy-plot.

/** ∂E/∂w⁽ʲ⁾'s size for one layer j, beside what the sigmoid's f′ ≤ 0.25 alone lets through (p. 20). */
export interface GradientNorm {
  /** The layer of weights: w⁽ʲ⁾ leaves layer j (0 = the inputs; k = the output layer's). */
  j: number;
  /** d = k − j: how many hidden layers' f′ stand between these weights and the output. */
  d: number;
  /** ‖∂E/∂w⁽ʲ⁾‖ (Frobenius, bias row included) after the last backward pass. */
  norm: number;
  /** 0.25ᵈ: the slide's factor for d sigmoid layers (a factor relative to the output layer's norm, not a bound on it). */
  bound: number;
}

/** The network's output over a grid covering the data (2-D inputs only), row-major. */
export interface Surface {
  /** The grid's x₁ values, `size` of them from the data's min to max (with a margin). */
  x1: number[];
  /** The grid's x₂ values. */
  x2: number[];
  /** values[r * x1.length + c] is the output at (x1[c], x2[r]). */
  values: number[];
  /**
   * What `values` hold: 'score' = y_E of a linear output for ±1 classes, 'probability' =
   * softmax's probability of class 1 (two classes), 'class' = the most probable class (more than
   * two), 'regression' = y_E in the target's units.
   */
  kind: 'score' | 'probability' | 'class' | 'regression';
}

/** One point of the yy-plot: the target against the network's prediction, in the target's units. */
export interface YYPoint {
  /** The sample's index in the data. */
  sample: number;
  y: number;
  yE: number;
  /** Whether the sample is held out for validation. */
  validation: boolean;
}

/** Everything the page shows about the training, at one moment. JSON-able (no NaN: null instead). */
export interface Snapshot {
  /** Optimiser steps taken so far. */
  step: number;
  /** Samples seen so far (steps × batch size). */
  samplesSeen: number;
  /** The samples (indices into the data) of the last step's batch: one for per-sample SGD. */
  lastBatch: number[];
  /** Whether a `run` is training continuously. */
  running: boolean;
  /**
   * Steps per second of a run: the last chunk's steps over the wall time since the chunk before
   * it ended (snapshots and yields included); null when not running.
   */
  stepsPerSecond: number | null;
  /** The loss history, one entry per snapshot taken while training. */
  history: {
    /** The step of each entry. */
    step: number[];
    /** The mean loss over the training samples. */
    train: number[];
    /** The mean loss over the validation samples (empty when none are held out). */
    validation: number[];
  };
  /** Classification: the fraction classified right, on the training and validation samples. */
  accuracy: { train: number; validation: number | null } | null;
  /** The loss: 'E = ½(y_E − y)²' or the cross-entropy. */
  lossName: string;
  /** The layer sizes m⁽⁰⁾, m⁽¹⁾, …, m⁽ᵏ⁾, outputs. */
  sizes: number[];
  /** weights[j][p][c] = w⁽ʲ⁾ₚ,ᵢ with i = c + 1 (columns 0-based, as `mlp.slideWeights(j)`), row p = 0 the bias. */
  weights: number[][][];
  /** ∂E/∂w in the layout of `weights`, from the last backward pass (the last step's batch); null before any. */
  gradients: number[][][] | null;
  /** Per layer of weights, ‖∂E/∂w⁽ʲ⁾‖ beside 0.25ᵈ; empty before any backward pass. */
  gradientNorms: GradientNorm[];
  /** For 2-D inputs: the output over a 40 × 40 grid. */
  surface: Surface | null;
  /** For other inputs with a regression: the yy-plot. */
  yy: YYPoint[] | null;
}
