// Build-time numbers for p. 10: E = ½(y_E − y)² and ∂E/∂y_E = y_E − y, by the formula and by
// autodiff, and one per-sample step w ← w − η ∂E/∂w by the slides' code and by @backprop/optim's SGD.
import { tensor } from '@backprop/core';
import { halfSquaredError } from '@backprop/layers';
import { SGD, slideStep } from '@backprop/optim';
import { defineLoader } from 'vitepress';
import { buildNetwork, sample } from '../../examples/src/slide-gradients.js';
import { fixed, gap, small } from './format.js';

export interface Data {
  x: number[];
  y: number;
  eta: number;
  yE: string;
  E: { formula: string; autodiff: string; difference: string };
  dEdyE: { formula: string; autodiff: string; difference: string };
  /** After one step: max |w by slideStep − w by SGD| over every weight, and how many weights. */
  step: { weights: number; maxGap: string; E: string; EAfter: string };
}

declare const data: Data;

export { data };

const ETA = 0.1;

export default defineLoader({
  load(): Data {
    const { x, y } = sample;
    const net = buildNetwork(1);
    const yE = tensor([[net.forward([x]).item()]], { requiresGrad: true });
    const E = halfSquaredError(yE, [[y]]);
    E.backward();
    const v = yE.item();
    const autodiffGrad = yE.grad?.item() ?? Number.NaN;

    // One step two ways on two copies of the same network.
    const bySlides = buildNetwork(1);
    const bySgd = buildNetwork(1);
    const before = slideStep(bySlides, x, y, ETA);
    const optimizer = new SGD(bySgd.parameters(), { lr: ETA });
    optimizer.zeroGrad();
    halfSquaredError(bySgd.forward([x]), [[y]]).backward();
    optimizer.step();
    let maxGap = 0;
    let weights = 0;
    for (let j = 0; j <= bySlides.numHidden; j++) {
      const a = bySlides.slideWeights(j).data;
      const b = bySgd.slideWeights(j).data;
      for (let n = 0; n < a.length; n++) maxGap = Math.max(maxGap, Math.abs(a[n] - b[n]));
      weights += a.length;
    }
    const after = halfSquaredError(bySlides.forward([x]), [[y]]).item();
    return {
      x: [...x],
      y,
      eta: ETA,
      yE: v.toFixed(12),
      E: {
        formula: fixed(0.5 * (v - y) ** 2, 15),
        autodiff: fixed(E.item(), 15),
        difference: gap(0.5 * (v - y) ** 2, E.item()),
      },
      dEdyE: {
        formula: fixed(v - y, 15),
        autodiff: fixed(autodiffGrad, 15),
        difference: gap(v - y, autodiffGrad),
      },
      step: { weights, maxGap: small(maxGap), E: before.toFixed(12), EAfter: after.toFixed(12) },
    };
  },
});
