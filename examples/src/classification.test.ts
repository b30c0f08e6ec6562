import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClassification } from './classification.js';

describe('the iris and wine classification example (a few epochs)', async () => {
  const lines: string[] = [];
  const outDir = mkdtempSync(join(tmpdir(), 'classification-'));
  const results = await runClassification({ log: (l) => lines.push(l), epochs: 30, outDir });

  it('classifies both data sets', () => {
    expect(results.map((r) => r.dataset)).toEqual(['iris', 'wine']);
    expect(results[0]?.classes).toEqual(['setosa', 'versicolor', 'virginica']);
  });

  it.each(results.map((r) => [r.dataset, r] as const))(
    '%s: holds out a stratified 30%%',
    (_, r) => {
      const support = r.confusion.map((row) => row.reduce((a, b) => a + b, 0));
      expect(support.reduce((a, b) => a + b, 0)).toBe(r.nTest);
      const expected = r.dataset === 'iris' ? [15, 15, 15] : [18, 21, 15]; // ⌈0.3 n⌉ in class shares
      expect(support).toEqual(expected);
      expect(r.nTrain + r.nTest).toBe(r.dataset === 'iris' ? 150 : 178);
    },
  );

  it.each(results.map((r) => [r.dataset, r] as const))(
    '%s: learns (lower cross-entropy, accuracy far above chance)',
    (_, r) => {
      expect(r.testLossAfter).toBeLessThan(r.testLossBefore / 3);
      const epochs = r.history.epochs;
      expect(epochs.at(-1)?.loss).toBeLessThan(epochs[0]?.loss as number);
      expect(r.accuracy).toBeGreaterThan(0.85);
      expect(r.accuracy).toBeGreaterThan(r.majorityBaseline + 0.4);
      const hits = r.confusion.reduce((s, row, i) => s + (row[i] as number), 0);
      expect(hits / r.nTest).toBeCloseTo(r.accuracy, 12);
    },
  );

  it.each(results.map((r) => [r.dataset, r] as const))(
    '%s: draws the confusion matrix with one cell per pair of classes, carrying its count',
    (_, r) => {
      expect(r.confusionPlot).toBe(join(outDir, `${r.dataset}-confusion.svg`));
      const svg = readFileSync(r.confusionPlot, 'utf8');
      const cells = [
        ...svg.matchAll(
          /aria-label="predicted: ([^;]+); true class: ([^;]+); count: (\d+)"[^>]*aria-roledescription="text mark"[^>]*>(\d+)</g,
        ),
      ];
      expect(cells).toHaveLength(r.classes.length ** 2);
      for (const [, predicted, actual, , text] of cells) {
        const [i, j] = [
          r.classes.indexOf(actual as string),
          r.classes.indexOf(predicted as string),
        ];
        expect(Number(text)).toBe(r.confusion[i]?.[j]);
      }
    },
  );

  it('prints the confusion matrices and classification reports', () => {
    const text = lines.join('\n');
    expect(text).toContain('crossEntropy(a, 2) = 1600');
    expect(text).toContain('−log(softmax(a)[2]) = Infinity');
    expect(text.match(/confusion matrix/g)).toHaveLength(2);
    expect(text).toMatch(/precision\s+recall\s+f1-score\s+support/);
    expect(text).toContain('virginica');
    expect(text).toContain('class_2');
  });
});
