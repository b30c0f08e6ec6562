// What forward mode costs: jvp of B's network (16→64→64→1, batch 64, squared error) with a tangent for every
// parameter, against the forward pass alone, timed in one process, three times. Not part of
// `pnpm bench` (one ratio, no peers). Run: npx tsx --conditions=@backprop/source benchmarks/src/jvp-cost.ts
import { jvp, type Tensor } from '@backprop/core';
import { sampleLoss, workloadP } from './per-sample-common.js';

// the whole batch's squared error, through the same network
const { spec, params, x, y } = workloadP(false);
const target = y.reshape([spec.batch, 1]);
const loss = (...p: Tensor[]) => sampleLoss(x, target, ...p);
const tangents = params.map((p) => p.onesLike().mul(0.01));

/** Mean milliseconds per call over `n` calls, after 200 untimed ones. */
function time(f: () => unknown, n: number): number {
  for (let i = 0; i < 200; i++) f();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f();
  return (performance.now() - t0) / n;
}

for (let round = 1; round <= 3; round++) {
  const forward = time(() => loss(...params), 2000);
  const withTangent = time(() => jvp(loss, params, tangents), 2000);
  console.log(
    `round ${round}: forward ${(forward * 1e3).toFixed(0)} µs, jvp ${(withTangent * 1e3).toFixed(0)} µs, ` +
      `jvp ÷ forward ${(withTangent / forward).toFixed(2)}`,
  );
}
