// brain.js's training for C and K (a network with a spec's sizes and initial weights, trained one
// pattern per step with `trainPattern`) and for F (`train()` on the diabetes data): brain.ts runs
// them, tiering.ts too.
import brain, { type TrainingPattern } from 'brain.js';
import type { TrainSpec } from './common.js';
import { type DiabetesData, diabetesSettings } from './diabetes.js';

/** A brain.js network with `spec`'s sizes and initial weights; trained one pattern per step. */
export function brainStep(spec: TrainSpec): (k: number) => number {
  const net = new brain.NeuralNetwork({
    hiddenLayers: spec.sizes.slice(1, -1),
    activation: 'sigmoid',
    learningRate: spec.lr,
    momentum: 1e-9,
  });
  net.sizes = [...spec.sizes];
  net.initialize();
  spec.init.forEach((l, i) => {
    const layer = i + 1;
    for (let j = 0; j < l.outSize; j++) {
      const w = net.weights[layer]?.[j] as Float32Array;
      for (let k = 0; k < l.inSize; k++) w[k] = l.w[k * l.outSize + j];
      (net.biases[layer] as Float32Array)[j] = l.b[j];
    }
  });
  const d = spec.sizes[0];
  const patterns = Array.from({ length: spec.samples }, (_, s) => ({
    input: Float32Array.from(spec.x.subarray(s * d, (s + 1) * d)),
    output: Float32Array.from(spec.y.subarray(s, s + 1)),
  }));
  // trainPattern's error is mean((t−o)²); the loss every library reports for C is ½ of it
  return (k) =>
    0.5 * (net.trainPattern(patterns[k % spec.samples] as TrainingPattern, true) as number);
}

/**
 * F as brain.js runs it, its patterns made from `data` beforehand: a function that builds the
 * 10→8→1 sigmoid network and runs `train()` for every epoch (the error threshold is never reached;
 * brain.js refuses 0). Its activation is on the output too (it has no other), so its loss differs
 * from fit()'s linear-output model; the work per step is the same size.
 */
export function brainTrainDiabetes(
  data: DiabetesData,
): () => { error: number; iterations: number } {
  const patterns = Array.from({ length: data.samples }, (_, s) => ({
    input: Float32Array.from(data.x.subarray(s * 10, (s + 1) * 10)),
    output: Float32Array.of(data.y[s] as number),
  }));
  const settings = { learningRate: diabetesSettings.lr, momentum: 1e-9 };
  return () =>
    new brain.NeuralNetwork({ hiddenLayers: [8], activation: 'sigmoid', ...settings }).train(
      patterns,
      { iterations: diabetesSettings.epochs, errorThresh: 1e-12, log: false, ...settings },
    );
}
