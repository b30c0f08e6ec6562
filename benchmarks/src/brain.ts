// brain.js 1.6.1: a hand-coded (no autodiff) fully connected network on the CPU, one sample per
// step. Its activation applies to every layer, output included, and its update is SGD with
// momentum on ½(t−o)²; it rejects momentum 0, so 1e-9 stands in for none.
// Usage: tsx benchmarks/src/brain.ts <B|C|K|F> [--quick]
import { brainStep, brainTrainDiabetes } from './brain-step.js';
import {
  childArgs,
  coldLoop,
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
import { diabetesData, FIT_METHOD } from './diabetes.js';

const LIB = 'brain.js';
const { workload, quick } = childArgs();

await guard(LIB, workload, () => {
  switch (workload) {
    case 'C': {
      const spec = specC(quick);
      emitTrain(
        LIB,
        spec,
        'float32',
        trainLoop(spec, () => brainStep(spec)),
      );
      break;
    }
    case 'K': {
      const spec = specC(quick);
      emitCold(
        LIB,
        'float32',
        coldLoop(spec, () => brainStep(spec)),
      );
      break;
    }
    case 'F': {
      const data = diabetesData();
      const train = brainTrainDiabetes(data);
      const t0 = performance.now();
      const r = train();
      const seconds = (performance.now() - t0) / 1000;
      emit({
        lib: LIB,
        workload: 'F',
        variant: 'float32, train()',
        metric: 'steps/s',
        value: (data.samples * r.iterations) / seconds,
        method: FIT_METHOD,
        lastLoss: r.error,
        peakRssMB: peakRssMB(),
        note: 'sigmoid output (brain.js has no linear one): its loss is not comparable',
        extra: { seconds, epochs: r.iterations, samples: data.samples },
      });
      break;
    }
    case 'B': {
      // brain.js trains one sample at a time and has no ReLU-then-linear stack: the same sizes,
      // data and initial weights, but sigmoid everywhere and batch 1 (a different model).
      const b = specB(quick);
      const spec: TrainSpec = {
        ...b,
        hidden: ['sigmoid', 'sigmoid'],
        output: 'sigmoid',
        loss: 'half-se',
        batch: 1,
        warmupMinSteps: b.warmupMinSteps * b.batch,
        warmupSteps: b.warmupSteps * b.batch,
        steps: b.steps * b.batch,
      };
      emitTrain(
        LIB,
        spec,
        'float32, batch 1, sigmoid everywhere',
        trainLoop(spec, () => brainStep(spec)),
        'different model (batch 1, sigmoid output): its loss is not comparable',
      );
      break;
    }
    default:
      throw new Error(`brain.js has no workload ${workload} (it has no standalone matmul or add)`);
  }
});
