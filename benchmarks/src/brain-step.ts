// brain.js's training step for C and K: a network with a spec's sizes and initial weights,
// trained one pattern per step with `trainPattern` (brain.ts runs it; tiering.ts too).
import brain, { type TrainingPattern } from 'brain.js';
import type { TrainSpec } from './common.js';

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
