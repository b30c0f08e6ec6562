// Classification with the lecture's network and a softmax output (p. 8): iris and wine, a
// stratified split, autoscaling, cross-entropy on the logits, and held-out accuracy and confusion.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { confusionMatrixPlot } from '@backprop/cli/plots';
import { noGrad, type Tensor, tensor } from '@backprop/core';
import { crossEntropy, MLP } from '@backprop/layers';
import {
  Adam,
  accuracy,
  argmax,
  classificationReport,
  confusionMatrix,
  fit,
  type History,
  StandardScaler,
  trainTestSplit,
} from '@backprop/optim';
import { readCsv } from '@backprop/optim/node';

/** The same settings for both data sets, fixed before looking at the test sets. */
export const classificationSettings = {
  /** 30% of each class, drawn with `splitSeed`, is held out (stratified: the classes keep their shares). */
  testSize: 0.3,
  splitSeed: 0,
  /** One hidden layer of 8 tanh neurons; the output layer gives one logit a per class. */
  hidden: [8],
  activation: 'tanh',
  initSeed: 0,
  lr: 0.01,
  batchSize: 16,
  epochs: 100,
  shuffleSeed: 0,
};

export interface ClassificationResult {
  dataset: string;
  classes: string[];
  nTrain: number;
  nTest: number;
  /** On the held-out test set. */
  accuracy: number;
  /** confusion[i][j]: test samples of class i predicted as j. */
  confusion: number[][];
  /** Per-class precision, recall and F1 on the test set, as text. */
  report: string;
  /** The test accuracy of always predicting the most frequent training class. */
  majorityBaseline: number;
  /** The mean cross-entropy on the test set before and after training. */
  testLossBefore: number;
  testLossAfter: number;
  history: History;
  seconds: number;
  /** The confusion matrix's heat map, `<outDir>/<dataset>-confusion.svg`. */
  confusionPlot: string;
}

export interface ClassificationOptions {
  log?: (line: string) => void;
  /** Overrides `classificationSettings.epochs` (the tests use a few). */
  epochs?: number;
  /** Where the confusion-matrix SVGs go (default examples/out). */
  outDir?: string;
}

const defaultOutDir = fileURLToPath(new URL('../out/', import.meta.url));

export async function runClassification(
  options: ClassificationOptions = {},
): Promise<ClassificationResult[]> {
  const { log = console.log, outDir = defaultOutDir } = options;
  const settings = {
    ...classificationSettings,
    epochs: options.epochs ?? classificationSettings.epochs,
  };

  // Why the model outputs logits and the loss applies the softmax: crossEntropy computes
  // log softmax(a) = a − logsumexp(a), which stays finite where softmax itself underflows to 0
  // (and log 0 = −∞); its gradient is softmax(a) − onehot(y), with no division by a tiny p.
  const logits = tensor([[800, 0, -800]]);
  const naive = noGrad(() => logits.softmax(1).log().neg().data[2]);
  const stable = crossEntropy(logits, [2]).item();
  log('Why cross-entropy takes logits: for a = [800, 0, −800] and true class 2,');
  log(`  −log(softmax(a)[2]) = ${naive} (softmax underflows to 0), crossEntropy(a, 2) = ${stable}`);

  const results: ClassificationResult[] = [];
  for (const name of ['iris', 'wine']) {
    log('');
    results.push(await classify(name, settings, log, outDir));
  }
  return results;
}

async function classify(
  name: string,
  settings: typeof classificationSettings,
  log: (line: string) => void,
  outDir: string,
): Promise<ClassificationResult> {
  const data = await readCsv(new URL(`../data/${name}.csv`, import.meta.url));
  const classes = data.classes as string[];
  const split = trainTestSplit(data.x, data.y, {
    testSize: settings.testSize,
    seed: settings.splitSeed,
    stratify: true,
  });
  const scaler = new StandardScaler().fit(split.xTrain); // training data only
  const xTrain = scaler.transform(split.xTrain);
  const xTest = scaler.transform(split.xTest);
  const [nTrain, nTest] = [split.yTrain.size, split.yTest.size];

  const model = new MLP({
    inputs: data.featureNames.length,
    hidden: settings.hidden,
    activation: settings.activation,
    outputs: classes.length, // logits; softmax is applied by the loss, and below for probabilities
    seed: settings.initSeed,
  });
  const testLoss = () => noGrad(() => crossEntropy(model.forward(xTest), split.yTest).item());
  const testLossBefore = testLoss();
  log(
    `${name}: ${data.x.shape[0]} samples, ${data.featureNames.length} inputs, ${classes.length} classes (${classes.join(', ')})`,
  );
  log(
    `  stratified split: ${nTrain} train / ${nTest} test (seed ${settings.splitSeed}); inputs autoscaled on the training data`,
  );
  log(
    `  model: ${model.describe()} + softmax in the loss; Adam (lr ${settings.lr}), batch ${settings.batchSize}, ${settings.epochs} epochs`,
  );

  const start = performance.now();
  const history = fit(model, {
    x: xTrain,
    y: split.yTrain, // class indices; crossEntropy reads a [batch] target as indices
    loss: crossEntropy,
    optimizer: new Adam(model.parameters(), { lr: settings.lr }),
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    seed: settings.shuffleSeed,
    metrics: { accuracy: (y, scores) => accuracy(y, argmax(scores)) },
    progress: false,
    compile: true, // each batch traced once, then replayed (core's compile): the same numbers, faster
  });
  const seconds = (performance.now() - start) / 1000;

  const scores = noGrad(() => model.forward(xTest));
  const predicted = argmax(scores);
  const confusion = confusionMatrix(split.yTest, predicted, classes.length);
  const confusionPlot = join(outDir, `${name}-confusion.svg`);
  await mkdir(outDir, { recursive: true });
  await writeFile(
    confusionPlot,
    await confusionMatrixPlot({
      matrix: confusion,
      labels: classes,
      title: `${name}: test set (${nTest}), confusion matrix`,
    }),
  );
  const result: ClassificationResult = {
    dataset: name,
    classes,
    nTrain,
    nTest,
    accuracy: accuracy(split.yTest, predicted),
    confusion,
    report: classificationReport(split.yTest, predicted, { classNames: classes }),
    majorityBaseline: majorityShare(split.yTrain, split.yTest),
    testLossBefore,
    testLossAfter: testLoss(),
    history,
    seconds,
    confusionPlot,
  };
  const last = history.epochs.at(-1);
  log(
    `  trained in ${seconds.toFixed(2)} s; last epoch: loss ${last?.loss.toFixed(4)}, training accuracy ${last?.metrics.accuracy?.toFixed(3)}`,
  );
  log(
    `  test cross-entropy ${result.testLossBefore.toFixed(3)} → ${result.testLossAfter.toFixed(3)}`,
  );
  log(
    `  test accuracy ${result.accuracy.toFixed(3)} (${Math.round(result.accuracy * nTest)}/${nTest}); always guessing the commonest class: ${result.majorityBaseline.toFixed(3)}`,
  );
  log('  confusion matrix (rows: true class, columns: predicted):');
  const width = Math.max(...classes.map((c) => c.length));
  log(`    ${''.padEnd(width)} ${classes.map((c) => c.padStart(width)).join(' ')}`);
  result.confusion.forEach((counts, i) => {
    log(
      `    ${(classes[i] as string).padEnd(width)} ${counts.map((c) => String(c).padStart(width)).join(' ')}`,
    );
  });
  const probabilities = noGrad(() => scores.softmax(1)); // p = softmax(a) (p. 6–7)
  const first = Array.from(probabilities.data.subarray(0, classes.length), (p) => p.toFixed(3));
  log(`  first test sample: p = [${first.join(', ')}], true class ${classes[split.yTest.data[0]]}`);
  log('');
  for (const line of result.report.trimEnd().split('\n')) log(line ? `  ${line}` : '');
  log(`  Wrote ${confusionPlot}`);
  return result;
}

/** The test accuracy of predicting, for every sample, the class most frequent in training. */
function majorityShare(yTrain: Tensor, yTest: Tensor): number {
  const counts = new Map<number, number>();
  for (const c of yTrain.data) counts.set(c, (counts.get(c) ?? 0) + 1);
  const [commonest] = [...counts.entries()].reduce((a, b) => (b[1] > a[1] ? b : a));
  return accuracy(yTest, new Array<number>(yTest.size).fill(commonest));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runClassification();
}
