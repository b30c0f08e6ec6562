// The plots read back from their SVG text: marks counted, titles, ticks and legend positions parsed.
import { describe, expect, it } from 'vitest';
import { confusionMatrixPlot, linePlot, lossCurves, yyPlot } from './plots.js';

/** The attribute-free text of every <text> in the group of `role` (e.g. 'role-axis-label'). */
function texts(svg: string, role: string): string[] {
  return svg
    .split(`class="mark-text ${role}`)
    .slice(1)
    .flatMap((group) => {
      const body = group.slice(0, group.indexOf('</g>'));
      return [...body.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    });
}

/** The tick labels of the axis whose aria-label starts with `name` ('X-axis' or 'Y-axis'). */
function tickLabels(svg: string, name: 'X-axis' | 'Y-axis'): string[] {
  const group = svg.split('aria-label="').find((g) => g.startsWith(`${name} `));
  if (group === undefined) throw new Error(`no ${name} in the SVG`);
  return texts(group, 'role-axis-label');
}

/** The plot area's size, from the frame's background rectangle (`M0.5,0.5h480v300h-480Z`). */
function plotArea(svg: string): { width: number; height: number } {
  const m = svg.match(/role-frame root.*?d="M0\.5,0\.5h([\d.]+)v([\d.]+)h/);
  if (!m) throw new Error('no plot frame in the SVG');
  return { width: Number(m[1]), height: Number(m[2]) };
}

const isPowerOfTen = (label: string) => {
  const e = Math.log10(Number(label));
  return Number.isInteger(Math.round(e)) && Math.abs(e - Math.round(e)) < 1e-12;
};

const count = (svg: string, what: string) => svg.split(`aria-roledescription="${what}"`).length - 1;

describe('yyPlot', () => {
  const measured = [3, 5, 2.5, 7, 4.2, 6.1];
  const predicted = [2.8, 5.4, 3.1, 6.2, 4, 6.6];

  it('draws every point and the diagonal y = x from corner to corner', async () => {
    const svg = await yyPlot({ measured, predicted, size: 300 });
    expect(count(svg, 'point')).toBe(6);
    // both axes share one domain, so y = x is the square's diagonal: (0, 300) to (300, 0)
    expect(svg).toMatch(/aria-roledescription="line mark" d="M0,300L300,0"[^>]*stroke-dasharray/);
  });

  it('puts the r² of measured vs predicted in the title', async () => {
    const svg = await yyPlot({ measured, predicted, title: 'Test set' });
    const [title] = texts(svg, 'role-title-text');
    const mean = measured.reduce((a, b) => a + b) / measured.length;
    const ssRes = measured.reduce((s, m, i) => s + (m - predicted[i]) ** 2, 0);
    const ssTot = measured.reduce((s, m) => s + (m - mean) ** 2, 0);
    expect(title).toBe(`Test set: r² = ${(1 - ssRes / ssTot).toFixed(3)}`);
  });

  it('draws further sets under the scored one, without counting them in r²', async () => {
    const svg = await yyPlot({
      measured,
      predicted,
      name: 'test',
      others: [{ name: 'train', measured: [1, 2, 3], predicted: [9, 9, 9] }],
    });
    expect(count(svg, 'point')).toBe(9);
    expect(texts(svg, 'role-legend-label')).toEqual(['train', 'test']);
    const alone = await yyPlot({ measured, predicted });
    expect(texts(svg, 'role-title-text')).toEqual(texts(alone, 'role-title-text'));
  });

  it('renders the same text twice (no random ids)', async () => {
    expect(await yyPlot({ measured, predicted })).toBe(await yyPlot({ measured, predicted }));
  });

  it('says which values are wrong', () => {
    expect(() => yyPlot({ measured: [1, 2], predicted: [1] })).toThrow(
      'measured and predicted must be non-empty and of one length, got 2 and 1',
    );
    expect(() => yyPlot({ measured: [1, Number.NaN], predicted: [1, 2] })).toThrow(
      'measured[1] is NaN',
    );
  });
});

describe('linePlot', () => {
  // The shape of the vanishing-gradients plot: ratios over 11 layers, from 3e-7 up to 1.
  const x = Array.from({ length: 11 }, (_, i) => i + 1);
  const series = [
    { name: 'sigmoid', x, y: x.map((j) => 0.22 ** (11 - j)) },
    { name: 'ReLU', x, y: x.map((j) => 0.9 ** (11 - j)) },
    { name: 'a long legend entry, 0.25^d (p. 20)', x, y: x.map((j) => 0.25 ** (11 - j)) },
  ];

  it('ticks a log axis at powers of ten only, and a layer axis at whole numbers', async () => {
    const svg = await linePlot({ series, logY: true, integerX: true, xTitle: 'layer' });
    const y = tickLabels(svg, 'Y-axis');
    expect(y.length).toBeGreaterThanOrEqual(4);
    for (const label of y) expect(isPowerOfTen(label), label).toBe(true);
    for (const label of tickLabels(svg, 'X-axis')) expect(label).toMatch(/^\d+$/);
    expect(count(svg, 'line mark')).toBe(3);
  });

  it('puts the legend to the right of the plotted area, not over the lines', async () => {
    const svg = await linePlot({ series, logY: true, width: 400, height: 250 });
    expect(plotArea(svg)).toEqual({ width: 400, height: 250 });
    const legendX = Number(svg.match(/role-legend".*?<g transform="translate\(([\d.]+),/)?.[1]);
    expect(legendX).toBeGreaterThan(400);
    expect(texts(svg, 'role-legend-label')).toEqual(series.map((s) => s.name));
  });

  it('leaves out points a log axis cannot show', async () => {
    const svg = await linePlot({
      series: [{ name: 'loss', x: [1, 2, 3, 4], y: [1, 0, Number.NaN, 0.01] }],
      logY: true,
    });
    const path = svg.match(/aria-roledescription="line mark" d="([^"]*)"/)?.[1] ?? '';
    expect(path.split('L')).toHaveLength(2); // (1, 1) and (4, 0.01)
    expect(tickLabels(svg, 'Y-axis')).toEqual(['0.01', '0.1', '1']);
  });
});

describe('lossCurves', () => {
  const history = (loss: (e: number) => number, withValidation = true) => ({
    epochs: Array.from({ length: 30 }, (_, i) => ({
      epoch: i + 1,
      loss: loss(i),
      ...(withValidation ? { valLoss: 1.1 * loss(i) } : {}),
    })),
  });

  it('draws training and validation loss, on a log scale when they span decades', async () => {
    const svg = await lossCurves(history((i) => 0.7 ** i));
    expect(count(svg, 'line mark')).toBe(2);
    expect(texts(svg, 'role-legend-label')).toEqual(['training', 'validation']);
    expect(svg).toContain('for a log scale');
    for (const label of tickLabels(svg, 'Y-axis')) expect(isPowerOfTen(label), label).toBe(true);
    for (const label of tickLabels(svg, 'X-axis')) expect(label).toMatch(/^\d+$/);
  });

  it('keeps a linear scale for losses within a decade, and one line without validation', async () => {
    const svg = await lossCurves(history((i) => 1 - i / 60, false));
    expect(count(svg, 'line mark')).toBe(1);
    expect(svg).toMatch(/Y-axis titled 'loss' for a linear scale/);
  });
});

describe('confusionMatrixPlot', () => {
  const labels = ['setosa', 'versicolor', 'virginica'];
  const matrix = [
    [12, 1, 0],
    [2, 9, 3],
    [0, 4, 11],
  ];

  it('labels each cell with its count, true class down and predicted class across', async () => {
    const cell = 40;
    const svg = await confusionMatrixPlot({ matrix, labels, cellSize: cell });
    const marks = [
      ...svg.matchAll(
        /aria-roledescription="text mark"[^>]*transform="translate\(([\d.]+),([\d.]+)\)"[^>]*>(\d+)</g,
      ),
    ];
    expect(marks).toHaveLength(9);
    for (const [, x, y, text] of marks) {
      const j = Math.floor(Number(x) / cell);
      const i = Math.floor(Number(y) / cell);
      expect(Number(x)).toBe((j + 0.5) * cell); // centred in its column
      expect(Number(text)).toBe(matrix[i][j]);
    }
    expect(tickLabels(svg, 'X-axis')).toEqual(labels);
    expect(tickLabels(svg, 'Y-axis')).toEqual(labels);
  });

  it('says what shape it expected', () => {
    expect(() => confusionMatrixPlot({ matrix: [[1, 2]], labels: ['a', 'b'] })).toThrow(
      'expected a 2 × 2 matrix',
    );
  });
});
