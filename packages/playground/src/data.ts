// The data a Session trains on, as plain arrays (so it crosses postMessage), and its check.
import { PlaygroundError } from './errors.js';

/** Samples as plain arrays: what `toyDataset` and `csvDataset` make and a `Session` trains on. */
export interface PlaygroundData {
  /** Classes (y holds class indices 0, 1, …) or numbers. */
  task: 'classification' | 'regression';
  /** One row of features per sample. */
  x: number[][];
  /** The target per sample: a number, or the index of its class in `classes`. */
  y: number[];
  /** Classification: the class labels, label of class c at index c. */
  classes?: string[];
  /** The features' names, one per column of x. */
  featureNames: string[];
  /** The target's name. */
  targetName: string;
  /**
   * Scale x (and a regression y) with StandardScaler fitted on the training rows before training
   * (true for CSV data, whose columns have any units; the toy sets are already about [−1, 1]).
   */
  autoscale?: boolean;
}

/** Throws a PlaygroundError unless `data` is a usable PlaygroundData (rectangular, finite, labelled). */
export function checkData(data: PlaygroundData): PlaygroundData {
  if (
    typeof data !== 'object' ||
    data === null ||
    !Array.isArray(data.x) ||
    !Array.isArray(data.y)
  ) {
    throw new PlaygroundError(
      'data: expected { task, x: number[][], y: number[], featureNames, targetName }',
    );
  }
  const { x, y, task } = data;
  if (task !== 'classification' && task !== 'regression') {
    throw new PlaygroundError(
      `data: task must be 'classification' or 'regression'; got ${String(task)}`,
    );
  }
  if (x.length < 2) throw new PlaygroundError(`data: expected at least 2 samples; got ${x.length}`);
  if (y.length !== x.length) {
    throw new PlaygroundError(`data: x has ${x.length} rows but y has ${y.length} values`);
  }
  const f = x[0]?.length ?? 0;
  if (f < 1) throw new PlaygroundError('data: the samples have no features');
  x.forEach((row, r) => {
    if (!Array.isArray(row) || row.length !== f) {
      throw new PlaygroundError(
        `data: sample ${r + 1} has ${row?.length} features; sample 1 has ${f}`,
      );
    }
    const bad = row.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0) {
      throw new PlaygroundError(
        `data: sample ${r + 1}, feature ${bad + 1}: expected a finite number; got ${String(row[bad])}`,
      );
    }
  });
  const classes = task === 'classification' ? (data.classes?.length ?? 0) : 0;
  if (task === 'classification' && classes < 2) {
    throw new PlaygroundError(`data: a classification needs at least 2 classes; got ${classes}`);
  }
  y.forEach((v, r) => {
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (task === 'regression' || (Number.isInteger(v) && v >= 0 && v < classes));
    if (!ok) {
      const want = task === 'regression' ? 'a finite number' : `a class index 0–${classes - 1}`;
      throw new PlaygroundError(
        `data: sample ${r + 1}: the target must be ${want}; got ${String(v)}`,
      );
    }
  });
  return data;
}
