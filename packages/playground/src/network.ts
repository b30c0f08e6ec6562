// The network a config describes, the error it is trained on, and the samples as the network
// sees them (scaled, classes coded): what the Session and the inspections share.
import { noGrad, type Tensor } from '@backprop/core';
import { crossEntropy, halfSquaredError, MLP, type MLPIntermediates } from '@backprop/layers';
import { StandardScaler, trainTestSplit } from '@backprop/optim';
import type { PlaygroundConfig } from './config.js';
import type { PlaygroundData } from './data.js';
import { PlaygroundError } from './errors.js';
import type { Split } from './protocol.js';

/** The samples as the network sees them, and how to go back to the data's units. */
export interface Prepared {
  /** Features, scaled when the data asks for autoscaling. */
  x: number[][];
  /** Targets as the network sees them: ±1 (linear output, two classes), a class index (softmax), or y (scaled). */
  y: number[];
  split: Split;
  /** Fitted on the training rows; null without autoscaling. */
  xScaler: StandardScaler | null;
  /** Regression with autoscaling: y's scaler, fitted on the training rows. */
  yScaler: StandardScaler | null;
}

/** The lecture's E = ½(y_E − y)² (p. 10), or the cross-entropy of softmax's classes. */
export const LOSS_NAMES = {
  linear: 'E = ½(y_E − y)²',
  softmax: 'E = −log softmax(a)_y (cross-entropy)',
} as const;

/** Throws unless the output layer fits the task: softmax needs classes; linear codes two classes as ±1. */
export function checkOutput(config: PlaygroundConfig, data: PlaygroundData): void {
  const classes = data.classes?.length ?? 0;
  if (config.output === 'softmax' && data.task === 'regression') {
    throw new PlaygroundError(
      `output 'softmax' needs classes, but ${data.targetName} is a number (regression): choose the linear output`,
    );
  }
  if (config.output === 'linear' && data.task === 'classification' && classes > 2) {
    throw new PlaygroundError(
      `the linear output codes two classes as −1 and +1, but ${data.targetName} has ${classes} classes: choose the softmax output`,
    );
  }
}

/** The MLP of the config: inputs from the data, the hidden layers, one linear output or one per class. */
export function buildNetwork(config: PlaygroundConfig, data: PlaygroundData): MLP {
  checkOutput(config, data);
  const linear = config.output === 'linear';
  return new MLP({
    inputs: data.x[0]?.length ?? 0,
    hidden: config.hidden.map((h) => h.size),
    activation: config.hidden.map((h) => h.activation),
    outputs: linear ? 1 : (data.classes?.length ?? 0),
    outputActivation: linear ? 'identity' : 'softmax',
    seed: config.seed,
  });
}

const rowsOf = (t: Tensor): number[][] => t.toArray() as number[][];

/** Splits the samples (stratified for classes), scales them on the training rows and codes the classes. */
export function prepare(config: PlaygroundConfig, data: PlaygroundData): Prepared {
  const n = data.x.length;
  const all = Array.from({ length: n }, (_, s) => s);
  let split: Split = { train: all, validation: [] };
  const held = Math.round(n * config.validation);
  if (held > 0 && held < n) {
    const rows = all.map((s) => [s]);
    const splitWith = (stratify: boolean) =>
      trainTestSplit(rows, data.y, { testSize: held, seed: config.seed, stratify });
    let parts: ReturnType<typeof trainTestSplit>;
    try {
      parts = splitWith(data.task === 'classification');
    } catch {
      parts = splitWith(false); // a class with a single sample cannot be stratified
    }
    split = { train: parts.trainIndices, validation: parts.testIndices };
  }
  let x = data.x;
  let xScaler: StandardScaler | null = null;
  let yScaler: StandardScaler | null = null;
  let y = data.y;
  if (data.autoscale) {
    xScaler = new StandardScaler().fit(split.train.map((s) => data.x[s] as number[]));
    x = rowsOf(xScaler.transform(data.x));
    if (data.task === 'regression') {
      yScaler = new StandardScaler().fit(split.train.map((s) => [data.y[s] as number]));
      y = rowsOf(yScaler.transform(data.y.map((v) => [v]))).map((r) => r[0] as number);
    }
  }
  if (data.task === 'classification' && config.output === 'linear')
    y = y.map((c) => (c === 1 ? 1 : -1));
  return { x, y, split, xScaler, yScaler };
}

/**
 * The mean error of a batch from its forward pass: ½(y_E − y)² for the linear output (p. 10),
 * the cross-entropy of softmax for classes (on the logits: logSoftmax inside stays finite where
 * softmax rounds to 0).
 */
export function errorOf(model: MLP, out: MLPIntermediates, y: readonly number[]): Tensor {
  if (model.config.outputActivation === 'identity') {
    return halfSquaredError(
      out.output,
      y.map((v) => [v]),
      { reduction: 'mean' },
    );
  }
  return crossEntropy(out.logits, y as number[]);
}

/** The mean error over a batch of samples (see `errorOf`). */
export function batchError(model: MLP, x: readonly number[][], y: readonly number[]): Tensor {
  return errorOf(model, model.forward(x as number[][], { intermediates: true }), y);
}

/** The network's outputs for a batch, without a graph: [batch, outputs]. */
export function predict(model: MLP, x: readonly number[][]): number[][] {
  return noGrad(() => rowsOf(model.forward(x as number[][])));
}

/**
 * Runs `fn` (which may call backward) and puts every parameter's `.grad` back as it was, so an
 * inspection does not change the ∂E/∂w the snapshot shows for the last training step.
 */
export function keepingGrads<T>(model: MLP, fn: () => T): T {
  const params = model.parameters();
  const saved = params.map((p) => p.grad);
  try {
    model.zeroGrad();
    return fn();
  } finally {
    params.forEach((p, n) => {
      p.grad = saved[n] ?? null;
    });
  }
}
