// The real `backprop` binary (bin/backprop.mjs → dist/, so `pnpm build` first, as `npm test` does)
// run on the shipped data sets. Scores are checked against numbers computed here from the CSV files
// and the predictions file with a few lines of plain arithmetic, not against the tool's own code.
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { bin, data, runner } from './run.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backprop-cli-'));
});

const { run, json } = runner(() => dir);

/** A CSV with a header, read naively (the shipped files have no quoted fields). */
async function columns(file: string): Promise<Record<string, string[]>> {
  const [header, ...rows] = (await readFile(file, 'utf8')).trim().split(/\r?\n/);
  const names = (header as string).split(',');
  const out: Record<string, string[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const row of rows) {
    for (const [j, v] of row.split(',').entries()) out[names[j] as string]?.push(v);
  }
  return out;
}

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;

function regressionByHand(y: number[], p: number[]) {
  const m = mean(y);
  const ssRes = y.reduce((s, v, i) => s + (v - (p[i] as number)) ** 2, 0);
  const ssTot = y.reduce((s, v) => s + (v - m) ** 2, 0);
  return {
    r2: 1 - ssRes / ssTot,
    rmse: Math.sqrt(ssRes / y.length),
    mae: y.reduce((s, v, i) => s + Math.abs(v - (p[i] as number)), 0) / y.length,
  };
}

describe('regression on the diabetes data', () => {
  it('trains, saves, and predict on the training CSV reproduces evaluate’s scores', async () => {
    const model = join(dir, 'diabetes.json');
    const trained = await json(
      'train',
      data('diabetes'),
      '--target',
      'progression',
      '--hidden',
      '4',
      '--epochs',
      '20',
      '--out',
      model,
    );
    expect(trained.task).toBe('regression');
    expect(trained.taskGuess).toMatch(/numbers/);
    const csv = await columns(data('diabetes'));
    expect(trained.rows).toBe(csv.progression?.length);
    expect(trained.features).toEqual(Object.keys(csv).filter((c) => c !== 'progression'));
    expect(trained.split).toEqual({ trainRows: 331, testRows: 111, testSize: 0.25 }); // ⌈442 / 4⌉ test rows

    const evaluated = await json('evaluate', model, data('diabetes'));
    const preds = join(dir, 'diabetes-preds.csv');
    expect((await run('predict', model, data('diabetes'), '--out', preds)).exitCode).toBe(0);
    const predicted = (await columns(preds)).progression?.map(Number) as number[];
    const truth = csv.progression?.map(Number) as number[];
    const byHand = regressionByHand(truth, predicted);
    expect(evaluated.scores.network.r2).toBeCloseTo(byHand.r2, 10);
    expect(evaluated.scores.network.rmse).toBeCloseTo(byHand.rmse, 8);
    expect(evaluated.scores.network.mae).toBeCloseTo(byHand.mae, 8);

    // the mean baseline predicts the mean of the training rows: the saved y scaler's mean, which
    // lies close to the whole file's mean; its r² on the whole file is then just below 0
    const saved = JSON.parse(await readFile(model, 'utf8'));
    const trainingMean = saved.scalers.y.mean[0];
    expect(Math.abs(trainingMean - mean(truth))).toBeLessThan(5);
    const meanByHand = regressionByHand(
      truth,
      truth.map(() => trainingMean),
    );
    expect(evaluated.scores.mean.r2).toBeCloseTo(meanByHand.r2, 10);
    expect(evaluated.scores.mean.r2).toBeLessThanOrEqual(0);
  });

  it('a network without hidden layers, trained to convergence, matches the closed-form least squares', async () => {
    // bmi, bp and s5_ltg are far from collinear, so full-batch gradient descent converges quickly
    const result = await json(
      'train',
      data('diabetes'),
      '--target',
      'progression',
      '--features',
      'bmi,bp,s5_ltg',
      '--hidden',
      '',
      '--optimizer',
      'sgd',
      '--lr',
      '0.5',
      '--epochs',
      '300',
      '--batch-size',
      '1000',
    );
    expect(result.features).toEqual(['bmi', 'bp', 's5_ltg']);
    expect(result.scores.network.r2).toBeCloseTo(result.scores.leastSquares.r2, 6);
    expect(result.scores.network.rmse).toBeCloseTo(result.scores.leastSquares.rmse, 4);
  });

  it('--cv gives mean ± sd over the folds', async () => {
    const result = await json(
      'train',
      data('diabetes'),
      '--target',
      'progression',
      '--cv',
      '3',
      '--epochs',
      '5',
    );
    expect(result.cv.folds).toHaveLength(3);
    for (const model of ['network', 'mean', 'leastSquares']) {
      const r2 = result.cv.folds.map(
        (f: { [k: string]: { r2: number } }) => f[model]?.r2,
      ) as number[];
      const m = mean(r2);
      const sd = Math.sqrt(r2.reduce((s, v) => s + (v - m) ** 2, 0) / (r2.length - 1));
      expect(result.scores[model].r2.mean).toBeCloseTo(m, 12);
      expect(result.scores[model].r2.sd).toBeCloseTo(sd, 12);
    }
  });
});

describe('classification', () => {
  it('iris: guessed from the labels, class names in predict, and a round trip through evaluate', async () => {
    const model = join(dir, 'iris.json');
    const trained = await json(
      'train',
      data('iris'),
      '--target',
      'species',
      '--epochs',
      '30',
      '--out',
      model,
    );
    expect(trained.task).toBe('classification');
    expect(trained.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    const test = trained.scores.network;
    const confusion = test.confusion as number[][];
    const total = confusion.flat().reduce((s, v) => s + v, 0);
    expect(total).toBe(trained.split.testRows);
    expect(test.accuracy).toBeCloseTo(
      confusion.reduce((s, row, i) => s + (row[i] as number), 0) / total,
      12,
    );
    // the split is stratified: the majority class of the training rows has a third of the test rows, or a little more
    expect(trained.scores.majority.accuracy).toBeGreaterThanOrEqual(12 / 38);
    expect(trained.scores.majority.accuracy).toBeLessThanOrEqual(13 / 38);

    const csv = await columns(data('iris'));
    const preds = join(dir, 'iris-preds.csv');
    expect((await run('predict', model, data('iris'), '--out', preds)).exitCode).toBe(0);
    const predicted = await columns(preds);
    const labels = predicted.species as string[];
    expect(labels).toHaveLength(150);
    const probabilities = labels.map((_, i) =>
      ['setosa', 'versicolor', 'virginica'].map((c) => Number(predicted[`probability_${c}`]?.[i])),
    );
    for (const [i, p] of probabilities.entries()) {
      expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
      expect(['setosa', 'versicolor', 'virginica'][p.indexOf(Math.max(...p))]).toBe(labels[i]);
    }
    const evaluated = await json('evaluate', model, data('iris'));
    const hits = labels.filter((l, i) => l === csv.species?.[i]).length;
    expect(evaluated.scores.network.accuracy).toBeCloseTo(hits / 150, 12);
    expect(evaluated.scores.majority.accuracy).toBeCloseTo(50 / 150, 12);
  });

  it('wine: per-class scores for each cultivar; inspect counts the parameters', async () => {
    const model = join(dir, 'wine.json');
    const trained = await json(
      'train',
      data('wine'),
      '--target',
      'cultivar',
      '--hidden',
      '5',
      '--epochs',
      '20',
      '--out',
      model,
    );
    expect(trained.classes).toEqual(['class_0', 'class_1', 'class_2']);
    expect(trained.scores.network.f1).toHaveLength(3);
    const info = await json('inspect', model);
    expect(info.architecture).toBe('13 → 5 → 3');
    expect(info.parameters).toBe(13 * 5 + 5 + 5 * 3 + 3);
    expect(info.training.metrics.scores.network.accuracy).toBe(trained.scores.network.accuracy);
    const human = await run('inspect', model);
    expect(human.stdout).toMatch(/parameters: 88/);
  });
});

describe('bad input: a clear message, exit code 1, no stack trace', () => {
  const cases: [string, () => Promise<string[]>, RegExp][] = [
    [
      'a missing file',
      async () => ['train', 'nope.csv', '--target', 'y'],
      /cannot read nope\.csv: no such file/,
    ],
    [
      'a non-numeric cell',
      async () => ['train', await file('bad.csv', 'a,b,y\n1,2,3\n4,x,6\n'), '--target', 'y'],
      /line 3, column 'b': "x" is not a number/,
    ],
    [
      'a target that does not exist',
      async () => ['train', data('iris'), '--target', 'kind'],
      /target column 'kind' not found; the columns are 'sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'/,
    ],
    [
      'a constant column',
      async () => [
        'train',
        await file('const.csv', 'a,b,y\n1,2,3\n1,5,6\n1,7,2\n1,3,3\n'),
        '--target',
        'y',
      ],
      /the column 'a' \(1\) is constant/,
    ],
    [
      'too few rows for the split',
      async () => ['train', await file('few.csv', 'a,y\n1,3\n2,6\n3,2\n'), '--target', 'y'],
      /too few rows/,
    ],
    [
      'too few rows for CV',
      async () => [
        'train',
        await file('few.csv', 'a,y\n1,3\n2,6\n3,2\n'),
        '--target',
        'y',
        '--cv',
        '2',
      ],
      /--cv 2: too few rows: 2 folds need at least 4 rows/,
    ],
    [
      'divergence in training',
      async () => [
        'train',
        data('diabetes'),
        '--target',
        'progression',
        '--optimizer',
        'sgd',
        '--lr',
        '50',
        '--epochs',
        '3',
      ],
      /Training diverged[\s\S]*--lr/,
    ],
    [
      'an unwritable --out',
      async () => [
        'train',
        data('iris'),
        '--target',
        'species',
        '--out',
        join(dir, 'no-such-dir', 'm.json'),
      ],
      /cannot write .*m\.json: its directory does not exist/,
    ],
    [
      'an unknown activation',
      async () => ['train', data('iris'), '--target', 'species', '--activation', 'sigmoidd'],
      /unknown activation 'sigmoidd'; the catalog has .*sigmoid/,
    ],
    [
      'a bad option value',
      async () => ['train', data('iris'), '--target', 'species', '--lr', 'fast'],
      /--lr.*'fast' is invalid/,
    ],
    [
      'a model file of another version',
      async () => ['inspect', await versioned(99)],
      /version 99 is not one this backprop reads \(it reads version 1\)/,
    ],
    ['a CSV that is no model file', async () => ['inspect', data('iris')], /not a model file/],
    [
      'a column missing in predict',
      async () => [
        'predict',
        await irisModel(),
        await file('short.csv', 'sepal_length,sepal_width,petal_length\n1,2,3\n'),
      ],
      /needs the column 'petal_width', which is not in the file/,
    ],
    [
      'an extra column in predict',
      async () => [
        'predict',
        await irisModel(),
        await file(
          'long.csv',
          'sepal_length,sepal_width,petal_length,petal_width,colour\n1,2,3,4,5\n',
        ),
      ],
      /the column 'colour' was not in the training data/,
    ],
    [
      'evaluate without the target',
      async () => [
        'evaluate',
        await irisModel(),
        await file('notarget.csv', 'sepal_length,sepal_width,petal_length,petal_width\n1,2,3,4\n'),
      ],
      /no target column 'species'/,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const r = await run(...(await args()));
      expect(r.stderr).toMatch(message);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('--debug adds the stack trace', async () => {
    const r = await run('train', 'nope.csv', '--target', 'y', '--debug');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('the bin', () => {
  it('says to run pnpm build when dist/ is missing', async () => {
    // a copy of the bin with no dist/ beside it
    const copy = join(dir, 'unbuilt', 'bin', 'backprop.mjs');
    await mkdir(dirname(copy), { recursive: true });
    await copyFile(bin, copy);
    const r = await execa('node', [copy, '--help'], { reject: false });
    expect(r.stderr).toMatch(/not built yet .*run `pnpm build`/);
    expect(r.exitCode).toBe(1);
  });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

let irisModelPath: Promise<string> | undefined;
function irisModel(): Promise<string> {
  irisModelPath ??= (async () => {
    const path = join(dir, 'iris-small.json');
    const r = await run(
      'train',
      data('iris'),
      '--target',
      'species',
      '--epochs',
      '2',
      '--out',
      path,
    );
    if (r.exitCode !== 0) throw new Error(r.stderr);
    return path;
  })();
  return irisModelPath;
}

async function versioned(version: number): Promise<string> {
  const doc = JSON.parse(await readFile(await irisModel(), 'utf8'));
  return file(`v${version}.json`, JSON.stringify({ ...doc, version }));
}
