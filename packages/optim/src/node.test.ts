import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValueError } from '@backprop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvError } from './data/csv.js';
import { StandardScaler } from './data/scaler.js';
import { trainTestSplit } from './data/split.js';
import { readCsv } from './node.js';

const data = (name: string) => new URL(`../../../examples/data/${name}`, import.meta.url);

describe('readCsv on the example data sets', () => {
  it('reads diabetes: 442 rows, 10 raw features, a numeric target', async () => {
    const d = await readCsv(data('diabetes.csv'));
    expect(d.x.shape).toEqual([442, 10]);
    expect(d.y.shape).toEqual([442]);
    expect(d.featureNames).toEqual([
      'age',
      'sex',
      'bmi',
      'bp',
      's1_tc',
      's2_ldl',
      's3_hdl',
      's4_tch',
      's5_ltg',
      's6_glu',
    ]);
    expect(d.targetName).toBe('progression');
    expect(d.classes).toBeNull();
    // The first row of the file: 59,2,32.1,101,157,93.2,38,4,4.8598,87,151.
    expect(Array.from(d.x.data.subarray(0, 10))).toEqual([
      59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87,
    ]);
    expect(d.y.data[0]).toBe(151);
  });

  it('reads iris: 150 rows, 4 features, 3 classes of 50 in sklearn’s order', async () => {
    const d = await readCsv(data('iris.csv'), { target: 'species' });
    expect(d.x.shape).toEqual([150, 4]);
    expect(d.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    const counts = [0, 0, 0];
    for (const c of d.y.data) counts[c] = (counts[c] as number) + 1;
    expect(counts).toEqual([50, 50, 50]);
  });

  it('reads the other three with the shapes and classes of the attribution table', async () => {
    const wine = await readCsv(data('wine.csv'));
    expect(wine.x.shape).toEqual([178, 13]);
    expect(wine.classes).toEqual(['class_0', 'class_1', 'class_2']);
    const cancer = await readCsv(data('breast_cancer.csv'));
    expect(cancer.x.shape).toEqual([569, 30]);
    expect(cancer.classes).toEqual(['malignant', 'benign']); // sklearn: 0 = malignant
    const digits = await readCsv(data('digits.csv'));
    expect(digits.x.shape).toEqual([1797, 64]);
    expect(digits.classes).toBeNull();
    expect(Math.max(...digits.y.data)).toBe(9);
  });

  it('feeds split and autoscaling: test data scaled with the training statistics', async () => {
    const { x, y } = await readCsv(data('diabetes.csv'));
    const { xTrain, xTest, yTest } = trainTestSplit(x, y, { testSize: 0.2, seed: 0 });
    expect(xTrain.shape).toEqual([353, 10]);
    expect(xTest.shape).toEqual([89, 10]); // ceil(0.2 · 442)
    expect(yTest.shape).toEqual([89]);
    const scaler = new StandardScaler().fit(xTrain);
    const z = scaler.transform(xTrain);
    for (let j = 0; j < 10; j++) {
      let s = 0;
      for (let i = 0; i < 353; i++) s += z.data[i * 10 + j] as number;
      expect(Math.abs(s / 353)).toBeLessThan(1e-12);
    }
  });
});

describe('readCsv errors', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backprop-readcsv-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a misspelled option, naming the closest known one', async () => {
    const file = join(dir, 'options.csv');
    await writeFile(file, 'a,y\n1,2\n');
    // biome-ignore lint/suspicious/noExplicitAny: the point is to pass what the types forbid
    const error = await readCsv(file, { dtpye: 'float32' } as any).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvError);
    expect((error as CsvError).message).toBe(
      `readCsv: ${file}: unknown option "dtpye" (did you mean "dtype"?); it takes target, header, delimiter, name, targetType, classes, dtype`,
    );
  });

  it('names the file and the line', async () => {
    const file = join(dir, 'ragged.csv');
    await writeFile(file, 'a,b,y\r\n1,2,3\r\n4,5\r\n');
    const error = await readCsv(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvError);
    expect((error as CsvError).message).toBe(
      `readCsv: ${file}: line 3: expected 3 fields, found 2`,
    );
    expect((error as CsvError).line).toBe(3);
  });

  it('names a file it cannot read, keeping the system error as the cause', async () => {
    const file = join(dir, 'missing.csv');
    const error = await readCsv(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValueError);
    expect((error as Error).message).toMatch(`readCsv: cannot read ${file}: ENOENT`);
    expect(((error as Error).cause as { code?: string }).code).toBe('ENOENT');
  });

  it('refuses a file that is not UTF-8, naming the byte offset (issue 18, defect 4)', async () => {
    const file = join(dir, 'latin1.csv');
    // 'café' and 'cafè' in Latin-1: a lossy decoder would make both 'caf\uFFFD', one class.
    await writeFile(file, Buffer.from('f,s\n1,caf\xe9\n2,caf\xe8\n', 'latin1'));
    const error = await readCsv(file).then(
      () => 'read without an error',
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CsvError);
    expect((error as CsvError).message).toMatch(
      `readCsv: ${file}: the text is not UTF-8: byte offset 9 (line 2) holds 0xe9`,
    );
  });

  it('reports an empty file', async () => {
    const file = join(dir, 'empty.csv');
    await writeFile(file, '');
    await expect(readCsv(file)).rejects.toThrow(`readCsv: ${file}: the CSV is empty`);
  });
});
