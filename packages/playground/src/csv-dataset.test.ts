import { csvDataset, PlaygroundError } from '@backprop/playground';
import { describe, expect, it } from 'vitest';

function errorOf(fn: () => unknown): PlaygroundError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PlaygroundError);
    return e as PlaygroundError;
  }
  throw new Error('expected a PlaygroundError');
}

describe('csvDataset', () => {
  it('reads a numeric target as a regression, marked for autoscaling', () => {
    const data = csvDataset('a,b,y\n1,2,3\n4,5,6\n7,8,9.5\n');
    expect(data).toEqual({
      task: 'regression',
      x: [
        [1, 2],
        [4, 5],
        [7, 8],
      ],
      y: [3, 6, 9.5],
      featureNames: ['a', 'b'],
      targetName: 'y',
      autoscale: true,
    });
  });

  it('reads a text target as classes, and takes the target column by name', () => {
    const data = csvDataset('kind,a,b\ncat,1,2\ndog,3,4\ncat,5,6\n', { target: 'kind' });
    expect(data.task).toBe('classification');
    expect(data.classes).toEqual(['cat', 'dog']);
    expect(data.y).toEqual([0, 1, 0]);
    expect(data.featureNames).toEqual(['a', 'b']);
  });

  it('names the line and the column of a text cell among the features', () => {
    const e = errorOf(() => csvDataset('a,b,y\n1,2,3\n4,five,6\n7,8,9\n'));
    expect(e.line).toBe(3);
    expect(e.column).toBe('b');
    expect(e.message).toMatch(/line 3/);
    expect(e.message).toMatch(/five/);
  });

  it('calls an empty file empty, at line 1', () => {
    for (const text of ['', '\n \n']) {
      const e = errorOf(() => csvDataset(text, { name: 'empty.csv' }));
      expect(e.message).toBe('empty.csv is empty: expected a header row and at least 2 data rows');
      expect(e.line).toBe(1);
    }
  });

  it('refuses a header without enough data rows, and an unknown target column', () => {
    expect(errorOf(() => csvDataset('a,y\n1,2\n')).message).toMatch(
      /1 data row\(s\): expected at least 2/,
    );
    expect(errorOf(() => csvDataset('a,y\n1,2\n3,4\n', { target: 'z' })).message).toMatch(/'z'/);
  });
});
