// Build-time numbers and plot for p. 20: examples/src/vanishing-gradients.ts measures how much of
// the output error reaches each hidden layer, sigmoid against ReLU; the table and the SVG come from it.
import { defineLoader } from 'vitepress';
import { runVanishingGradients } from '../../examples/src/vanishing-gradients.js';
import { renderSvg } from './plot.js';

export interface LayerRow {
  layer: string;
  d: number;
  quarterPower: string;
  sigmoid: string;
  sigmoidOverQuarterPower: string;
  bound: string;
  relu: string;
  sigmoidWeightGrad: string;
  reluWeightGrad: string;
}

export interface DepthRow {
  k: number;
  quarterPower: string;
  sigmoid: string;
  relu: string;
}

export interface Data {
  depth: number;
  /** The setup, as the example runs it (its defaults). */
  setup: { batch: number; inputs: number; width: number; seed: number };
  layers: LayerRow[];
  depths: DepthRow[];
  /** The sigmoid network's geometric mean loss per layer, over the deepest network. */
  sigmoidPerLayer: string;
  reluRange: string;
  svg: string;
}

declare const data: Data;

export { data };

const e = (v: number) => v.toExponential(2);
const SETUP = { batch: 64, inputs: 10, width: 16, seed: 0 };

export default defineLoader({
  async load(): Promise<Data> {
    const { depths, stats } = await runVanishingGradients({ log: () => {}, ...SETUP });
    const depth = Math.max(...depths);
    const sig = stats.sigmoid[depths.indexOf(depth)];
    const relu = stats.relu[depths.indexOf(depth)];
    const layers = sig.layers.map((s, n) => {
      const r = relu.layers[n];
      return {
        layer: s.j === depth + 1 ? `y_E (${s.j})` : String(s.j),
        d: s.d,
        quarterPower: e(0.25 ** s.d),
        sigmoid: e(s.ratio),
        sigmoidOverQuarterPower: e(s.ratio / 0.25 ** s.d),
        bound: e(s.bound),
        relu: e(r.ratio),
        sigmoidWeightGrad: e(s.weightGradNorm),
        reluWeightGrad: e(r.weightGradNorm),
      };
    });
    const kept = relu.layers.map((r) => r.ratio);
    const series = [
      { name: 'sigmoid', values: sig.layers.map((s) => s.ratio) },
      { name: 'ReLU', values: relu.layers.map((s) => s.ratio) },
      { name: '0.25^d (p. 20)', values: sig.layers.map((s) => 0.25 ** s.d) },
      { name: 'sigmoid bound', values: sig.layers.map((s) => s.bound) },
    ];
    const svg = await renderSvg({
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: `Error reaching each layer at initialisation, depth ${depth}`,
      width: 480,
      height: 260,
      data: {
        values: series.flatMap(({ name, values }) =>
          sig.layers.map((s, n) => ({ j: s.j, ratio: values[n], series: name })),
        ),
      },
      mark: { type: 'line', point: true },
      encoding: {
        x: {
          field: 'j',
          type: 'quantitative',
          title: `layer j (1 = first hidden, ${depth + 1} = output y_E)`,
          axis: { tickMinStep: 1 },
        },
        y: {
          field: 'ratio',
          type: 'quantitative',
          scale: { type: 'log' },
          axis: { format: '.0e' },
          title: '‖∂E/∂a⁽ʲ⁾‖ / ‖∂E/∂y_E‖',
        },
        color: {
          field: 'series',
          type: 'nominal',
          title: null,
          sort: series.map((s) => s.name),
        },
      },
    });
    return {
      depth,
      setup: SETUP,
      layers,
      depths: depths.map((k, n) => ({
        k,
        quarterPower: e(0.25 ** k),
        sigmoid: e(stats.sigmoid[n].layers[0].ratio),
        relu: e(stats.relu[n].layers[0].ratio),
      })),
      sigmoidPerLayer: (sig.layers[0].ratio ** (1 / depth)).toFixed(2),
      reluRange: `${Math.min(...kept).toFixed(2)}–${Math.max(...kept).toFixed(2)}`,
      svg,
    };
  },
});
