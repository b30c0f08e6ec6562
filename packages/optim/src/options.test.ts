// Every public constructor and function of optim that takes an options object, called with one
// misspelled key: each must refuse it, naming the closest known name (issue 18, defect 9).
import { tensor, ValueError } from '@backprop/core';
import { Linear, mse } from '@backprop/layers';
import { describe, expect, it } from 'vitest';
import {
  Adagrad,
  Adam,
  AdamW,
  CosineAnnealingLR,
  CsvError,
  classificationReport,
  ExponentialLR,
  fit,
  kFold,
  LinearLR,
  parseCsv,
  ReduceLROnPlateau,
  RMSprop,
  SGD,
  StandardScaler,
  StepLR,
  shuffleIndices,
  trainTestSplit,
} from './index.js';

// biome-ignore lint/suspicious/noExplicitAny: the point is to pass what the types forbid
const bad = (o: unknown): any => o;
const w = () => [tensor([1, 2], { requiresGrad: true })];
const sgd = () => new SGD(w(), { lr: 0.1 });
const model = () => new Linear(1, 1, { seed: 0 });
const x = [[0], [1], [2], [3]];
const y = [[0], [1], [2], [3]];
const fitWith = (o: object) => {
  const m = model();
  return fit(
    m,
    bad({ x, y, loss: mse, optimizer: new SGD(m.parameters(), { lr: 0.1 }), epochs: 1, ...o }),
  );
};
const csv = 'a,y\n1,2\n3,4\n';
// [where the message starts, the typo, the name meant, the call taking the options]
const cases: [where: string, typo: string, meant: string, call: (o: unknown) => unknown][] = [
  ['fit', 'batch_size', 'batchSize', (o) => fitWith(o as object)],
  ['fit', 'epoch', 'epochs', (o) => fitWith(o as object)],
  ['fit: earlyStopping', 'patiance', 'patience', (o) => fitWith({ earlyStopping: o })],
  ['fit: progress', 'evry', 'every', (o) => fitWith({ progress: o })],
  ['SGD', 'momentun', 'momentum', (o) => new SGD(w(), bad({ lr: 0.1, ...(o as object) }))],
  [
    'SGD group 0',
    'nesterow',
    'nesterov',
    (o) => new SGD([{ params: w(), ...(o as object) }], { lr: 0.1 }),
  ],
  ['Adam', 'beta', 'betas', (o) => new Adam(w(), bad(o))],
  ['AdamW', 'weightdecay', 'weightDecay', (o) => new AdamW(w(), bad(o))],
  ['RMSprop', 'alpah', 'alpha', (o) => new RMSprop(w(), bad(o))],
  ['Adagrad', 'lrDecay_', 'lrDecay', (o) => new Adagrad(w(), bad(o))],
  [
    'StepLR',
    'stepsize',
    'stepSize',
    (o) => new StepLR(sgd(), bad({ stepSize: 1, ...(o as object) })),
  ],
  [
    'ExponentialLR',
    'gama',
    'gamma',
    (o) => new ExponentialLR(sgd(), bad({ gamma: 0.5, ...(o as object) })),
  ],
  ['CosineAnnealingLR', 'tmax', 'tMax', (o) => new CosineAnnealingLR(sgd(), bad(o))],
  ['LinearLR', 'startFactr', 'startFactor', (o) => new LinearLR(sgd(), bad(o))],
  ['ReduceLROnPlateau', 'min_lr', 'minLr', (o) => new ReduceLROnPlateau(sgd(), bad(o))],
  ['parseCsv', 'delimeter', 'delimiter', (o) => parseCsv(csv, bad(o))],
  [
    'parseCsv: data',
    'targt',
    'target',
    (o) => parseCsv(csv, bad({ name: 'data', ...(o as object) })),
  ],
  ['StandardScaler', 'dof', 'ddof', (o) => new StandardScaler(bad(o))],
  ['trainTestSplit', 'test_size', 'testSize', (o) => trainTestSplit(x, y, bad(o))],
  ['kFold', 'sead', 'seed', (o) => kFold(4, bad({ k: 2, ...(o as object) }))],
  ['shuffleIndices', 'generater', 'generator', (o) => shuffleIndices(4, bad(o))],
  ['classificationReport', 'digit', 'digits', (o) => classificationReport([0, 1], [0, 1], bad(o))],
];

function errorOf(call: () => unknown): Error {
  try {
    call();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

function expectSuggestion(error: Error, where: string, typo: string, meant: string): void {
  expect(error).toBeInstanceOf(ValueError);
  const start = `${where}: unknown option "${typo}" (did you mean "${meant}"?); `;
  expect(error.message.slice(0, start.length)).toBe(start);
  expect(error.message).toMatch(/ takes /); // then the list of every known name
}

describe('options: unknown keys are refused, naming the closest known one', () => {
  it.each(cases)('%s refuses %s and suggests %s', (where, typo, meant, call) => {
    expectSuggestion(
      errorOf(() => call({ [typo]: 1 })),
      where,
      typo,
      meant,
    );
  });

  it('parseCsv refuses them as a CsvError (readCsv too: node.test.ts)', () => {
    expect(errorOf(() => parseCsv(csv, bad({ header: true, delimter: ',' })))).toBeInstanceOf(
      CsvError,
    );
  });

  it('keeps accepting every known option', () => {
    const data = parseCsv(csv, {
      target: 'y',
      header: true,
      delimiter: ',',
      name: 'data',
      targetType: 'number',
      dtype: 'float32',
    });
    expect(data.y.dtype).toBe('float32');
    expect(new StandardScaler({ ddof: 1 })).toBeInstanceOf(StandardScaler);
    expect(kFold(4, { k: 2, shuffle: false, seed: 1 })).toHaveLength(2);
    expect(
      trainTestSplit(x, y, { testSize: 0.5, shuffle: true, seed: 1, stratify: false }).xTest.shape,
    ).toEqual([2, 1]);
    expect(
      classificationReport([0, 1], [0, 1], { digits: 3, classNames: ['a', 'b'], numClasses: 2 }),
    ).toContain('a');
  });
});
