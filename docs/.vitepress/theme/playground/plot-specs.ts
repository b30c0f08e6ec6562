// The playground's plots as Vega-Lite specs, and the rows each one draws from a snapshot: the loss
// curve, the decision surface (2-D inputs) or the yy-plot, and the per-layer gradient norms (p. 20).
import {
  type PlaygroundData,
  type Snapshot,
  type Split,
  type Surface,
  superscript,
} from '@backprop/playground';
import type { TopLevelSpec } from 'vega-lite';
import { ROWS } from './live-plot.js';

const SIZE = { width: 300, height: 220 } as const;
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
// A plot is mounted before its rows come: without resize its size would leave no room for the
// legend and the axis labels that the rows bring.
const AUTOSIZE = { type: 'pad', resize: true } as const;
/** What every spec here starts with: the schema, the autosize, the rows. */
const BASE = { $schema: SCHEMA, autosize: AUTOSIZE, data: { name: ROWS } } as const;
const SQUARE = { width: SIZE.height, height: SIZE.height } as const;

/** Train and validation loss against the step, on a log scale. */
export const lossSpec = (lossName: string): TopLevelSpec => ({
  ...BASE,
  ...SIZE,
  mark: { type: 'line', clip: true },
  encoding: {
    x: { field: 'step', type: 'quantitative', title: 'step' },
    y: { field: 'loss', type: 'quantitative', scale: { type: 'log' }, title: `mean ${lossName}` },
    color: { field: 'set', type: 'nominal', title: null, legend: { orient: 'bottom' } },
  },
});

/** Rows of lossSpec; a loss of 0 or less has no place on a log scale and is left out. */
export function lossRows(snapshot: Snapshot): object[] {
  const { step, train, validation } = snapshot.history;
  const rows = (set: string, losses: number[]) =>
    losses.flatMap((loss, n) => (loss > 0 ? [{ step: step[n], loss, set }] : []));
  return [...rows('train', train), ...rows('validation', validation)];
}

// The surface's colour: ±1 scores and two-class probabilities on a diverging scale, classes by
// category, a regression's target on a sequential one. The samples use the same scale.
function colourScale(surface: Surface): object {
  switch (surface.kind) {
    case 'score':
      return { type: 'linear', domain: [-1, 1], clamp: true, scheme: 'blueorange' };
    case 'probability':
      return { type: 'linear', domain: [0, 1], clamp: true, scheme: 'blueorange' };
    case 'class':
      return { type: 'ordinal', scheme: 'category10' };
    case 'regression':
      return { type: 'linear', scheme: 'viridis' };
  }
}

/** The network's output over the input plane, with the samples on it (validation ones hollow). */
export function surfaceSpec(surface: Surface, data: PlaygroundData): TopLevelSpec {
  const colour = {
    field: 'value',
    type: surface.kind === 'class' ? 'ordinal' : 'quantitative',
    scale: colourScale(surface),
    title: surface.kind === 'regression' ? data.targetName : surface.kind,
  } as const;
  const [x1, x2] = data.featureNames;
  return {
    ...BASE,
    ...SQUARE,
    layer: [
      {
        transform: [{ filter: "datum.kind === 'cell'" }],
        mark: { type: 'rect', opacity: 0.75 },
        encoding: {
          x: {
            field: 'x1lo',
            type: 'quantitative',
            title: x1,
            scale: { nice: false, zero: false },
          },
          x2: { field: 'x1hi' },
          y: {
            field: 'x2lo',
            type: 'quantitative',
            title: x2,
            scale: { nice: false, zero: false },
          },
          y2: { field: 'x2hi' },
          color: colour,
        },
      },
      {
        transform: [{ filter: "datum.kind === 'sample'" }],
        mark: { type: 'point', size: 22, strokeWidth: 1.2 },
        encoding: {
          x: { field: 'x1lo', type: 'quantitative' },
          y: { field: 'x2lo', type: 'quantitative' },
          color: { ...colour, legend: null },
          fill: { field: 'value', type: colour.type, scale: colour.scale, legend: null },
          fillOpacity: { condition: { test: 'datum.validation', value: 0 }, value: 1 },
          stroke: { value: '#222' },
        },
      },
    ],
  } as TopLevelSpec;
}

/** The sample's colour value: its class as the surface codes it, or its target. */
function sampleValue(surface: Surface, data: PlaygroundData, n: number): number {
  const y = data.y[n] as number;
  if (surface.kind === 'score') return y === 1 ? 1 : -1; // classes coded ±1 (p. 10's E on ±1 targets)
  return y;
}

/** Rows of surfaceSpec: the grid's cells, then the samples. */
export function surfaceRows(surface: Surface, data: PlaygroundData, split: Split | null): object[] {
  const rows: object[] = [];
  const half = (values: number[]) => ((values[1] ?? 1) - (values[0] ?? 0)) / 2;
  const h1 = half(surface.x1);
  const h2 = half(surface.x2);
  surface.x2.forEach((b, r) => {
    surface.x1.forEach((a, c) => {
      const value = surface.values[r * surface.x1.length + c];
      rows.push({ kind: 'cell', x1lo: a - h1, x1hi: a + h1, x2lo: b - h2, x2hi: b + h2, value });
    });
  });
  const held = new Set(split?.validation ?? []);
  data.x.forEach((x, n) => {
    rows.push({
      kind: 'sample',
      x1lo: x[0],
      x2lo: x[1],
      value: sampleValue(surface, data, n),
      validation: held.has(n),
    });
  });
  return rows;
}

/** The target against the prediction, with the diagonal y = y_E on which a perfect model lies. */
export const yySpec = (targetName: string): TopLevelSpec => ({
  ...BASE,
  ...SQUARE,
  layer: [
    {
      transform: [{ filter: "datum.kind === 'diagonal'" }],
      mark: { type: 'line', color: '#888', strokeDash: [4, 4] },
      encoding: {
        x: { field: 'y', type: 'quantitative', title: `${targetName} (y)` },
        y: { field: 'yE', type: 'quantitative', title: 'prediction (y_E)' },
      },
    },
    {
      transform: [{ filter: "datum.kind === 'sample'" }],
      mark: { type: 'point', size: 18, filled: true, opacity: 0.7 },
      encoding: {
        x: { field: 'y', type: 'quantitative' },
        y: { field: 'yE', type: 'quantitative' },
        color: { field: 'set', type: 'nominal', title: null, legend: { orient: 'bottom' } },
      },
    },
  ],
});

/** Rows of yySpec. */
export function yyRows(snapshot: Snapshot): object[] {
  const points = snapshot.yy ?? [];
  const all = points.flatMap((p) => [p.y, p.yE]);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  return [
    { kind: 'diagonal', y: lo, yE: lo },
    { kind: 'diagonal', y: hi, yE: hi },
    ...points.map((p) => ({
      kind: 'sample',
      y: p.y,
      yE: p.yE,
      set: p.validation ? 'validation' : 'train',
    })),
  ];
}

const MEASURED = '‖∂E/∂w⁽ʲ⁾‖';
const SLIDE = 'output layer’s × 0.25ᵈ';

/** Per layer of weights, the gradient's norm beside the output layer's times 0.25ᵈ (p. 20), log scale. */
export const gradientSpec = (): TopLevelSpec => ({
  ...BASE,
  ...SIZE,
  mark: 'bar',
  encoding: {
    x: { field: 'layer', type: 'ordinal', title: 'weights', sort: null, axis: { labelAngle: 0 } },
    xOffset: { field: 'series', type: 'nominal', sort: [MEASURED, SLIDE] },
    // a log scale has no 0 for bars to stand on: they stand on a floor below the smallest norm
    y: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: 'norm' },
    y2: { field: 'floor' },
    color: {
      field: 'series',
      type: 'nominal',
      title: null,
      sort: [MEASURED, SLIDE],
      legend: { orient: 'bottom' },
    },
    tooltip: [{ field: 'value', type: 'quantitative', format: '.3e' }],
  },
});

/** Rows of gradientSpec; a norm of 0 (no gradient reached the layer) cannot be drawn on a log scale. */
export function gradientRows(snapshot: Snapshot): object[] {
  const norms = snapshot.gradientNorms;
  const output = norms.find((n) => n.d === 0)?.norm ?? 0;
  const rows = norms.flatMap((n) => {
    const layer = `w⁽${superscript(n.j)}⁾ (d = ${n.d})`;
    return [
      { layer, series: MEASURED, value: n.norm },
      { layer, series: SLIDE, value: output * n.bound },
    ].filter((r) => r.value > 0);
  });
  const floor = 10 ** Math.floor(Math.log10(Math.min(...rows.map((r) => r.value))));
  return rows.map((r) => ({ ...r, floor }));
}
