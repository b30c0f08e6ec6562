// Build-time numbers for the gradient pages (p. 11, 14, 18): the slides' formulas and autodiff,
// both computed by examples/src/slide-gradients.ts on the lecture's network, and their gap; then
// the same comparison for every elementwise activation of the slides (p. 15).
import { halfSquaredError, MLP } from '@backprop/layers';
import { slideActivations, slideGradients } from '@backprop/optim';
import { defineLoader } from 'vitepress';
import { networks, runSlideGradients, sample } from '../../examples/src/slide-gradients.js';
import { fixed, gap, small } from './format.js';

export interface Row {
  name: string;
  page: string;
  slide: string;
  autodiff: string;
  difference: string;
  finiteDifference: string;
}

export interface Network {
  k: number;
  sizes: string;
  yE: string;
  E: string;
  rows: Row[];
  maxSlideVsAutodiff: string;
  maxFdVsAutodiff: string;
}

/** One activation: max |slide formula − autodiff| over every weight, for k = 1 and k = 3. */
export interface ByActivation {
  name: string;
  k1: string;
  k3: string;
}

export interface Data {
  x: number[];
  y: number;
  networks: Record<'1' | '3', Network>;
  activations: ByActivation[];
}

declare const data: Data;

export { data };

/** max |∂E/∂w by the slides' formulas − by autodiff| on the fixed network k with activation `name`. */
function maxGap(k: 1 | 3, name: string): number {
  const { hidden, weights } = networks[k];
  const mlp = new MLP({ inputs: sample.x.length, hidden, activation: name });
  weights.forEach((w, j) => {
    mlp.setSlideWeights(j, w);
  });
  const slide = slideGradients(mlp, sample.x, sample.y);
  mlp.zeroGrad();
  halfSquaredError(mlp.forward([sample.x]), [[sample.y]]).backward();
  let max = 0;
  slide.forEach((layer, j) => {
    const autodiff = mlp.slideGradients(j)?.toArray() as number[][];
    layer.forEach((row, p) => {
      row.forEach((v, c) => {
        max = Math.max(max, Math.abs(v - autodiff[p][c]));
      });
    });
  });
  return max;
}

export default defineLoader({
  load(): Data {
    const result = runSlideGradients({ log: () => {} });
    const byK = {} as Record<'1' | '3', Network>;
    for (const n of result.networks) {
      byK[String(n.k) as '1' | '3'] = {
        k: n.k,
        sizes: [sample.x.length, ...networks[n.k as 1 | 3].hidden, 1].join(' → '),
        yE: n.yE.toFixed(12),
        E: n.E.toFixed(12),
        rows: n.rows.map((r) => ({
          name: r.name,
          page: r.page,
          slide: fixed(r.slide),
          autodiff: fixed(r.autodiff),
          difference: gap(r.slide, r.autodiff),
          finiteDifference: fixed(r.finiteDifference),
        })),
        maxSlideVsAutodiff: small(n.maxSlideVsAutodiff),
        maxFdVsAutodiff: n.maxFdVsAutodiff.toExponential(1),
      };
    }
    // identity is the output's f, not a hidden layer's; the rest are elementwise (softmax is not here)
    const names = Object.keys(slideActivations).filter((name) => name !== 'identity');
    const activations = names.map((name) => ({
      name,
      k1: small(maxGap(1, name)),
      k3: small(maxGap(3, name)),
    }));
    return { x: [...sample.x], y: sample.y, networks: byK, activations };
  },
});
