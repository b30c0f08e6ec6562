// Matmul kernel throughput, JavaScript loops against the WebAssembly SIMD kernel, float32 and
// float64 (GFLOP/s = 2·m·k·n per second, copies into and out of wasm memory included). Runs the
// TypeScript sources directly:
//   npx tsx packages/core/scripts/bench-matmul.mjs [--quick] [--shapes] [--n=64,512] [--no-float64]
//     [--no-js] [--builds]
// The kernels take the relaxed-SIMD build (fused multiply-adds) where the engine accepts it: on
// Node 20 only with a V8 flag,
//   node --experimental-wasm-relaxed-simd --import tsx packages/core/scripts/bench-matmul.mjs
// --builds compares the two WebAssembly builds instead of JS against WebAssembly: plain SIMD
// (separate multiply and add) against relaxed SIMD (fused), alternating in one process; it sets
// that flag itself (Node 22+ takes the build without it). --shapes adds small and rectangular
// products (where the size threshold comes from); --n measures only those square sizes; --no-js
// times the WebAssembly kernel alone (the JS loops at n = 512 take a tenth of a second a call and
// flush the caches). Each number is the best of several rounds, alternating the two kernels, so
// a busy machine skews both alike. On a shared machine the wall clock undercounts, so GFLOP/s per
// second of this process's CPU time is shown too (it counts only time the process ran).
import { setKernelBackend } from '../src/kernels/backend.ts';
import { matmul } from '../src/kernels/matmul.ts';
import { resetWasmKernels, wasmVariant } from '../src/kernels/wasm/matmul-wasm.ts';

const quick = process.argv.includes('--quick');
const builds = process.argv.includes('--builds');
const withJs = !process.argv.includes('--no-js');
if (builds) (await import('node:v8')).setFlagsFromString('--experimental-wasm-relaxed-simd');
const rounds = quick ? 3 : 9;
const roundMs = quick ? 40 : 120;

function random(T, size) {
  const x = new T(size);
  for (let i = 0; i < size; i++) x[i] = Math.random() * 2 - 1;
  return x;
}

/** Adds one round's GFLOP/s (by wall clock and by CPU time) of one kernel on op(A)·op(B). */
function measure(backend, T, m, k, n, ta, tb, round) {
  if (backend === 'simd' || backend === 'relaxed-simd') {
    resetWasmKernels({ allowRelaxed: backend === 'relaxed-simd' });
    setKernelBackend('wasm');
    if (wasmVariant() !== backend)
      throw new Error(`asked for the ${backend} build, got ${wasmVariant()}`);
  } else setKernelBackend(backend);
  const a = random(T, m * k);
  const b = random(T, k * n);
  const out = new T(m * n);
  const aShape = ta ? [k, m] : [m, k];
  const bShape = tb ? [n, k] : [k, n];
  const run = () => matmul(a, aShape, ta, b, bShape, tb, [], out);
  // warm up past V8's baseline tiers, and size one round
  let reps = 1;
  for (let t0 = performance.now(); performance.now() - t0 < 30; ) run();
  for (;;) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) run();
    if (performance.now() - t0 >= roundMs / 4) break;
    reps *= 2;
  }
  reps *= 4;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let r = 0; r < reps; r++) run();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const flop = 2 * m * k * n * reps;
  round.wall.push(flop / wall / 1e9);
  round.cpu.push(flop / ((cpu.user + cpu.system) / 1e6) / 1e9);
}

function stats(round) {
  const best = (values) => Math.max(...values);
  const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
  return { best: best(round.wall), median: median(round.wall), cpu: median(round.cpu) };
}

const only = process.argv.find((arg) => arg.startsWith('--n='));
const cases = (only ? only.slice(4).split(',').map(Number) : [64, 128, 256, 512]).map((n) => [
  n,
  n,
  n,
  false,
  false,
]);
if (!only) {
  cases.push([512, 512, 512, true, false], [512, 512, 512, false, true]);
  cases.push([511, 509, 513, false, false], [512, 512, 512, true, true]);
}
if (process.argv.includes('--shapes')) {
  for (const n of [4, 8, 12, 16, 24, 32, 48]) cases.push([n, n, n, false, false]);
  // a 16→64→64→1 MLP at batch 64: forward x·W, and the backward products Gᵀ·x (ta) and G·Wᵀ (tb)
  cases.push([64, 16, 64, false, false], [64, 64, 64, false, false], [64, 64, 1, false, false]);
  cases.push([16, 64, 64, true, false], [64, 64, 16, false, true], [64, 1, 64, false, true]);
  cases.push([1, 64, 64, false, false], [2, 16, 16, false, false], [1, 16, 16, false, false]);
}

setKernelBackend('wasm');
// the two columns: JS loops and the build this engine takes, or (--builds) the two builds
const [left, right] = builds ? ['simd', 'relaxed-simd'] : ['js', 'wasm'];
console.log(
  `Node ${process.version}, WebAssembly build: ${builds ? 'simd, relaxed-simd' : wasmVariant()}`,
);
console.log('GFLOP/s: best and median by wall clock, median by CPU time; × compares CPU time');
const dtypes = [
  [Float32Array, 'float32'],
  [Float64Array, 'float64'],
].filter(([, dtype]) => !process.argv.includes(`--no-${dtype}`));
for (const [T, dtype] of dtypes) {
  for (const [m, k, n, ta, tb] of cases) {
    const js = { wall: [], cpu: [] };
    const wasm = { wall: [], cpu: [] };
    for (let r = 0; r < rounds; r++) {
      if (withJs || builds) measure(left, T, m, k, n, ta, tb, js);
      measure(right, T, m, k, n, ta, tb, wasm);
    }
    const j = stats(js);
    const w = stats(wasm);
    const shape = `${m}×${k}${ta ? 'ᵀ' : ''} · ${k}×${n}${tb ? 'ᵀ' : ''}`;
    const f = (x) => (Number.isFinite(x) ? x.toFixed(2) : '-').padStart(6);
    console.log(
      `${dtype}  ${shape.padEnd(20)} ${left} ${f(j.best)} ${f(j.median)} ${f(j.cpu)}` +
        `   ${right} ${f(w.best)} ${f(w.median)} ${f(w.cpu)}   ×${withJs || builds ? (w.cpu / j.cpu).toFixed(2) : '-'}`,
    );
  }
}
if (builds) resetWasmKernels();
setKernelBackend('auto');
