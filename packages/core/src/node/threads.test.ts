// Threaded matmul: the same products as one thread, to float tolerance, for odd sizes, every
// transposition, broadcast batches, both dtypes and both kernels; starting and stopping; a worker
// that throws, exits or hangs costs time, never a wrong result; the process still exits by
// itself; and the embedded worker script matches a fresh bundle of the sources.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { staleWorker } from '../../scripts/build-worker.mjs';
import { BackpropError, gradients, matmul as matmulOp, randn, ValueError } from '../index.js';
import {
  type KernelBackend,
  PARALLEL_MIN_MULTIPLY_ADDS,
  parallelMatmul,
  setKernelBackend,
} from '../kernels/backend.js';
import { matmul } from '../kernels/matmul.js';
import { getThreadCount, stopThreads, useThreads } from '../node.js';
import { Generator } from '../random.js';
import { type Shape, sizeOf } from '../shape-math.js';
import { injectFault, partsDoneByWorkers, setMinimumWait } from './test-hooks.js';

type Float = Float32Array | Float64Array;

afterEach(() => {
  stopThreads();
  setKernelBackend('auto');
  setMinimumWait(2_000);
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

function random(T: typeof Float32Array | typeof Float64Array, n: number, g: Generator): Float {
  const x = new T(n);
  for (let i = 0; i < n; i++) x[i] = g.normal();
  return x;
}

interface Case {
  name: string;
  aShape: Shape;
  ta: boolean;
  bShape: Shape;
  tb: boolean;
  batch: Shape;
  m: number;
  n: number;
}

// Rows split (m ≥ n), columns split (m < n), batches split along their first axis longer than 1,
// with odd sizes and broadcasting
const cases: Case[] = [
  { name: 'square', aShape: [128, 128], ta: false, bShape: [128, 128], tb: false },
  { name: 'odd sizes', aShape: [257, 131], ta: false, bShape: [131, 129], tb: false },
  { name: 'Aᵀ', aShape: [131, 257], ta: true, bShape: [131, 129], tb: false },
  { name: 'Bᵀ', aShape: [257, 131], ta: false, bShape: [129, 131], tb: true },
  { name: 'AᵀBᵀ', aShape: [131, 257], ta: true, bShape: [129, 131], tb: true },
  { name: 'wide (columns)', aShape: [5, 701], ta: false, bShape: [701, 613], tb: false },
  { name: 'wide, Aᵀ Bᵀ', aShape: [701, 5], ta: true, bShape: [613, 701], tb: true },
  { name: 'k = 1', aShape: [2049, 1], ta: false, bShape: [1, 1031], tb: false },
  { name: 'batch, B broadcast', aShape: [5, 65, 70], ta: false, bShape: [70, 121], tb: false },
  { name: 'batch, A broadcast, Bᵀ', aShape: [65, 70], ta: false, bShape: [5, 121, 70], tb: true },
  { name: 'batch [3, 5]', aShape: [3, 1, 61, 70], ta: true, bShape: [5, 61, 83], tb: false },
  { name: 'batch [1, 7]', aShape: [1, 7, 61, 70], ta: false, bShape: [7, 83, 70], tb: true },
].map((c) => {
  const batchA = c.aShape.slice(0, -2);
  const batchB = c.bShape.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const dim = (s: Shape, i: number) => s[i - (rank - s.length)] ?? 1;
  const k = c.aShape[c.aShape.length - (c.ta ? 2 : 1)];
  if (k !== c.bShape[c.bShape.length - (c.tb ? 1 : 2)]) throw new Error(`${c.name}: k differs`);
  return {
    ...c,
    batch: Array.from({ length: rank }, (_, i) => Math.max(dim(batchA, i), dim(batchB, i))),
    m: c.aShape[c.aShape.length - (c.ta ? 1 : 2)] as number,
    n: c.bShape[c.bShape.length - (c.tb ? 2 : 1)] as number,
  };
});

/** The product on the threads there are (called past the size threshold), else on this one. */
function product(c: Case, a: Float, b: Float): Float {
  const size = sizeOf(c.batch) * c.m * c.n;
  const out = a instanceof Float32Array ? new Float32Array(size) : new Float64Array(size);
  const threaded = parallelMatmul();
  if (threaded === null) return matmul(a, c.aShape, c.ta, b, c.bShape, c.tb, c.batch, out) as Float;
  expect(threaded(a, c.aShape, c.ta, b, c.bShape, c.tb, c.batch, out), c.name).toBe(true);
  return out;
}

function expectClose(got: Float, want: Float, tol: number, what: string): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const diff =
      Math.abs((got[i] as number) - (want[i] as number)) / (1 + Math.abs(want[i] as number));
    if (!(diff <= worst)) {
      worst = diff;
      at = i;
    }
  }
  expect(worst, `${what}: element ${at}, ${got[at]} vs ${want[at]}`).toBeLessThanOrEqual(tol);
}

describe('threaded matmul', () => {
  for (const backend of ['auto', 'js'] as KernelBackend[]) {
    for (const [T, dtype, tol] of [
      [Float32Array, 'float32', 1e-5],
      [Float64Array, 'float64', 1e-12],
    ] as const) {
      it(`equals the one-thread product in ${dtype} on the ${backend} kernels`, () => {
        setKernelBackend(backend);
        const g = new Generator(dtype === 'float32' ? 1 : 2);
        const operands = cases.map(
          (c) => [random(T, sizeOf(c.aShape), g), random(T, sizeOf(c.bShape), g)] as const,
        );
        const run = () => cases.map((c, i) => product(c, ...(operands[i] as [Float, Float])));
        const one = run();
        const before = partsDoneByWorkers();
        useThreads(3); // two workers, and cuts into thirds
        const three = run();
        expect(partsDoneByWorkers() - before).toBe(2 * cases.length);
        useThreads(2);
        const two = run();
        cases.forEach((c, i) => {
          expectClose(three[i] as Float, one[i] as Float, tol, `${c.name}, 3 threads`);
          expectClose(two[i] as Float, one[i] as Float, tol, `${c.name}, 2 threads`);
        });
      }, 30_000); // the JS kernel on a busy two-core machine: seconds
    }
  }

  it('gives the matmul op the same values and gradients', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      // past the threshold forward (x·w) and backward (g·wᵀ, xᵀ·g): 4·200·150·160 multiply-adds
      const x = randn([4, 200, 150], { dtype, seed: 1, requiresGrad: true });
      const w = randn([150, 160], { dtype, seed: 2, requiresGrad: true });
      const run = () => {
        const y = matmulOp(x, w);
        return [y, ...gradients([y.mul(y).sum()], [x, w])].map((t) => t.data as Float);
      };
      const one = run();
      useThreads(2);
      const before = partsDoneByWorkers();
      const two = run();
      expect(partsDoneByWorkers() - before).toBe(3);
      stopThreads();
      one.forEach((values, t) => {
        expectClose(two[t] as Float, values, dtype === 'float32' ? 1e-5 : 1e-12, `output ${t}`);
      });
    }
  });
});

describe('useThreads', () => {
  it('starts and stops worker threads, and says how many threads products use', () => {
    expect(getThreadCount()).toBe(1);
    expect(parallelMatmul()).toBeNull();
    useThreads(3);
    expect(getThreadCount()).toBe(3);
    expect(parallelMatmul()).not.toBeNull();
    useThreads(2);
    expect(getThreadCount()).toBe(2);
    useThreads(1);
    expect(getThreadCount()).toBe(1);
    expect(parallelMatmul()).toBeNull();
    useThreads(2);
    useThreads(0);
    expect(getThreadCount()).toBe(1);
    useThreads();
    expect(getThreadCount()).toBe(availableParallelism());
    stopThreads();
    expect(getThreadCount()).toBe(1);
    stopThreads(); // twice is fine
  });

  it('refuses counts that are not whole numbers', () => {
    for (const count of [-1, 1.5, Number.NaN]) {
      expect(() => useThreads(count)).toThrow(ValueError);
    }
    expect(() => useThreads(-1)).toThrow(/useThreads: count must be a whole number.*got -1/);
  });

  it('says why when there is no shared memory, and leaves products on one thread', () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    expect(() => useThreads(2)).toThrow(BackpropError);
    expect(() => useThreads(2)).toThrow(/no SharedArrayBuffer or Atomics\.wait/);
    expect(getThreadCount()).toBe(1);
  });

  it('leaves small products to the calling thread', () => {
    useThreads(2);
    injectFault('throw'); // would warn if a worker were given the product
    const warn = vi.spyOn(process, 'emitWarning');
    const n = Math.floor(Math.cbrt(PARALLEL_MIN_MULTIPLY_ADDS - 1));
    const a = new Float64Array(n * n).fill(1);
    const out = matmul(a, [n, n], false, a, [n, n], false, [], new Float64Array(n * n));
    expect(out[0]).toBe(n);
    expect(warn).not.toHaveBeenCalled();
    injectFault(undefined);
  });
});

describe('a broken worker', () => {
  const g = new Generator(5);
  const a = random(Float64Array, 300 * 200, g);
  const b = random(Float64Array, 200 * 150, g);
  const c = cases[1] as Case;
  const shapes: Case = { ...c, aShape: [300, 200], bShape: [200, 150], m: 300, n: 150 };
  const expected = product(shapes, a, b);

  it('that throws: its part is computed on the main thread, with a warning', () => {
    useThreads(2);
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    injectFault('throw');
    expectClose(product(shapes, a, b), expected, 0, 'after a throw');
    expect(String(warn.mock.calls[0]?.[0])).toMatch(
      /worker thread failed \(Error: a fault injected/,
    );
    expect(getThreadCount()).toBe(2); // the worker is fine otherwise, and stays
    expectClose(product(shapes, a, b), expected, 0, 'next product');
  });

  it('that exits: its part is computed on the main thread, and it leaves the pool', () => {
    useThreads(3);
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    injectFault('exit');
    const t0 = performance.now();
    expectClose(product(shapes, a, b), expected, 0, 'after an exit');
    expect(performance.now() - t0).toBeLessThan(1_500); // told at once, no time-out
    expect(String(warn.mock.calls[0]?.[0])).toMatch(
      /worker thread 1 is gone: the worker thread exited \(code 3\)/,
    );
    expect(getThreadCount()).toBe(2);
    expectClose(product(shapes, a, b), expected, 0, 'next product');
  });

  it('that hangs: the wait times out, its part is computed here, and threads are off', () => {
    useThreads(2);
    setMinimumWait(200);
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    injectFault('hang');
    const t0 = performance.now();
    expectClose(product(shapes, a, b), expected, 0, 'after a hang');
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(
      /is gone: it did not finish its part within \d+ ms/,
    );
    expect(getThreadCount()).toBe(1);
    expect(parallelMatmul()).toBeNull();
    expectClose(product(shapes, a, b), expected, 0, 'next product');
  });
});

it('does not keep the process alive', () => {
  // from the TypeScript sources, as vitest runs them: tsx, and the packages' '@backprop/source' condition
  const script = `
    import { matmul, randn } from '@backprop/core';
    import { getThreadCount, useThreads } from '@backprop/core/node';
    useThreads(2);
    const x = randn([200, 200]);
    console.log(getThreadCount(), matmul(x, x).shape.join('x'));`;
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const child = spawnSync(
    process.execPath,
    ['--conditions=@backprop/source', '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: root, encoding: 'utf8', timeout: 30_000 },
  );
  expect(child.stderr).toBe('');
  expect(child.status, 'exit code (null: killed after 30 s)').toBe(0);
  expect(child.stdout.trim()).toBe('2 200x200');
});

it('embeds a worker script that matches a fresh bundle of the sources', async () => {
  const { path, stale } = await staleWorker();
  expect(stale, `${path} is stale: run \`pnpm --filter @backprop/core build:worker\``).toBe(false);
});
