// What a benchmark run measures: the libraries, the workloads each one runs, the ways each
// workload runs (eager, compiled, relaxed SIMD), and the order of the child processes in a round.

export interface Lib {
  name: string;
  file: string;
  /** the npm package whose version the report names (none for plain JS) */
  pkg?: string;
  workloads: readonly string[];
  /** workloads run once per dtype, each in its own process (`--dtype=float32`, `--dtype=float64`) */
  perDtype?: readonly string[];
  /** workloads also run once per dtype with `--compile` (backprop's compile), each in its own process */
  compiled?: readonly string[];
  /**
   * workloads also run once per dtype in a process started with Node 20's
   * `--experimental-wasm-relaxed-simd` (`--relaxed-simd`): the kernels' fused multiply-add build,
   * which Node 22+ and Chromium 114+ take by default
   */
  relaxed?: readonly string[];
}

/** One way of running a workload: extra arguments for Node and for the child. */
export interface Mode {
  tag: string;
  node: readonly string[];
  child: readonly string[];
}

// A module of one f32x4.relaxed_madd ((module (func (param v128 v128 v128) (result v128)
// (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))), by wat2wasm
// --enable-relaxed-simd): whether this Node takes relaxed SIMD without a flag.
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 7, 5, 1, 1, 102,
  0, 0, 10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11,
]);
/** Node 22+: backprop's kernels take their fused build anyway, so no flagged process is needed. */
export function relaxedByDefault(): boolean {
  return (
    globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }
  ).WebAssembly.validate(RELAXED_PROBE);
}

const EAGER: Mode = { tag: '', node: [], child: [] };
const COMPILE: Mode = { tag: ' compile', node: [], child: ['--compile'] };
// Node 22+ takes relaxed SIMD without the flag, and refuses to start with it
const RELAXED: Mode = {
  tag: ' relaxed SIMD',
  node: ['--experimental-wasm-relaxed-simd'],
  child: ['--relaxed-simd'],
};

export const LIBS: readonly Lib[] = [
  {
    name: 'backprop',
    file: 'backprop.ts',
    pkg: '@backprop/core',
    workloads: ['A', 'B', 'C', 'D', 'M', 'G'],
    perDtype: ['A', 'B', 'C'],
    compiled: ['B', 'C'],
    relaxed: ['A'],
  },
  // the same networks as a user writes them: MLP, a loss, SGD, zeroGrad (user.ts); K is C in a
  // fresh process (cold), F is fit() on the demo's diabetes regression
  {
    name: 'backprop-user',
    file: 'user.ts',
    pkg: '@backprop/layers',
    workloads: ['B', 'C', 'K', 'F'],
    perDtype: ['B', 'C', 'K'],
    compiled: ['B', 'C', 'K', 'F'],
  },
  // hand-written loops over typed arrays, no library: the reference for the library's overhead
  {
    name: 'plain-js',
    file: 'plain.ts',
    workloads: ['A', 'B', 'C', 'K'],
    perDtype: ['B', 'C', 'K'],
  },
  {
    name: 'tfjs-cpu',
    file: 'tfjs-cpu.ts',
    pkg: '@tensorflow/tfjs',
    workloads: ['A', 'B', 'C', 'D'],
  },
  {
    name: 'tfjs-wasm',
    file: 'tfjs-wasm.ts',
    pkg: '@tensorflow/tfjs-backend-wasm',
    workloads: ['A', 'B', 'C', 'D'],
  },
  { name: 'jax-js', file: 'jax.ts', pkg: '@jax-js/jax', workloads: ['A', 'B', 'C', 'D'] },
  { name: 'brain.js', file: 'brain.ts', pkg: 'brain.js', workloads: ['B', 'C', 'K', 'F'] },
  // PyTorch CPU at 1 thread through Debian's /usr/bin/python3 (python3-torch), when present
  { name: 'pytorch', file: 'pytorch.ts', workloads: ['B'], perDtype: ['B'] },
  // per-sample gradients (issue 21): backprop's vmap(grad) and PyTorch's, each in a file of its own
  { name: 'backprop', file: 'per-sample.ts', pkg: '@backprop/core', workloads: ['P'] },
  { name: 'jax-js', file: 'jax-per-sample.ts', pkg: '@jax-js/jax', workloads: ['P'] },
  { name: 'torch.func', file: 'torch-func.ts', workloads: ['P'] },
];
/** Workloads measured once (memory), not per round. */
const ONCE = new Set(['M', 'G']);
export const WORKLOADS: readonly string[] = ['A', 'B', 'C', 'K', 'F', 'D', 'M', 'G', 'P'];

/** One child process: a library's workload in one dtype and mode. */
export interface Job {
  lib: Lib;
  workload: string;
  dtype: string | undefined;
  mode: Mode;
  /** e.g. "B float32 compile", for progress lines and failures */
  label: string;
}

/** The child processes of round `round`, in the order they run: workload by workload, then library. */
export function planRound(
  round: number,
  libs: readonly Lib[],
  workloads: readonly string[],
): Job[] {
  const relaxedFlagNeeded = !relaxedByDefault();
  const jobs: Job[] = [];
  for (const workload of workloads) {
    if (ONCE.has(workload) && round > 1) continue;
    for (const lib of libs) {
      if (!lib.workloads.includes(workload)) continue;
      const dtypes = lib.perDtype?.includes(workload) ? ['float32', 'float64'] : [undefined];
      const modes = [
        EAGER,
        ...(lib.compiled?.includes(workload) ? [COMPILE] : []),
        ...(lib.relaxed?.includes(workload) && relaxedFlagNeeded ? [RELAXED] : []),
      ];
      for (const dtype of dtypes) {
        for (const mode of modes) {
          const label = `${workload}${dtype ? ` ${dtype}` : ''}${mode.tag}`;
          jobs.push({ lib, workload, dtype, mode, label });
        }
      }
    }
  }
  return jobs;
}
