// What a second thread gives large matrix products: one square n×n·n×n product at a time,
// float32 and float64, on the calling thread alone against split over `--threads` threads
// (@backprop/core/node's useThreads; the kernel is the WebAssembly one either way). Runs the
// TypeScript sources directly:
//   pnpm --filter @backprop/core bench:threads [--n=256,512,1024] [--threads=2] [--rounds=9]
//   (= tsx --conditions=@backprop/source packages/core/scripts/bench-threads.mjs from the repository root)
// Each round times both settings back to back, in alternating order, so a machine that others
// are using slows both alike; a number is the median over rounds of the wall-clock time per
// product, with the fastest and slowest rounds beside it. "cpu" is this process's CPU time per
// product, all threads together: over wall time it says how many cores the product really had.
import { loadavg } from 'node:os';
import { parallelMatmul, setParallelMatmul } from '../src/kernels/backend.ts';
import { matmul } from '../src/kernels/matmul.ts';
import { getThreadCount, useThreads } from '../src/node.ts';

const arg = (name, fallback) => {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found ? found.slice(name.length + 3) : fallback;
};
const sizes = arg('n', '64,96,128,192,256,512,1024').split(',').map(Number);
const threads = Number(arg('threads', '2'));
const rounds = Number(arg('rounds', '9'));
const roundMs = Number(arg('round-ms', '150'));

function random(T, size) {
  const x = new T(size);
  for (let i = 0; i < size; i++) x[i] = Math.random() * 2 - 1;
  return x;
}

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

useThreads(threads);
const threaded = parallelMatmul();
setParallelMatmul(null); // the one-thread runs call the kernel without it
console.log(
  `threads: 1 vs ${getThreadCount()}; ${rounds} rounds of about ${roundMs} ms each; ` +
    `load average before: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
);
console.log(
  'dtype    n     1 thread: ms [min–max]   cpu ms   | threaded: ms [min–max]   cpu ms   | speedup (median, best)',
);
for (const [T, dtype] of [
  [Float32Array, 'float32'],
  [Float64Array, 'float64'],
]) {
  for (const n of sizes) {
    const a = random(T, n * n);
    const b = random(T, n * n);
    const out = new T(n * n);
    // the threaded product called directly, so sizes below its threshold can be measured too
    const runs = [
      () => matmul(a, [n, n], false, b, [n, n], false, [], out),
      () => threaded(a, [n, n], false, b, [n, n], false, [], out),
    ];
    // warm up both, and size a round so it lasts about roundMs on one thread
    let reps = 1;
    for (const run of runs) for (let t0 = performance.now(); performance.now() - t0 < 50; ) run();
    for (;;) {
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) runs[0]();
      if (performance.now() - t0 >= roundMs / 2) break;
      reps *= 2;
    }
    reps *= 2;
    const wall = [[], []];
    const cpu = [[], []];
    for (let round = 0; round < rounds; round++) {
      for (const s of round % 2 === 0 ? [0, 1] : [1, 0]) {
        const run = runs[s];
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        for (let r = 0; r < reps; r++) run();
        wall[s].push((performance.now() - t0) / reps);
        const used = process.cpuUsage(cpu0);
        cpu[s].push((used.user + used.system) / 1000 / reps);
      }
    }
    const cell = (s) => {
      const spread = `[${Math.min(...wall[s]).toFixed(2)}–${Math.max(...wall[s]).toFixed(2)}]`;
      return `${median(wall[s]).toFixed(2).padStart(8)} ${spread.padEnd(16)}${median(cpu[s]).toFixed(2).padStart(7)}  `;
    };
    const speedup = median(wall[0]) / median(wall[1]);
    const best = Math.min(...wall[0]) / Math.min(...wall[1]);
    console.log(
      `${dtype}  ${String(n).padStart(4)}  ${cell(0)} | ${cell(1)} | ${speedup.toFixed(2)}×, ${best.toFixed(2)}×`,
    );
  }
}
console.log(
  `load average after: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
