import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DemoResult, runDemo } from './demo.js';

const rootScripts: Record<string, string> = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).scripts;

describe('the demo (`npm run demo`): the lecture end to end', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'demo-'));
  const lines: string[] = [];
  let result: DemoResult;
  let text: string;
  beforeAll(async () => {
    // A few epochs of the diabetes training keep the smoke test fast; the rest runs in full.
    result = await runDemo({ log: (l) => lines.push(l), outDir, epochs: 3, progress: false });
    text = lines.join('\n');
  });

  it('prints the three sections in order, each citing its slides', () => {
    const at = [
      text.indexOf(
        "1. The slides' gradient formulas are what autodiff computes (p. 5, 10, 11, 14)",
      ),
      text.indexOf(
        '2. Vanishing gradients: the error fades on its way to the first layers (p. 20)',
      ),
      text.indexOf(
        "3. Training the lecture's network: per-sample SGD on the diabetes data (p. 3–5, 10)",
      ),
    ];
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('shows the k = 1 gradient table: slide formulas = autodiff to 1e-12, central differences to 1e-7', () => {
    expect(result.slide.networks.map((n) => n.k)).toEqual([1]);
    expect(result.slide.maxSlideVsAutodiff).toBeLessThanOrEqual(1e-12);
    expect(result.slide.maxFdVsAutodiff).toBeLessThanOrEqual(1e-7);
    const rows = lines.filter((l) => /^ {2}w⁽[⁰¹]⁾/.test(l));
    expect(rows.filter((l) => l.includes('p. 14'))).toHaveLength(9);
    expect(rows.filter((l) => l.includes('p. 11'))).toHaveLength(4);
  });

  it('shows the gradient vanishing through ten sigmoid layers and not through ten ReLU layers', () => {
    const { depths, stats, svgPath } = result.vanishing;
    expect(depths).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const first = (act: 'sigmoid' | 'relu') => stats[act][9].layers[0].ratio; // layer 1 of k = 10
    expect(first('sigmoid')).toBeLessThan(1e-5);
    expect(first('relu')).toBeGreaterThan(0.1);
    expect(lines.filter((l) => /^ {2}(\d+|y_E \(11\)) +\d+ +\d\.\d\de[+-]\d/.test(l))).toHaveLength(
      11,
    );
    expect(svgPath).toBe(join(outDir, 'vanishing-gradients.svg'));
    const svg = readFileSync(svgPath as string, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it('trains on the diabetes data and reports test r², RMSE and MAE', () => {
    const { regression } = result;
    expect(regression.history.epochs.length).toBeLessThanOrEqual(3);
    expect(regression.nTrain + regression.nTest).toBe(442);
    expect(Number.isFinite(regression.test.r2)).toBe(true);
    expect(regression.test.rmse).toBeGreaterThan(0);
    expect(regression.test.mae).toBeGreaterThan(0);
    expect(text).toMatch(/Test set \(\d+ patients\)/);
    expect(existsSync(regression.files.yy)).toBe(true);
    expect(existsSync(regression.files.loss)).toBe(true);
  });

  it('ends by timing itself and naming the full examples', () => {
    expect(result.seconds).toBeGreaterThan(0);
    expect(lines.at(-4)).toMatch(/^Demo done in \d+\.\d s/);
    // each named command exists, and runs that example
    for (const name of ['slide-gradients', 'vanishing-gradients', 'regression']) {
      expect(text).toContain(`npm run example:${name}`);
      expect(rootScripts[`example:${name}`]).toContain(`examples/src/${name}.ts`);
    }
  });
});
