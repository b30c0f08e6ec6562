// backprop on the path users write: the lecture's `MLP` from layers, a loss from layers, `SGD`
// from optim and `zeroGrad()`, or `fit()`; the same networks, data and initial weights as the
// hand-rolled rows of backprop.ts (which stay as the floor: what core's ops cost on their own).
// Usage: tsx --conditions=@backprop/source benchmarks/src/user.ts <B|C|K|F> [--quick]
// [--dtype=float32|float64] [--compile]
//   B, C  warm: the timed loop of common.ts (throwaway model first), eager or --compile
//   K     C cold: this fresh process's first 200 + 2,000 steps (the 2,000 timed)
//   F     fit() on the diabetes data (10→8→1 sigmoid, batch 1, 100 epochs), end to end; with
//         --compile, fit({ compile: false }) instead (fit compiles this model by default)
import type { DType } from '@backprop/core';
import {
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
  trainLoop,
} from './common.js';
import { diabetesData, diabetesSettings, FIT_METHOD } from './diabetes.js';
import { fitDiabetes, userStep } from './user-step.js';

const LIB = 'backprop-user';
const { workload, quick, dtype: onlyDtype } = childArgs();
const compiled = process.argv.includes('--compile');
const suffix = compiled ? ', compile' : '';

/** F: the demo's regression trained by fit(), timed from building the model to fit's return. */
function fitF(dtype: DType): void {
  const data = diabetesData();
  const train = fitDiabetes(data, dtype, compiled); // --compile: fit({ compile: false })
  const t0 = performance.now();
  const history = train();
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
          trainLoop(spec, () => userStep(spec, d, compiled)),
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
        coldLoop(spec, () => userStep(spec, d, compiled)),
      );
      break;
    }
    case 'F':
      fitF(onlyDtype ?? 'float64');
      break;
    default:
      throw new Error(`${LIB} has no workload ${workload}`);
  }
});
