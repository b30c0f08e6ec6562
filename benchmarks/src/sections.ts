// The per-workload sections of the report: each one's title, what it measures and how, and
// which of backprop's variants the other libraries are compared with.
import { specB, specC } from './common.js';

export interface Section {
  w: string;
  title: string;
  blurb: string;
  ours: string[]; // backprop variants to compare
  /** whose variants `ours` names: 'backprop' (core's ops by hand) unless given */
  oursLib?: string;
}
/** Column labels for backprop's variants in the ratio columns. */
export const SHORT: Record<string, string> = {
  float32: 'f32',
  float64: 'f64',
  'float32, compile': 'f32 compile',
  'float64, compile': 'f64 compile',
  'float64, eager': 'f64 eager',
  'float32, relaxed SIMD': 'f32 relaxed',
  'float64, relaxed SIMD': 'f64 relaxed',
  'float32, inputs requiresGrad (records a node)': 'f32 recording',
};
/** The sections in report order; the timing settings quoted are those of `quick` or a full run. */
export function workloadSections(quick: boolean): Section[] {
  const warmB = specB(quick);
  const warmC = specC(quick);
  return [
    {
      w: 'A',
      title: 'A. matmul, n = 512 (GFLOP/s, higher is better)',
      blurb:
        'C = A·B for two 512×512 matrices (uniform in [−1, 1)), forward only, result read back into a typed array. ' +
        "GFLOP/s = 2n³ / time, time = the median of benchmark.js's samples (each one cycle's mean time per call); " +
        "RME is benchmark.js's relative margin of error of the mean. " +
        'backprop also runs in a process started with `--experimental-wasm-relaxed-simd` (variants "…, relaxed SIMD"): ' +
        'its kernels then take their fused multiply-add build, which Node 22+ and Chromium 114+ take without a flag; ' +
        "the peers' binaries are the same either way.",
      ours: ['float32', 'float64', 'float32, relaxed SIMD', 'float64, relaxed SIMD'],
    },
    {
      w: 'B',
      title: 'B. MLP 16→64→64→1 training, batch 64 (samples/s, higher is better)',
      blurb:
        'Sigmoid then ReLU hidden layers, linear output, MSE loss, plain SGD (lr 0.01), 1024 samples cycled in ' +
        '16 batches. A step is forward + backward + update + reading the loss into JS. Timed loop: ' +
        `first a throwaway copy of the model (same weights, same batches) trains for at least ${warmB.warmupSeconds} s and at least ` +
        `${warmB.warmupMinSteps} steps, whichever takes longer, so that V8 has optimised all of the library's code whatever its speed ` +
        `(C: at least ${warmC.warmupSeconds} s and ${warmC.warmupMinSteps} steps); then the measured copy runs a fixed number of warm-up steps and of timed ` +
        'steps (the same for every library, so its losses are those of the same steps everywhere) in 10 chunks, then more ' +
        `chunks of the same size until at least ${warmB.minTimedSeconds} s are timed (this machine switches between two speeds every few ` +
        "seconds, and a fast library's fixed steps took a tenth of a second); a round's number is all timed steps over all " +
        'timed seconds, RME that of the chunk rates.',
      ours: ['float32', 'float64', 'float32, compile', 'float64, compile'],
    },
    {
      w: 'C',
      title: 'C. MLP 2→16→16→1 training, batch 1 (steps/s, higher is better)',
      blurb:
        'Sigmoid on every layer and ½(o−y)² — the network brain.js builds, so brain.js trains the same model ' +
        'from the same weights (its updates are the same SGD, momentum 1e-9). 64 samples cycled, lr 0.1. ' +
        'A step is forward + backward + update + reading the loss. Timed loop as in B.',
      ours: ['float32', 'float64', 'float32, compile', 'float64, compile'],
    },
    {
      w: 'K',
      title: 'K. C cold: the first 2,200 steps of a fresh process (steps/s, higher is better)',
      blurb:
        'C as a short script runs it: a fresh process builds the model and trains it, 200 untimed steps ' +
        'then 2,000 timed ones, while V8 is still compiling and optimising the code (nothing ran before). ' +
        'backprop-user is the path users write (`MLP`, `halfSquaredError`, `SGD`, `zeroGrad()`), eagerly and ' +
        "with the forward pass, loss and backward() under core's `compile`. plain-js is C's hand-written " +
        'loops, cold: what four small functions that loop get before V8 has warmed up. One number ' +
        'per round, no RME.',
      ours: ['float32', 'float64', 'float32, compile', 'float64, compile'],
      oursLib: 'backprop-user',
    },
    {
      w: 'F',
      title: "F. fit() on the demo's diabetes regression, end to end (steps/s, higher is better)",
      blurb:
        'examples/src/regression.ts without early stopping: the training split (331 patients, autoscaled), ' +
        'MLP 10→8→1 with sigmoid hidden neurons, `halfSquaredError`, per-sample SGD (lr 0.01), 100 epochs, ' +
        "each in a fresh process, timed from building the model to the end of training. brain.js's " +
        '`train()` gets the same data, sizes, learning rate and epochs (its output neuron is sigmoid too: it has no ' +
        "linear one). steps/s = samples × epochs ÷ seconds. `fit()` compiles this model's step by default " +
        "(layers' `isCompileSafe`); the eager row is `fit({ compile: false })`, what a model of your own gets.",
      ours: ['float64', 'float64, eager'],
      oursLib: 'backprop-user',
    },
    {
      w: 'P',
      title: 'P. Per-sample gradients of B’s network, batch 64 (samples/s, higher is better)',
      blurb:
        'Every parameter’s gradient for each of the 64 samples of B’s first batch (MSE per sample): vmap(grad) in one ' +
        'batched pass, against a loop of 64 grad calls; jax-js’s vmap(grad), eager and under jit (float32, its only ' +
        'dtype under Node 20); PyTorch’s functorch vmap(grad) at one thread (Debian’s python3-torch, ' +
        'benchmarks/python/per_sample_torch.py). Each variant is first checked against a loop, or (jax-js) against ' +
        'backprop’s float64 numbers to 1e-4.',
      ours: ['vmap(grad), float64', 'vmap(grad), float64, compile'],
    },
    {
      w: 'D',
      title: 'D. one tiny op: add of two 1×16 tensors (µs/op, lower is better)',
      blurb:
        'The op plus having its result in a JS typed array (tfjs: dataSync + dispose; jax-js: dataSync). ' +
        "Median of benchmark.js's samples, as in A.",
      ours: ['float32', 'float32, inputs requiresGrad (records a node)'],
    },
  ];
}
