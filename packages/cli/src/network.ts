// Training one network on scaled data, and its predictions back in the data's units: shared by the
// train command (one split, or each CV fold) and by predict/evaluate (a loaded model).
import { noGrad, type Tensor } from '@backprop/core';
import { activationEntries, crossEntropy, getActivationEntry, MLP, mse } from '@backprop/layers';
import {
  Adam,
  argmax,
  fit,
  type History,
  type ProgressSetting,
  SGD,
  StandardScaler,
} from '@backprop/optim';
import type { Task } from './data.js';
import { UserError } from './errors.js';

export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** How to train: the command line's options, checked. */
export interface TrainSettings {
  hidden: number[];
  activation: string;
  optimizer: OptimizerName;
  lr: number;
  epochs: number;
  batchSize: number;
  seed: number;
  /** Hold out a fifth of the training rows and stop when their loss stops falling. */
  earlyStopping: boolean;
  patience: number;
}

/** The momentum of `--optimizer momentum` (SGD with μ = 0.9, as in most textbooks). */
export const MOMENTUM = 0.9;
/** The share of the training rows held out for early stopping. */
export const VALIDATION_SPLIT = 0.2;

/** A network and the scalers fitted on its training rows. */
export interface Trained {
  model: MLP;
  xScaler: StandardScaler;
  /** Regression only: y is scaled too, so one learning rate suits every target. */
  yScaler: StandardScaler | null;
  history: History;
}

export function checkActivation(name: string): string {
  try {
    getActivationEntry(name);
  } catch {
    const names = activationEntries().map((e) => e.name);
    throw new UserError(
      `--activation: unknown activation '${name}'; the catalog has ${names.join(', ')}`,
    );
  }
  return name;
}

export function trainNetwork(
  task: Task,
  numClasses: number,
  xTrain: Tensor,
  yTrain: Tensor,
  settings: TrainSettings,
  progress: ProgressSetting,
): Trained {
  const { xScaler, yScaler, x, y } = scaleTraining(task, xTrain, yTrain);
  const model = newModel(task, numClasses, xTrain.shape[1] as number, settings);
  const optimizer = newOptimizer(settings, model.parameters());
  const history = fit(model, {
    x,
    y,
    loss: lossOf(task),
    optimizer,
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    seed: settings.seed,
    ...(settings.earlyStopping
      ? {
          validationSplit: VALIDATION_SPLIT,
          earlyStopping: { patience: settings.patience, restoreBest: true },
        }
      : {}),
    progress,
  });
  return { model, xScaler, yScaler, history };
}

/** The scalers fitted on the training rows only (the test rows must not leak into the model), and the scaled rows. */
export function scaleTraining(task: Task, xTrain: Tensor, yTrain: Tensor) {
  const xScaler = new StandardScaler().fit(xTrain);
  const yScaler = task === 'regression' ? new StandardScaler().fit(yTrain) : null;
  const x = xScaler.transform(xTrain);
  const y = yScaler ? yScaler.transform(yTrain).reshape([-1, 1]) : yTrain;
  return { xScaler, yScaler, x, y };
}

export function newModel(task: Task, numClasses: number, inputs: number, settings: TrainSettings) {
  return new MLP({
    inputs,
    hidden: settings.hidden,
    outputs: task === 'regression' ? 1 : numClasses,
    activation: settings.activation,
    seed: settings.seed,
  });
}

export function newOptimizer(settings: TrainSettings, params: Tensor[]): Adam | SGD {
  return settings.optimizer === 'adam'
    ? new Adam(params, { lr: settings.lr })
    : new SGD(params, {
        lr: settings.lr,
        momentum: settings.optimizer === 'momentum' ? MOMENTUM : 0,
      });
}

/** The network outputs logits for classification; crossEntropy applies the softmax (stable in log space). */
export function lossOf(task: Task) {
  return task === 'regression'
    ? mse
    : (prediction: Tensor, target: Tensor) => crossEntropy(prediction, target);
}

/** What a network says about rows of x (in the data's units). */
export interface Predictions {
  /** Regression: the predicted values; classification: the predicted class indices. */
  values: number[];
  /** Classification: each row's class probabilities (softmax of the logits). */
  probabilities: number[][] | null;
}

export function predictRows(
  trained: Pick<Trained, 'model' | 'xScaler' | 'yScaler'>,
  task: Task,
  x: Tensor,
): Predictions {
  const out = noGrad(() => trained.model.forward(trained.xScaler.transform(x)));
  if (task === 'regression') {
    const z = out.reshape([-1]);
    const values = trained.yScaler ? trained.yScaler.inverseTransform(z) : z;
    return { values: Array.from(values.data), probabilities: null };
  }
  const probabilities = noGrad(() => out.softmax(1)).toArray() as number[][];
  return { values: argmax(out), probabilities };
}
