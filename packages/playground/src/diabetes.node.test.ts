import { readFileSync } from 'node:fs';
import { csvDataset, DEFAULT_CONFIG, Session } from '@backprop/playground';
import { describe, expect, it } from 'vitest';

// The file the site copies for the page (examples/data/diabetes.csv, 442 patients).
const text = readFileSync(new URL('../../../examples/data/diabetes.csv', import.meta.url), 'utf8');

describe('the diabetes data', () => {
  it('is a regression of progression on 10 features', () => {
    const data = csvDataset(text, { target: 'progression' });
    expect(data.task).toBe('regression');
    expect(data.x).toHaveLength(442);
    expect(data.featureNames).toHaveLength(10);
    expect(data.targetName).toBe('progression');
  });

  it('trains with autoscaling: the yy-plot in the target′s units, the loss falling', () => {
    const data = csvDataset(text, { target: 'progression' });
    const session = new Session(
      {
        ...DEFAULT_CONFIG,
        dataset: 'diabetes',
        hidden: [{ size: 8, activation: 'sigmoid' }],
        lr: 0.01,
      },
      data,
    );
    const before = session.snapshot();
    session.step(2000);
    const after = session.snapshot();
    expect(before.surface).toBeNull();
    expect(after.yy).toHaveLength(442);
    // targets come back unscaled, predictions in the same units
    expect(after.yy?.map((p) => p.y)).toEqual(data.y);
    const mean = data.y.reduce((a, b) => a + b, 0) / data.y.length;
    const yE = after.yy?.map((p) => p.yE) ?? [];
    expect(Math.abs(yE.reduce((a, b) => a + b, 0) / yE.length - mean)).toBeLessThan(30);
    expect(after.history.train.at(-1)).toBeLessThan(0.8 * (before.history.train[0] as number));
    expect(after.history.validation.at(-1)).toBeLessThan(
      0.8 * (before.history.validation[0] as number),
    );
  });
});
