// The elementwise ops with WebAssembly twins (exp, sigmoid, tanh, relu and the rules reluGrad,
// sigmoidGrad, tanhGrad), through the ops as a user calls them (allocation and copies into and out
// of wasm memory included), JavaScript loops against WebAssembly SIMD, float32 and float64, by
// size. Prints ns per element by CPU time, best of several rounds that alternate the two backends
// (a busy machine skews both alike), and the ratio. Runs the TypeScript sources directly:
//   npx tsx packages/core/scripts/bench-elementwise.mjs [--quick] [--n=64,4096]
// Where a kernel stays in JavaScript for a dtype (float64 exp, sigmoid, tanh), both columns time
// the same loop. The thresholds in src/kernels/backend.ts come from where the ratio passes 1.
import { setKernelBackend } from '../src/kernels/backend.ts';
import { exp, relu, reluGrad, sigmoid, sigmoidGrad, tanh, tanhGrad } from '../src/ops/unary.ts';
import { tensor } from '../src/tensor.ts';

const quick = process.argv.includes('--quick');
const sizesArg = process.argv.find((a) => a.startsWith('--n='));
const sizes = sizesArg ? sizesArg.slice(4).split(',').map(Number) : [16, 32, 64, 256, 1024, 4096];
const rounds = quick ? 3 : 7;
const roundMs = quick ? 30 : 80;

const OPS = {
  exp: (x) => exp(x),
  sigmoid: (x) => sigmoid(x),
  tanh: (x) => tanh(x),
  relu: (x) => relu(x),
  reluGrad: (x, y) => reluGrad(x, y),
  sigmoidGrad: (x, y) => sigmoidGrad(x, y),
  tanhGrad: (x, y) => tanhGrad(x, y),
};

/** CPU ns per element of one call of `run`, over one round. */
function round(run, n) {
  let reps = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  while (performance.now() - t0 < roundMs) {
    run();
    reps++;
  }
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) * 1000) / (reps * n);
}

console.log(`Node ${process.version}; ns per element by CPU time (best of ${rounds} rounds)`);
for (const dtype of ['float32', 'float64']) {
  for (const [name, op] of Object.entries(OPS)) {
    const cells = [];
    for (const n of sizes) {
      const values = Array.from({ length: n }, () => Math.random() * 8 - 4);
      const x = tensor(values, { dtype });
      const y = tensor(
        values.map((v) => 1 / (1 + Math.exp(-v))),
        { dtype },
      );
      const run = () => op(x, y);
      const best = { js: Infinity, wasm: Infinity };
      for (let r = 0; r < rounds; r++) {
        for (const backend of ['js', 'wasm']) {
          setKernelBackend(backend);
          for (let i = 0; i < 200; i++) run(); // past V8's baseline tiers
          best[backend] = Math.min(best[backend], round(run, n));
        }
      }
      cells.push(
        `${n}: ${best.js.toFixed(1)}/${best.wasm.toFixed(1)} (${(best.js / best.wasm).toFixed(1)}×)`,
      );
    }
    console.log(`${dtype} ${name.padEnd(11)} js/wasm  ${cells.join('  ')}`);
  }
}
setKernelBackend('auto');
