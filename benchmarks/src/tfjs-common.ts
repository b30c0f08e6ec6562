// TensorFlow.js 4.22 (the union package: tfjs-core alone registers no gradients in CommonJS), on
// its pure-JS `cpu` backend or its WebAssembly backend. Shared by tfjs-cpu.ts and tfjs-wasm.ts.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
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

async function setBackend(backend: 'cpu' | 'wasm'): Promise<void> {
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Threads cannot start in Node (the threaded binary needs a Worker it cannot create there),
    // so force the single-thread SIMD binary, loaded as a file from the package's dist/.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend ${backend} failed to start`);
  await tf.ready();
  // Production mode drops debug-time checks: the peer at its fastest.
  tf.enableProdMode();
}

function trainer(spec: TrainSpec): (k: number) => number {
  const vars: tf.Variable[] = [];
  for (const l of spec.init) {
    vars.push(tf.variable(tf.tensor2d(Float32Array.from(l.w), [l.inSize, l.outSize])));
    vars.push(tf.variable(tf.tensor1d(Float32Array.from(l.b))));
  }
  const d = spec.sizes[0];
  const batches = allBatches(spec).map(
    ([x, y]) =>
      [
        tf.tensor2d(Float32Array.from(x), [spec.batch, d]),
        tf.tensor2d(Float32Array.from(y), [spec.batch, 1]),
      ] as const,
  );
  const opt = tf.train.sgd(spec.lr);
  const layers = spec.init.length;
  return (k) => {
    const [x, y] = batches[k % batches.length] as readonly [tf.Tensor2D, tf.Tensor2D];
    const cost = opt.minimize(
      () => {
        let h: tf.Tensor = x;
        for (let l = 0; l < layers; l++) {
          h = tf.add(tf.matMul(h, vars[2 * l] as tf.Variable), vars[2 * l + 1] as tf.Variable);
          const act = l < layers - 1 ? spec.hidden[l] : spec.output;
          if (act === 'sigmoid') h = tf.sigmoid(h);
          else if (act === 'relu') h = tf.relu(h);
        }
        let loss = tf.mean(tf.square(tf.sub(h, y)));
        if (spec.loss === 'half-se') loss = tf.mul(loss, 0.5);
        return loss as tf.Scalar;
      },
      true,
      vars,
    ) as tf.Scalar;
    const v = cost.dataSync()[0];
    cost.dispose();
    return v;
  };
}

export async function main(backend: 'cpu' | 'wasm'): Promise<void> {
  const LIB = `tfjs-${backend}`;
  const { workload, quick } = childArgs();
  await guard(LIB, workload, async () => {
    await setBackend(backend);
    switch (workload) {
      case 'A': {
        const { a, b, n } = matmulInputs();
        const ta = tf.tensor2d(Float32Array.from(a), [n, n]);
        const tb = tf.tensor2d(Float32Array.from(b), [n, n]);
        benchMatmul(LIB, 'float32', n, quick, () => {
          const c = tf.matMul(ta, tb);
          const first = c.dataSync()[0];
          c.dispose();
          return first;
        });
        break;
      }
      case 'B':
      case 'C': {
        const spec = workload === 'B' ? specB(quick) : specC(quick);
        let before = 0; // tensors alive when the timed steps start (after the warm-up)
        const r = trainLoop(spec, () => {
          const step = trainer(spec);
          return (k) => {
            if (k === spec.warmupSteps) before = tf.memory().numTensors;
            return step(k);
          };
        });
        const leaked = tf.memory().numTensors - before;
        emitTrain(LIB, spec, 'float32', r, leaked ? `tensors leaked: ${leaked}` : undefined);
        break;
      }
      case 'D': {
        const { a, b } = tinyInputs();
        const ta = tf.tensor2d(Float32Array.from(a), [1, 16]);
        const tb = tf.tensor2d(Float32Array.from(b), [1, 16]);
        let sink = 0;
        const r = benchSync(
          'add 1×16',
          () => {
            const c = tf.add(ta, tb);
            sink += c.dataSync()[0];
            c.dispose();
          },
          quick,
        );
        emit({
          lib: LIB,
          workload: 'D',
          variant: 'float32',
          metric: 'µs/op',
          value: r.median * 1e6,
          method: `benchmark.js (median of ${r.samples} samples)`,
          rme: r.rme,
          extra: { sink },
        });
        break;
      }
      default:
        throw new Error(`${LIB} has no workload ${workload}`);
    }
  });
}
