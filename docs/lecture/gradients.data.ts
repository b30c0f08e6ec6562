// Build-time numbers for the gradient pages (p. 11, 14, 18): the slides' formulas and autodiff,
// both computed by examples/src/slide-gradients.ts on the lecture's network, and their gap.
import { defineLoader } from 'vitepress';
import { networks, runSlideGradients, sample } from '../../examples/src/slide-gradients.js';
import { fixed, gap, small } from './plot.js';

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

export interface Data {
  x: number[];
  y: number;
  networks: Record<'1' | '3', Network>;
}

declare const data: Data;

export { data };

export default defineLoader({
  // The numbers change when the code that computes them does.
  watch: ['../../examples/src/slide-gradients.ts', '../../packages/optim/src/slide-backprop.ts'],
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
    return { x: [...sample.x], y: sample.y, networks: byK };
  },
});
