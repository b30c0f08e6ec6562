// A user's CSV (or the diabetes file) as PlaygroundData, through optim's parseCsv; its errors
// become PlaygroundErrors that keep the line and column, so the page can point at the cell.
import { CsvError, parseCsv } from '@backprop/optim';
import type { PlaygroundData } from './data.js';
import { PlaygroundError } from './errors.js';

/** Options of `csvDataset`. */
export interface CsvDatasetOptions {
  /** The target column's header name; default (undefined or null) the last column. */
  target?: string | null;
  /** What the text is called in messages (default 'the CSV'). */
  name?: string;
}

/**
 * CSV text with a header row as PlaygroundData: numeric feature columns and one target column
 * (numbers: regression; any text: classes). The data is marked for autoscaling (StandardScaler
 * on the training rows). An empty text, a text cell among the features, a missing value: a
 * PlaygroundError naming the line and column.
 * @example
 * const data = csvDataset('a,b,y\n1,2,3\n4,5,6\n7,8,9\n');
 * console.log(data.task, data.x, data.y); // → regression [ [ 1, 2 ], [ 4, 5 ], [ 7, 8 ] ] [ 3, 6, 9 ]
 */
export function csvDataset(text: string, options: CsvDatasetOptions = {}): PlaygroundData {
  const name = options.name ?? 'the CSV';
  if (typeof text !== 'string' || text.trim() === '') {
    throw new PlaygroundError(`${name} is empty: expected a header row and at least 2 data rows`, {
      line: 1,
    });
  }
  let parsed: ReturnType<typeof parseCsv>;
  try {
    parsed = parseCsv(text, { target: options.target ?? undefined, name });
  } catch (e) {
    if (e instanceof CsvError) {
      throw new PlaygroundError(e.message.replace(/^parseCsv: /, ''), {
        line: e.line,
        column: e.column,
      });
    }
    throw e;
  }
  const f = parsed.featureNames.length;
  const values = parsed.x.data;
  const x = Array.from({ length: parsed.x.shape[0] as number }, (_, r) =>
    Array.from(values.subarray(r * f, (r + 1) * f)),
  );
  if (x.length < 2) {
    throw new PlaygroundError(`${name} has ${x.length} data row(s): expected at least 2`);
  }
  const y = Array.from(parsed.y.data);
  const common = {
    x,
    y,
    featureNames: parsed.featureNames,
    targetName: parsed.targetName,
    autoscale: true,
  };
  return parsed.classes
    ? { task: 'classification', classes: parsed.classes, ...common }
    : { task: 'regression', ...common };
}
