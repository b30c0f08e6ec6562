// A/B of two checkouts on the training step a user writes (MLP, mse, SGD, zeroGrad, backward,
// step), both loaded into one process and timed in alternating blocks, so that a busy machine
// slows both alike. For "did this change cost speed?" where `pnpm bench --baseline` (a process
// per run) is too noisy: it resolves a few percent on a shared two-core machine.
//
//   pnpm bench:ab --baseline=../other [--workload=C|B|F] [--mode=eager|compile]
//                 [--dtype=float64|float32] [--blocks=30] [--cold]
//
// --cold: each block is a fresh process per checkout (alternating), timing 2,000 steps after the
// first 200, as a short script runs them (the K rows of `pnpm bench`): the cost of V8's warm-up.
// F (cold only) is the F row of `pnpm bench`: fit() on the diabetes data, end to end, with
// fit's default (--mode=compile) or fit({ compile: false }) (--mode=eager); --validation holds
// out a fifth of the samples (validationSplit: 0.2) and scores them after every epoch.
//
// C is issue 20's small network (2→16→16→1 sigmoid, batch 1, the lecture's per-sample SGD), B the
// larger one (16→64→64→1, batch 64). Each checkout trains its own copy of the same network on
// the same data; the losses are compared at the end, so a difference in results is reported.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diabetesData, diabetesSettings } from './diabetes.js';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [key, value = ''] = a.replace(/^--/, '').split('=');
    return [key, value] as const;
  }),
);
const baseline = args.get('baseline');
if (!baseline) {
  console.error(
    'usage: pnpm bench:ab --baseline=DIR [--workload=C|B] [--mode=eager|compile] [--dtype=float64|float32] [--blocks=N]',
  );
  process.exit(2);
}
const workload = args.get('workload') ?? 'C';
const mode = args.get('mode') ?? 'eager';
const dtype = args.get('dtype') ?? 'float64';
const blocks = Number(args.get('blocks') ?? 30);
if (!['B', 'C', 'F'].includes(workload) || !['eager', 'compile'].includes(mode)) {
  console.error(
    `bench:ab: expected --workload=B|C|F and --mode=eager|compile, got ${workload} and ${mode}`,
  );
  process.exit(2);
}
if (workload === 'F' && !args.has('cold') && !args.has('child')) {
  console.error('bench:ab: F is a whole fresh process (a fit() from start to end): add --cold');
  process.exit(2);
}
if (!['float64', 'float32'].includes(dtype) || !Number.isInteger(blocks) || blocks < 2) {
  console.error(
    `bench:ab: expected --dtype=float64|float32 and --blocks ≥ 2, got ${dtype} and ${args.get('blocks')}`,
  );
  process.exit(2);
}

const here = resolve(fileURLToPath(import.meta.url), '../../..');
const checkouts = { baseline: resolve(process.cwd(), baseline), this: here };

// biome-ignore lint/suspicious/noExplicitAny: two checkouts' packages, possibly of different versions
type Any = any;

async function load(root: string): Promise<{ core: Any; layers: Any; optim: Any }> {
  const from = (pkg: string) => import(resolve(root, 'packages', pkg, 'src/index.ts'));
  return { core: await from('core'), layers: await from('layers'), optim: await from('optim') };
}

const sizes = workload === 'B' ? [16, 64, 64, 1] : [2, 16, 16, 1];
const batch = workload === 'B' ? 64 : 1;

/** One checkout's training step, run `n` times by the function it returns; the losses add up. */
function trainer({ core, layers, optim }: { core: Any; layers: Any; optim: Any }) {
  const [inputs = 0, ...rest] = sizes;
  const net = new layers.MLP({
    inputs,
    hidden: rest.slice(0, -1),
    activation: 'sigmoid',
    seed: 0,
    dtype,
  });
  const optimizer = new optim.SGD(net.parameters(), { lr: 0.01 });
  const xs = Array.from({ length: 64 }, (_, i) => core.randn([batch, inputs], { seed: i, dtype }));
  const ys = Array.from({ length: 64 }, (_, i) => core.randn([batch, 1], { seed: 100 + i, dtype }));
  const eager = (x: Any, y: Any) => {
    const loss = layers.mse(net.forward(x), y);
    loss.backward();
    return loss;
  };
  const step = mode === 'compile' ? core.compile(eager) : eager;
  let i = 0;
  let total = 0;
  return (n: number): number => {
    for (let k = 0; k < n; k++, i++) {
      optimizer.zeroGrad();
      total += step(xs[i & 63], ys[i & 63]).item();
      optimizer.step();
    }
    return total;
  };
}

/** F: one checkout's fit() on the diabetes data (user.ts F): samples a second, the last epoch's loss. */
function fitDiabetes({ core, layers, optim }: { core: Any; layers: Any; optim: Any }) {
  const data = diabetesData();
  const x = core.tensor(data.x, { dtype, shape: [data.samples, 10] });
  const y = core.tensor(data.y, { dtype, shape: [data.samples, 1] });
  const t0 = performance.now();
  const model = new layers.MLP({
    inputs: 10,
    hidden: [8],
    activation: 'sigmoid',
    seed: diabetesSettings.initSeed,
    dtype,
  });
  const history = optim.fit(model, {
    x,
    y,
    loss: layers.halfSquaredError,
    optimizer: new optim.SGD(model.parameters(), { lr: diabetesSettings.lr }),
    epochs: diabetesSettings.epochs,
    batchSize: 1,
    seed: 0,
    progress: false,
    ...(mode === 'eager' ? { compile: false } : {}),
    ...(args.has('validation') ? { validationSplit: 0.2 } : {}),
  });
  const seconds = (performance.now() - t0) / 1000;
  const last = history.epochs.at(-1);
  return {
    rate: (data.samples * diabetesSettings.epochs) / seconds,
    total: last.valLoss ?? last.loss,
  };
}

const names = ['baseline', 'this'] as const;
const rates = { baseline: [] as number[], this: [] as number[] };
const totals = { baseline: 0, this: 0 };
const child = args.get('child');
if (child !== undefined) {
  // one cold run (see --cold): this fresh process's steps 201 to 2,200, then its rate and losses
  if (workload === 'F') {
    console.log(JSON.stringify(fitDiabetes(await load(child))));
    process.exit(0);
  }
  const train = trainer(await load(child));
  train(200);
  const t0 = performance.now();
  const total = train(2000);
  console.log(JSON.stringify({ rate: (2000 * batch) / ((performance.now() - t0) / 1000), total }));
  process.exit(0);
}
if (args.has('cold')) {
  const forward = process.argv
    .slice(2)
    .filter((a) => !a.startsWith('--baseline') && a !== '--cold');
  for (let b = 0; b < blocks; b++) {
    for (const name of b % 2 ? [...names].reverse() : names) {
      const out = execFileSync(
        process.execPath,
        [
          ...process.execArgv,
          fileURLToPath(import.meta.url),
          ...forward,
          `--baseline=-`,
          `--child=${checkouts[name]}`,
        ],
        { encoding: 'utf8' },
      );
      const r = JSON.parse(out.trim().split('\n').at(-1) as string) as {
        rate: number;
        total: number;
      };
      rates[name].push(r.rate);
      totals[name] = r.total;
    }
  }
} else {
  const train = {
    baseline: trainer(await load(checkouts.baseline)),
    this: trainer(await load(checkouts.this)),
  };
  const n = workload === 'B' ? 300 : 3000;
  for (const name of names) train[name](10 * n); // warm-up: V8 optimises both before timing
  for (let b = 0; b < blocks; b++) {
    for (const name of b % 2 ? [...names].reverse() : names) {
      const t0 = performance.now();
      train[name](n);
      rates[name].push((n * batch) / ((performance.now() - t0) / 1000));
    }
  }
  for (const name of names) totals[name] = train[name](0);
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1] ?? Number.NaN;
const [base, now] = [median(rates.baseline), median(rates.this)];
const same = totals.baseline === totals.this;
const unit = workload === 'C' ? 'steps/s' : 'samples/s';
console.log(
  `${workload} ${mode} ${dtype}${args.has('cold') ? ' cold' : ''}: baseline ${base.toFixed(0)} ${unit}, this ${now.toFixed(0)} ${unit}, ` +
    `this ÷ baseline ${(now / base).toFixed(3)} (medians of ${blocks} alternating ${args.has('cold') ? 'processes' : 'blocks'}; ` +
    `${same ? 'the same losses' : 'DIFFERENT losses'})`,
);
