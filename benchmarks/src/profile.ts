// Where a training step's time goes, on the path users write: C (2→16→16→1 sigmoid, batch 1) with
// MLP, mse, SGD and zeroGrad, in this fresh process. Prints the warm-up curve (µs per step as V8
// tiers the code up) and, for the window of steps asked for, the functions with the most self
// time in V8's sampling profiler (node:inspector, so module loading is not in it).
//
//   pnpm --filter @backprop/benchmarks run profile [--mode=eager|compile] [--from=200] [--steps=2000]
//                                              [--top=25] [--dtype=float64|float32]
//
// --from=0 --steps=2200 is the cold run (K); --from=30000 --steps=60000 the steady state. To see
// the compiler at work, run it with Node's flags (lines after "training starts" are the steps'):
//   cd benchmarks && node --trace-opt --trace-deopt --conditions=@backprop/source --import tsx \
//     src/profile.ts --from=0 --steps=2200
import { Session } from 'node:inspector';
import { compile, type DType, randn, type Tensor } from '@backprop/core';
import { MLP, mse } from '@backprop/layers';
import { SGD } from '@backprop/optim';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [key, value = ''] = a.replace(/^--/, '').split('=');
    return [key, value] as const;
  }),
);
const mode = args.get('mode') ?? 'eager';
const from = Number(args.get('from') ?? 200);
const steps = Number(args.get('steps') ?? 2000);
const top = Number(args.get('top') ?? 25);
const dtype = (args.get('dtype') ?? 'float64') as DType;

const net = new MLP({ inputs: 2, hidden: [16, 16], activation: 'sigmoid', seed: 0, dtype });
const opt = new SGD(net.parameters(), { lr: 0.01 });
const xs = Array.from({ length: 64 }, (_, i) => randn([1, 2], { seed: i, dtype }));
const ys = Array.from({ length: 64 }, (_, i) => randn([1, 1], { seed: 100 + i, dtype }));
const forwardBackward = (x: Tensor, y: Tensor): Tensor => {
  const loss = mse(net.forward(x), y);
  loss.backward();
  return loss;
};
const fb = mode === 'compile' ? compile(forwardBackward) : forwardBackward;
let done = 0;
let sum = 0;
/** Trains `n` more steps; returns µs per step. */
function train(n: number): number {
  const t0 = performance.now();
  for (let k = 0; k < n; k++, done++) {
    opt.zeroGrad();
    sum += fb(xs[done & 63] as Tensor, ys[done & 63] as Tensor).item();
    opt.step();
  }
  return ((performance.now() - t0) * 1000) / n;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const session = new Session();
session.connect();
const post = (method: string, params: object = {}) =>
  new Promise<{ profile?: Profile }>((done, fail) =>
    session.post(method, params, (e, r) => (e ? fail(e) : done(r as { profile?: Profile }))),
  );

// the warm-up curve up to `from`, in growing blocks
console.log('training starts');
const curve: string[] = [];
for (let block = 1; done < from; block *= 2) {
  const n = Math.min(block, from - done);
  const us = train(n);
  curve.push(`${done}: ${us.toFixed(1)}`);
}
await post('Profiler.enable');
await post('Profiler.setSamplingInterval', { interval: 100 });
await post('Profiler.start');
const us = train(steps);
const { profile } = await post('Profiler.stop');
console.log(
  `C, user path, ${mode}, ${dtype}: µs per step in blocks of doubling length up to step ${from} (step: µs)`,
);
console.log(`  ${curve.join(', ') || '—'}`);
console.log(
  `steps ${from + 1}…${from + steps}: ${us.toFixed(1)} µs per step (${(1e6 / us).toFixed(0)} steps/s); self time:`,
);
const self = new Map<string, number>();
let total = 0;
const byId = new Map((profile as Profile).nodes.map((n) => [n.id, n]));
(profile as Profile).samples.forEach((id, i) => {
  const f = (byId.get(id) as ProfileNode).callFrame;
  // the inspector's own stop call, and idle time, are not the step's
  if (f.url === '' && f.functionName !== '(garbage collector)') return;
  // tsx's transform leaves no useful line numbers: a function and its file
  const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}`;
  const dt = (profile as Profile).timeDeltas[i] ?? 0;
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
});
for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`  ${((100 * t) / total).toFixed(1).padStart(5)} %  ${key}`);
}
console.log(`(sum of losses ${sum}: the same for the same steps)`);
