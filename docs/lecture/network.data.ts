// Build-time numbers for p. 3–5: the forward pass of the lecture's network on one sample, by the
// slides' equations (@backprop/optim's slideForward) and by the MLP of @backprop/layers.
import { readSlideNetwork, slideForward } from '@backprop/optim';
import { defineLoader } from 'vitepress';
import { buildNetwork, networks, sample } from '../../examples/src/slide-gradients.js';
import { fixed, gap } from './format.js';

export interface Row {
  name: string;
  slide: string;
  mlp: string;
  difference: string;
}

export interface Data {
  x: number[];
  /** The weights w⁽ʲ⁾ₚ,ᵢ, layer by layer, row p = 0 (the bias) first. */
  weights: number[][][];
  rows: Row[];
}

declare const data: Data;

export { data };

export default defineLoader({
  load(): Data {
    const mlp = buildNetwork(1);
    const { w, f } = readSlideNetwork(mlp);
    const slide = slideForward(w, f, sample.x);
    const t = mlp.forward([sample.x], { intermediates: true });
    const rows: Row[] = [];
    const add = (name: string, s: number, m: number) => {
      rows.push({ name, slide: fixed(s), mlp: fixed(m), difference: gap(s, m) });
    };
    const a1 = Array.from(t.a[0].data);
    const z1 = Array.from(t.z[0].data);
    for (const [n, v] of a1.entries()) add(`a⁽¹⁾${'₁₂₃'[n]}`, slide.a[1][n + 1], v);
    for (const [n, v] of z1.entries()) add(`z⁽¹⁾${'₁₂₃'[n]}`, slide.z[1][n + 1], v);
    add('y_E', slide.yE, t.output.item());
    return { x: [...sample.x], weights: networks[1].weights, rows };
  },
});
