// Tables for people: the scores of the network and of its baselines, one row each; with --cv each
// cell is mean ± sd over the folds.
import type { ClassificationScores, RegressionScores, Spread } from './scores.js';

/** Columns padded to their widest cell; the first column left-aligned, the others right. */
export function table(rows: readonly (readonly string[])[], indent = '  '): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [j, cell] of row.entries()) widths[j] = Math.max(widths[j] ?? 0, cell.length);
  }
  return rows
    .map(
      (row) =>
        indent +
        row
          .map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j])))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}

/** Four decimals below 1 (r², accuracy), else four significant digits: enough to compare. */
export function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1e5) return v.toExponential(3);
  if (Math.abs(v) >= 1000) return v.toFixed(0);
  return Math.abs(v) <= 1 ? v.toFixed(4) : v.toPrecision(4);
}

export function cell(v: number | Spread): string {
  return typeof v === 'number' ? num(v) : `${num(v.mean)} ± ${num(v.sd)}`;
}

type Row<T> = { name: string; scores: T };

export function regressionTable(
  rows: readonly Row<Record<keyof RegressionScores, number | Spread>>[],
): string {
  return table([
    ['', 'r²', 'RMSE', 'MAE'],
    ...rows.map(({ name, scores }) => [name, cell(scores.r2), cell(scores.rmse), cell(scores.mae)]),
  ]);
}

export function classificationTable(
  rows: readonly Row<{ accuracy: number | Spread; macroF1: number | Spread }>[],
): string {
  return table([
    ['', 'accuracy', 'macro F1'],
    ...rows.map(({ name, scores }) => [name, cell(scores.accuracy), cell(scores.macroF1)]),
  ]);
}

/** Per-class precision, recall and F1 with each class's number of rows. */
export function perClassTable(
  classes: readonly string[],
  s: {
    precision: readonly (number | Spread)[];
    recall: readonly (number | Spread)[];
    f1: readonly (number | Spread)[];
    support: readonly number[];
  },
): string {
  return table([
    ['class', 'precision', 'recall', 'F1', 'rows'],
    ...classes.map((c, j) => [
      c,
      cell(s.precision[j]),
      cell(s.recall[j]),
      cell(s.f1[j]),
      String(s.support[j]),
    ]),
  ]);
}

/** Rows: the true class; columns: the predicted class. */
export function confusionTable(
  classes: readonly string[],
  confusion: ClassificationScores['confusion'],
): string {
  return table([
    ['true \\ predicted', ...classes],
    ...classes.map((c, i) => [c, ...confusion[i].map(String)]),
  ]);
}
