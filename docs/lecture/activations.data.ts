// Build-time numbers and plots for the activations page (p. 6–7): each activation of the slides
// from @backprop/layers, its derivative by autodiff beside the closed form, and an SVG plot of both.
import { jacobian, linspace, tensor } from '@backprop/core';
import { type DefinedActivation, rbf, relu, sigmoid, softmax, softsign } from '@backprop/layers';
import { slideActivations } from '@backprop/optim';
import { defineLoader } from 'vitepress';
import { fixed, gap, small } from './format.js';
import { renderSvg, rows } from './plot.js';

export interface Elementwise {
  name: string;
  /** max over the grid of |autodiff f′ − the slides' f′ (plain Math, @backprop/optim)|. */
  maxGap: string;
  /** f′ at a few points, both ways. */
  samples: { a: string; slide: string; autodiff: string; difference: string }[];
  svg: string;
}

export interface Data {
  /** The grid's ends and size. */
  grid: { from: number; to: number; points: number };
  elementwise: Elementwise[];
  softmax: {
    a: number[];
    /** ∂zᵢ/∂a_q by autodiff (jacobian) and by zᵢ(δᵢq − z_q), one row per (i, q). */
    jacobian: { i: number; q: number; autodiff: string; formula: string; difference: string }[];
    maxGap: string;
    svg: string;
  };
}

declare const data: Data;

export { data };

const GRID = { from: -4, to: 4, points: 161 };
const SAMPLES = [-2, -0.5, 0.5, 2]; // away from relu's kink at 0, where f′ is a convention

/** f′ by autodiff: the gradient of Σ f(aᵢ) is f′(aᵢ), elementwise. */
function autodiffDerivative(f: DefinedActivation, a: number[]): number[] {
  const t = tensor(a, { requiresGrad: true });
  f(t).sum().backward();
  return Array.from(t.grad?.data ?? []);
}

async function plot(title: string, x: number[], series: Record<string, number[]>) {
  return renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 320,
    height: 180,
    data: { values: rows(x, series) },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: 'a' },
      y: { field: 'y', type: 'quantitative', title: null },
      color: { field: 'series', type: 'nominal', title: null, sort: Object.keys(series) },
      strokeDash: { field: 'series', type: 'nominal', title: null, sort: Object.keys(series) },
    },
  });
}

async function elementwise(name: string, f: DefinedActivation): Promise<Elementwise> {
  const slide = slideActivations[name];
  const x = Array.from(linspace(GRID.from, GRID.to, GRID.points).data);
  const z = Array.from(f(tensor(x)).data);
  const dz = autodiffDerivative(f, x);
  const maxGap = Math.max(...x.map((a, n) => Math.abs(dz[n] - slide.df(a))));
  const at = autodiffDerivative(f, SAMPLES);
  return {
    name,
    maxGap: small(maxGap),
    samples: SAMPLES.map((a, n) => ({
      a: String(a),
      slide: fixed(slide.df(a), 15),
      autodiff: fixed(at[n], 15),
      difference: gap(slide.df(a), at[n]),
    })),
    svg: await plot(name, x, { 'f(a)': z, 'f′(a) (autodiff)': dz }),
  };
}

async function softmaxData(): Promise<Data['softmax']> {
  const a = [1, 0, -1];
  const auto = jacobian((t) => softmax(t))(tensor(a)).toArray() as number[][];
  const z = Array.from(softmax(tensor(a)).data);
  const formula = z.map((zi, i) => z.map((zq, q) => zi * ((i === q ? 1 : 0) - zq)));
  const maxGap = Math.max(
    ...auto.flatMap((row, i) => row.map((v, q) => Math.abs(v - formula[i][q]))),
  );
  // z₁ of softmax([a, 0]) over a: the two-class softmax is the sigmoid σ(a).
  const x = Array.from(linspace(GRID.from, GRID.to, GRID.points).data);
  const z1 = x.map((v) => softmax(tensor([v, 0])).data[0]);
  const z2 = x.map((v) => softmax(tensor([v, 0])).data[1]);
  return {
    a,
    jacobian: auto.flatMap((row, i) =>
      row.map((v, q) => ({
        i: i + 1,
        q: q + 1,
        autodiff: fixed(v, 15),
        formula: fixed(formula[i][q], 15),
        difference: gap(v, formula[i][q]),
      })),
    ),
    maxGap: small(maxGap),
    svg: await plot('softmax([a, 0])', x, { 'z₁': z1, 'z₂': z2 }),
  };
}

export default defineLoader({
  async load(): Promise<Data> {
    const slides: [string, DefinedActivation][] = [
      ['sigmoid', sigmoid],
      ['softsign', softsign],
      ['relu', relu],
      ['rbf', rbf()],
    ];
    return {
      grid: GRID,
      elementwise: await Promise.all(slides.map(([name, f]) => elementwise(name, f))),
      softmax: await softmaxData(),
    };
  },
});
