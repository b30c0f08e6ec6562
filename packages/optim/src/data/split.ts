// Seeded shuffles, train/test splits (optionally stratified) and k-fold cross-validation. All draw
// from core's Generator, so the same seed gives the same split on every machine.
import { checkOptions, Generator, type Tensor, type TensorLike, ValueError } from '@backprop/core';
import { asTensor, checkSameLength, takeRows } from './input.js';

/** Where the randomness comes from: a seed (default 0, so runs repeat), or a generator to draw from. */
export interface SeedOptions {
  /** Draw from a fresh generator with this seed (default 0). */
  seed?: number;
  /** Or draw from this generator (it advances); it wins over `seed`. */
  generator?: Generator;
}

/** The seed options alone, for passing a split's options on to shuffleIndices. */
function seedOf(options: SeedOptions): SeedOptions {
  return { seed: options.seed, generator: options.generator };
}

function generatorOf(options: SeedOptions): Generator {
  return options.generator ?? new Generator(options.seed ?? 0);
}

/**
 * A random permutation of 0 … n − 1 (Fisher–Yates), the same for the same seed.
 * @example
 * // a permutation of [0, 1, 2, 3, 4]
 * console.log(shuffleIndices(5, 42)); // → [ 1, 2, 4, 0, 3 ]
 */
export function shuffleIndices(n: number, options: number | SeedOptions = {}): number[] {
  if (!Number.isInteger(n) || n < 0) {
    throw new ValueError(`shuffleIndices: n must be an integer ≥ 0, got ${n}`);
  }
  if (typeof options !== 'number') checkOptions('shuffleIndices', options, ['seed', 'generator']);
  const gen = generatorOf(typeof options === 'number' ? { seed: options } : options);
  const p = Array.from({ length: n }, (_, i) => i);
  shuffleInPlace(p, gen);
  return p;
}

function shuffleInPlace(a: number[], gen: Generator): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = gen.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/** Options of `trainTestSplit`, and where its shuffle's randomness comes from. */
export interface TrainTestSplitOptions extends SeedOptions {
  /**
   * The test set's size: a fraction in (0, 1) of the samples, rounded up (as scikit-learn), or a
   * whole number ≥ 1 of samples (so 1 means one sample, not all). Default 0.25.
   */
  testSize?: number;
  /** Shuffle before splitting (default true); without it the last samples are the test set. */
  shuffle?: boolean;
  /**
   * Keep the class proportions in both parts: `true` stratifies by `y`, or pass the labels to
   * stratify by. Needs shuffle; every class needs at least 2 samples.
   */
  stratify?: boolean | TensorLike;
}

/** What `trainTestSplit` returns: the two parts of x and y, and which rows went where. */
export interface TrainTestSplit {
  /** The training rows of x. */
  xTrain: Tensor;
  /** The test rows of x. */
  xTest: Tensor;
  /** The training rows of y. */
  yTrain: Tensor;
  /** The test rows of y. */
  yTest: Tensor;
  /** The rows of the input that went into each part, in the order they appear there. */
  trainIndices: number[];
  /** The rows of the input in the test set. */
  testIndices: number[];
}

/**
 * Splits samples (rows, axis 0) into a training and a test set.
 * @example
 * const x = tensor([[0], [1], [2], [3], [4], [5], [6], [7], [8], [9]]);
 * const y = tensor([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
 * const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, y, { testSize: 0.2, seed: 1 });
 * console.log(xTrain.shape, xTest.shape, yTrain.shape, yTest.shape); // → [ 8, 1 ] [ 2, 1 ] [ 8 ] [ 2 ]
 * // stratified, each class keeps its share in both parts: one of the two 1s is in the test set
 * console.log(trainTestSplit(x, y, { testSize: 0.5, stratify: true }).yTest.toArray()); // → [ 0, 0, 0, 1, 0 ]
 */
export function trainTestSplit(
  x: TensorLike,
  y: TensorLike,
  options: TrainTestSplitOptions = {},
): TrainTestSplit {
  const fn = 'trainTestSplit';
  checkOptions(fn, options, ['testSize', 'shuffle', 'stratify', 'seed', 'generator']);
  const xt = asTensor(x);
  const yt = asTensor(y);
  if (xt.ndim === 0 || yt.ndim === 0) {
    throw new ValueError(`${fn}: x and y need a sample axis (axis 0); got a scalar`);
  }
  const n = xt.shape[0];
  checkSameLength(fn, 'x', n, 'y', yt.shape[0]);
  const nTest = testCount(fn, options.testSize ?? 0.25, n);
  const nTrain = n - nTest;
  const shuffle = options.shuffle ?? true;

  let trainIndices: number[];
  let testIndices: number[];
  if (options.stratify !== undefined && options.stratify !== false) {
    if (!shuffle) {
      throw new ValueError(
        `${fn}: stratify needs shuffle; a stratified split without shuffling is not defined`,
      );
    }
    const labels = options.stratify === true ? yt : asTensor(options.stratify);
    if (!(labels.ndim === 1 || (labels.ndim === 2 && labels.shape[1] === 1))) {
      throw new ValueError(`${fn}: stratify labels must be one per sample, shape [n] or [n, 1]`);
    }
    checkSameLength(fn, 'x', n, 'stratify labels', labels.size);
    ({ trainIndices, testIndices } = stratifiedSplit(fn, labels.data, nTest, generatorOf(options)));
  } else {
    const order = shuffle
      ? shuffleIndices(n, seedOf(options))
      : Array.from({ length: n }, (_, i) => i);
    trainIndices = order.slice(0, nTrain);
    testIndices = order.slice(nTrain);
  }
  return {
    xTrain: takeRows(xt, trainIndices),
    xTest: takeRows(xt, testIndices),
    yTrain: takeRows(yt, trainIndices),
    yTest: takeRows(yt, testIndices),
    trainIndices,
    testIndices,
  };
}

function testCount(fn: string, testSize: number, n: number): number {
  let nTest: number;
  // The tolerance keeps 0.7 · 10 = 7.000000000000001 at 7 test samples (scikit-learn takes 8).
  if (testSize > 0 && testSize < 1) nTest = Math.ceil(testSize * n - 1e-9);
  else if (Number.isInteger(testSize) && testSize >= 1) nTest = testSize;
  else {
    throw new ValueError(
      `${fn}: testSize must be a fraction in (0, 1) or a whole number of samples ≥ 1, got ${testSize}`,
    );
  }
  if (nTest >= n) {
    throw new ValueError(
      `${fn}: testSize ${testSize} of ${n} samples leaves ${n - nTest} for training; need at least 1`,
    );
  }
  return nTest;
}

/**
 * Each class gives the test set its share of `nTest`, rounded by largest remainder (ties: the
 * larger class, then the smaller label), so the test counts per class sum to `nTest` and each is
 * within 1 of the exact proportion.
 */
function stratifiedSplit(
  fn: string,
  labels: ArrayLike<number>,
  nTest: number,
  gen: Generator,
): { trainIndices: number[]; testIndices: number[] } {
  const n = labels.length;
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (Number.isNaN(c)) throw new ValueError(`${fn}: stratify label ${i} is NaN`);
    const members = byClass.get(c);
    if (members) members.push(i);
    else byClass.set(c, [i]);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  for (const c of classes) {
    const count = (byClass.get(c) as number[]).length;
    if (count < 2) {
      throw new ValueError(
        `${fn}: class ${c} has only ${count} sample; stratifying needs at least 2 per class`,
      );
    }
  }
  if (nTest < classes.length || n - nTest < classes.length) {
    throw new ValueError(
      `${fn}: a stratified split of ${classes.length} classes needs at least ${classes.length} samples in each part; got ${n - nTest} train, ${nTest} test`,
    );
  }
  const quota = classes.map((c) => (nTest * (byClass.get(c) as number[]).length) / n);
  const take = quota.map(Math.floor);
  const byRemainder = classes
    .map((c, k) => ({
      k,
      rest: quota[k] - take[k],
      size: (byClass.get(c) as number[]).length,
    }))
    .sort((a, b) => b.rest - a.rest || b.size - a.size || a.k - b.k);
  let left = nTest - take.reduce((a, b) => a + b, 0);
  for (const { k } of byRemainder) {
    if (left === 0) break;
    take[k] = take[k] + 1;
    left--;
  }
  const trainIndices: number[] = [];
  const testIndices: number[] = [];
  classes.forEach((c, k) => {
    const members = byClass.get(c) as number[];
    shuffleInPlace(members, gen);
    testIndices.push(...members.slice(0, take[k]));
    trainIndices.push(...members.slice(take[k]));
  });
  // Mix the classes, so that minibatches taken in order are not one class after another.
  shuffleInPlace(trainIndices, gen);
  shuffleInPlace(testIndices, gen);
  return { trainIndices, testIndices };
}

/** Options of `kFold`, and where its shuffle's randomness comes from. */
export interface KFoldOptions extends SeedOptions {
  /** The number of folds, 2 … n (default 5). */
  k?: number;
  /**
   * Shuffle before cutting folds (default true, unlike scikit-learn's KFold: data files are often
   * sorted by class, as iris is, and unshuffled folds would then each miss classes).
   */
  shuffle?: boolean;
}

/** One fold of `kFold`: the rows to train on and the rows to validate on. */
export interface Fold {
  /** 0 … k − 1. */
  fold: number;
  /** Sorted ascending. */
  trainIndices: number[];
  /** Sorted ascending. */
  testIndices: number[];
}

/**
 * k-fold cross-validation: splits 0 … n − 1 into k test folds of sizes differing by at most 1
 * (the first n mod k folds have one more), so every sample is in exactly one test fold; each
 * fold's training set is all the other samples.
 * @example
 * const x = tensor([[0], [1], [2], [3], [4], [5], [6], [7], [8], [9]]);
 * const sizes: string[] = [];
 * for (const { trainIndices, testIndices } of kFold(x.shape[0], { k: 3, seed: 0 })) {
 *   const xTrain = x.gather(trainIndices), xTest = x.gather(testIndices); // train, test …
 *   sizes.push(`${xTrain.shape[0]} + ${xTest.shape[0]}`);
 * }
 * console.log(sizes.join(', ')); // → 6 + 4, 7 + 3, 7 + 3
 */
export function kFold(n: number, options: KFoldOptions = {}): Fold[] {
  checkOptions('kFold', options, ['k', 'shuffle', 'seed', 'generator']);
  const k = options.k ?? 5;
  if (!Number.isInteger(n) || n < 2)
    throw new ValueError(`kFold: n must be an integer ≥ 2, got ${n}`);
  if (!Number.isInteger(k) || k < 2 || k > n) {
    throw new ValueError(`kFold: k must be an integer from 2 to n = ${n}, got ${k}`);
  }
  const order =
    (options.shuffle ?? true)
      ? shuffleIndices(n, seedOf(options))
      : Array.from({ length: n }, (_, i) => i);
  const foldOf = new Int32Array(n);
  let start = 0;
  for (let fold = 0; fold < k; fold++) {
    const size = Math.floor(n / k) + (fold < n % k ? 1 : 0);
    for (let i = start; i < start + size; i++) foldOf[order[i]] = fold;
    start += size;
  }
  return Array.from({ length: k }, (_, fold) => {
    const trainIndices: number[] = [];
    const testIndices: number[] = [];
    for (let i = 0; i < n; i++) (foldOf[i] === fold ? testIndices : trainIndices).push(i);
    return { fold, trainIndices, testIndices };
  });
}
