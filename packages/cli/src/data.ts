// Reading the user's CSV: the target, the feature columns, the task, and the checks that make a
// bad file a clear error (a constant column, a column that is not there).
import { readFile } from 'node:fs/promises';
import { Tensor } from '@backprop/core';
import { type Dataset, parseCsv } from '@backprop/optim';
import { fileError, UserError } from './errors.js';

export type Task = 'regression' | 'classification';

/** A CSV read for training: the features chosen, the target, and the task with how it was chosen. */
export interface Table {
  x: Tensor;
  /** Numbers (regression) or class indices into `classes`. */
  y: Tensor;
  featureNames: string[];
  targetName: string;
  classes: string[] | null;
  /** Columns of the file that are neither features nor the target (left out with --features). */
  ignoredColumns: string[];
  task: Task;
  /** Why the task was guessed, when --task was not given. */
  taskGuess: string | null;
}

/** Integer targets with at most this many distinct values are guessed to be classes. */
const MAX_GUESSED_CLASSES = 10;

export async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    throw fileError('read', file, error);
  }
}

export interface ReadOptions {
  target: string;
  features?: string[];
  task?: Task;
}

export async function readTable(file: string, options: ReadOptions): Promise<Table> {
  const bytes = await readBytes(file);
  const parse = (targetType: 'auto' | 'number' | 'class', classes?: string[]) =>
    parseCsv(bytes, { name: file, target: options.target, targetType, classes });
  let task = options.task;
  let taskGuess: string | null = null;
  let data: Dataset;
  if (task === 'regression') data = parse('number');
  else if (task === 'classification') data = parse('class');
  else {
    data = parse('auto');
    if (data.classes !== null) {
      task = 'classification';
      taskGuess = `the target '${data.targetName}' holds labels that are not numbers`;
    } else {
      const values = [...new Set(data.y.data)].sort((a, b) => a - b);
      if (values.every(Number.isInteger) && values.length <= MAX_GUESSED_CLASSES) {
        task = 'classification';
        taskGuess = `the target '${data.targetName}' holds ${values.length} distinct integers`;
        // numeric labels numbered in numeric order, not in order of appearance
        data = parse('class', values.map(String));
      } else {
        task = 'regression';
        taskGuess = `the target '${data.targetName}' holds numbers with ${values.length} distinct values`;
      }
    }
  }
  if (task === 'classification' && data.classes === null) {
    data = parse('class');
  }
  const chosen = chooseFeatures(data, options.features);
  const table: Table = {
    ...chosen,
    y: data.y,
    targetName: data.targetName,
    classes: data.classes,
    task,
    taskGuess,
  };
  checkNotConstant(file, table);
  return table;
}

function chooseFeatures(
  data: Dataset,
  features: string[] | undefined,
): { x: Tensor; featureNames: string[]; ignoredColumns: string[] } {
  if (features === undefined) {
    return { x: data.x, featureNames: data.featureNames, ignoredColumns: [] };
  }
  for (const name of features) {
    if (name === data.targetName) {
      throw new UserError(`--features: '${name}' is the target; it cannot also be a feature`);
    }
    if (!data.featureNames.includes(name)) {
      throw new UserError(
        `--features: no column '${name}'; the feature columns are ${quoteList(data.featureNames)}`,
      );
    }
  }
  const twice = features.find((name, i) => features.indexOf(name) !== i);
  if (twice !== undefined) throw new UserError(`--features: '${twice}' is given twice`);
  const columns = features.map((name) => data.featureNames.indexOf(name));
  return {
    x: selectColumns(data.x, columns),
    featureNames: [...features],
    ignoredColumns: data.featureNames.filter((name) => !features.includes(name)),
  };
}

/** The columns `columns` of a [n, f] tensor, in that order. */
export function selectColumns(x: Tensor, columns: readonly number[]): Tensor {
  const [n, f] = x.shape as [number, number];
  const out = new Float64Array(n * columns.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < columns.length; k++)
      out[i * columns.length + k] = x.data[i * f + columns[k]];
  }
  return new Tensor(out, [n, columns.length]);
}

/** A constant feature carries no information, and a constant regression target nothing to learn. */
function checkNotConstant(file: string, table: Table): void {
  const [n, f] = table.x.shape as [number, number];
  const constant: string[] = [];
  for (let j = 0; j < f; j++) {
    const first = table.x.data[j];
    let same = true;
    for (let i = 1; i < n && same; i++) same = table.x.data[i * f + j] === first;
    if (same) constant.push(`'${table.featureNames[j]}' (${first})`);
  }
  if (constant.length > 0) {
    const many = constant.length > 1;
    throw new UserError(
      `${file}: the column${many ? 's' : ''} ${constant.join(', ')} ${many ? 'are' : 'is'} constant (the same value in every row), so ${many ? 'they tell' : 'it tells'} the rows apart in no way; choose the other columns with --features`,
    );
  }
  const y = table.y.data;
  if (y.every((v) => v === y[0])) {
    const what = table.classes ? `the class '${table.classes[y[0]]}'` : String(y[0]);
    throw new UserError(
      `${file}: the target '${table.targetName}' is constant (every row holds ${what}): there is nothing to learn`,
    );
  }
}

export function quoteList(names: readonly string[]): string {
  return names.map((name) => `'${name}'`).join(', ');
}

/** What a saved model needs to read a new CSV. */
export interface Columns {
  featureNames: string[];
  targetName: string;
  ignoredColumns: string[];
  classes: string[] | null;
}

/**
 * A CSV to predict on or evaluate: the model's feature columns in the model's order (the file may
 * order them as it likes), the target when `withTarget` (else it may be there or not). A column
 * that is missing, or one the model has never seen, is an error naming it.
 */
export async function readForModel(
  file: string,
  model: Columns,
  withTarget: boolean,
): Promise<{ x: Tensor; y: Tensor | null; rows: number }> {
  const bytes = await readBytes(file);
  // parseCsv needs a target column: the model's target if the file has it, else the last column,
  // parsed as a number and put back among the features.
  const header = parseCsv(bytes, { name: file, target: -1, targetType: 'class' });
  const columns = [...header.featureNames, header.targetName];
  const missing = model.featureNames.filter((name) => !columns.includes(name));
  if (missing.length > 0) {
    throw new UserError(
      `${file}: the model needs the column${missing.length > 1 ? 's' : ''} ${quoteList(missing)}, which ${missing.length > 1 ? 'are' : 'is'} not in the file; its columns are ${quoteList(columns)}`,
    );
  }
  const known = new Set([...model.featureNames, model.targetName, ...model.ignoredColumns]);
  const extra = columns.filter((name) => !known.has(name));
  if (extra.length > 0) {
    throw new UserError(
      `${file}: the column${extra.length > 1 ? 's' : ''} ${quoteList(extra)} ${extra.length > 1 ? 'were' : 'was'} not in the training data; the model takes ${quoteList(model.featureNames)}`,
    );
  }
  const hasTarget = columns.includes(model.targetName);
  if (withTarget && !hasTarget) {
    throw new UserError(
      `${file}: no target column '${model.targetName}' to evaluate against; the columns are ${quoteList(columns)}`,
    );
  }
  const spare = hasTarget
    ? model.targetName
    : columns.find((name) => model.ignoredColumns.includes(name));
  let data: Dataset;
  let names: string[];
  let all: Tensor;
  if (spare !== undefined) {
    const isTarget = spare === model.targetName;
    data = parseCsv(bytes, {
      name: file,
      target: spare,
      ...(isTarget && model.classes ? { classes: model.classes } : {}),
      targetType: isTarget && !model.classes ? 'number' : 'class',
    });
    names = data.featureNames;
    all = data.x;
  } else {
    data = parseCsv(bytes, { name: file, target: -1, targetType: 'number' });
    names = [...data.featureNames, data.targetName];
    all = appendColumn(data.x, data.y);
  }
  const x = selectColumns(
    all,
    model.featureNames.map((name) => names.indexOf(name)),
  );
  return { x, y: spare === model.targetName ? data.y : null, rows: x.shape[0] as number };
}

function appendColumn(x: Tensor, column: Tensor): Tensor {
  const [n, f] = x.shape as [number, number];
  const out = new Float64Array(n * (f + 1));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) out[i * (f + 1) + j] = x.data[i * f + j];
    out[i * (f + 1) + f] = column.data[i];
  }
  return new Tensor(out, [n, f + 1]);
}
