// Workload P: per-sample gradients of B's network (16→64→64→1, sigmoid then ReLU, linear output,
// MSE) for one batch of 64: every parameter's gradient for each sample. backprop's vmap(grad)
// (one batched pass), the same traced by compile, and a loop of 64 grad calls (what one would
// write without vmap); each checked against the loop. Usage: tsx --conditions=@backprop/source
// benchmarks/src/per-sample.ts P [--quick]
import { compile, stack, type Tensor } from '@backprop/core';
import { benchSync, childArgs, guard } from './common.js';
import { emitP, perSampleGrad, workloadP } from './per-sample-common.js';

const LIB = 'backprop';
const { workload, quick } = childArgs();

await guard(LIB, workload, () => {
  if (workload !== 'P') throw new Error(`per-sample.ts has no workload ${workload}`);
  const { spec, params, x, y, batched } = workloadP(quick);
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
    emitP(LIB, variant, spec.batch, r, { maxAbsDiffFromLoop: diff, sink });
  }
});
