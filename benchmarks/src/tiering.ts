// How much of a short training run is V8 getting to optimised code, rather than the training
// itself. F is fit() on the diabetes data (100 epochs); K is C's first 2,200 steps on the path a
// user writes (MLP, halfSquaredError, SGD, zeroGrad; the model built inside the timing). Each
// variant runs in fresh processes three ways:
// - as Node runs it (median of --rounds): what `pnpm bench` measures;
// - with --no-opt (Ignition and Sparkplug only): the work of the training itself, unoptimised;
// - with --no-concurrent-recompilation --trace-opt: TurboFan compiles on the main thread, so its
//   reports time the compiler alone; they are summed over the training, function by function.
//
//   pnpm --filter @backprop/benchmarks run tiering [--workload=F|K] [--rounds=5] [--top=6]
//     [--repeat=N]
//
// --repeat=N has each of those processes train N times over (a fresh model each time; the median
// is of the first, cold, trainings) and prints the last round's N: the last ones find everything
// optimised, so they time the warm training alone.
//
// Variants: backprop's own (F: fit() with its compiled step, and fit({ compile: false }); K: the
// step under compile, and eager), brain.js on the same data and sizes, and a floor: the compiled
// step's own kernels (core's trace of the forward pass, loss and backward) and θ ← θ − ηg in one
// plain loop, with nothing else.
import { execFileSync } from 'node:child_process';
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Generator, type Tensor, tensor } from '@backprop/core';
import { halfSquaredError, type MLP } from '@backprop/layers';
import { shuffleIndices } from '@backprop/optim';
// the floor needs the recorded steps themselves, which only core's internals expose
import { type Recording, recordingInto } from '../../packages/core/src/recording.js';
import { brainStep, brainTrainDiabetes } from './brain-step.js';
import { allBatches, COLD_TIMED_STEPS, COLD_WARMUP_STEPS, median, specC } from './common.js';
import { diabetesData, diabetesSettings } from './diabetes.js';
import { buildMLP, diabetesMLP, fitDiabetes, userStep } from './user-step.js';

const WORKLOADS = {
  F: {
    fit: 'fit(), compiled step (its default here)',
    'fit-eager': 'fit({ compile: false })',
    brain: 'brain.js train()',
    floor: 'floor: the step’s kernels and the update in one loop',
  },
  K: {
    compile: 'the user’s step, forward and backward under compile',
    eager: 'the user’s step, eager',
    brain: 'brain.js trainPattern()',
    floor: 'floor: the step’s kernels and the update in one loop',
  },
} as const;
type Workload = keyof typeof WORKLOADS;

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [key, value = ''] = a.replace(/^--/, '').split('=');
    return [key, value] as const;
  }),
);

/** Marks the start and end of the timed training in the output, between V8's own lines. */
function mark(text: string): void {
  writeSync(1, `@@ ${text}\n`);
}

/**
 * Trains `workload` with `variant` `repeat` times, the first between the two marks; prints the
 * milliseconds of each.
 */
function child(workload: Workload, variant: string, repeat: number): void {
  const run = workload === 'F' ? trainF(variant) : trainK(variant);
  for (let r = 0; r < repeat; r++) {
    if (r === 0) mark('start');
    const t0 = performance.now();
    run();
    const ms = performance.now() - t0;
    if (r === 0) mark('end');
    mark(`ms ${ms}`);
  }
}

/** F with `variant`, its data ready: a function that builds the model and trains it. */
function trainF(variant: string): () => void {
  const data = diabetesData();
  if (variant === 'brain') return brainTrainDiabetes(data);
  if (variant !== 'floor') return fitDiabetes(data, 'float64', variant === 'fit-eager');
  const { lr, epochs } = diabetesSettings;
  const n = data.samples;
  return () => {
    // each epoch a shuffle, as fit's
    const generator = new Generator(0);
    let order: number[] = [];
    floor(diabetesMLP('float64'), [10, 1], lr, epochs * n, (xs, ys, k) => {
      if (k % n === 0) order = shuffleIndices(n, { generator });
      const s = order[k % n] as number;
      xs.set(data.x.subarray(s * 10, (s + 1) * 10));
      ys[0] = data.y[s] as number;
    });
  };
}

/** K with `variant`: a function that builds the model and runs C's first 2,200 steps. */
function trainK(variant: string): () => void {
  const spec = specC(false);
  const steps = COLD_WARMUP_STEPS + COLD_TIMED_STEPS;
  if (variant === 'floor') {
    const batches = allBatches(spec);
    return () =>
      floor(buildMLP(spec, 'float64'), [2, 1], spec.lr, steps, (xs, ys, k) => {
        const [bx, by] = batches[k % batches.length] as [Float64Array, Float64Array];
        xs.set(bx);
        ys.set(by);
      });
  }
  return () => {
    const step =
      variant === 'brain' ? brainStep(spec) : userStep(spec, 'float64', variant === 'compile');
    for (let k = 0; k < steps; k++) step(k);
  };
}

/**
 * The floor: `model`'s traced step (forward, halfSquaredError, backward) on one sample of
 * `sizes` [in, out], then θ ← θ − ηg, `count` times, `fill` writing step k's sample first.
 */
function floor(
  model: MLP,
  [inputs, outputs]: [number, number],
  lr: number,
  count: number,
  fill: (x: Float64Array, y: Float64Array, k: number) => void,
): void {
  const x = tensor(new Float64Array(inputs), { shape: [1, inputs] });
  const y = tensor(new Float64Array(outputs), { shape: [1, outputs] });
  const r: Recording = { steps: [], written: new Set(), leaves: new Map(), gradWrites: [] };
  recordingInto(r, () => halfSquaredError(model.forward(x), y).backward());
  const params = model.parameters().map((p) => p.data);
  const grads = model.parameters().map((p) => (p.grad as Tensor).data);
  const steps = r.steps;
  for (let k = 0; k < count; k++) {
    fill(x.data as Float64Array, y.data as Float64Array, k);
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i] as (typeof steps)[number];
      if (step.zero) (step.out as Float64Array).fill(0);
      step.kernel(step.inputs, step.out, step.params);
    }
    for (let j = 0; j < params.length; j++) {
      const p = params[j] as Float64Array;
      const g = grads[j] as Float64Array;
      for (let i = 0; i < p.length; i++) p[i] = (p[i] as number) - lr * (g[i] as number);
    }
  }
}

/**
 * Runs one child with Node's `flags`: the milliseconds of each of its `repeat` trainings, and V8's
 * lines during the first.
 */
function run(
  workload: Workload,
  variant: string,
  flags: string[],
  repeat = 1,
): { runs: number[]; lines: string[] } {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const out = execFileSync(
    process.execPath,
    [
      ...flags,
      '--conditions=@backprop/source',
      '--import',
      tsx,
      fileURLToPath(import.meta.url),
      `--child=${workload}:${variant}`,
      `--repeat=${repeat}`,
    ],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  ).split('\n');
  const start = out.indexOf('@@ start');
  const end = out.indexOf('@@ end');
  const runs = out.filter((l) => l.startsWith('@@ ms ')).map((l) => Number(l.slice(6)));
  if (start < 0 || end < start || runs.length !== repeat || !runs.every(Number.isFinite)) {
    throw new Error(`tiering: the ${workload} ${variant} child printed no training marks`);
  }
  return { runs, lines: out.slice(start + 1, end) };
}

/**
 * TurboFan's time per function, and how many times it compiled it, from --trace-opt's
 * "completed compiling … took a, b, c ms".
 */
function compileTimes(lines: readonly string[]): Map<string, { ms: number; times: number }> {
  const times = new Map<string, { ms: number; times: number }>();
  for (const line of lines) {
    const m = /completed compiling .*<JSFunction (\S*).*took ([\d.]+), ([\d.]+), ([\d.]+) ms/.exec(
      line,
    );
    if (m === null) continue;
    const name = !m[1] || m[1].startsWith('(sfi') ? '(anonymous)' : m[1]; // V8 names none
    const ms = Number(m[2]) + Number(m[3]) + Number(m[4]);
    const sum = times.get(name) ?? { ms: 0, times: 0 };
    times.set(name, { ms: sum.ms + ms, times: sum.times + 1 });
  }
  return times;
}

/** Option `name` as a whole number ≥ 1 (`fallback` when absent); exits with a message otherwise. */
function count(name: string, fallback: number): number {
  const text = args.get(name);
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`tiering: expected --${name} to be a whole number ≥ 1, got ${text}`);
    process.exit(2);
  }
  return n;
}

const only = args.get('child');
if (only !== undefined) {
  const [workload = '', variant = ''] = only.split(':');
  if (!(workload in WORKLOADS) || !(variant in WORKLOADS[workload as Workload])) {
    throw new Error(`tiering: no variant ${only}`);
  }
  child(workload as Workload, variant, count('repeat', 1));
} else {
  const workload = (args.get('workload') ?? 'F') as Workload;
  if (!(workload in WORKLOADS)) {
    console.error(`tiering: expected --workload=F or K, got ${workload}`);
    process.exit(2);
  }
  const rounds = count('rounds', 5);
  const top = count('top', 6);
  const repeat = count('repeat', 1);
  const what =
    workload === 'F'
      ? `F (${diabetesSettings.epochs} epochs of the diabetes regression)`
      : `K (C's first ${COLD_WARMUP_STEPS + COLD_TIMED_STEPS} steps, the model built inside the timing)`;
  console.log(
    `${what} in fresh processes: ms as Node runs it (median of ${rounds}), ms with --no-opt, ` +
      'and TurboFan’s ms on the training with --no-concurrent-recompilation --trace-opt',
  );
  const variants = WORKLOADS[workload];
  const names = Object.keys(variants) as (keyof typeof variants)[];
  // each round's trainings, per variant (the first of each is the process's cold one)
  const usual = new Map<string, number[][]>(names.map((v) => [v, []]));
  for (let r = 0; r < rounds; r++) {
    for (const v of names) usual.get(v)?.push(run(workload, v, [], repeat).runs); // interleaved
  }
  for (const v of names) {
    const processes = usual.get(v) ?? [];
    const unoptimised = run(workload, v, ['--no-opt']).runs[0] as number;
    const times = compileTimes(
      run(workload, v, ['--no-concurrent-recompilation', '--trace-opt']).lines,
    );
    const total = [...times.values()].reduce((a, b) => a + b.ms, 0);
    const biggest = [...times]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, top)
      .map(([name, c]) => `${name} ${c.ms.toFixed(1)}${c.times > 1 ? ` (${c.times}×)` : ''}`);
    console.log(`\n${variants[v]}`);
    console.log(
      `  ${median(processes.map((runs) => runs[0] as number)).toFixed(1)} ms; --no-opt ${unoptimised.toFixed(1)} ms; ` +
        `TurboFan ${total.toFixed(1)} ms over ${times.size} functions`,
    );
    console.log(`  the costliest to compile (ms): ${biggest.join(', ') || '—'}`);
    if (repeat > 1) {
      const runs = (processes[processes.length - 1] ?? []).map((ms) => ms.toFixed(1));
      console.log(
        `  ${repeat} trainings in one process, the last round's (ms): ${runs.join(', ')}`,
      );
    }
  }
}
