import { ShapeError, tensor, ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  classificationReport,
  confusionMatrix,
  meanAbsoluteError,
  meanSquaredError,
  precisionRecallF1,
  r2Score,
  rmse,
} from './metrics.js';

// scikit-learn's documentation example for r2_score, mean_squared_error and mean_absolute_error.
const yTrue = [3, -0.5, 2, 7];
const yPred = [2.5, 0, 2, 8];

describe('regression metrics', () => {
  it('compute r², MSE, RMSE and MAE of a small example by hand', () => {
    // ȳ = 2.875; Σ(y − ȳ)² = 0.015625 + 11.390625 + 0.765625 + 17.015625 = 29.1875;
    // Σ(y − ŷ)² = 0.25 + 0.25 + 0 + 1 = 1.5; Σ|y − ŷ| = 0.5 + 0.5 + 0 + 1 = 2.
    expect(r2Score(yTrue, yPred)).toBeCloseTo(1 - 1.5 / 29.1875, 15);
    expect(r2Score(yTrue, yPred)).toBeCloseTo(0.9486081370449679, 15); // sklearn's documented value
    expect(meanSquaredError(yTrue, yPred)).toBe(0.375);
    expect(rmse(yTrue, yPred)).toBe(Math.sqrt(0.375));
    expect(meanAbsoluteError(yTrue, yPred)).toBe(0.5);
  });

  it('give r² = 1 for perfect predictions, 0 for the mean, and below 0 for worse', () => {
    expect(r2Score([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(r2Score([1, 2, 3], [2, 2, 2])).toBe(0);
    expect(r2Score([1, 2, 3], [3, 2, 1])).toBe(-3); // 1 − 8/2
    expect(rmse([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(meanAbsoluteError([1, 2, 3], [1, 2, 3])).toBe(0);
  });

  it('define r² of a constant target: 1 if the predictions are perfect, else 0 (as sklearn)', () => {
    expect(r2Score([2, 2, 2], [2, 2, 2])).toBe(1);
    expect(r2Score([2, 2, 2], [1, 2, 3])).toBe(0);
    // The mean of three 0.1s is not exactly 0.1; the convention still holds.
    expect(r2Score([0.1, 0.1, 0.1], [0.1, 0.1, 0.1])).toBe(1);
    expect(r2Score([0.1, 0.1, 0.1], [0.1, 0.1, 0.2])).toBe(0);
    expect(r2Score([5], [5])).toBe(1);
  });

  it('take tensors, and mix [n] with [n, 1] (a target against a network output)', () => {
    const out = tensor(yPred.map((v) => [v]));
    expect(out.shape).toEqual([4, 1]);
    expect(r2Score(tensor(yTrue), out)).toBeCloseTo(0.9486081370449679, 15);
    expect(meanAbsoluteError(yTrue, out)).toBe(0.5);
    expect(rmse(tensor(yTrue, { dtype: 'float32' }), yPred)).toBe(Math.sqrt(0.375));
  });

  it('refuse length mismatches, other shapes, no samples and non-finite values', () => {
    expect(() => r2Score([1, 2, 3], [1, 2])).toThrow(ShapeError);
    expect(() => r2Score([1, 2, 3], [1, 2])).toThrow(
      'r2Score: yTrue has 3 samples but yPred has 2; they must match',
    );
    expect(() => rmse([[1, 2]], [1])).toThrow(
      'rmse: yTrue has shape [1, 2]; expected one value per sample, shape [n] or [n, 1]',
    );
    expect(() => meanAbsoluteError([], [])).toThrow(
      'meanAbsoluteError: needs at least one sample, got none',
    );
    expect(() => meanSquaredError([1, 2], [1, Number.NaN])).toThrow(ValueError);
    expect(() => meanSquaredError([1, 2], [1, Number.NaN])).toThrow(
      'meanSquaredError: yPred[1] is NaN; expected a finite number',
    );
  });
});

describe('classification metrics', () => {
  it('compute accuracy', () => {
    expect(accuracy([0, 1, 2, 2], [0, 2, 2, 2])).toBe(0.75);
    expect(accuracy(tensor([1, 1]), tensor([[1], [1]]))).toBe(1);
    expect(accuracy([0, 1], [1, 0])).toBe(0);
  });

  it('count a confusion matrix by hand: rows true, columns predicted', () => {
    // scikit-learn's documentation example for confusion_matrix.
    const t = [2, 0, 2, 2, 0, 1];
    const p = [0, 0, 2, 2, 0, 2];
    expect(confusionMatrix(t, p)).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
    expect(confusionMatrix([0, 0], [0, 1], 3)).toEqual([
      [1, 1, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('compute per-class precision, recall, F1 and their averages', () => {
    // y = [0, 1, 2, 2, 2], ŷ = [0, 0, 2, 2, 1]. Class 0: tp 1, predicted 2, present 1; class 1:
    // tp 0; class 2: tp 2, predicted 2, present 3. F1 = 2tp / (predicted + present).
    const s = precisionRecallF1([0, 1, 2, 2, 2], [0, 0, 2, 2, 1]);
    expect(s.precision).toEqual([0.5, 0, 1]);
    expect(s.recall).toEqual([1, 0, 2 / 3]);
    expect(s.f1).toEqual([2 / 3, 0, 4 / 5]);
    expect(s.support).toEqual([1, 1, 3]);
    expect(s.accuracy).toBe(0.6);
    expect(s.macro.precision).toBeCloseTo(0.5, 15);
    expect(s.macro.recall).toBeCloseTo(5 / 9, 15);
    expect(s.macro.f1).toBeCloseTo((2 / 3 + 0.8) / 3, 15);
    expect(s.weighted.precision).toBeCloseTo(0.7, 15); // (0.5·1 + 0·1 + 1·3) / 5
    expect(s.weighted.recall).toBeCloseTo(0.6, 15);
    expect(s.weighted.f1).toBeCloseTo((2 / 3 + 2.4) / 5, 15);
  });

  it('count 0/0 as 0 (zero_division = 0): a class never predicted, a class never present', () => {
    // scikit-learn's precision_recall_fscore_support example: cat 0, dog 1, pig 2.
    const s = precisionRecallF1([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1]);
    expect(s.precision).toEqual([2 / 3, 0, 0]);
    expect(s.recall).toEqual([1, 0, 0]);
    expect(s.macro.precision).toBeCloseTo(2 / 9, 15); // sklearn: 0.22…
    expect(s.macro.recall).toBeCloseTo(1 / 3, 15); // 0.33…
    expect(s.macro.f1).toBeCloseTo(0.8 / 3, 15); // 0.26…
    // Class 2 never predicted (precision 0/0) and never present (recall 0/0), with numClasses 3.
    const absent = precisionRecallF1([0, 1], [0, 1], 3);
    expect(absent.precision).toEqual([1, 1, 0]);
    expect(absent.recall).toEqual([1, 1, 0]);
    expect(absent.f1).toEqual([1, 1, 0]);
    expect(absent.support).toEqual([1, 1, 0]);
    expect(absent.macro.f1).toBeCloseTo(2 / 3, 15);
    expect(absent.weighted.f1).toBe(1);
  });

  it('refuse mismatched lengths, labels that are not class labels, and scores', () => {
    expect(() => accuracy([0, 1], [0])).toThrow(
      'accuracy: yTrue has 2 samples but yPred has 1; they must match',
    );
    expect(() => accuracy([0, 1.5], [0, 1])).toThrow(
      'accuracy: yTrue[1] is 1.5; class labels must be integers ≥ 0',
    );
    expect(() => confusionMatrix([0, -1], [0, 1])).toThrow(/yTrue\[1\] is -1/);
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(
      'confusionMatrix: label 3 is out of range for 3 classes (0 … 2)',
    );
    expect(() => confusionMatrix([0], [0], 0)).toThrow(/numClasses must be an integer ≥ 1/);
    expect(() =>
      accuracy(
        [0, 1],
        [
          [0.9, 0.1],
          [0.2, 0.8],
        ],
      ),
    ).toThrow(/yPred has shape \[2, 2\].*take argmax\(scores\) first/);
    expect(() => precisionRecallF1([], [])).toThrow(/needs at least one sample/);
  });
});

describe('classificationReport', () => {
  it('prints scikit-learn’s documented report character for character', () => {
    const report = classificationReport([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], {
      classNames: ['class 0', 'class 1', 'class 2'],
    });
    expect(report).toBe(
      [
        '              precision    recall  f1-score   support',
        '',
        '     class 0       0.50      1.00      0.67         1',
        '     class 1       0.00      0.00      0.00         1',
        '     class 2       1.00      0.67      0.80         3',
        '',
        '    accuracy                           0.60         5',
        '   macro avg       0.50      0.56      0.49         5',
        'weighted avg       0.70      0.60      0.61         5',
        '',
      ].join('\n'),
    );
  });

  it('names rows by label without class names, widens for long names, and rounds ties to even', () => {
    // Precision of class 0 and the accuracy are 1/8 = 0.125 exactly: Python prints 0.12
    // (half to even), where JS's toFixed would give 0.13.
    const report = classificationReport([0, 1, 1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0, 0, 0], {
      digits: 3,
    });
    expect(report.split('\n')[2]).toBe('           0      0.125     1.000     0.222         1');
    const two = classificationReport([0, 1, 1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0, 0, 0]);
    expect(two.split('\n')[2]).toBe('           0       0.12      1.00      0.22         1');
    expect(two.split('\n')[5]).toBe('    accuracy                           0.12         8');
    expect(two.split('\n')[6]).toBe('   macro avg       0.06      0.50      0.11         8');
    expect(two.split('\n')[7]).toBe('weighted avg       0.02      0.12      0.03         8');
    const long = classificationReport([0, 1], [0, 1], { classNames: ['a very long class', 'b'] });
    expect(long.split('\n')[2]).toBe('a very long class       1.00      1.00      1.00         1');
  });

  it('checks its options', () => {
    expect(() => classificationReport([0, 1], [0, 1], { classNames: ['a'] })).toThrow(
      /label 1 is out of range for 1 classes/,
    );
    expect(() =>
      classificationReport([0, 1], [0, 1], { classNames: ['a', 'b'], numClasses: 3 }),
    ).toThrow('classificationReport: 2 class names for 3 classes; give one per class');
    expect(() => classificationReport([0], [0], { digits: -1 })).toThrow(
      /digits must be an integer/,
    );
  });
});
