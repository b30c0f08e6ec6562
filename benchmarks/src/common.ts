// Shared by every benchmark process: the workload definitions, deterministic data and initial
// weights (generated here once and handed to every library as the same arrays), timing helpers
// and the JSON protocol the runner reads from stdout.
import Benchmark from 'benchmark';

// ------------------------------------------------------------------ command line of a child

/**
 * `tsx src/<lib>.ts <workload> [--quick] [--dtype=float32|float64]`: what a library process was
 * asked to run. `dtype` (for libraries with both) runs that one variant only, so V8 specialises the
 * library's kernels for one typed-array kind per process; without it a process runs every variant.
 */
export function childArgs(): { workload: string; quick: boolean; dtype?: Dtype } {
  const args = process.argv.slice(2);
  const workload = args.find((a) => !a.startsWith('--'));
  const dtypeArg = args.find((a) => a.startsWith('--dtype='))?.slice('--dtype='.length);
  if (!workload || (dtypeArg !== undefined && dtypeArg !== 'float32' && dtypeArg !== 'float64')) {
    console.error(
      'usage: tsx --conditions=@backprop/source benchmarks/src/<lib>.ts <A|B|C|K|F|D|M|G|P> [--quick] [--dtype=float32|float64] [--compile] [--relaxed-simd]',
    );
    process.exit(2);
  }
  return { workload, quick: args.includes('--quick'), dtype: dtypeArg };
}

/** The dtypes a process runs: the one of `--dtype=`, else both. */
export function dtypesToRun(dtype: Dtype | undefined): readonly Dtype[] {
  return dtype ? [dtype] : ['float32', 'float64'];
}

// ------------------------------------------------------------------ seeded random numbers

/** mulberry32: a tiny, fast 32-bit PRNG, good enough for benchmark data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` values uniform in [lo, hi), as float64. */
export function uniform(n: number, lo: number, hi: number, seed: number): Float64Array {
  const r = prng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

/**
 * Every value rounded to float32 first and returned as float64, so the float32 and float64 runs
 * start from exactly the same numbers.
 */
export function f32Exact(a: Float64Array): Float64Array {
  return Float64Array.from(Float32Array.from(a));
}

// ------------------------------------------------------------------ the workloads

export type Dtype = 'float32' | 'float64';

/** A: C = A·B with square n×n matrices. */
export const MATMUL_N = 512;
export function matmulInputs(): { a: Float64Array; b: Float64Array; n: number } {
  const n = MATMUL_N;
  return {
    n,
    a: f32Exact(uniform(n * n, -1, 1, 101)),
    b: f32Exact(uniform(n * n, -1, 1, 102)),
  };
}
export const matmulFlops = (n: number) => 2 * n * n * n;

/** One dense layer: W is (in, out) row-major, so y = x·W + b. */
export interface LayerInit {
  inSize: number;
  outSize: number;
  w: Float64Array; // in × out
  b: Float64Array; // out
}

/** PyTorch's default Linear init: W, b ~ U(-1/√in, 1/√in), rounded to float32. */
export function mlpInit(sizes: readonly number[], seed: number): LayerInit[] {
  const layers: LayerInit[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inSize = sizes[l];
    const outSize = sizes[l + 1];
    const k = 1 / Math.sqrt(inSize);
    layers.push({
      inSize,
      outSize,
      w: f32Exact(uniform(inSize * outSize, -k, k, seed + 2 * l)),
      b: f32Exact(uniform(outSize, -k, k, seed + 2 * l + 1)),
    });
  }
  return layers;
}

/** A training workload: network, data set (cycled in order, batch by batch), SGD settings. */
export interface TrainSpec {
  name: 'B' | 'C';
  sizes: readonly number[];
  /** Activation after each hidden layer, and on the output (`'linear'` = none). */
  hidden: readonly ('sigmoid' | 'relu')[];
  output: 'linear' | 'sigmoid';
  /** `mse` = mean((o-y)²); `half-se` = ½·mean((o-y)²) (brain.js's error, so its updates match). */
  loss: 'mse' | 'half-se';
  batch: number;
  lr: number;
  /** inputs, samples × sizes[0], row-major */
  x: Float64Array;
  /** targets, samples × 1 */
  y: Float64Array;
  samples: number;
  init: LayerInit[];
  /**
   * Warm-up of a throwaway copy of the model (same weights, same batches) before the measured
   * one is built: at least this many steps and at least this many seconds, so V8 has optimised
   * every function of the library whatever its speed. Its losses are discarded.
   */
  warmupMinSteps: number;
  warmupSeconds: number;
  /** Then the measured copy: this many untimed steps, then `steps` timed ones. */
  warmupSteps: number;
  steps: number;
  /**
   * Timing goes on past `steps` (more chunks of the same size, the model still training) until
   * this many seconds are timed: this machine switches between two speeds every few seconds, so
   * a fast library's 0.1 s window caught one speed or the other (see docs/performance.md).
   */
  minTimedSeconds: number;
}

/** Mini-batch `k` of the data set, as [x, y] copies (batches are cycled in order). */
export function batchOf(spec: TrainSpec, k: number): [Float64Array, Float64Array] {
  const nb = spec.samples / spec.batch;
  const s = (k % nb) * spec.batch;
  const d = spec.sizes[0];
  return [spec.x.slice(s * d, (s + spec.batch) * d), spec.y.slice(s, s + spec.batch)];
}

/** All batches of the data set, precomputed (libraries keep them as their own tensors). */
export function allBatches(spec: TrainSpec): [Float64Array, Float64Array][] {
  const nb = spec.samples / spec.batch;
  return Array.from({ length: nb }, (_, k) => batchOf(spec, k));
}

/** B: MLP 16→64→64→1, sigmoid then ReLU hidden, linear output, batch 64, SGD lr 0.01, MSE. */
export function specB(quick: boolean): TrainSpec {
  const sizes = [16, 64, 64, 1];
  const samples = 1024;
  const x = f32Exact(uniform(samples * 16, -1, 1, 201));
  const proj = uniform(16, -1, 1, 202);
  const y = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    let s = 0;
    for (let j = 0; j < 16; j++) s += x[i * 16 + j] * proj[j];
    y[i] = Math.sin(s) + 0.5 * Math.cos(2 * x[i * 16]);
  }
  return {
    name: 'B',
    sizes,
    hidden: ['sigmoid', 'relu'],
    output: 'linear',
    loss: 'mse',
    batch: 64,
    lr: 0.01,
    x,
    y: f32Exact(y),
    samples,
    init: mlpInit(sizes, 300),
    warmupMinSteps: quick ? 20 : 200,
    warmupSeconds: quick ? 0.5 : 1,
    minTimedSeconds: quick ? 0 : 3,
    warmupSteps: quick ? 10 : 30,
    steps: quick ? 60 : 400,
  };
}

/**
 * C: MLP 2→16→16→1, batch 1, sigmoid on every layer and ½(o−y)² — brain.js's only way to build
 * this network, so brain.js trains the same model from the same weights as everyone else.
 */
export function specC(quick: boolean): TrainSpec {
  const sizes = [2, 16, 16, 1];
  const samples = 64;
  const x = f32Exact(uniform(samples * 2, -1, 1, 401));
  const y = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const a = x[2 * i];
    const b = x[2 * i + 1];
    y[i] = 0.5 + 0.4 * Math.sin(3 * a) * Math.cos(2 * b);
  }
  return {
    name: 'C',
    sizes,
    hidden: ['sigmoid', 'sigmoid'],
    output: 'sigmoid',
    loss: 'half-se',
    batch: 1,
    lr: 0.1,
    x,
    y: f32Exact(y),
    samples,
    init: mlpInit(sizes, 500),
    // tiny steps through many functions: V8 settles later than in B (about 1.5 s on a loaded machine)
    warmupMinSteps: quick ? 200 : 2000,
    warmupSeconds: quick ? 0.5 : 2,
    minTimedSeconds: quick ? 0 : 3,
    warmupSteps: quick ? 200 : 2000,
    steps: quick ? 1000 : 20000,
  };
}

/** D: add of two 1×16 tensors. */
export function tinyInputs(): { a: Float64Array; b: Float64Array } {
  return { a: f32Exact(uniform(16, -1, 1, 601)), b: f32Exact(uniform(16, -1, 1, 602)) };
}

/** G: the scalar graph of 10⁶ nodes (y ← y·c + d, 500 000 times) for backprop's memory check. */
export const scalarGraphNodes = (quick: boolean) => (quick ? 100_000 : 1_000_000);

// ------------------------------------------------------------------ timing

/** Mean of the last `n` entries (the last epoch's losses). */
export function tailMean(xs: readonly number[], n: number): number {
  let s = 0;
  for (let i = xs.length - n; i < xs.length; i++) s += xs[i];
  return s / n;
}

/** The fixed timed steps are split into this many chunks (the RME is over the chunks' rates). */
export const CHUNKS = 10;

/**
 * Trains `spec` and returns the throughput plus the losses a reader uses to check that every
 * library trained the same model: the first step's loss, the last step's, and the mean over the
 * last epoch. `makeStep()` builds a fresh model from the initial weights and returns its step
 * function (`step(k)` trains on batch k and returns the loss, read into JS).
 *
 * Warm-up: a throwaway model from `makeStep()` trains for at least `warmupMinSteps` steps and
 * `warmupSeconds` seconds (whichever takes longer), so that V8 has optimised the library's code by
 * the time anything is timed, however fast or slow the library is; then gc() if exposed. The
 * measured model is a second `makeStep()`: `warmupSteps` untimed steps, then `steps` timed ones,
 * the same for every library, so its losses are those of the same steps for everyone. Those run
 * in CHUNKS equal chunks; if they took less than `minTimedSeconds`, more chunks of the same size
 * follow until that much is timed (their losses are not reported). The rate is all timed steps
 * over all timed seconds, with the RME of the chunk rates (95 %, Student t) like benchmark.js.
 */
export function trainLoop(spec: TrainSpec, makeStep: () => (k: number) => number): TrainResult {
  const w0 = performance.now();
  let warm = 0;
  {
    const throwaway = makeStep();
    const until = w0 + spec.warmupSeconds * 1000;
    while (warm < spec.warmupMinSteps || performance.now() < until) throwaway(warm++);
  }
  const warmupSeconds = (performance.now() - w0) / 1000;
  (globalThis as { gc?: () => void }).gc?.();

  const step = makeStep();
  const losses: number[] = [];
  const total = spec.warmupSteps + spec.steps;
  for (let k = 0; k < spec.warmupSteps; k++) losses.push(step(k));
  const chunk = Math.floor(spec.steps / CHUNKS);
  const rates: number[] = [];
  let k = spec.warmupSteps;
  const t0 = performance.now();
  for (let c = 0; c < CHUNKS; c++) {
    const end = c === CHUNKS - 1 ? total : k + chunk;
    const n = end - k;
    const tc = performance.now();
    for (; k < end; k++) losses.push(step(k));
    rates.push(n / ((performance.now() - tc) / 1000));
  }
  while (performance.now() - t0 < spec.minTimedSeconds * 1000) {
    const tc = performance.now();
    for (const end = k + chunk; k < end; k++) step(k);
    rates.push(chunk / ((performance.now() - tc) / 1000));
  }
  const seconds = (performance.now() - t0) / 1000;
  const stepsPerSecond = (k - spec.warmupSteps) / seconds;
  return {
    seconds,
    stepsPerSecond,
    samplesPerSecond: stepsPerSecond * spec.batch,
    rme: rme(rates),
    firstLoss: losses[0],
    lastLoss: losses[total - 1],
    lastEpochLoss: tailMean(losses, spec.samples / spec.batch),
    totalSteps: total,
    timedSteps: k - spec.warmupSteps,
    warmupThrowawaySteps: warm,
    warmupSeconds,
  };
}

/** The cold variant (K): the first steps of a fresh process, as a short script runs them. */
export const COLD_WARMUP_STEPS = 200;
export const COLD_TIMED_STEPS = 2000;

/**
 * K: C as a short script experiences it. One model, built in this fresh process (nothing ran
 * before it): `warmup` untimed steps, then `timed` timed ones; V8 is still tiering the library's
 * code up while they run, which is the point. The rate is the timed steps over their seconds.
 */
export function coldLoop(
  spec: TrainSpec,
  makeStep: () => (k: number) => number,
  warmup = COLD_WARMUP_STEPS,
  timed = COLD_TIMED_STEPS,
): TrainResult {
  const w0 = performance.now();
  const step = makeStep();
  const losses: number[] = [];
  for (let k = 0; k < warmup; k++) losses.push(step(k));
  const t0 = performance.now();
  for (let k = warmup; k < warmup + timed; k++) losses.push(step(k));
  const seconds = (performance.now() - t0) / 1000;
  const stepsPerSecond = timed / seconds;
  return {
    seconds,
    stepsPerSecond,
    samplesPerSecond: stepsPerSecond * spec.batch,
    rme: Number.NaN,
    firstLoss: losses[0],
    lastLoss: losses[losses.length - 1],
    lastEpochLoss: tailMean(losses, spec.samples / spec.batch),
    totalSteps: warmup + timed,
    timedSteps: timed,
    warmupThrowawaySteps: 0,
    warmupSeconds: (t0 - w0) / 1000,
  };
}

/** Emits the result of a cold run (K). */
export function emitCold(lib: string, variant: string, r: TrainResult, note?: string): void {
  emit({
    lib,
    workload: 'K',
    variant,
    metric: 'steps/s',
    value: r.stepsPerSecond,
    method: `fresh process: ${COLD_WARMUP_STEPS} untimed steps (model built first), then ${COLD_TIMED_STEPS} timed`,
    firstLoss: r.firstLoss,
    lastLoss: r.lastLoss,
    lastEpochLoss: r.lastEpochLoss,
    peakRssMB: peakRssMB(),
    note,
    extra: { timedSeconds: r.seconds, firstStepsSeconds: r.warmupSeconds },
  });
}

/** Relative margin of error (%) of the mean of `xs` at 95 % (Student t, as benchmark.js does). */
export function rme(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return Number.NaN;
  const mean = xs.reduce((p, q) => p + q, 0) / n;
  const variance = xs.reduce((p, q) => p + (q - mean) ** 2, 0) / (n - 1);
  const t = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228][n - 2] ?? 1.96;
  return ((t * Math.sqrt(variance / n)) / mean) * 100;
}

export interface TrainResult {
  /** wall time of all timed steps */
  seconds: number;
  /** all timed steps over all timed seconds */
  stepsPerSecond: number;
  samplesPerSecond: number;
  rme: number;
  firstLoss: number;
  lastLoss: number;
  lastEpochLoss: number;
  /** steps of the measured model whose losses are reported (its warm-up + the fixed timed steps) */
  totalSteps: number;
  /** timed steps, the fixed ones and any run to fill `minTimedSeconds` */
  timedSteps: number;
  /** steps and seconds of the throwaway warm-up model */
  warmupThrowawaySteps: number;
  warmupSeconds: number;
}

/**
 * benchmark.js on a synchronous function: mean and median seconds per call over its samples, and
 * the RME (%) of the mean.
 */
export function benchSync(
  name: string,
  fn: () => void,
  quick: boolean,
): { mean: number; median: number; rme: number; samples: number } {
  const bench = new Benchmark(name, fn, {
    maxTime: quick ? 0.5 : 4,
    minSamples: quick ? 3 : 5,
    initCount: 1,
  });
  bench.run({ async: false });
  if (bench.error) throw bench.error;
  const sample = [...bench.stats.sample].sort((p, q) => p - q);
  return {
    mean: bench.stats.mean,
    median: median(sample),
    rme: bench.stats.rme,
    samples: sample.length,
  };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// ------------------------------------------------------------------ results

/** One measured number. The runner collects these from the `BENCH_RESULT` lines on stdout. */
export interface BenchResult {
  lib: string;
  workload: string;
  /** e.g. 'float32', 'float64', 'jit', 'eager', 'batch 1, sigmoid everywhere' */
  variant: string;
  metric: 'GFLOP/s' | 'samples/s' | 'steps/s' | 'µs/op' | 'MB';
  value: number;
  /** 'benchmark.js' (mean of its samples, ± RME) or 'timed loop' */
  method: string;
  rme?: number;
  firstLoss?: number;
  lastLoss?: number;
  lastEpochLoss?: number;
  peakRssMB?: number;
  note?: string;
  extra?: Record<string, number | string>;
}

export const RESULT_TAG = 'BENCH_RESULT ';

export function emit(r: BenchResult): void {
  process.stdout.write(`${RESULT_TAG}${JSON.stringify(r)}\n`);
}

/** Peak resident set size of this process so far, in MB (process.resourceUsage().maxRSS is kB). */
export function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * Workload A for one library and variant: times `product` (one n×n matmul, returning one element
 * of its result so the work cannot be skipped) with benchmark.js and emits GFLOP/s.
 */
export function benchMatmul(
  lib: string,
  variant: string,
  n: number,
  quick: boolean,
  product: () => number,
): void {
  let sink = 0;
  const r = benchSync(
    `matmul ${variant}`,
    () => {
      sink += product();
    },
    quick,
  );
  emit({
    lib,
    workload: 'A',
    variant,
    metric: 'GFLOP/s',
    value: matmulFlops(n) / r.median / 1e9,
    method: `benchmark.js (median of ${r.samples} samples)`,
    rme: r.rme,
    extra: { sink },
  });
}

/**
 * Workload B or C for a library whose trainer is the same for both dtypes: a throwaway and a
 * measured model per dtype (see trainLoop), each result emitted with the dtype as its variant.
 */
export function benchTraining(
  lib: string,
  workload: 'B' | 'C',
  quick: boolean,
  dtype: Dtype | undefined,
  trainer: (spec: TrainSpec, dtype: Dtype) => (k: number) => number,
  suffix = '',
): void {
  const spec = workload === 'B' ? specB(quick) : specC(quick);
  for (const d of dtypesToRun(dtype))
    emitTrain(
      lib,
      spec,
      `${d}${suffix}`,
      trainLoop(spec, () => trainer(spec, d)),
    );
}

/** Emits the result of a training run. */
export function emitTrain(
  lib: string,
  spec: TrainSpec,
  variant: string,
  r: TrainResult,
  note?: string,
): void {
  const perSample = spec.name === 'B';
  emit({
    lib,
    workload: spec.name,
    variant,
    metric: perSample ? 'samples/s' : 'steps/s',
    value: perSample ? r.samplesPerSecond : r.stepsPerSecond,
    method:
      `timed loop (throwaway model warmed ≥ ${spec.warmupSeconds} s, ≥ ${spec.warmupMinSteps} steps; ` +
      `measured: ${spec.warmupSteps} warm-up + ${spec.steps} timed steps, and more until ≥ ${spec.minTimedSeconds} s are timed; ` +
      'all timed steps ÷ all timed seconds)',
    rme: r.rme,
    firstLoss: r.firstLoss,
    lastLoss: r.lastLoss,
    lastEpochLoss: r.lastEpochLoss,
    peakRssMB: peakRssMB(),
    note,
    extra: {
      timedSteps: r.timedSteps,
      timedSeconds: r.seconds,
      warmupThrowawaySteps: r.warmupThrowawaySteps,
      warmupSeconds: r.warmupSeconds,
    },
  });
}

/** Runs `fn`, and on a throw prints the error as a result line so the table can show it. */
export async function guard(lib: string, workload: string, fn: () => unknown): Promise<void> {
  try {
    await fn();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    process.stdout.write(
      `${RESULT_TAG}${JSON.stringify({ lib, workload, error: msg.split('\n')[0] })}\n`,
    );
    process.exitCode = 1;
  }
}
