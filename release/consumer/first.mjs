// first.mjs: a first gradient and a first trained network (run: node first.mjs)
import { linspace, tensor } from '@backprop/core';
import { MLP, mse } from '@backprop/layers';
import { Adam, fit } from '@backprop/optim';

// f(x) = x·sin x, so f′(x) = sin x + x·cos x: 0.0770 at x = 2
const x = tensor([2], { requiresGrad: true });
x.mul(x.sin()).sum().backward();
console.log(x.grad.toString()); // → tensor([0.0770], shape=[1])

// the lecture's network (p. 3–5), 16 tanh neurons, learns y = sin x on [−3, 3]
const xs = linspace(-3, 3, 64).reshape([64, 1]);
const ys = xs.sin();
const net = new MLP({ inputs: 1, hidden: [16], activation: 'tanh', seed: 0 });
const optimizer = new Adam(net.parameters(), { lr: 0.01 });
const history = fit(net, { x: xs, y: ys, loss: mse, optimizer, epochs: 1000, batchSize: 16 });
console.log(`mean squared error ${history.epochs.at(-1).loss.toFixed(5)}`); // → mean squared error 0.00017
const y1 = net.forward(tensor([[1]])).item();
console.log(`at x = 1: ${y1.toFixed(3)}, sin 1 = ${Math.sin(1).toFixed(3)}`); // → at x = 1: 0.856, sin 1 = 0.841
