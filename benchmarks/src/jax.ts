// jax-js 0.1.25 on its WebAssembly device (`init('wasm')`). Inputs are Float32Array: it cannot
// take a Float64Array in Node 20 (it reaches for Float16Array). Training steps run under `jit`.
// Usage: tsx benchmarks/src/jax.ts <A|B|C|D> [--quick]
import { init, jit, nn, numpy as np, tree, valueAndGrad } from '@jax-js/jax';
import {
  allBatches,
  benchMatmul,
  benchSync,
  childArgs,
  emit,
  emitTrain,
  guard,
  matmulInputs,
  specB,
  specC,
  type TrainSpec,
  tinyInputs,
  trainLoop,
} from './common.js';

const LIB = 'jax-js';
const { workload, quick } = childArgs();

type Params = np.Array[];

/** One jitted SGD step: (params, x, y) → [new params, loss]; reading the loss realises it. */
function trainer(spec: TrainSpec): (k: number) => number {
  let params: Params = [];
  for (const l of spec.init) {
    params.push(np.array(Float32Array.from(l.w)).reshape([l.inSize, l.outSize]));
    params.push(np.array(Float32Array.from(l.b)));
  }
  const d = spec.sizes[0];
  const batches = allBatches(spec).map(([x, y]) => [
    np.array(Float32Array.from(x)).reshape([spec.batch, d]),
    np.array(Float32Array.from(y)).reshape([spec.batch, 1]),
  ]);
  const layers = spec.init.length;
  const lossFn = (p: Params, x: np.Array, y: np.Array): np.Array => {
    let h = x;
    for (let l = 0; l < layers; l++) {
      h = np.matmul(h, p[2 * l] as np.Array).add(p[2 * l + 1] as np.Array);
      const act = l < layers - 1 ? spec.hidden[l] : spec.output;
      if (act === 'sigmoid') h = nn.sigmoid(h);
      else if (act === 'relu') h = nn.relu(h);
    }
    const loss = np.mean(np.square(h.sub(y)));
    return spec.loss === 'half-se' ? loss.mul(0.5) : loss;
  };
  const lr = spec.lr;
  const step = jit((p: Params, x: np.Array, y: np.Array): [Params, np.Array] => {
    const [loss, grads] = valueAndGrad(lossFn)(tree.ref(p), x, y);
    const next = p.map((w, i) => w.sub((grads[i] as np.Array).mul(lr)));
    return [next, loss];
  });
  return (k) => {
    const [x, y] = batches[k % batches.length] as [np.Array, np.Array];
    const [next, loss] = step(params, x.ref, y.ref);
    params = next;
    return loss.dataSync()[0] as number; // dataSync consumes `loss`
  };
}

await guard(LIB, workload, async () => {
  const devices = await init('wasm');
  if (!devices.includes('wasm')) throw new Error(`jax-js: no wasm device (got ${devices})`);
  switch (workload) {
    case 'A': {
      const { a, b, n } = matmulInputs();
      const ta = np.array(Float32Array.from(a)).reshape([n, n]);
      const tb = np.array(Float32Array.from(b)).reshape([n, n]);
      const jitted = jit((x: np.Array, y: np.Array) => np.matmul(x, y));
      for (const variant of ['jit', 'eager'] as const) {
        benchMatmul(LIB, `float32, ${variant}`, n, quick, () => {
          const c = variant === 'jit' ? jitted(ta.ref, tb.ref) : np.matmul(ta.ref, tb.ref);
          return c.dataSync()[0] as number;
        });
      }
      break;
    }
    case 'B':
    case 'C': {
      const spec = workload === 'B' ? specB(quick) : specC(quick);
      emitTrain(
        LIB,
        spec,
        'float32, jit',
        trainLoop(spec, () => trainer(spec)),
      );
      break;
    }
    case 'D': {
      const { a, b } = tinyInputs();
      const ta = np.array(Float32Array.from(a)).reshape([1, 16]);
      const tb = np.array(Float32Array.from(b)).reshape([1, 16]);
      let sink = 0;
      const r = benchSync(
        'add 1×16',
        () => {
          sink += np.add(ta.ref, tb.ref).dataSync()[0] as number;
        },
        quick,
      );
      emit({
        lib: LIB,
        workload: 'D',
        variant: 'float32, eager',
        metric: 'µs/op',
        value: r.median * 1e6,
        method: `benchmark.js (median of ${r.samples} samples)`,
        rme: r.rme,
        extra: { sink },
      });
      break;
    }
    default:
      throw new Error(`jax-js has no workload ${workload}`);
  }
});
