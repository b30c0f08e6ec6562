// The training a user writes: for B, C and K the step (the lecture's `MLP` from layers with a
// spec's initial weights, a loss from layers, `SGD` from optim and `zeroGrad()`, eager or with the
// forward pass, loss and backward() under core's `compile`), for F `fit()` on the diabetes data
// (user.ts runs them; tiering.ts too).
import { compile, type DType, type Tensor, tensor } from '@backprop/core';
import { halfSquaredError, MLP, mse } from '@backprop/layers';
import { fit, type History, SGD } from '@backprop/optim';
import { allBatches, type TrainSpec } from './common.js';
import { type DiabetesData, diabetesSettings } from './diabetes.js';

/** `spec`'s network as a user builds it, with the spec's initial weights copied in. */
export function buildMLP(spec: TrainSpec, dtype: DType): MLP {
  const [inputs = 0, ...rest] = spec.sizes;
  const net = new MLP({
    inputs,
    hidden: rest.slice(0, -1),
    outputs: rest[rest.length - 1],
    activation: [...spec.hidden],
    outputActivation: spec.output === 'linear' ? 'identity' : spec.output,
    dtype,
  });
  spec.init.forEach((l, i) => {
    const layer = net.layers[i];
    layer?.weight.data.set(l.w); // both [in, out], row-major
    layer?.bias?.data.set(l.b);
  });
  return net;
}

/**
 * One training step as the README writes it: zeroGrad, the loss of the model's forward pass,
 * backward, step, the loss read into JS. With --compile the forward pass, loss and backward go
 * through core's `compile` (the optimiser's step stays outside it, as it must).
 */
export function userStep(spec: TrainSpec, dtype: DType, compiled: boolean): (k: number) => number {
  const net = buildMLP(spec, dtype);
  // ½(o − y)² summed over a batch of 1 is the spec's ½·mean((o − y)²): brain.js's error
  const loss = spec.loss === 'half-se' ? halfSquaredError : mse;
  const opt = new SGD(net.parameters(), { lr: spec.lr });
  const d = spec.sizes[0];
  const batches = allBatches(spec).map(([x, y]) => [
    tensor(x, { dtype, shape: [spec.batch, d] }),
    tensor(y, { dtype, shape: [spec.batch, 1] }),
  ]);
  const forwardBackward = (x: Tensor, y: Tensor): Tensor => {
    const l = loss(net.forward(x), y);
    l.backward();
    return l;
  };
  const step = compiled ? compile(forwardBackward) : forwardBackward;
  return (k) => {
    const [x, y] = batches[k % batches.length] as [Tensor, Tensor];
    opt.zeroGrad();
    const l = step(x, y);
    opt.step();
    return l.item();
  };
}

/** F's model: the demo's 10→8→1 MLP with sigmoid hidden neurons, from F's initial seed. */
export function diabetesMLP(dtype: DType): MLP {
  return new MLP({
    inputs: 10,
    hidden: [8],
    activation: 'sigmoid',
    seed: diabetesSettings.initSeed,
    dtype,
  });
}

/**
 * F, `data` made tensors beforehand: a function that builds F's model and trains it with fit()
 * (batch 1, halfSquaredError, SGD, every epoch). fit compiles this model's step by default;
 * `eager` gives fit({ compile: false }), what a model of a user's own gets.
 */
export function fitDiabetes(data: DiabetesData, dtype: DType, eager: boolean): () => History {
  const x = tensor(data.x, { dtype, shape: [data.samples, 10] });
  const y = tensor(data.y, { dtype, shape: [data.samples, 1] });
  return () => {
    const model = diabetesMLP(dtype);
    return fit(model, {
      x,
      y,
      loss: halfSquaredError,
      optimizer: new SGD(model.parameters(), { lr: diabetesSettings.lr }),
      epochs: diabetesSettings.epochs,
      batchSize: 1,
      seed: 0,
      progress: false,
      ...(eager ? { compile: false } : {}),
    });
  };
}
