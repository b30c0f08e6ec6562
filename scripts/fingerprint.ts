// A fingerprint of everything backprop computes: the values and gradients of every op family in
// both dtypes, second derivatives, compiled replays, the WebAssembly kernels' sizes, the
// serialised form of a model, and networks trained with fit. A refactor that promises
// "behaviour bit-identical" runs this on the old and the new tree and compares the hashes:
//
//   pnpm fingerprint    (or: npx tsx --conditions=@backprop/source scripts/fingerprint.ts)
//
// It prints one SHA-256 per section (so a difference names its section) and one over all. It
// uses only the public API, so the same file runs on older trees.
import { createHash } from 'node:crypto';
import type { DType, Tensor } from '../packages/core/src/index.js';
import * as core from '../packages/core/src/index.js';
import { crossEntropy, Linear, MLP, mse, Sequential } from '../packages/layers/src/index.js';
import { Adam, fit, SGD } from '../packages/optim/src/index.js';

const { tensor, randn, rand, compile, hessian, hvp, grad, setKernelBackend } = core;

const sections: [string, string][] = [];
let hash = createHash('sha256');

function feed(t: Tensor | null | undefined): void {
  if (t === null || t === undefined) {
    hash.update('null');
    return;
  }
  hash.update(`${t.dtype}[${t.shape.join(',')}]`);
  hash.update(Buffer.from(Float64Array.from(t.data).buffer));
}

function section(name: string, body: () => void): void {
  hash = createHash('sha256');
  body();
  sections.push([name, hash.digest('hex')]);
}

/** y = f(...xs); L = Σ y·w with a fixed random w; feeds y and every ∂L/∂x. */
function check(dtype: DType, f: (...xs: Tensor[]) => Tensor, ...shapes: number[][]): void {
  const xs = shapes.map((s, i) =>
    randn(s, { dtype, seed: 7 + i, requiresGrad: true })
      .mul(0.9)
      .add(0.05)
      .detach(),
  );
  for (const x of xs) x.requiresGrad = true;
  const y = f(...xs);
  const w = randn(y.shape, { dtype: y.dtype, seed: 99 });
  y.mul(w).sum().backward();
  feed(y);
  for (const x of xs) feed(x.grad);
}

const positive = (x: Tensor) => x.abs().add(0.5);

function ops(dtype: DType): void {
  const unary: ((x: Tensor) => Tensor)[] = [
    (x) => x.neg(),
    (x) => x.exp(),
    (x) => positive(x).log(),
    (x) => positive(x).log1p(),
    (x) => positive(x).sqrt(),
    (x) => x.abs(),
    (x) => x.sign(),
    (x) => x.sin(),
    (x) => x.cos(),
    (x) => x.tanh(),
    (x) => x.sigmoid(),
    (x) => x.relu(),
    (x) => x.square(),
    (x) => positive(x).reciprocal(),
    (x) => x.clamp(-0.3, 0.4),
    (x) => x.astype(dtype === 'float64' ? 'float32' : 'float64').mul(2),
    (x) => positive(x).pow(2.5),
    (x) => x.softmax(0),
    (x) => x.logSoftmax(-1),
    (x) => x.logsumexp(1),
    (x) => x.sum(0),
    (x) => x.mean([0, 1], true),
    (x) => x.max(1),
    (x) => x.min(),
    (x) => x.transpose(),
    (x) => x.reshape([-1]),
    (x) => x.slice([1, null], [3, 2]),
    (x) =>
      x.pad([
        [1, 0],
        [0, 2],
      ]),
    (x) => x.gather([2, 0, 2], 0),
    (x) => x.gather([1, 1], 1).scatterAdd([0, 3], 5, 1),
    (x) => x.broadcastTo([2, 4, 5]),
    (x) => x.unsqueeze(0).squeeze(0),
    (x) => x.concat([x.mul(2)], 1),
    (x) => x.stack([x.sin()], 0),
    (x) => x.sumTo([1, 5]),
    (x) =>
      core.elementwise(
        'cube',
        (v) => v * v * v,
        (g, u) => g.mul(u.square().mul(3)),
      )(x),
    (x) => core.defineOp({ name: 'twice', forward: (u) => u.mul(2), vjp: (g) => g.mul(2) })(x),
  ];
  for (const f of unary) check(dtype, f, [4, 5]);
  const binary: ((a: Tensor, b: Tensor) => Tensor)[] = [
    (a, b) => a.add(b),
    (a, b) => a.sub(b),
    (a, b) => a.mul(b),
    (a, b) => a.div(positive(b)),
    (a, b) => positive(a).pow(b),
    (a, b) => a.maximum(b),
    (a, b) => a.minimum(b),
    (a, b) => a.where(a.gt(b), b),
    (a, b) => a.mul(a.ge(b)).add(a.lt(b)).add(a.le(b)).add(a.eq(b)).add(a.ne(b)),
  ];
  for (const f of binary) {
    check(dtype, f, [4, 5], [4, 5]);
    check(dtype, f, [3, 4, 5], [5]);
    check(dtype, f, [4, 1], [1, 5]);
  }
  check(dtype, (a, b) => a.matmul(b), [4, 3], [3, 5]);
  check(dtype, (a, b) => a.matmul(b), [2, 4, 3], [3]);
  check(dtype, (a, b) => a.matmul(b), [3], [2, 3, 5]);
  check(dtype, (a, b, c) => core.linear(a, b, c), [6, 3], [3, 4], [4]);
  check(dtype, (a, b, c) => core.linear(a, b, c), [1, 3], [3, 4], [4]);
  check(dtype, (a, b) => core.linear(a, b), [2, 6, 3], [3, 4]);
}

section('ops float64', () => ops('float64'));
section('ops float32', () => ops('float32'));

section('WebAssembly sizes (float32 and float64, 4096 elements)', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const f of [
      (x: Tensor) => x.sigmoid(),
      (x: Tensor) => x.tanh(),
      (x: Tensor) => x.exp(),
      (x: Tensor) => x.relu(),
    ]) {
      check(dtype, f, [64, 64]);
    }
    check(dtype, (a, b) => a.matmul(b), [64, 96], [96, 80]);
  }
  setKernelBackend('js');
  check('float32', (x) => x.sigmoid(), [64, 64]);
  setKernelBackend('auto');
});

section('second order', () => {
  const f = (x: Tensor) => x.sigmoid().mul(x.sin()).sum().add(x.square().logsumexp());
  const x = randn([5], { seed: 3 });
  feed(hessian(f)(x));
  feed(hvp(f, x, randn([5], { seed: 4 })));
  feed(grad((u: Tensor) => grad(f)(u).square().sum())(x));
  const y = tensor([0.3, -1.2], { requiresGrad: true });
  const g = grad((u: Tensor) => u.tanh().pow(3).sum())(y);
  feed(g);
});

section('compile', () => {
  const w = randn([3, 4], { seed: 11, requiresGrad: true });
  const b = randn([4], { seed: 12, requiresGrad: true });
  const step = compile((x: Tensor, t: Tensor) => {
    const loss = core.linear(x, w, b).sigmoid().sub(t).square().mean();
    loss.backward();
    return loss;
  });
  for (let i = 0; i < 4; i++) {
    const loss = step(randn([5, 3], { seed: 20 + i }), rand([5, 4], { seed: 30 + i })) as Tensor;
    feed(loss);
    feed(w.grad);
    feed(b.grad);
    w.grad = null;
    b.grad = null;
  }
  const noise = compile((x: Tensor) => x.add(randn(x.shape, { seed: 5 })).tanh());
  for (let i = 0; i < 3; i++) feed(noise(randn([4], { seed: i })) as Tensor);
});

section('layers: MLP, Sequential, save and load', () => {
  const net = new MLP({ inputs: 3, hidden: [5, 4], activation: 'sigmoid', seed: 1 });
  const x = randn([6, 3], { seed: 2 });
  const trace = net.forward(x);
  feed(trace);
  mse(trace, randn([6, 1], { seed: 3 })).backward();
  for (const p of net.parameters()) feed(p.grad);
  const seq = new Sequential(new Linear(3, 4, { seed: 4 }), 'relu', new Linear(4, 3, { seed: 5 }));
  const logits = seq.forward(x);
  crossEntropy(logits, tensor([0, 2, 1, 1, 0, 2])).backward();
  feed(logits);
  for (const p of seq.parameters()) feed(p.grad);
  hash.update(JSON.stringify(net.toJSON()));
  hash.update(JSON.stringify(seq.toJSON()));
});

section('optim: fit with SGD per sample and with Adam', () => {
  const xs = core.linspace(-3, 3, 32).reshape([32, 1]);
  const ys = xs.sin();
  for (const [make, batchSize] of [
    [(p: Tensor[]) => new SGD(p, { lr: 0.05 }), 1],
    [(p: Tensor[]) => new Adam(p, { lr: 0.01 }), 8],
  ] as const) {
    const net = new MLP({ inputs: 1, hidden: [8], activation: 'tanh', seed: 0 });
    const history = fit(net, {
      x: xs,
      y: ys,
      loss: mse,
      optimizer: make(net.parameters()),
      epochs: 20,
      batchSize,
      seed: 4,
      progress: false,
    });
    hash.update(JSON.stringify(history.epochs.map(({ seconds, ...log }) => log))); // not the clock
    for (const p of net.parameters()) feed(p);
  }
});

const all = createHash('sha256');
for (const [name, h] of sections) {
  console.log(`${h.slice(0, 16)}  ${name}`);
  all.update(h);
}
console.log(`${all.digest('hex').slice(0, 16)}  all`);
