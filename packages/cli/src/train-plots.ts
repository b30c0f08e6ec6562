// `train --plots dir/`: the yy-plot, the loss curves and (classification) the confusion matrix of a
// trained network as SVG files, drawn by plots.ts and written atomically. With --cv, one set per
// fold (yy-fold1.svg, …): each fold's held-out rows are the ones its scores come from.
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Table } from './data.js';
import { fileError, UserError } from './errors.js';
import { checkWritable, writeAtomically } from './model-file.js';
import { predictRows, type Trained } from './network.js';
import { confusionMatrixPlot, lossCurves, yyPlot } from './plots.js';

/** Creates the directory (and its parents) and checks that it can be written: before training. */
export async function preparePlotDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw inTheWay(dir);
    throw fileError('write', dir, error);
  }
  if (!(await stat(dir)).isDirectory()) throw inTheWay(dir);
  await checkWritable(join(dir, 'yy.svg'));
}

function inTheWay(dir: string): UserError {
  return new UserError(
    `--plots ${dir}: cannot make that directory: it, or a directory above it, is a file`,
  );
}

/** One trained network with the rows it was trained and scored on. */
export interface PlotFold {
  trained: Trained;
  trainIndices: readonly number[];
  testIndices: readonly number[];
  /** Classification: the network's confusion matrix on the test rows (as printed). */
  confusion?: number[][];
  /** '' for the one split; '-fold1', '-fold2', … with --cv. */
  suffix: string;
  /** Put before the r² in the yy-plot's title, e.g. 'fold 2 of 5'. */
  label: string;
}

/** Draws and writes the fold's plots; returns the paths written. */
export async function writeFoldPlots(dir: string, table: Table, fold: PlotFold): Promise<string[]> {
  const written: string[] = [];
  const write = async (name: string, svg: string) => {
    const path = join(dir, `${name}${fold.suffix}.svg`);
    await writeAtomically(path, svg);
    written.push(path);
  };
  const rowsOf = (indices: readonly number[]) => ({
    measured: Array.from(table.y.gather([...indices]).data),
    predicted: predictRows(fold.trained, table.task, table.x.gather([...indices])).values,
  });
  if (table.task === 'regression') {
    const test = rowsOf(fold.testIndices);
    const train = rowsOf(fold.trainIndices);
    await write(
      'yy',
      await yyPlot({
        ...test,
        name: `test (${fold.testIndices.length})`,
        others: [{ name: `training (${fold.trainIndices.length})`, ...train }],
        title: `${fold.label ? `${fold.label}, ` : ''}test rows of ${table.targetName}`,
        xTitle: `measured ${table.targetName}`,
        yTitle: `predicted ${table.targetName}`,
      }),
    );
  }
  const validation = fold.trained.history.epochs.some((e) => e.valLoss !== undefined);
  await write(
    'loss',
    await lossCurves(fold.trained.history, {
      title: `Loss per epoch${fold.label ? `, ${fold.label}` : ''}${validation ? '' : ' (validation with --early-stopping)'}`,
      yTitle: table.task === 'regression' ? 'MSE (scaled y)' : 'cross-entropy',
    }),
  );
  if (table.task === 'classification' && fold.confusion && table.classes) {
    await write(
      'confusion',
      await confusionMatrixPlot({
        matrix: fold.confusion,
        labels: table.classes,
        title: `Confusion matrix, ${fold.label ? `${fold.label} ` : ''}test rows`,
      }),
    );
  }
  return written;
}
