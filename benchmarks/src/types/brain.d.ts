// The few parts of brain.js 1.6.1 (which ships no types) that brain.ts uses.
declare module 'brain.js' {
  export interface TrainingPattern {
    input: ArrayLike<number>;
    output: ArrayLike<number>;
  }
  export class NeuralNetwork {
    constructor(options?: Record<string, unknown>);
    sizes: number[] | null;
    /** weights[layer][node][k]: from node k of layer-1 to `node` (layer ≥ 1). */
    weights: Float32Array[][];
    /** biases[layer][node] (layer ≥ 1). */
    biases: Float32Array[];
    initialize(): void;
    /** Forward, deltas, weight update for one sample; with `logErrorRate`, the mean squared error. */
    trainPattern(value: TrainingPattern, logErrorRate?: boolean): number | null;
    /** Trains on every pattern, `iterations` times over (or until the error falls under `errorThresh`). */
    train(
      data: TrainingPattern[],
      options?: Record<string, unknown>,
    ): { error: number; iterations: number };
    run(input: ArrayLike<number>): Float32Array;
  }
  const brain: { NeuralNetwork: typeof NeuralNetwork };
  export default brain;
}
