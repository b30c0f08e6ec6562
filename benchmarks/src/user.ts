// backprop on the path users write: the lecture's `MLP` from layers, a loss from layers, `SGD`
// from optim and `zeroGrad()`, or `fit()`; the same networks, data and initial weights as the
// hand-rolled rows of backprop.ts (which stay as the floor: what core's ops cost on their own).
// Usage: tsx --conditions=@backprop/source benchmarks/src/user.ts <B|C|K|F> [--quick]
// [--dtype=float32|float64] [--compile]
//   B, C  warm: the timed loop of common.ts (throwaway model first), eager or --compile
//   K     C cold: this fresh process's first 200 + 2,000 steps (the 2,000 timed)
//   F     fit() on the diabetes data (10→8→1 sigmoid, batch 1, 100 epochs), end to end; with
//         --compile, fit({ compile: false }) instead (fit compiles this model by default)
import { compile, type DType, type Tensor, tensor } from '@backprop/core';
import { halfSquaredError, MLP, mse } from '@backprop/layers';
import { fit, SGD } from '@backprop/optim';
import {
  allBatches,
  childArgs,
  coldLoop,
  dtypesToRun,
  emit,
  emitCold,
  emitTrain,
  guard,
  peakRssMB,
  specB,
  specC,
  type TrainSpec,
  trainLoop,
} from './common.js';
import { diabetesData, diabetesSettings, FIT_METHOD } from './diabetes.js';

const LIB = 'backprop-user';
const { workload, quick, dtype: onlyDtype } = childArgs();
const compiled = process.argv.includes('--compile');
const suffix = compiled ? ', compile' : '';

/** `spec`'s network as a user builds it, with the spec's initial weights copied in. */
function buildMLP(spec: TrainSpec, dtype: DType): MLP {
  const [inputs = 0, ...rest] = spec.sizes;
  const net = new MLP({
    inputs,
    hidden: rest.slice(0, -1),
    outputs: rest[rest.length - 1],
    activation: [...spec.hidden],
    outputActivation: spec.output === 'linear' ? 'identity' : spec.output,
    dtype,
  });
  spec.init.forEach((l, i) => {
    const layer = net.layers[i];
    layer?.weight.data.set(l.w); // both [in, out], row-major
    layer?.bias?.data.set(l.b);
  });
  return net;
}

/**
 * One training step as the README writes it: zeroGrad, the loss of the model's forward pass,
 * backward, step, the loss read into JS. With --compile the forward pass, loss and backward go
 * through core's `compile` (the optimiser's step stays outside it, as it must).
 */
function trainer(spec: TrainSpec, dtype: DType): (k: number) => number {
  const net = buildMLP(spec, dtype);
  // ½(o − y)² summed over a batch of 1 is the spec's ½·mean((o − y)²): brain.js's error
  const loss = spec.loss === 'half-se' ? halfSquaredError : mse;
  const opt = new SGD(net.parameters(), { lr: spec.lr });
  const d = spec.sizes[0];
  const batches = allBatches(spec).map(([x, y]) => [
    tensor(x, { dtype, shape: [spec.batch, d] }),
    tensor(y, { dtype, shape: [spec.batch, 1] }),
  ]);
  const forwardBackward = (x: Tensor, y: Tensor): Tensor => {
    const l = loss(net.forward(x), y);
    l.backward();
    return l;
  };
  const step = compiled ? compile(forwardBackward) : forwardBackward;
  return (k) => {
    const [x, y] = batches[k % batches.length] as [Tensor, Tensor];
    opt.zeroGrad();
    const l = step(x, y);
    opt.step();
    return l.item();
  };
}

/** F: the demo's regression trained by fit(), timed from building the model to fit's return. */
function fitDiabetes(dtype: DType): void {
  const data = diabetesData();
  const xTrain = tensor(data.x, { dtype, shape: [data.samples, 10] });
  const yTrain = tensor(data.y, { dtype, shape: [data.samples, 1] });
  const t0 = performance.now();
  const model = new MLP({
    inputs: 10,
    hidden: [8],
    activation: 'sigmoid',
    seed: diabetesSettings.initSeed,
    dtype,
  });
  const history = fit(model, {
    x: xTrain,
    y: yTrain,
    loss: halfSquaredError,
    optimizer: new SGD(model.parameters(), { lr: diabetesSettings.lr }),
    epochs: diabetesSettings.epochs,
    batchSize: 1,
    seed: 0,
    progress: false,
    // fit compiles this model's step by default (layers' isCompileSafe); the second variant is
    // the eager step, what a model of a user's own gets
    ...(compiled ? { compile: false } : {}),
  });
  const seconds = (performance.now() - t0) / 1000;
  const samples = data.samples;
  const last = history.epochs[history.epochs.length - 1];
  emit({
    lib: LIB,
    workload: 'F',
    variant: compiled ? `${dtype}, eager` : dtype,
    metric: 'steps/s',
    value: (samples * diabetesSettings.epochs) / seconds,
    method: FIT_METHOD,
    firstLoss: history.epochs[0]?.loss,
    lastLoss: last?.loss,
    lastEpochLoss: last?.loss,
    peakRssMB: peakRssMB(),
    extra: { seconds, epochs: history.epochs.length, samples },
  });
}

await guard(LIB, workload, () => {
  switch (workload) {
    case 'B':
    case 'C': {
      const spec = workload === 'B' ? specB(quick) : specC(quick);
      for (const d of dtypesToRun(onlyDtype)) {
        emitTrain(
          LIB,
          spec,
          `${d}${suffix}`,
          trainLoop(spec, () => trainer(spec, d)),
        );
      }
      break;
    }
    case 'K': {
      const spec = specC(quick);
      const d = onlyDtype ?? 'float64';
      emitCold(
        LIB,
        `${d}${suffix}`,
        coldLoop(spec, () => trainer(spec, d)),
      );
      break;
    }
    case 'F':
      fitDiabetes(onlyDtype ?? 'float64');
      break;
    default:
      throw new Error(`${LIB} has no workload ${workload}`);
  }
});
