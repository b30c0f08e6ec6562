// The C workload's training step (MLP 2→16→16→1, sigmoid, ½(o − y)², batch 1, SGD in place)
// eager and under compile, and the compiled step's kernel calls one by one. Prints µs per step by
// CPU time, best of rounds that alternate eager and compiled (a busy machine skews both alike),
// the number of kernel calls a compiled step replays, and each one's cost, then the bytes a step
// allocates (V8's sampling heap profiler, objects already collected included: an estimate, ± a
// few per cent). Runs the sources:
//   npx tsx packages/core/scripts/bench-compile.mjs [--quick] [--dtype=float32|float64]
// docs/performance.md ("compile") quotes it. This machine switches between two speeds every few
// seconds (docs/performance.md, "What profiles show"): run it more than once.
import { Session } from 'node:inspector/promises';
import { compile } from '../src/compile.ts';
import { randn } from '../src/create.ts';
import { linear } from '../src/ops/matmul.ts';
import { recordingInto } from '../src/recording.ts';

const quick = process.argv.includes('--quick');
const dtype = process.argv.find((a) => a.startsWith('--dtype='))?.slice(8) ?? 'float32';
const rounds = quick ? 3 : 7;
const roundMs = quick ? 100 : 300;
const sizes = [2, 16, 16, 1];

const params = [];
for (let l = 0; l + 1 < sizes.length; l++) {
  params.push(
    randn([sizes[l], sizes[l + 1]], { seed: 10 + l, dtype })
      .mul(0.5)
      .detach(),
  );
  params.push(
    randn([sizes[l + 1]], { seed: 20 + l, dtype })
      .mul(0.1)
      .detach(),
  );
}
for (const p of params) p.requiresGrad = true;
const samples = Array.from({ length: 64 }, (_, i) => [
  randn([1, 2], { seed: 100 + i, dtype }),
  randn([1, 1], { seed: 200 + i, dtype }),
]);

/** Forward and backward(): the part compile traces. */
function forwardBackward(x, y) {
  let h = x;
  for (let l = 0; l < 3; l++) h = linear(h, params[2 * l], params[2 * l + 1]).sigmoid();
  const loss = h.sub(y).square().mean().mul(0.5);
  loss.backward();
  return loss;
}

/** One training step as the benchmark takes it: the step, SGD on the data in place, the loss read. */
function trainer(step) {
  let k = 0;
  return () => {
    const [x, y] = samples[k++ % samples.length];
    const loss = step(x, y);
    for (const p of params) {
      const w = p.data;
      const g = p.grad.data;
      for (let i = 0; i < w.length; i++) w[i] -= 0.1 * g[i];
      p.grad = null;
    }
    return loss.item();
  };
}

/** CPU µs per call of `run`, over one round (the clock is read every 64 calls, not every call). */
function round(run) {
  let reps = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  while (performance.now() - t0 < roundMs) {
    for (let i = 0; i < 64; i++) run();
    reps += 64;
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / reps;
}

const eager = trainer(forwardBackward);
const compiled = trainer(compile(forwardBackward));
const best = { eager: Infinity, compiled: Infinity };
for (let r = 0; r < rounds; r++) {
  best.eager = Math.min(best.eager, round(eager));
  best.compiled = Math.min(best.compiled, round(compiled));
}
console.log(`C step, ${dtype} (forward, backward, SGD, loss read), best of ${rounds} rounds:`);
console.log(`  eager     ${best.eager.toFixed(2)} µs  (${(1e6 / best.eager).toFixed(0)} steps/s)`);
console.log(
  `  compiled  ${best.compiled.toFixed(2)} µs  (${(1e6 / best.compiled).toFixed(0)} steps/s), ` +
    `${(best.eager / best.compiled).toFixed(2)}× eager`,
);

// the steps a replay runs, traced the way compile traces them, each timed alone
const recording = { steps: [], written: new Set(), leaves: new Map(), gradWrites: [] };
recordingInto(recording, () => forwardBackward(...samples[0]));
for (const p of params) p.grad = null;
const each = recording.steps.map((s) => {
  let t = Infinity;
  for (let r = 0; r < rounds; r++) t = Math.min(t, round(s.run));
  return t * 1000;
});
const all = Math.min(
  ...Array.from({ length: rounds }, () =>
    round(() => {
      for (const s of recording.steps) {
        if (s.zero) s.out.fill(0);
        s.run();
      }
    }),
  ),
);
console.log(
  `\nA compiled step replays ${recording.steps.length} kernel calls and gives ${recording.gradWrites.length} gradients; ` +
    `all the calls in a row: ${all.toFixed(2)} µs`,
);
console.log('  call  output elements  ns');
each.forEach((ns, i) => {
  console.log(
    `  ${String(i).padStart(4)}  ${String(recording.steps[i].out.length).padStart(15)}  ${ns.toFixed(0).padStart(4)}`,
  );
});

/** Bytes allocated per call of `run`, by sampling every 128 bytes allocated. */
async function bytesPerCall(run) {
  const calls = quick ? 20000 : 100000;
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 128,
    includeObjectsCollectedByMinorGC: true,
    includeObjectsCollectedByMajorGC: true,
  });
  for (let i = 0; i < calls; i++) run();
  const { profile } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  let bytes = 0;
  const walk = (node) => {
    bytes += node.selfSize;
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  return bytes / calls;
}

console.log('\nBytes allocated per step (the loss read and the SGD loop included):');
console.log(`  eager     ${(await bytesPerCall(eager)).toFixed(0)}`);
console.log(`  compiled  ${(await bytesPerCall(compiled)).toFixed(0)}`);
