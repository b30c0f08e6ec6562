// The lecture's network (p. 5: two inputs, three sigmoid neurons, a linear output) trained by
// per-sample SGD on E = ½(y_E − y)² (p. 10), on the kernels `backend` names. The page runs it in
// the browser; the release test runs it in Node and compares.
import { getWasmBuild, setKernelBackend, tensor } from '@backprop/core';
import { halfSquaredError, MLP } from '@backprop/layers';
import { SGD } from '@backprop/optim';

const X = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
  [0.5, 0.25],
];
const Y = [0.1, 0.3, 0.7, 0.9, 0.45]; // y = 0.6·x₁ + 0.2·x₂ + 0.1

/** The summed error of each epoch, for `epochs` epochs. */
export function train(backend, epochs = 40) {
  setKernelBackend(backend);
  try {
    const net = new MLP({ inputs: 2, hidden: [3], activation: 'sigmoid', seed: 3 });
    const opt = new SGD(net.parameters(), { lr: 0.5 });
    const losses = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      let sum = 0;
      for (let i = 0; i < X.length; i++) {
        opt.zeroGrad();
        const e = halfSquaredError(net.forward(tensor([X[i]])), tensor([[Y[i]]]));
        e.backward();
        opt.step();
        sum += e.item();
      }
      losses.push(sum);
    }
    return losses;
  } finally {
    setKernelBackend('auto');
  }
}

export function report() {
  return { wasm: getWasmBuild(), wasmLosses: train('wasm'), jsLosses: train('js') };
}
