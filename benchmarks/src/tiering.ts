// How much of F (fit() on the diabetes data, a fresh process) is V8 getting to optimised code,
// rather than the training itself. Each variant runs in fresh processes three ways:
// - as Node runs it (median of --rounds): the time `pnpm bench` measures;
// - with --no-opt (Ignition and Sparkplug only): the work of the training itself, unoptimised;
// - with --no-concurrent-recompilation --trace-opt: TurboFan compiles on the main thread, so its
//   reports time the compiler alone; they are summed over the training, function by function.
//
//   pnpm --filter @backprop/benchmarks run tiering [--rounds=5] [--top=6]
//
// Variants: fit() as `pnpm bench` runs it (compiled step), fit({ compile: false }), brain.js's
// train() on the same data, and a floor: the compiled step's own kernels (core's trace of the
// forward pass, loss and backward) and the SGD update in one plain loop, with nothing else.
import { execFileSync } from 'node:child_process';
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Generator, type Tensor, tensor } from '@backprop/core';
import { halfSquaredError, MLP } from '@backprop/layers';
import { fit, SGD, shuffleIndices } from '@backprop/optim';
import brain from 'brain.js';
// the floor needs the recorded steps themselves, which only core's internals expose
import { type Recording, recordingInto } from '../../packages/core/src/recording.js';
import { diabetesData, diabetesSettings } from './diabetes.js';

const VARIANTS = {
  fit: 'fit(), compiled step (its default here)',
  'fit-eager': 'fit({ compile: false })',
  brain: 'brain.js train()',
  floor: 'floor: the step’s kernels and the update in one loop',
} as const;
type Variant = keyof typeof VARIANTS;

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

/** Trains F once with `variant`, between the two marks; prints the milliseconds it took. */
function child(variant: Variant): void {
  const data = diabetesData();
  const { lr, epochs, initSeed } = diabetesSettings;
  const n = data.samples;
  const patterns = Array.from({ length: n }, (_, s) => ({
    input: Float32Array.from(data.x.subarray(s * 10, (s + 1) * 10)),
    output: Float32Array.of(data.y[s] as number),
  }));
  const x = tensor(data.x, { shape: [n, 10] });
  const y = tensor(data.y, { shape: [n, 1] });
  mark('start');
  const t0 = performance.now();
  if (variant === 'brain') {
    // as benchmarks/src/brain.ts runs it: every epoch (the threshold is never reached)
    const settings = { learningRate: lr, momentum: 1e-9 };
    new brain.NeuralNetwork({ hiddenLayers: [8], activation: 'sigmoid', ...settings }).train(
      patterns,
      { iterations: epochs, errorThresh: 1e-12, log: false, ...settings },
    );
  } else {
    const model = new MLP({ inputs: 10, hidden: [8], activation: 'sigmoid', seed: initSeed });
    const optimizer = new SGD(model.parameters(), { lr });
    const settings = { x, y, loss: halfSquaredError, optimizer, epochs, batchSize: 1, seed: 0 };
    if (variant === 'floor') floor(model, x.data, y.data, n);
    else fit(model, { ...settings, progress: false, compile: variant === 'fit' });
  }
  const ms = performance.now() - t0;
  mark('end');
  mark(`ms ${ms}`);
}

/** The floor: the traced step's kernels, then θ ← θ − ηg, for each sample of each epoch. */
function floor(model: MLP, xs: ArrayLike<number>, ys: ArrayLike<number>, n: number): void {
  const x = tensor(new Float64Array(10), { shape: [1, 10] });
  const y = tensor(new Float64Array(1), { shape: [1, 1] });
  const r: Recording = { steps: [], written: new Set(), leaves: new Map(), gradWrites: [] };
  recordingInto(r, () => halfSquaredError(model.forward(x), y).backward());
  const params = model.parameters().map((p) => p.data);
  const grads = model.parameters().map((p) => (p.grad as Tensor).data);
  const steps = r.steps;
  const lr = diabetesSettings.lr;
  const generator = new Generator(0);
  for (let epoch = 0; epoch < diabetesSettings.epochs; epoch++) {
    const order = shuffleIndices(n, { generator });
    for (let b = 0; b < n; b++) {
      const s = order[b] as number;
      for (let i = 0; i < 10; i++) x.data[i] = xs[s * 10 + i] as number;
      y.data[0] = ys[s] as number;
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
}

/** Runs one child with Node's `flags`: its milliseconds, and V8's lines during its training. */
function run(variant: Variant, flags: string[]): { ms: number; lines: string[] } {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const out = execFileSync(
    process.execPath,
    [
      ...flags,
      '--conditions=@backprop/source',
      '--import',
      tsx,
      fileURLToPath(import.meta.url),
      `--child=${variant}`,
    ],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  ).split('\n');
  const start = out.indexOf('@@ start');
  const end = out.indexOf('@@ end');
  const ms = Number(out.find((l) => l.startsWith('@@ ms '))?.slice(6));
  if (start < 0 || end < start || !Number.isFinite(ms)) {
    throw new Error(`tiering: the ${variant} child printed no training marks`);
  }
  return { ms, lines: out.slice(start + 1, end) };
}

/** TurboFan's time per function, from --trace-opt's "completed compiling … took a, b, c ms". */
function compileTimes(lines: readonly string[]): Map<string, number> {
  const times = new Map<string, number>();
  for (const line of lines) {
    const m = /completed compiling .*<JSFunction (\S*).*took ([\d.]+), ([\d.]+), ([\d.]+) ms/.exec(
      line,
    );
    if (m === null) continue;
    const name = !m[1] || m[1].startsWith('(sfi') ? '(anonymous)' : m[1]; // V8 names none
    const ms = Number(m[2]) + Number(m[3]) + Number(m[4]);
    times.set(name, (times.get(name) ?? 0) + ms);
  }
  return times;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const only = args.get('child');
if (only !== undefined) {
  if (!(only in VARIANTS)) throw new Error(`tiering: no variant ${only}`);
  child(only as Variant);
} else {
  const rounds = Number(args.get('rounds') ?? 5);
  const top = Number(args.get('top') ?? 6);
  console.log(
    `F (${diabetesSettings.epochs} epochs of the diabetes regression) in fresh processes: ms as Node runs it (median of ${rounds}), ` +
      'ms with --no-opt, and TurboFan’s ms on the training with --no-concurrent-recompilation --trace-opt',
  );
  const names = Object.keys(VARIANTS) as Variant[];
  const usual = new Map<Variant, number[]>(names.map((v) => [v, []]));
  for (let r = 0; r < rounds; r++) {
    for (const v of names) usual.get(v)?.push(run(v, []).ms); // interleaved, as pnpm bench runs
  }
  for (const v of names) {
    const unoptimised = run(v, ['--no-opt']).ms;
    const times = compileTimes(run(v, ['--no-concurrent-recompilation', '--trace-opt']).lines);
    const total = [...times.values()].reduce((a, b) => a + b, 0);
    const biggest = [...times]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => `${name} ${ms.toFixed(1)}`);
    console.log(`\n${VARIANTS[v]}`);
    console.log(
      `  ${median(usual.get(v) ?? []).toFixed(1)} ms; --no-opt ${unoptimised.toFixed(1)} ms; ` +
        `TurboFan ${total.toFixed(1)} ms over ${times.size} functions`,
    );
    console.log(`  the costliest to compile (ms): ${biggest.join(', ') || '—'}`);
  }
}
