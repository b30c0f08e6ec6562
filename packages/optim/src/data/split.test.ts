import { Generator, ShapeError, tensor, ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { kFold, shuffleIndices, trainTestSplit } from './split.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const sorted = (a: readonly number[]) => [...a].sort((p, q) => p - q);

describe('shuffleIndices', () => {
  it('gives a permutation, the same for the same seed and another for another seed', () => {
    const a = shuffleIndices(100, 42);
    expect(sorted(a)).toEqual(range(100));
    expect(shuffleIndices(100, { seed: 42 })).toEqual(a);
    expect(shuffleIndices(100, 43)).not.toEqual(a);
    expect(a).not.toEqual(range(100));
    expect(shuffleIndices(100)).toEqual(shuffleIndices(100, 0)); // default seed 0: runs repeat
    expect(shuffleIndices(0)).toEqual([]);
    expect(shuffleIndices(1, 5)).toEqual([0]);
  });

  it('is pinned to core’s Generator: Fisher–Yates drawing gen.int(i + 1) from the end', () => {
    // Written out independently from the documented algorithm, so a change of either shows here.
    const gen = new Generator(7);
    const p = range(10);
    for (let i = 9; i > 0; i--) {
      const j = gen.int(i + 1);
      [p[i], p[j]] = [p[j] as number, p[i] as number];
    }
    expect(shuffleIndices(10, 7)).toEqual(p);
  });

  it('draws from a generator passed in, advancing it', () => {
    const gen = new Generator(1);
    const first = shuffleIndices(20, { generator: gen });
    const second = shuffleIndices(20, { generator: gen });
    expect(first).toEqual(shuffleIndices(20, 1));
    expect(second).not.toEqual(first);
  });

  it('refuses a bad n', () => {
    expect(() => shuffleIndices(-1)).toThrow('shuffleIndices: n must be an integer ≥ 0, got -1');
    expect(() => shuffleIndices(2.5)).toThrow(ValueError);
  });
});

describe('trainTestSplit', () => {
  const n = 20;
  const x = tensor(range(n).map((i) => [i, 100 + i]));
  const y = tensor(range(n).map((i) => 1000 + i));

  it('splits rows into disjoint parts that cover every sample, rows kept together', () => {
    const s = trainTestSplit(x, y, { seed: 3 });
    expect(s.testIndices.length).toBe(5); // ceil(0.25 · 20)
    expect(s.trainIndices.length).toBe(15);
    expect(sorted([...s.trainIndices, ...s.testIndices])).toEqual(range(n));
    expect(s.xTrain.shape).toEqual([15, 2]);
    expect(s.xTest.shape).toEqual([5, 2]);
    expect(s.yTrain.shape).toEqual([15]);
    expect(s.yTest.shape).toEqual([5]);
    s.testIndices.forEach((row, r) => {
      expect(s.xTest.data[r * 2]).toBe(row);
      expect(s.xTest.data[r * 2 + 1]).toBe(100 + row);
      expect(s.yTest.data[r]).toBe(1000 + row);
    });
    s.trainIndices.forEach((row, r) => {
      expect(s.yTrain.data[r]).toBe(1000 + row);
    });
  });

  it('repeats for the same seed and differs for another', () => {
    const a = trainTestSplit(x, y, { seed: 11 });
    const b = trainTestSplit(x, y, { seed: 11 });
    expect(b.testIndices).toEqual(a.testIndices);
    expect(Array.from(b.xTrain.data)).toEqual(Array.from(a.xTrain.data));
    expect(trainTestSplit(x, y, { seed: 12 }).testIndices).not.toEqual(a.testIndices);
    // The shuffle is shuffleIndices with the same seed: the test set is its tail.
    expect(a.testIndices).toEqual(shuffleIndices(n, 11).slice(15));
  });

  it('sizes the test set by a fraction (rounded up) or a count', () => {
    expect(trainTestSplit(x, y, { testSize: 0.33 }).testIndices.length).toBe(7); // ceil(6.6)
    expect(trainTestSplit(x, y, { testSize: 0.5 }).testIndices.length).toBe(10);
    expect(trainTestSplit(x, y, { testSize: 3 }).testIndices.length).toBe(3);
    expect(trainTestSplit(x, y, { testSize: 1 }).testIndices.length).toBe(1);
    // 0.7 · 10 is 7.000000000000001 in floating point; the test set is still 7 samples.
    expect(trainTestSplit(range(10), range(10), { testSize: 0.7 }).testIndices.length).toBe(7);
  });

  it('keeps the order without shuffling: the last samples are the test set', () => {
    const s = trainTestSplit(x, y, { shuffle: false, testSize: 4 });
    expect(s.trainIndices).toEqual(range(16));
    expect(s.testIndices).toEqual([16, 17, 18, 19]);
  });

  it('accepts plain arrays and y of shape [n, 1]', () => {
    const s = trainTestSplit([[1], [2], [3], [4]], [[10], [20], [30], [40]], {
      testSize: 0.5,
      seed: 0,
    });
    expect(s.yTest.shape).toEqual([2, 1]);
    s.testIndices.forEach((row, r) => {
      expect(s.yTest.data[r]).toBe(10 * (row + 1));
    });
  });

  it('keeps class proportions when stratified', () => {
    // 60 / 30 / 10 samples of classes 0 / 1 / 2, sorted by class as data files often are.
    const labels = [...Array(60).fill(0), ...Array(30).fill(1), ...Array(10).fill(2)];
    const xs = tensor(labels.map((c, i) => [i, c]));
    const s = trainTestSplit(xs, labels, { testSize: 0.2, seed: 5, stratify: true });
    const count = (idx: number[], c: number) => idx.filter((i) => labels[i] === c).length;
    expect([0, 1, 2].map((c) => count(s.testIndices, c))).toEqual([12, 6, 2]);
    expect([0, 1, 2].map((c) => count(s.trainIndices, c))).toEqual([48, 24, 8]);
    expect(sorted([...s.trainIndices, ...s.testIndices])).toEqual(range(100));

    // 25 test samples: exact shares 15, 7.5, 2.5; each class gets its share rounded down or up.
    const t = trainTestSplit(xs, labels, { testSize: 25, seed: 5, stratify: true });
    const got = [0, 1, 2].map((c) => count(t.testIndices, c));
    // The tie of remainders (0.5 each) goes to the larger class, as documented.
    expect(got).toEqual([15, 8, 2]);
  });

  it('mixes the classes within each part and repeats for the same seed', () => {
    const labels = [...Array(50).fill(0), ...Array(50).fill(1)];
    const s = trainTestSplit(tensor(labels.map((c) => [c])), labels, { seed: 2, stratify: true });
    const firstTen = s.trainIndices.slice(0, 10).map((i) => labels[i]);
    expect(new Set(firstTen).size).toBe(2);
    const again = trainTestSplit(tensor(labels.map((c) => [c])), labels, {
      seed: 2,
      stratify: true,
    });
    expect(again.trainIndices).toEqual(s.trainIndices);
  });

  it('stratifies by other labels than y when given', () => {
    const groups = range(n).map((i) => (i < 10 ? 0 : 1));
    const s = trainTestSplit(x, y, { testSize: 0.2, stratify: groups, seed: 1 });
    expect(s.testIndices.filter((i) => i < 10).length).toBe(2);
    expect(s.testIndices.filter((i) => i >= 10).length).toBe(2);
  });

  it('explains bad input', () => {
    expect(() => trainTestSplit(x, [1, 2, 3])).toThrow(ShapeError);
    expect(() => trainTestSplit(x, [1, 2, 3])).toThrow(
      'trainTestSplit: x has 20 samples but y has 3; they must match',
    );
    for (const testSize of [0, -0.1, 1.5, 20, Number.NaN]) {
      expect(() => trainTestSplit(x, y, { testSize })).toThrow(ValueError);
    }
    expect(() => trainTestSplit(x, y, { testSize: 1.5 })).toThrow(
      /testSize must be a fraction in \(0, 1\) or a whole number of samples ≥ 1, got 1.5/,
    );
    expect(() => trainTestSplit(x, y, { testSize: 20 })).toThrow(/leaves 0 for training/);
    expect(() => trainTestSplit(x, y, { stratify: true, shuffle: false })).toThrow(
      /stratify needs shuffle/,
    );
    const lonely = range(n).map((i) => (i === 0 ? 9 : i % 2));
    expect(() => trainTestSplit(x, y, { stratify: lonely })).toThrow(
      'trainTestSplit: class 9 has only 1 sample; stratifying needs at least 2 per class',
    );
    const many = range(n).map((i) => i % 10);
    expect(() => trainTestSplit(x, y, { testSize: 5, stratify: many })).toThrow(
      /10 classes needs at least 10 samples in each part; got 15 train, 5 test/,
    );
    expect(() => trainTestSplit(x, y, { stratify: [1, 2] })).toThrow(/stratify labels has 2/);
  });
});

describe('kFold', () => {
  it('puts every sample in exactly one test fold; each train set is the rest', () => {
    const folds = kFold(23, { k: 5, seed: 4 });
    expect(folds.map((f) => f.fold)).toEqual([0, 1, 2, 3, 4]);
    expect(folds.map((f) => f.testIndices.length)).toEqual([5, 5, 5, 4, 4]); // 23 = 3·5 + 2·4
    const seen = new Array<number>(23).fill(0);
    for (const f of folds) {
      for (const i of f.testIndices) seen[i] = (seen[i] as number) + 1;
      expect(sorted([...f.trainIndices, ...f.testIndices])).toEqual(range(23));
      expect(f.trainIndices).toEqual(sorted(f.trainIndices));
      expect(f.testIndices).toEqual(sorted(f.testIndices));
    }
    expect(seen).toEqual(new Array(23).fill(1));
  });

  it('repeats for the same seed, and cuts consecutive blocks without shuffling', () => {
    expect(kFold(30, { k: 3, seed: 9 })).toEqual(kFold(30, { k: 3, seed: 9 }));
    expect(kFold(30, { k: 3, seed: 9 })).not.toEqual(kFold(30, { k: 3, seed: 10 }));
    const plain = kFold(7, { k: 3, shuffle: false });
    expect(plain.map((f) => f.testIndices)).toEqual([
      [0, 1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(plain[1]?.trainIndices).toEqual([0, 1, 2, 5, 6]);
    // Default k = 5; the folds of a shuffled split are shuffleIndices' consecutive blocks.
    const order = shuffleIndices(10, 1);
    expect(kFold(10, { seed: 1 }).map((f) => f.testIndices)).toEqual(
      [0, 2, 4, 6, 8].map((s) => sorted(order.slice(s, s + 2))),
    );
  });

  it('allows k = n (leave one out) and refuses bad k or n', () => {
    expect(kFold(4, { k: 4 }).map((f) => f.testIndices.length)).toEqual([1, 1, 1, 1]);
    expect(() => kFold(4, { k: 5 })).toThrow('kFold: k must be an integer from 2 to n = 4, got 5');
    expect(() => kFold(10, { k: 1 })).toThrow(ValueError);
    expect(() => kFold(10, { k: 2.5 })).toThrow(ValueError);
    expect(() => kFold(1)).toThrow('kFold: n must be an integer ≥ 2, got 1');
  });
});
