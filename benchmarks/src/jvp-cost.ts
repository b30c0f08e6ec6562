// What forward mode costs: jvp of B's network (16→64→64→1, batch 64, MSE) with a tangent for every
// parameter, against the forward pass alone, timed in one process, three times. Not part of
// `pnpm bench` (one ratio, no peers). Run: npx tsx --conditions=@backprop/source benchmarks/src/jvp-cost.ts
import { jvp, linear, relu, sigmoid, type Tensor, tensor } from '@backprop/core';
import { allBatches, specB } from './common.js';

const spec = specB(false);
const params = spec.init.flatMap((l) => [
  tensor(l.w, { shape: [l.inSize, l.outSize] }),
  tensor(l.b, { shape: [l.outSize] }),
]);
const [xb, yb] = allBatches(spec)[0] as [Float64Array, Float64Array];
const x = tensor(xb, { shape: [spec.batch, 16] });
const y = tensor(yb, { shape: [spec.batch, 1] });
const loss = (...p: Tensor[]) => {
  const h1 = sigmoid(linear(x, p[0] as Tensor, p[1] as Tensor));
  const h2 = relu(linear(h1, p[2] as Tensor, p[3] as Tensor));
  return linear(h2, p[4] as Tensor, p[5] as Tensor)
    .sub(y)
    .square()
    .mean();
};
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
