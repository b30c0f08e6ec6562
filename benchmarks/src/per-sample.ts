// Workload P: per-sample gradients of B's network (16→64→64→1, sigmoid then ReLU, linear output,
// MSE) for one batch of 64: every parameter's gradient for each sample. backprop's vmap(grad)
// (one batched pass), the same traced by compile, and a loop of 64 grad calls (what one would
// write without vmap); each checked against the loop. Usage: tsx --conditions=@backprop/source
// benchmarks/src/per-sample.ts P [--quick]
import {
  compile,
  grad,
  linear,
  relu,
  sigmoid,
  stack,
  type Tensor,
  tensor,
  vmap,
} from '@backprop/core';
import { allBatches, benchSync, childArgs, emit, guard, peakRssMB, specB } from './common.js';

const LIB = 'backprop';
const { workload, quick } = childArgs();

/** One sample's loss: (f(x) − y)², f the B network with parameters w1, b1, w2, b2, w3, b3. */
function sampleLoss(x: Tensor, y: Tensor, ...p: Tensor[]): Tensor {
  const h1 = sigmoid(linear(x, p[0] as Tensor, p[1] as Tensor));
  const h2 = relu(linear(h1, p[2] as Tensor, p[3] as Tensor));
  return linear(h2, p[4] as Tensor, p[5] as Tensor)
    .sub(y)
    .square()
    .sum();
}

const PARAMS = [2, 3, 4, 5, 6, 7]; // the parameters' places among sampleLoss's arguments
const perSampleGrad = grad(sampleLoss, { argnums: PARAMS });

await guard(LIB, workload, () => {
  if (workload !== 'P') throw new Error(`per-sample.ts has no workload ${workload}`);
  const spec = specB(quick);
  const params = spec.init.flatMap((l) => [
    tensor(l.w, { shape: [l.inSize, l.outSize] }),
    tensor(l.b, { shape: [l.outSize] }),
  ]);
  const [xb, yb] = allBatches(spec)[0] as [Float64Array, Float64Array];
  const x = tensor(xb, { shape: [spec.batch, spec.sizes[0] as number] });
  const y = tensor(yb, { shape: [spec.batch] });

  const batched = (xs: Tensor, ys: Tensor) =>
    vmap(perSampleGrad, { inAxes: [0, 0, null, null, null, null, null, null] })(
      xs,
      ys,
      ...params,
    ) as Tensor[];
  const compiled = compile(batched);
  const loop = (xs: Tensor, ys: Tensor): Tensor[] => {
    const rows: Tensor[][] = [];
    for (let i = 0; i < spec.batch; i++) {
      rows.push(perSampleGrad(xs.gather([i]).squeeze(0), ys.gather([i]).squeeze(0), ...params));
    }
    return params.map((_, j) => stack(rows.map((r) => r[j] as Tensor)));
  };

  // all three must give the loop's numbers
  const reference = loop(x, y);
  const worstDiff = (gs: Tensor[]) =>
    Math.max(
      ...gs.map((g, j) =>
        g
          .sub(reference[j] as Tensor)
          .abs()
          .max()
          .item(),
      ),
    );
  const variants: [string, () => Tensor[]][] = [
    ['vmap(grad), float64', () => batched(x, y)],
    ['vmap(grad), float64, compile', () => compiled(x, y) as Tensor[]],
    [`loop of ${spec.batch} grad calls, float64`, () => loop(x, y)],
  ];
  for (const [variant, run] of variants) {
    const diff = worstDiff(run());
    if (!(diff < 1e-12)) throw new Error(`${variant}: differs from the loop by ${diff}`);
    let sink = 0;
    const r = benchSync(
      variant,
      () => {
        sink += (run()[0] as Tensor).data[0] as number;
      },
      quick,
    );
    emit({
      lib: LIB,
      workload: 'P',
      variant,
      metric: 'samples/s',
      value: spec.batch / r.median,
      method: `benchmark.js (median of ${r.samples} samples)`,
      rme: r.rme,
      peakRssMB: peakRssMB(),
      extra: { msPerBatch: r.median * 1e3, maxAbsDiffFromLoop: diff, sink },
    });
  }
});
