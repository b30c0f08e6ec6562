// A typed program against every entry point, checked by tsc under each moduleResolution. The
// lines marked as expected errors fail the check if the types are missing (an untyped import is
// `any`, which accepts anything).
import { grad, type Tensor, tensor } from '@backprop/core';
import { getThreadCount, useThreads } from '@backprop/core/node';
import { MLP, mse, toJSONString } from '@backprop/layers';
import { load, save } from '@backprop/layers/node';
import { type FitOptions, fit, SGD } from '@backprop/optim';
import { readCsv } from '@backprop/optim/node';

export async function main(): Promise<number> {
  const f = (x: Tensor): Tensor => x.square().sum();
  const g: Tensor = grad(f)(tensor([1, 2]));
  const net = new MLP({ inputs: 2, hidden: [3], activation: 'sigmoid', seed: 1 });
  const opt = new SGD(net.parameters(), { lr: 0.1 });
  const data = await readCsv('data.csv', { target: 'y' });
  const options: FitOptions = { x: data.x, y: data.y, loss: mse, optimizer: opt, epochs: 1 };
  const history = fit(net, { ...options, batchSize: 1 });
  await save(net, 'net.json');
  const again = await load('net.json');
  useThreads(2);
  const text: string = toJSONString(net);
  // @ts-expect-error: SGD has no option `learningRate`
  new SGD(net.parameters(), { learningRate: 0.1 });
  // @ts-expect-error: load() returns a promise, not a number
  const wrong: number = load('net.json');
  return (
    g.data.length + getThreadCount() + text.length + history.epochs.length + (again ? 1 : 0) + wrong
  );
}
