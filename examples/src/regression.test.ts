import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '@backprop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leastSquares, type RegressionResult, runRegression } from './regression.js';

describe('the diabetes regression example (a few epochs)', () => {
  let dir: string;
  let result: RegressionResult;
  const lines: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backprop-regression-'));
    result = await runRegression({
      log: (l) => lines.push(l),
      outDir: dir,
      epochs: 5,
      progress: false,
    });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('splits the 442 patients into 331 for training and 111 for the test', () => {
    expect(result.nTrain).toBe(331);
    expect(result.nTest).toBe(111);
    expect(result.settings.epochs).toBe(5);
    expect(result.settings.batchSize).toBe(1); // the lecture's per-sample SGD
  });

  it('lowers the training and the validation loss', () => {
    const epochs = result.history.epochs;
    expect(epochs).toHaveLength(5);
    const [first, last] = [epochs[0], epochs.at(-1)];
    expect(last?.loss).toBeLessThan(first?.loss as number);
    expect(last?.valLoss).toBeLessThan(first?.valLoss as number);
  });

  it('beats predicting the mean on the test set, in the target units', () => {
    const { test, baselines } = result;
    for (const v of [test.r2, test.rmse, test.mae]) expect(Number.isFinite(v)).toBe(true);
    expect(test.r2).toBeGreaterThan(0.3);
    expect(Math.abs(baselines.mean.r2)).toBeLessThan(0.02); // the training mean scores about 0
    expect(test.rmse).toBeLessThan(0.85 * baselines.mean.rmse);
    expect(test.mae).toBeLessThan(0.85 * baselines.mean.mae);
    // progression spans about 25…346: errors of tens of units mean the scaling was undone
    expect(test.rmse).toBeGreaterThan(20);
    expect(test.rmse).toBeLessThan(80);
    expect(test.mae).toBeLessThanOrEqual(test.rmse);
    expect(baselines.linear.r2).toBeGreaterThan(0.3);
  });

  it('writes the measured-vs-estimated and the loss-curve SVGs', async () => {
    const yy = await readFile(result.files.yy, 'utf8');
    expect(yy).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(yy.match(/aria-roledescription="point"/g)).toHaveLength(331 + 111); // every point
    expect(yy).toMatch(/aria-roledescription="line mark" d="M0,(\d+)L\1,0" [^>]*stroke-dasharray/); // y = x
    // the title's r² is the test set's, as printed in the table
    expect(yy).toContain(`Diabetes, BPNN, test set: r² = ${result.test.r2.toFixed(3)}`);
    const loss = await readFile(result.files.loss, 'utf8');
    expect(loss.match(/aria-roledescription="line mark"/g)).toHaveLength(2); // training, validation
    expect(loss).toContain('validation');
  });

  it('prints the settings and a table of test scores', () => {
    const text = lines.join('\n');
    expect(text).toContain('331 train / 111 test');
    expect(text).toMatch(/BPNN MLP\(10 → 8 sigmoid → 1 identity\)\s+0\.\d{3}\s+\d+\.\d\s+\d+\.\d/);
    expect(text).toContain('linear regression (least squares)');
  });
});

describe('leastSquares', () => {
  it('recovers an exact linear relation with an intercept', () => {
    const x = tensor([
      [1, 2],
      [0, -1],
      [3, 0.5],
      [-2, 4],
      [0.5, 0.5],
    ]);
    const y = tensor(
      Array.from({ length: 5 }, (_, i) => 3 + 2 * x.data[2 * i] - 0.5 * x.data[2 * i + 1]),
    );
    const predict = leastSquares(x, y);
    const p = predict(tensor([[10, -4]]));
    expect(Math.abs((p.data[0] as number) - (3 + 20 + 2))).toBeLessThan(1e-10);
    predict(x).data.forEach((v, i) => {
      expect(Math.abs(v - (y.data[i] as number))).toBeLessThan(1e-10);
    });
  });
});
