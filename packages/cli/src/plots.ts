// Plots as SVG text, from Vega-Lite specs rendered in Node (vega + vega-lite, no canvas or browser).
import { type EpochLog, r2Score } from '@backprop/optim';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** One named line of a {@link linePlot}: `y[i]` at `x[i]`; non-finite points are left out. */
export interface Series {
  /** The legend entry. */
  name: string;
  /** The horizontal positions. */
  x: ArrayLike<number>;
  /** The values, one per `x`. */
  y: ArrayLike<number>;
  /** A CSS colour; by default the next of Vega's tableau10 colours. */
  color?: string;
}

/** What {@link linePlot} draws. */
export interface LinePlotOptions {
  /** The lines, drawn in this order (the last on top) and listed so in the legend. */
  series: readonly Series[];
  /** The title above the plot (none by default). */
  title?: string;
  /** The x axis's title (default 'x'). */
  xTitle?: string;
  /** The y axis's title (default 'y'). */
  yTitle?: string;
  /** Logarithmic x axis, ticked at powers of ten. */
  logX?: boolean;
  /** Logarithmic y axis, ticked at powers of ten (for quantities that shrink geometrically). */
  logY?: boolean;
  /** Ticks at whole numbers only on x (layer numbers, epochs). */
  integerX?: boolean;
  /** The plot area's width in pixels (default 480); the legend sits to its right, outside the data. */
  width?: number;
  /** The plot area's height in pixels (default 300). */
  height?: number;
}

/** Measured against predicted values of one set of rows, for {@link yyPlot}. */
export interface YYSet {
  /** The legend entry, e.g. 'train (331)'. */
  name: string;
  /** The measured targets. */
  measured: ArrayLike<number>;
  /** The predictions for the same rows, in the same order. */
  predicted: ArrayLike<number>;
}

/** What {@link yyPlot} draws. */
export interface YYPlotOptions {
  /** The measured targets of the scored rows (usually the test set). */
  measured: ArrayLike<number>;
  /** The model's predictions for the same rows, in the same order. */
  predicted: ArrayLike<number>;
  /** The legend name of the scored rows (default 'predicted'). */
  name?: string;
  /** The title; the r² of `measured` vs `predicted` is appended to it. */
  title?: string;
  /** Further rows drawn under the scored ones (e.g. the training set), not part of the r². */
  others?: readonly YYSet[];
  /** The x axis's title (default 'measured'). */
  xTitle?: string;
  /** The y axis's title (default 'predicted'). */
  yTitle?: string;
  /** Side of the square plot area in pixels (default 360). */
  size?: number;
}

/** What {@link lossCurves} draws beyond the history. */
export interface LossCurvesOptions {
  /** The title (default 'Loss per epoch'). */
  title?: string;
  /** The y axis's title (default 'loss'). */
  yTitle?: string;
  /** `true`/`false` forces the y scale; by default it is logarithmic when the losses span 100× or more. */
  logY?: boolean;
  /** The plot area's width in pixels (default 480). */
  width?: number;
  /** The plot area's height in pixels (default 300). */
  height?: number;
}

/** What {@link confusionMatrixPlot} draws. */
export interface ConfusionMatrixOptions {
  /** `matrix[i][j]`: how many rows of true class i were predicted as class j. */
  matrix: readonly (readonly number[])[];
  /** The class names, in the matrix's order. */
  labels: readonly string[];
  /** The title (default 'Confusion matrix'). */
  title?: string;
  /** Side of one cell in pixels (default 48). */
  cellSize?: number;
}

/** The SVG text of a Vega-Lite spec, rendered headless (renderer 'none': no canvas, no network). */
export async function renderSpec(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

// Vega's default log ticks include 2…9 of every decade with blank labels; the issue's hand-made
// plot had `1e-6.6`. Ticking at powers of ten only, with the domain widened to whole decades,
// gives at least two labelled ticks and no fractional exponents.
function logAxis(values: readonly number[]) {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) throw new Error('plots: a log axis needs positive values, got none');
  const lo = Math.floor(Math.log10(Math.min(...positive)));
  let hi = Math.ceil(Math.log10(Math.max(...positive)));
  if (hi === lo) hi = lo + 1;
  const step = Math.ceil((hi - lo) / 8); // at most about 9 labels
  const ticks: number[] = [];
  for (let k = lo; k <= hi; k += step) ticks.push(10 ** k);
  return {
    scale: { type: 'log' as const, domain: [10 ** lo, 10 ** hi], nice: false },
    axis: {
      values: ticks,
      // 0.001 … 1000 read best as decimals; beyond that 1e-6, 1e12 (never 1e-6.6).
      labelExpr:
        "datum.value >= 0.001 && datum.value <= 1000 ? format(datum.value, '~g') : '1e' + round(log(datum.value) / LN10)",
    },
  };
}

const integerAxis = { tickMinStep: 1, format: 'd' };

/** Line charts of one or more series, with the legend outside the plot area. */
export function linePlot(options: LinePlotOptions): Promise<string> {
  const { series, width = 480, height = 300 } = options;
  const okX = (v: number) => Number.isFinite(v) && (!options.logX || v > 0);
  const okY = (v: number) => Number.isFinite(v) && (!options.logY || v > 0);
  const rows = series.flatMap((s, n) =>
    Array.from(s.x, (x, i) => ({ x, y: s.y[i], series: s.name, order: n })).filter(
      (r) => okX(r.x) && okY(r.y),
    ),
  );
  const x = options.logX ? logAxis(rows.map((r) => r.x)) : undefined;
  const y = options.logY ? logAxis(rows.map((r) => r.y)) : undefined;
  const names = series.map((s) => s.name);
  const tableau = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2'];
  const colors = series.map((s, n) => s.color ?? tableau[n % tableau.length]);
  return renderSpec({
    ...(options.title === undefined ? {} : { title: options.title }),
    width,
    height,
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: options.xTitle ?? 'x',
        scale: x?.scale ?? { zero: false },
        axis: { ...(x?.axis ?? {}), ...(options.integerX ? integerAxis : {}) },
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: options.yTitle ?? 'y',
        scale: y?.scale ?? { zero: false },
        axis: y?.axis ?? {},
      },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: names, range: colors },
        legend: { orient: 'right', labelLimit: 0 },
      },
      order: { field: 'order' },
    },
  });
}

function finiteArray(name: string, values: ArrayLike<number>): number[] {
  const out = Array.from(values);
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`plots: ${name}[${bad}] is ${out[bad]}, expected a finite number`);
  return out;
}

/**
 * The yy-plot: measured (x) against predicted (y), with the diagonal y = x on which perfect
 * predictions lie and the r² of the scored rows (optim's `r2Score`) in the title.
 */
export function yyPlot(options: YYPlotOptions): Promise<string> {
  const { size = 360, name = 'predicted', others = [] } = options;
  const measured = finiteArray('measured', options.measured);
  const predicted = finiteArray('predicted', options.predicted);
  if (measured.length !== predicted.length || measured.length === 0)
    throw new Error(
      `yyPlot: measured and predicted must be non-empty and of one length, got ${measured.length} and ${predicted.length}`,
    );
  const sets = [...others, { name, measured, predicted }];
  const rows = sets.flatMap((s) =>
    Array.from(s.measured, (m, i) => ({ measured: m, predicted: s.predicted[i], set: s.name })),
  );
  const all = rows.flatMap((r) => [r.measured, r.predicted]);
  // Both axes share one domain, so the diagonal runs corner to corner of the square plot.
  let [lo, hi] = [Math.min(...all), Math.max(...all)];
  const pad = (hi - lo) * 0.03 || 1;
  [lo, hi] = [lo - pad, hi + pad];
  const r2 = r2Score(measured, predicted);
  const title = `${options.title ? `${options.title}: ` : ''}r² = ${r2.toFixed(3)}`;
  const scale = { domain: [lo, hi], nice: false, zero: false };
  const tableau = ['#bab0ac', '#4c78a8', '#f58518', '#e45756', '#54a24b'];
  return renderSpec({
    title,
    width: size,
    height: size,
    layer: [
      {
        data: {
          values: [
            { measured: lo, predicted: lo },
            { measured: hi, predicted: hi },
          ],
        },
        mark: { type: 'line', color: '#888', strokeDash: [4, 4], strokeWidth: 1 },
        encoding: {
          x: { field: 'measured', type: 'quantitative', scale },
          y: { field: 'predicted', type: 'quantitative', scale },
        },
      },
      {
        data: { values: rows },
        mark: { type: 'point', filled: true, size: 24, opacity: 0.7 },
        encoding: {
          x: {
            field: 'measured',
            type: 'quantitative',
            scale,
            title: options.xTitle ?? 'measured',
          },
          y: {
            field: 'predicted',
            type: 'quantitative',
            scale,
            title: options.yTitle ?? 'predicted',
          },
          color: {
            field: 'set',
            type: 'nominal',
            title: null,
            scale: {
              domain: sets.map((s) => s.name),
              range: sets.map((_, n) => (others.length === 0 ? tableau[1] : tableau[n % 5])),
            },
            legend: { orient: 'right', labelLimit: 0 },
          },
        },
      },
    ],
  });
}

/**
 * The training and validation loss per epoch of a `fit` History (validation only where it has
 * `valLoss`); the y scale is logarithmic when the losses span two decades or more.
 */
export function lossCurves(
  history: { epochs: readonly Pick<EpochLog, 'epoch' | 'loss' | 'valLoss'>[] },
  options: LossCurvesOptions = {},
): Promise<string> {
  const epochs = history.epochs.map((e) => e.epoch);
  const series: Series[] = [{ name: 'training', x: epochs, y: history.epochs.map((e) => e.loss) }];
  if (history.epochs.some((e) => e.valLoss !== undefined))
    series.push({
      name: 'validation',
      x: epochs,
      y: history.epochs.map((e) => e.valLoss ?? Number.NaN),
    });
  const values = series.flatMap((s) => Array.from(s.y)).filter((v) => v > 0 && Number.isFinite(v));
  const logY = options.logY ?? Math.max(...values) / Math.min(...values) >= 100;
  return linePlot({
    series,
    title: options.title ?? 'Loss per epoch',
    xTitle: 'epoch',
    yTitle: options.yTitle ?? 'loss',
    logY,
    integerX: true,
    ...(options.width === undefined ? {} : { width: options.width }),
    ...(options.height === undefined ? {} : { height: options.height }),
  });
}

/**
 * The confusion matrix as a heat map: true class down, predicted class across, each cell
 * coloured by and labelled with its count.
 */
export function confusionMatrixPlot(options: ConfusionMatrixOptions): Promise<string> {
  const { matrix, labels, cellSize = 48 } = options;
  if (matrix.length !== labels.length || matrix.some((row) => row.length !== labels.length))
    throw new Error(
      `confusionMatrixPlot: expected a ${labels.length} × ${labels.length} matrix (one row and column per label), got rows of lengths ${matrix.map((r) => r.length).join(', ')}`,
    );
  const rows = matrix.flatMap((row, i) =>
    row.map((count, j) => ({ actual: labels[i], predicted: labels[j], count })),
  );
  const max = Math.max(1, ...rows.map((r) => r.count));
  const order = [...labels];
  return renderSpec({
    title: options.title ?? 'Confusion matrix',
    width: cellSize * labels.length,
    height: cellSize * labels.length,
    data: { values: rows },
    encoding: {
      x: {
        field: 'predicted',
        type: 'ordinal',
        sort: order,
        axis: { orient: 'top', labelAngle: 0 },
      },
      y: { field: 'actual', type: 'ordinal', sort: order, title: 'true class' },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: {
            field: 'count',
            type: 'quantitative',
            scale: { scheme: 'blues', domain: [0, max] },
            legend: null,
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 13 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          // Dark cells get white digits so every count stays readable.
          color: {
            condition: { test: `datum.count > ${max / 2}`, value: 'white' },
            value: 'black',
          },
        },
      },
    ],
  });
}
