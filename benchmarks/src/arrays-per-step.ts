// How many arrays a training step of C makes on the path users write (MLP, mse, SGD, zeroGrad):
// every Float64Array constructed (a fresh one, or a view on allocate's shared buffer) is counted
// over 100 steps after 10 unmeasured ones. The count docs/performance.md quotes.
//   npx tsx --conditions=@backprop/source benchmarks/src/arrays-per-step.ts
let made = 0;
const Base = globalThis.Float64Array;
class Counted extends Base {
  // biome-ignore lint/suspicious/noExplicitAny: the typed-array constructor's overloads, passed on
  constructor(...args: any[]) {
    super(...(args as []));
    made++;
  }
}
globalThis.Float64Array = Counted as Float64ArrayConstructor; // before the packages load
const { randn } = await import('@backprop/core');
const { MLP, mse } = await import('@backprop/layers');
const { SGD } = await import('@backprop/optim');

const net = new MLP({ inputs: 2, hidden: [16, 16], activation: 'sigmoid', seed: 0 });
const opt = new SGD(net.parameters(), { lr: 0.01 });
const x = randn([1, 2], { seed: 1 });
const y = randn([1, 1], { seed: 2 });
const step = () => {
  opt.zeroGrad();
  const loss = mse(net.forward(x), y);
  loss.backward();
  opt.step();
  return loss.item();
};
for (let i = 0; i < 10; i++) step();
const before = made;
for (let i = 0; i < 100; i++) step();
console.log(`C, user path, float64: ${(made - before) / 100} arrays a step`);

// a module (its imports are dynamic, after the counter is in place), for its top-level awaits
export {};
