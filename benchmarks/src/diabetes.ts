// F: the demo's diabetes regression (examples/src/regression.ts) as fit() and brain.js's train()
// both run it: the same CSV, split and scaling, 10→8→1 sigmoid, batch 1, lr 0.01, 100 epochs and
// no early stopping, so both run every epoch. The data is prepared before the clock starts.
import { readFileSync } from 'node:fs';
import { tensor } from '@backprop/core';
import { StandardScaler, trainTestSplit } from '@backprop/optim';

export const diabetesSettings = {
  file: new URL('../../examples/data/diabetes.csv', import.meta.url),
  testSize: 0.25,
  splitSeed: 0,
  initSeed: 0,
  lr: 0.01,
  epochs: 100,
};

export const FIT_METHOD =
  `fresh process, timed from building the model to the end of training: ${diabetesSettings.epochs} epochs ` +
  'of per-sample SGD over the training split (data read, split and autoscaled as the demo does, before the clock starts)';

/** The demo's training split, autoscaled: x row-major (samples × 10), y (samples). */
export interface DiabetesData {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly samples: number;
}

/** The demo's training split, autoscaled, as `DiabetesData`. */
export function diabetesData(): DiabetesData {
  const lines = readFileSync(diabetesSettings.file, 'utf8').trim().split('\n').slice(1);
  const rows = lines.map((l) => l.split(',').map(Number));
  const split = trainTestSplit(
    tensor(rows.map((r) => r.slice(0, 10))),
    tensor(rows.map((r) => r[10] as number)),
    { testSize: diabetesSettings.testSize, seed: diabetesSettings.splitSeed },
  );
  const x = new StandardScaler().fit(split.xTrain).transform(split.xTrain);
  const y = new StandardScaler().fit(split.yTrain).transform(split.yTrain);
  return { x: Float64Array.from(x.data), y: Float64Array.from(y.data), samples: y.size };
}
