// What workload P's runners share: B's network and first batch in backprop (float64), one
// sample's loss and its per-sample gradients by vmap(grad), and how a P number is reported.
import { grad, linear, relu, sigmoid, type Tensor, tensor, vmap } from '@backprop/core';
import { allBatches, type benchSync, emit, specB } from './common.js';

/** One sample's loss: (f(x) − y)², f the B network with parameters w1, b1, w2, b2, w3, b3. */
export function sampleLoss(x: Tensor, y: Tensor, ...p: Tensor[]): Tensor {
  const h1 = sigmoid(linear(x, p[0] as Tensor, p[1] as Tensor));
  const h2 = relu(linear(h1, p[2] as Tensor, p[3] as Tensor));
  return linear(h2, p[4] as Tensor, p[5] as Tensor)
    .sub(y)
    .square()
    .sum();
}

/** grad of sampleLoss with respect to the six parameters (its arguments 2 to 7). */
export const perSampleGrad = grad(sampleLoss, { argnums: [2, 3, 4, 5, 6, 7] });

/** B's spec, its initial parameters and first batch as float64 tensors, and the raw batch. */
export function workloadP(quick: boolean) {
  const spec = specB(quick);
  const params = spec.init.flatMap((l) => [
    tensor(l.w, { shape: [l.inSize, l.outSize] }),
    tensor(l.b, { shape: [l.outSize] }),
  ]);
  const [xb, yb] = allBatches(spec)[0] as [Float64Array, Float64Array];
  const x = tensor(xb, { shape: [spec.batch, spec.sizes[0] as number] });
  const y = tensor(yb, { shape: [spec.batch] });
  /** Every sample's gradients in one pass: one [batch, ...param] tensor per parameter. */
  const batched = (xs: Tensor, ys: Tensor) =>
    vmap(perSampleGrad, { inAxes: [0, 0, null, null, null, null, null, null] })(
      xs,
      ys,
      ...params,
    ) as Tensor[];
  return { spec, params, x, y, xb, yb, batched };
}

/** Reports one P variant measured by benchSync: samples per second for a batch of `batch`. */
export function emitP(
  lib: string,
  variant: string,
  batch: number,
  r: ReturnType<typeof benchSync>,
  extra: Record<string, number>,
): void {
  emit({
    lib,
    workload: 'P',
    variant,
    metric: 'samples/s',
    value: batch / r.median,
    method: `benchmark.js (median of ${r.samples} samples)`,
    rme: r.rme,
    extra: { msPerBatch: r.median * 1e3, ...extra },
  });
}
