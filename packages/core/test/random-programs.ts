// Random programs for property tests: steps that keep a [3, 4] tensor's shape, one or more ops
// each, across every op family, with closed-over parameters. A program is a list of step
// indices; compile.fuzz.test.ts checks compile against eager on them, vmap.property.test.ts
// checks vmap against a loop over the batch.
import { linear, type Tensor, where } from '../src/index.js';

/** The closed-over parameters: a row, a square matrix and gather's indices. */
export interface Params {
  w: Tensor;
  m: Tensor;
}

/** Steps that keep the shape [3, 4], one or more ops each, across every op family. */
export const STEPS: [string, (h: Tensor, p: Params) => Tensor][] = [
  ['tanh', (h) => h.tanh()],
  ['sigmoid', (h) => h.sigmoid()],
  ['relu', (h) => h.relu()],
  ['exp, log1p', (h) => h.clamp(-3, 3).exp().log1p()],
  ['erf', (h) => h.erf()],
  ['square, sqrt', (h) => h.square().add(1).sqrt()],
  ['mul w', (h, p) => h.mul(p.w)],
  ['add w', (h, p) => h.add(p.w)],
  ['div', (h, p) => h.div(p.w.abs().add(1))],
  ['pow', (h) => h.abs().add(0.5).pow(1.5)],
  ['maximum, minimum', (h, p) => h.maximum(p.w).minimum(2)],
  ['where', (h) => where(h.gt(0), h, h.mul(0.1))],
  ['matmul', (h, p) => h.matmul(p.m)],
  ['linear', (h, p) => linear(h, p.m, p.w)],
  ['softmax', (h) => h.softmax(1)],
  ['logSoftmax', (h) => h.logSoftmax(0)],
  ['logsumexp', (h) => h.sub(h.logsumexp(1, true))],
  ['sum, mean', (h) => h.sub(h.mean(0, true)).add(h.sum(1, true).mul(0.1))],
  ['max, min', (h) => h.sub(h.max(1, true)).add(h.min(0, true))],
  ['transpose', (h) => h.transpose().reshape([3, 4])],
  ['gather, scatterAdd', (h) => h.gather([2, 0, 1, 1], 1).scatterAdd([3, 1, 0, 2], 4, 1)],
  [
    'slice, pad',
    (h) =>
      h.slice([1, 0], [3, 4]).pad([
        [1, 0],
        [0, 0],
      ]),
  ],
  ['concat, slice', (h) => h.concat([h.mul(2)], 0).slice([1], [4])],
  ['broadcastTo, sumTo', (h) => h.sum(0, true).broadcastTo([3, 4]).add(h)],
];
