// The lecture's per-sample SGD (p. 10) seen all at once: every sample's gradient of its own error
// E = ½(y_E − y)², computed in one pass with vmap (perSampleGradients), the steps SGD takes with
// them one sample at a time, their sum against the batch gradient, and DP-SGD-style clipping.
import { pathToFileURL } from 'node:url';
import { type Tensor, tensor } from '@backprop/core';
import { halfSquaredError, MLP, perSampleGradients } from '@backprop/layers';
import { clipPerSampleGradNorm } from '@backprop/optim';

export interface PerSampleResult {
  /** ‖∂Eₙ/∂w‖ of each sample, all weights together. */
  norms: number[];
  /** max |Σₙ ∂Eₙ/∂w − ∂(Σₙ Eₙ)/∂w| over every weight: the sum is the batch gradient. */
  sumVsBatch: number;
  /** max |w after the per-sample steps − w after one batch step| over every weight, and η. */
  sequentialVsBatch: number;
  lr: number;
  /** The clipped mean gradient's norm, and the bound it keeps to. */
  clippedNorm: number;
  clip: number;
}

const fmt = (v: number) => v.toPrecision(4);

/** The largest |a − b| over matching lists of tensors. */
function maxDiff(a: readonly Tensor[], b: readonly Tensor[]): number {
  return Math.max(
    ...a.map((t, j) =>
      t
        .sub(b[j] as Tensor)
        .abs()
        .max()
        .item(),
    ),
  );
}

export function runPerSampleSgd(log: (line: string) => void = console.log): PerSampleResult {
  // the lecture's network (p. 3–5): 2 inputs, 3 sigmoid hidden neurons, a linear output y_E
  const make = () => new MLP({ inputs: 2, hidden: [3], activation: 'sigmoid', seed: 7 });
  const net = make();
  const x = tensor([
    [0.5, -1],
    [1, 0.2],
    [-0.3, 0.8],
    [0.9, 0.9],
  ]);
  const y = tensor([[0.2], [0.9], [-0.4], [0.5]]);
  const E = (yE: Tensor, target: Tensor) => halfSquaredError(yE, target); // p. 10, summed

  // 1. every sample's gradient at once: [4, ...w] per weight tensor
  const perSample = perSampleGradients(net, E, x, y);
  const names = net.namedParameters().map(([name]) => name);
  log('Per-sample gradients ∂Eₙ/∂w (p. 10), one pass with vmap:');
  names.forEach((name, j) => {
    log(`  ${name.padEnd(15)} shape [${(perSample[j] as Tensor).shape.join(', ')}]`);
  });
  const { norms: normTensor } = clipPerSampleGradNorm(perSample, Infinity); // only the norms;
  const norms = Array.from(normTensor.data);
  log(`  ‖∂Eₙ/∂w‖ per sample: ${norms.map(fmt).join(', ')}`);

  // 2. their sum is the gradient of the batch's total error Σₙ Eₙ
  E(net.forward(x), y).backward();
  const batch = net.parameters().map((p) => (p.grad as Tensor).clone());
  net.zeroGrad();
  const sumVsBatch = maxDiff(
    perSample.map((g) => g.sum(0)),
    batch,
  );
  log('');
  log(`Σₙ ∂Eₙ/∂w against the batch gradient ∂(Σₙ Eₙ)/∂w: largest difference ${sumVsBatch}`);

  // 3. per-sample SGD takes the steps one at a time, each at the weights the last one left:
  //    close to one batch step when η is small (they differ by O(η²))
  const lr = 0.05;
  const sequential = make();
  for (let n = 0; n < 4; n++) {
    E(sequential.forward(x.slice([n], [n + 1])), y.slice([n], [n + 1])).backward();
    for (const p of sequential.parameters()) {
      p.data.set(p.sub((p.grad as Tensor).mul(lr)).data);
      p.grad = null;
    }
  }
  const stepped = make()
    .parameters()
    .map((p, j) => p.sub((batch[j] as Tensor).mul(lr)));
  const sequentialVsBatch = maxDiff(sequential.parameters(), stepped);
  log('');
  log(
    `4 per-sample SGD steps (η = ${lr}) against one step with the summed gradient: largest weight difference ${fmt(sequentialVsBatch)}`,
  );

  // 4. DP-SGD-style clipping: each sample's gradient scaled to norm ≤ C, then averaged
  const clip = 0.1;
  const { grads } = clipPerSampleGradNorm(perSample, clip);
  const clippedNorm = Math.sqrt(grads.reduce((s, g) => s + g.square().sum().item(), 0));
  log('');
  log(
    `Clipped to C = ${clip} per sample, then averaged: the mean gradient's norm is ${fmt(clippedNorm)} ≤ C`,
  );
  return { norms, sumVsBatch, sequentialVsBatch, lr, clippedNorm, clip };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runPerSampleSgd();
}
