// `backprop train data.csv --target y`: a network and its baselines on one split (or each CV
// fold), their scores, and the model file.
import { resolve } from 'node:path';
import type { Tensor } from '@backprop/core';
import { kFold, type ProgressSetting, trainTestSplit } from '@backprop/optim';
import {
  LOGISTIC,
  leastSquaresBaseline,
  logisticBaseline,
  majorityBaseline,
  meanBaseline,
} from './baselines.js';
import { checkpointing, checkpointPath, runIdentity } from './checkpoint.js';
import { readTable, type Table, type Task } from './data.js';
import { UserError } from './errors.js';
import {
  checkWritable,
  type ModelFile,
  toModelFile,
  versions,
  writeAtomically,
} from './model-file.js';
import {
  predictRows,
  type Trained,
  type TrainSettings,
  trainNetwork,
  VALIDATION_SPLIT,
} from './network.js';
import { classificationTable, confusionTable, perClassTable, regressionTable } from './report.js';
import { trainResumable } from './resumable.js';
import {
  type ClassificationScores,
  classificationScores,
  type RegressionScores,
  regressionScores,
  spread,
} from './scores.js';
import { preparePlotDirectory, writeFoldPlots } from './train-plots.js';

export interface TrainOptions extends TrainSettings {
  target: string;
  task?: Task;
  features?: string[];
  /** A fraction in (0, 1) or a number of rows; default 0.25 unless cv is given. */
  testSize?: number;
  cv?: number;
  out?: string;
  /** A directory for the plots (yy.svg, loss.svg, confusion.svg; with cv, one set per fold). */
  plots?: string;
  /** Write a checkpoint every this many epochs (one split only, not --cv). */
  checkpointEvery?: number;
  /** Where checkpoints go (default: see checkpointPath). */
  checkpoint?: string;
  /** Go on from the checkpoint. */
  resume?: boolean;
}

/** The names of the rows of the scores tables, as printed and as keys of --json's `scores`. */
export const BASELINE_NAMES = {
  regression: { mean: 'training mean', leastSquares: 'least squares' },
  classification: { majority: 'majority class', logistic: 'logistic regression' },
} as const;

type Scores = RegressionScores | ClassificationScores;

/** The network's and the baselines' scores on one set of test rows. */
interface FoldResult {
  scores: Record<string, Scores>;
  trained: Trained;
}

const DEFAULT_TEST_SIZE = 0.25;
/** The fewest training rows a network is trained on (with early stopping, before its hold-out). */
const MIN_TRAIN_ROWS = 3;
/** The fewest test rows scores are computed on (r² needs two). */
const MIN_TEST_ROWS = 2;

export async function train(
  file: string,
  options: TrainOptions,
  progress: ProgressSetting,
  log: (line: string) => void,
) {
  if (options.out !== undefined) await checkWritable(options.out);
  if (options.plots !== undefined) await preparePlotDirectory(options.plots);
  const plotted: string[] = [];
  const table = await readTable(file, options);
  const n = table.x.shape[0] as number;
  const numClasses = table.classes?.length ?? 0;
  const settings: TrainSettings = {
    hidden: options.hidden,
    activation: options.activation,
    optimizer: options.optimizer,
    lr: options.lr,
    epochs: options.epochs,
    batchSize: options.batchSize,
    seed: options.seed,
    earlyStopping: options.earlyStopping,
    patience: options.patience,
  };
  const describe = {
    data: file,
    rows: n,
    features: table.featureNames,
    target: table.targetName,
    task: table.task,
    taskGuess: table.taskGuess,
    classes: table.classes,
    network: architecture(
      table.featureNames.length,
      settings.hidden,
      table.task === 'regression' ? 1 : numClasses,
    ),
    settings,
  };
  log(`${file}: ${n} rows, ${table.featureNames.length} features → '${table.targetName}'`);
  log(
    `task: ${table.task}${table.taskGuess ? ` (guessed: ${table.taskGuess}; choose with --task)` : ''}`,
  );
  log(
    `network: ${describe.network}, ${settings.hidden.length > 0 ? settings.activation : 'no hidden layer (a linear model)'}, ${settings.optimizer} (lr ${settings.lr}), ` +
      `${settings.epochs} epochs, batch ${settings.batchSize}, seed ${settings.seed}` +
      (settings.earlyStopping ? `, early stopping (patience ${settings.patience})` : ''),
  );

  let result: Record<string, unknown>;
  let trainedForFile: { trained: Trained; yTrain: Tensor } | undefined;
  let metricsForFile: unknown;
  const resuming =
    options.checkpointEvery !== undefined ||
    options.resume === true ||
    options.checkpoint !== undefined;
  if (options.cv !== undefined && resuming) {
    throw new UserError(
      '--checkpoint-every, --checkpoint and --resume work with one split (--test-size), not with --cv',
    );
  }
  if (options.cv !== undefined) {
    if (options.testSize !== undefined) throw new UserError('give --test-size or --cv, not both');
    const k = options.cv;
    if (n < k * MIN_TEST_ROWS) {
      throw new UserError(
        `--cv ${k}: too few rows: ${k} folds need at least ${k * MIN_TEST_ROWS} rows (${MIN_TEST_ROWS} per fold); ${file} has ${n}`,
      );
    }
    checkTrainRows(n - Math.ceil(n / k), settings, `--cv ${k}`, file);
    log(`cross-validation: ${k} folds, the scalers and baselines fitted inside each fold`);
    const splits = kFold(n, { k, seed: options.seed });
    const runs: FoldResult[] = [];
    for (const fold of splits) {
      log(
        `fold ${fold.fold + 1}/${k}: ${fold.trainIndices.length} training rows, ${fold.testIndices.length} test rows`,
      );
      runs.push(await runFold(table, fold.trainIndices, fold.testIndices, settings, progress));
    }
    const folds = runs.map((run) => run.scores);
    if (options.plots !== undefined) {
      for (const [f, run] of runs.entries()) {
        plotted.push(
          ...(await writeFoldPlots(options.plots, table, {
            trained: run.trained,
            trainIndices: splits[f]?.trainIndices ?? [],
            testIndices: splits[f]?.testIndices ?? [],
            confusion: confusionOf(run),
            suffix: `-fold${f + 1}`,
            label: `fold ${f + 1} of ${k}`,
          })),
        );
      }
    }
    const summary = summarise(folds);
    log('');
    log(`scores over ${k} folds (mean ± sd):`);
    log(scoresText(table, summary));
    result = { ...describe, cv: { k, folds }, scores: summary };
    metricsForFile = { cv: k, scores: summary };
    if (options.out !== undefined) {
      log(`training on all ${n} rows for ${options.out}`);
      const trained = trainNetwork(table.task, numClasses, table.x, table.y, settings, progress);
      trainedForFile = { trained, yTrain: table.y };
    }
  } else {
    const testSize = options.testSize ?? DEFAULT_TEST_SIZE;
    const nTest = testSize < 1 ? Math.ceil(n * testSize) : testSize;
    if (testSize >= n || nTest < MIN_TEST_ROWS) {
      throw new UserError(
        `--test-size ${testSize}: too few rows: the test set would have ${testSize >= n ? 'every row' : `${nTest} row${nTest === 1 ? '' : 's'}`} of ${file}'s ${n}; it needs at least ${MIN_TEST_ROWS}, and the rest for training`,
      );
    }
    checkTrainRows(n - nTest, settings, `--test-size ${testSize}`, file);
    const split = trainTestSplit(table.x, table.y, {
      testSize,
      seed: options.seed,
      stratify:
        table.task === 'classification' && canStratify(table.y, numClasses, n - nTest, nTest),
    });
    log(
      `split: ${split.trainIndices.length} training rows, ${split.testIndices.length} test rows (--test-size ${testSize}, seed ${options.seed}); scalers fitted on the training rows`,
    );
    // #region checkpointing
    const path = checkpointPath(options);
    if (options.out !== undefined && resolve(path) === resolve(options.out)) {
      throw new UserError(
        `--checkpoint: ${path} is the --out file; give the checkpoint a path of its own`,
      );
    }
    if (options.checkpointEvery !== undefined) await checkWritable(path);
    const { epochs: _, ...fixed } = settings;
    const run = await runIdentity(file, {
      ...fixed,
      target: table.targetName,
      task: table.task,
      features: table.featureNames,
      testSize,
    });
    const yTrainRows = table.y.gather(split.trainIndices);
    const resumable = await checkpointing(
      path,
      options.checkpointEvery,
      options.resume === true,
      run,
      settings.epochs,
      (trained) => modelFile(table, trained, yTrainRows, options, null),
    );
    if (resumable.resumedAt > 0) log(`resuming from ${path} after epoch ${resumable.resumedAt}`);
    const fold = await runFold(
      table,
      split.trainIndices,
      split.testIndices,
      settings,
      progress,
      (...a) => trainResumable(...a, resumable),
    );
    // #endregion checkpointing
    if (options.plots !== undefined) {
      plotted.push(
        ...(await writeFoldPlots(options.plots, table, {
          trained: fold.trained,
          trainIndices: split.trainIndices,
          testIndices: split.testIndices,
          confusion: confusionOf(fold),
          suffix: '',
          label: '',
        })),
      );
    }
    log('');
    log(`test scores (${split.testIndices.length} rows):`);
    log(scoresText(table, fold.scores));
    const history = fold.trained.history;
    result = {
      ...describe,
      split: { trainRows: split.trainIndices.length, testRows: split.testIndices.length, testSize },
      epochsRun: history.epochs.length,
      bestEpoch: history.bestEpoch,
      scores: fold.scores,
    };
    metricsForFile = { testRows: split.testIndices.length, scores: fold.scores };
    trainedForFile = { trained: fold.trained, yTrain: table.y.gather(split.trainIndices) };
  }

  if (options.out !== undefined && trainedForFile !== undefined) {
    const doc = modelFile(
      table,
      trainedForFile.trained,
      trainedForFile.yTrain,
      options,
      metricsForFile,
    );
    await writeAtomically(options.out, `${JSON.stringify(doc)}\n`);
    log(`model written to ${options.out}`);
    result.out = options.out;
  }
  if (options.plots !== undefined) {
    log(`plots written: ${plotted.join(', ')}`);
    result.plots = plotted;
  }
  return result;
}

function confusionOf(fold: FoldResult): number[][] | undefined {
  return (fold.scores.network as Partial<ClassificationScores>).confusion;
}

function checkTrainRows(rows: number, settings: TrainSettings, option: string, file: string): void {
  const need = settings.earlyStopping
    ? Math.ceil(MIN_TRAIN_ROWS / (1 - VALIDATION_SPLIT)) + 1
    : MIN_TRAIN_ROWS;
  if (rows < need) {
    throw new UserError(
      `${option}: too few rows: that leaves ${rows} training rows of ${file}; training needs at least ${need}${settings.earlyStopping ? ' with --early-stopping' : ''}`,
    );
  }
}

/** Stratified when every class has two rows and each part room for every class (else plain shuffled). */
function canStratify(y: Tensor, numClasses: number, nTrain: number, nTest: number): boolean {
  const counts = new Array<number>(numClasses).fill(0);
  for (const c of y.data) counts[c] += 1;
  return counts.every((c) => c >= 2) && nTrain >= numClasses && nTest >= numClasses;
}

export function architecture(inputs: number, hidden: readonly number[], outputs: number): string {
  return [inputs, ...hidden, outputs].join(' → ');
}

async function runFold(
  table: Table,
  trainIndices: number[],
  testIndices: number[],
  settings: TrainSettings,
  progress: ProgressSetting,
  trainer: (...a: Parameters<typeof trainNetwork>) => Trained | Promise<Trained> = trainNetwork,
): Promise<FoldResult> {
  const xTrain = table.x.gather(trainIndices);
  const yTrain = table.y.gather(trainIndices);
  const xTest = table.x.gather(testIndices);
  const yTest = Array.from(table.y.gather(testIndices).data);
  const rows = testIndices.length;
  if (table.task === 'regression') {
    const trained = await trainer('regression', 0, xTrain, yTrain, settings, progress);
    const network = predictRows(trained, 'regression', xTest).values;
    return {
      trained,
      scores: {
        network: regressionScores(yTest, network),
        mean: regressionScores(yTest, meanBaseline(yTrain, rows)),
        leastSquares: regressionScores(yTest, leastSquaresBaseline(xTrain, yTrain, xTest)),
      },
    };
  }
  const k = table.classes?.length ?? 0;
  const trained = await trainer('classification', k, xTrain, yTrain, settings, progress);
  const network = predictRows(trained, 'classification', xTest).values;
  return {
    trained,
    scores: {
      network: classificationScores(yTest, network, k),
      majority: classificationScores(yTest, majorityBaseline(yTrain, k, rows), k),
      logistic: classificationScores(yTest, logisticBaseline(xTrain, yTrain, k, xTest), k),
    },
  };
}

/** Each score's mean ± sd over the folds; counts (support, the confusion matrix) summed. */
function summarise(folds: Record<string, Scores>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(folds[0])) {
    const all = folds.map(
      (f) => f[name] as unknown as Record<string, number | number[] | number[][]>,
    );
    const first = all[0];
    const summary: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(first)) {
      if (typeof value === 'number') summary[key] = spread(all.map((s) => s[key] as number));
      else if (key === 'support' || key === 'confusion') {
        summary[key] = structuredClone(value);
        sumInto(
          summary[key] as number[] | number[][],
          all.slice(1).map((s) => s[key] as number[] | number[][]),
        );
      } else {
        summary[key] = (value as number[]).map((_, j) =>
          spread(all.map((s) => (s[key] as number[])[j])),
        );
      }
    }
    out[name] = summary;
  }
  return out;
}

function sumInto(target: number[] | number[][], others: (number[] | number[][])[]): void {
  for (const other of others) {
    target.forEach((v, i) => {
      if (!Array.isArray(v)) {
        (target as number[])[i] += other[i] as number;
        return;
      }
      for (let j = 0; j < v.length; j++) v[j] += (other[i] as number[])[j];
    });
  }
}

/** The scores tables: network and baselines; for classification also per class and the confusion matrix. */
export function scoresText(
  table: Pick<Table, 'task' | 'classes'>,
  scores: Record<string, unknown>,
): string {
  const names = { network: 'network', ...BASELINE_NAMES[table.task] } as Record<string, string>;
  const rows = Object.entries(scores).map(([key, s]) => ({ name: names[key] ?? key, scores: s }));
  if (table.task === 'regression') {
    return regressionTable(rows as Parameters<typeof regressionTable>[0]);
  }
  const classes = table.classes ?? [];
  const network = scores.network as Parameters<typeof perClassTable>[1] & { confusion: number[][] };
  return [
    classificationTable(rows as Parameters<typeof classificationTable>[0]),
    '',
    'network, per class:',
    perClassTable(classes, network),
    '',
    'network, confusion matrix (rows: true class, columns: predicted):',
    confusionTable(classes, network.confusion),
  ].join('\n');
}

function modelFile(
  table: Table,
  trained: Trained,
  yTrain: Tensor,
  options: TrainOptions,
  metrics: unknown,
): ModelFile {
  const k = table.classes?.length ?? 0;
  return toModelFile(trained, {
    task: table.task,
    featureNames: table.featureNames,
    targetName: table.targetName,
    ignoredColumns: table.ignoredColumns,
    classes: table.classes,
    majorityClass: table.classes ? (majorityBaseline(yTrain, k, 1)[0] as number) : null,
    training: {
      options: { ...options, logistic: table.task === 'classification' ? LOGISTIC : undefined },
      seed: options.seed,
      metrics,
      versions: versions(),
      date: new Date().toISOString(),
      rows: trained.xScaler.nSamples,
      epochsRun: trained.history.epochs.length,
    },
  });
}
