// Workload P for jax-js 0.1.25 (its WebAssembly device, float32 only under Node 20; see jax.ts):
// per-sample gradients of B's network for B's first batch with jax-js's vmap(grad), eager and
// under jit, each checked against backprop's float64 numbers first. Usage: tsx
// --conditions=@backprop/source benchmarks/src/jax-per-sample.ts P [--quick]
import type { Tensor } from '@backprop/core';
import { grad, init, jit, nn, numpy as np, tree, vmap } from '@jax-js/jax';
import { benchSync, childArgs, guard } from './common.js';
import { emitP, workloadP } from './per-sample-common.js';

const LIB = 'jax-js';
const { workload, quick } = childArgs();

type Params = np.Array[];

/** One sample's loss: (f(x) − y)², f the B network. */
function sampleLoss(p: Params, x: np.Array, y: np.Array): np.Array {
  const h1 = nn.sigmoid(np.matmul(x, p[0] as np.Array).add(p[1] as np.Array));
  const h2 = nn.relu(np.matmul(h1, p[2] as np.Array).add(p[3] as np.Array));
  return np.sum(
    np.square(
      np
        .matmul(h2, p[4] as np.Array)
        .add(p[5] as np.Array)
        .sub(y),
    ),
  );
}

await guard(LIB, workload, async () => {
  if (workload !== 'P') throw new Error(`jax-per-sample.ts has no workload ${workload}`);
  const devices = await init('wasm');
  if (!devices.includes('wasm')) throw new Error(`jax-js: no wasm device (got ${devices})`);
  const { spec, xb, yb, x: x64, y: y64, batched } = workloadP(quick);
  const params: Params = spec.init.flatMap((l) => [
    np.array(Float32Array.from(l.w)).reshape([l.inSize, l.outSize]),
    np.array(Float32Array.from(l.b)),
  ]);
  const x = np.array(Float32Array.from(xb)).reshape([spec.batch, 16]);
  const y = np.array(Float32Array.from(yb));
  const perSample = vmap(grad(sampleLoss), [null, 0, 0]);
  const jitted = jit((p: Params, xs: np.Array, ys: np.Array) => perSample(p, xs, ys));
  const expected = batched(x64, y64); // backprop's, in float64

  const variants: [string, () => Params][] = [
    ['vmap(grad), float32, eager', () => perSample(tree.ref(params), x.ref, y.ref) as Params],
    ['vmap(grad), float32, jit', () => jitted(tree.ref(params), x.ref, y.ref) as Params],
  ];
  for (const [variant, run] of variants) {
    const got = run();
    let diff = 0;
    got.forEach((g, j) => {
      const values = g.dataSync(); // consumes g
      const want = (expected[j] as Tensor).data;
      for (let i = 0; i < want.length; i++) {
        diff = Math.max(diff, Math.abs((values[i] as number) - (want[i] as number)));
      }
    });
    if (!(diff < 1e-4)) throw new Error(`${variant}: differs from backprop's float64 by ${diff}`);
    let sink = 0;
    const r = benchSync(
      variant,
      () => {
        const gs = run();
        sink += (gs[0] as np.Array).dataSync()[0] as number; // reading realises the work
        tree.dispose(gs.slice(1));
      },
      quick,
    );
    emitP(LIB, variant, spec.batch, r, { maxAbsDiffFromBackpropFloat64: diff, sink });
  }
});
