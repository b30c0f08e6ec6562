// backprop, imported from the workspace source (tsx --conditions=@backprop/source), so the numbers track
// the current code. Usage: tsx --conditions=@backprop/source benchmarks/src/backprop.ts <A|B|C|D|M|G> [--quick]
// [--dtype=float32|float64] (A, B, C: that dtype only; the runner runs each in its own process)
// [--compile] (B, C: the training step wrapped in core's `compile`, variant "<dtype>, compile")
// [--relaxed-simd] (A: the runner starts this process with Node 20's --experimental-wasm-relaxed-simd,
// so the kernels take their fused multiply-add build; variant "<dtype>, relaxed SIMD", one thread)
import {
  add,
  compile,
  type DType,
  getWasmBuild,
  linear,
  matmul,
  mean,
  mul,
  relu,
  sigmoid,
  square,
  sub,
  type Tensor,
  tensor,
} from '@backprop/core';
import { stopThreads, useThreads } from '@backprop/core/node';
import {
  allBatches,
  benchMatmul,
  benchSync,
  benchTraining,
  childArgs,
  dtypesToRun,
  emit,
  guard,
  matmulInputs,
  peakRssMB,
  scalarGraphNodes,
  specB,
  type TrainSpec,
  tinyInputs,
} from './common.js';

const LIB = 'backprop';
const { workload, quick, dtype: onlyDtype } = childArgs();
const compiled = process.argv.includes('--compile');
const relaxed = process.argv.includes('--relaxed-simd');

/** The MLP of `spec` from core ops, trained by plain SGD on the parameters' data in place. */
function trainer(spec: TrainSpec, dtype: DType): (k: number) => number {
  const params: Tensor[] = [];
  for (const l of spec.init) {
    params.push(tensor(l.w, { dtype, shape: [l.inSize, l.outSize], requiresGrad: true }));
    params.push(tensor(l.b, { dtype, shape: [l.outSize], requiresGrad: true }));
  }
  const d = spec.sizes[0];
  const batches = allBatches(spec).map(([x, y]) => [
    tensor(x, { dtype, shape: [spec.batch, d] }),
    tensor(y, { dtype, shape: [spec.batch, 1] }),
  ]);
  const layers = spec.init.length;
  const lr = spec.lr;
  // forward and backward(); with --compile, traced on the first call and replayed after it
  const forwardBackward = (x: Tensor, y: Tensor): Tensor => {
    let h = x;
    for (let l = 0; l < layers; l++) {
      h = linear(h, params[2 * l] as Tensor, params[2 * l + 1] as Tensor); // x·W + b, one op
      const act = l < layers - 1 ? spec.hidden[l] : spec.output;
      if (act === 'sigmoid') h = sigmoid(h);
      else if (act === 'relu') h = relu(h);
    }
    let loss = mean(square(sub(h, y)));
    if (spec.loss === 'half-se') loss = mul(loss, 0.5);
    loss.backward();
    return loss;
  };
  const step = compiled ? compile(forwardBackward) : forwardBackward;
  return (k) => {
    const [x, y] = batches[k % batches.length] as [Tensor, Tensor];
    const loss = step(x, y);
    for (const p of params) {
      const w = p.data;
      const g = (p.grad as Tensor).data;
      for (let i = 0; i < w.length; i++) w[i] = w[i] - lr * g[i];
      p.grad = null;
    }
    return loss.item();
  };
}

function heapMB(): { heap: number; rss: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed / 2 ** 20, rss: m.rss / 2 ** 20 };
}

await guard(LIB, workload, () => {
  switch (workload) {
    case 'A': {
      const { a, b, n } = matmulInputs();
      for (const dtype of dtypesToRun(onlyDtype)) {
        const ta = tensor(a, { dtype, shape: [n, n] });
        const tb = tensor(b, { dtype, shape: [n, n] });
        const product = () => matmul(ta, tb).data[0];
        if (relaxed) {
          // what Node 22+ and Chromium 114+ run by default: the kernels' fused multiply-add build
          const { build, why } = getWasmBuild();
          if (build !== 'relaxed-simd') {
            throw new Error(
              `--relaxed-simd: the engine took the ${build ?? 'JavaScript'} kernels${why ? ` (${why})` : ''}, not relaxed SIMD`,
            );
          }
          benchMatmul(LIB, `${dtype}, relaxed SIMD`, n, quick, product);
          continue;
        }
        benchMatmul(LIB, dtype, n, quick, product);
        // the second core: the same product split over two threads (@backprop/core/node)
        useThreads(2);
        benchMatmul(LIB, `${dtype}, 2 threads (useThreads)`, n, quick, product);
        stopThreads();
      }
      break;
    }
    case 'B':
    case 'C':
      benchTraining(LIB, workload, quick, onlyDtype, trainer, compiled ? ', compile' : '');
      break;
    case 'D': {
      const { a, b } = tinyInputs();
      for (const grad of [false, true]) {
        const ta = tensor(a, { dtype: 'float32', shape: [1, 16], requiresGrad: grad });
        const tb = tensor(b, { dtype: 'float32', shape: [1, 16], requiresGrad: grad });
        let sink = 0;
        const r = benchSync(
          'add 1×16',
          () => {
            sink += add(ta, tb).data[0];
          },
          quick,
        );
        emit({
          lib: LIB,
          workload: 'D',
          variant: grad ? 'float32, inputs requiresGrad (records a node)' : 'float32',
          metric: 'µs/op',
          value: r.median * 1e6,
          method: `benchmark.js (median of ${r.samples} samples)`,
          rme: r.rme,
          extra: { sink },
        });
      }
      break;
    }
    case 'M': {
      // No growth across epochs: train B for 10 epochs, heap and RSS after epoch 1 vs epoch 10.
      const spec = specB(quick);
      const epochSteps = spec.samples / spec.batch;
      for (const dtype of ['float32', 'float64'] as const) {
        const step = trainer(spec, dtype);
        const after: { heap: number; rss: number }[] = [];
        let loss = 0;
        for (let e = 0; e < 10; e++) {
          for (let s = 0; s < epochSteps; s++) loss = step(e * epochSteps + s);
          after.push(heapMB());
        }
        const first = after[0] as { heap: number; rss: number };
        const last = after[9] as { heap: number; rss: number };
        emit({
          lib: LIB,
          workload: 'M',
          variant: `B ${dtype}, 10 epochs`,
          metric: 'MB',
          value: last.heap - first.heap,
          method: 'heapUsed after gc(), epoch 10 − epoch 1',
          lastLoss: loss,
          peakRssMB: peakRssMB(),
          extra: {
            heapEpoch1: first.heap,
            heapEpoch10: last.heap,
            rssEpoch1: first.rss,
            rssEpoch10: last.rss,
          },
        });
      }
      break;
    }
    case 'G': {
      // A 10⁶-node scalar graph (10⁵ with --quick): y ← y·c + d, 500 000 times (two recorded ops each), then backward.
      const nodes = scalarGraphNodes(quick);
      const before = heapMB();
      const c = tensor(0.99999);
      const dd = tensor(0.00001);
      const x = tensor(0.5, { requiresGrad: true });
      const t0 = performance.now();
      let y: Tensor = x;
      for (let i = 0; i < nodes / 2; i++) y = add(mul(y, c), dd);
      const t1 = performance.now();
      const afterForward = process.memoryUsage().rss / 2 ** 20;
      y.backward();
      const t2 = performance.now();
      const grad = (x.grad as Tensor).item();
      const expected = 0.99999 ** (nodes / 2);
      emit({
        lib: LIB,
        workload: 'G',
        variant: `${nodes} nodes, float64`,
        metric: 'MB',
        value: peakRssMB(),
        method: 'process.resourceUsage().maxRSS',
        peakRssMB: peakRssMB(),
        extra: {
          rssBeforeMB: before.rss,
          rssAfterForwardMB: afterForward,
          forwardMs: t1 - t0,
          backwardMs: t2 - t1,
          gradRelError: Math.abs(grad - expected) / expected,
        },
      });
      break;
    }
    default:
      throw new Error(`backprop has no workload ${workload}`);
  }
});
