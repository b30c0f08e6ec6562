// Uses every entry point of the three packages once, with numbers checked against closed forms
// written here in plain Math. Given the modules (imported or required), resolves to a report.
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async function exercise({ core, coreNode, layers, layersNode, optim, optimNode }) {
  const report = {};

  // @backprop/core: f(x) = Σ x²·sin x, so ∂f/∂xᵢ = 2xᵢ·sin xᵢ + xᵢ²·cos xᵢ
  const xs = [0.5, 1, 2];
  const g = core.grad((x) => x.square().mul(x.sin()).sum())(core.tensor(xs));
  report.gradient = Array.from(g.data);
  report.closedForm = xs.map((x) => 2 * x * Math.sin(x) + x * x * Math.cos(x));
  report.wasm = core.getWasmBuild().build;

  // @backprop/core/node: a product split over two worker threads equals the one-thread product
  const a = core.randn([300, 200], { seed: 1 });
  const b = core.randn([200, 100], { seed: 2 });
  const single = core.matmul(a, b);
  coreNode.useThreads(2);
  report.threads = coreNode.getThreadCount();
  const split = core.matmul(a, b);
  await coreNode.stopThreads();
  report.threadedMaxDiff = Math.max(...split.data.map((v, i) => Math.abs(v - single.data[i])));

  // @backprop/layers: the lecture's network (p. 5) through JSON and back
  const net = new layers.MLP({ inputs: 2, hidden: [3], activation: 'sigmoid', seed: 7 });
  const input = core.tensor([[0.5, -1]]);
  const again = layers.fromJSON(layers.toJSONString(net));
  report.jsonSame = again.forward(input).item() === net.forward(input).item();

  // @backprop/layers/node and @backprop/optim/node: files, in a folder removed afterwards
  const dir = mkdtempSync(join(tmpdir(), 'backprop-consumer-'));
  try {
    await layersNode.save(net, join(dir, 'net.json'));
    const loaded = await layersNode.load(join(dir, 'net.json'));
    report.fileSame = loaded.forward(input).item() === net.forward(input).item();
    writeFileSync(join(dir, 'data.csv'), 'a,b,y\n1,2,3\n4,5,6\n');
    const data = await optimNode.readCsv(join(dir, 'data.csv'));
    report.csv = { x: data.x.shape, y: Array.from(data.y.data), features: data.featureNames };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // @backprop/optim: one SGD step on E = (3w − 2)², ∂E/∂w = 6(3w − 2) = 6 at w = 1: w ← 1 − 0.1·6
  const w = core.tensor([1], { requiresGrad: true });
  const opt = new optim.SGD([w], { lr: 0.1 });
  w.mul(3).sub(2).square().sum().backward();
  opt.step();
  report.sgd = w.data[0];
  return report;
};
