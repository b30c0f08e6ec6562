// Large matrix products on several threads (Node only). The ops stay synchronous: the main thread
// cuts a product into parts (parts.ts), posts all but one to worker threads, computes its own,
// and blocks in Atomics.wait until the workers have written theirs into shared memory. A worker
// that fails, dies or stops answering costs time, never a wrong result: the main thread computes
// its part instead.
//
// The workers are started from text (`new Worker(text, { eval: true })`): matmul-worker.ts and
// the kernels it imports, bundled at build time by scripts/build-worker.mjs. A worker file
// located with `new URL(..., import.meta.url)` would be .ts under vitest and tsx (which a bare
// worker cannot load), has no import.meta in the CommonJS build, and would move with bundlers.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { TypedArray } from '../dtype.js';
import { BackpropError, ValueError } from '../errors.js';
import { kernelSetting, type ParallelMatmul, setParallelMatmul } from '../kernels/backend.js';
import {
  WASM_RELAXED_SIMD_BASE64,
  WASM_SIMD_BASE64,
} from '../kernels/wasm/matmul-wasm.generated.js';
import { sizeOf } from '../shape-math.js';
import { Control, EXITED, FAILED, type Job, READY, STARTING } from './control.js';
import { MATMUL_WORKER_BASE64 } from './matmul-worker.generated.js';
import { copyBlock, type Part, planParts, runPart, Scratch } from './parts.js';
import { hooks } from './test-hooks.js';

/** How long useThreads waits for the workers to start (load the code, compile WebAssembly). */
const START_MS = 10_000;
// A part no worker has finished WAIT_TIMES times as long after the main thread finished its own
// as that took (and at least hooks.minWaitMs, 2 s) is taken as lost: far beyond a slow start or
// a busy machine.
const WAIT_TIMES = 20;
// Shared memory grown past this for one product is let go afterwards (as RETAIN_BYTES for wasm).
const RETAIN_BYTES = 64 * 1024 * 1024;

interface Thread {
  worker: Worker;
  /** Its index in the control words. */
  index: number;
  /** Set when it is being stopped on purpose: its exit is then no news. */
  leaving: boolean;
}

let threads: Thread[] = [];
let control: Control | null = null;
let shared: SharedArrayBuffer | null = null;
let busy = false;
let jobId = 0;
const scratch = new Scratch();

/**
 * Spreads large matrix products (from 2²⁴ multiply-adds, 256×256·256×256; batches along their
 * batch) over `count` threads: this one and `count − 1` worker threads. The ops stay synchronous,
 * and the numbers equal the one-thread ones to rounding. `count` 0 or 1 goes back to this thread
 * alone. The workers never keep the process alive. It returns once they have started (a one-time
 * cost: docs/performance.md), and throws a BackpropError saying why when they cannot.
 *
 * @example
 * import { randn } from '@backprop/core';
 * import { getThreadCount, useThreads } from '@backprop/core/node';
 * // useThreads() alone takes one thread per core
 * useThreads(2);
 * console.log(getThreadCount()); // → 2
 * // 256 × 256 · 256 × 256 is 2²⁴ multiply-adds: split between both threads
 * console.log(randn([256, 256]).matmul(randn([256, 256])).shape); // → [ 256, 256 ]
 * useThreads(1);
 */
export function useThreads(count: number = availableParallelism()): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new ValueError(
      `useThreads: count must be a whole number of threads (0 or 1 for this thread alone), got ${count}`,
    );
  }
  if (count === getThreadCount()) return;
  stopThreads();
  if (count <= 1) return;
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics === 'undefined') {
    throw new BackpropError(
      `useThreads(${count}): this runtime has no SharedArrayBuffer or Atomics.wait; products run on one thread`,
    );
  }
  const workers = count - 1;
  const words = Control.create(workers);
  const code = Buffer.from(MATMUL_WORKER_BASE64, 'base64').toString('utf8');
  const started: Thread[] = [];
  try {
    for (let index = 0; index < workers; index++) {
      const worker = new Worker(code, {
        eval: true,
        // not the parent's --import/--require: a loader such as tsx's would be started in the
        // worker, and on Node 20 that waits for the main thread, which is blocked waiting here
        execArgv: [],
        name: `backprop matmul ${index + 1}`,
        workerData: {
          control: words.buffer,
          index,
          wasm: { simd: WASM_SIMD_BASE64, relaxed: WASM_RELAXED_SIMD_BASE64 },
        },
      });
      worker.unref(); // never what keeps the process running
      const thread: Thread = { worker, index, leaving: false };
      worker.on('error', (error) => lose(thread, `it threw ${error.name}: ${error.message}`));
      worker.on('exit', (code) => lose(thread, `it exited (code ${code})`));
      started.push(thread);
    }
    const deadline = Date.now() + START_MS;
    for (const { index } of started) {
      const at = words.state(index);
      Atomics.wait(words.words, at, STARTING, Math.max(0, deadline - Date.now()));
      const state = Atomics.load(words.words, at);
      if (state === READY) continue;
      const why =
        state === FAILED ? words.message(index) : `it did not start within ${START_MS / 1000} s`;
      throw new BackpropError(
        `useThreads(${count}): worker thread ${index + 1} could not start (${why}); products run on one thread`,
      );
    }
  } catch (error) {
    for (const thread of started) stop(thread);
    if (error instanceof BackpropError) throw error;
    const why = error instanceof Error ? error.message : String(error);
    throw new BackpropError(
      `useThreads(${count}): cannot start worker threads (${why}); products run on one thread`,
    );
  }
  threads = started;
  control = words;
  setParallelMatmul(parallelMatmul);
}

/** Back to computing on this thread alone; the worker threads end. Same as useThreads(1). */
export function stopThreads(): void {
  setParallelMatmul(null);
  for (const thread of threads) stop(thread);
  threads = [];
  control = null;
  shared = null;
}

/** How many threads large products use now: 1 (this one) plus the running worker threads. */
export function getThreadCount(): number {
  return 1 + threads.length;
}

function stop(thread: Thread): void {
  thread.leaving = true;
  thread.worker.terminate().catch(() => {}); // it is gone either way
}

/** A worker that ended or failed unasked leaves the pool, with a warning that says why. */
function lose(thread: Thread, why: string): void {
  if (thread.leaving) return;
  stop(thread);
  threads = threads.filter((t) => t !== thread);
  if (threads.length === 0) stopThreads();
  process.emitWarning(
    `@backprop/core: matmul worker thread ${thread.index + 1} is gone: ${why}. ` +
      `Large products now use ${getThreadCount()} thread(s); call useThreads() to start new ones.`,
    { code: 'BACKPROP_THREADS' },
  );
}

/** Shared memory with A, B and out laid end to end, 64-byte aligned: offsets in elements. */
function layout(size: number, lengths: number[]): { at: number[]; bytes: number } {
  const align = 64 / size;
  const at: number[] = [];
  let end = 0;
  for (const length of lengths) {
    at.push(end);
    end += Math.ceil(length / align) * align;
  }
  return { at, bytes: end * size };
}

const parallelMatmul: ParallelMatmul = (
  a,
  aShape,
  transposeA,
  b,
  bShape,
  transposeB,
  batch,
  out,
) => {
  if (busy || control === null || threads.length === 0) return false;
  const parts = planParts(aShape, transposeA, bShape, transposeB, batch, threads.length + 1);
  if (parts.length < 2) return false;
  busy = true; // the main thread's share calls matmul(), which must not come back here
  try {
    multiply(control, a, sizeOf(aShape), b, sizeOf(bShape), out, parts);
  } finally {
    busy = false;
  }
  return true;
};

function multiply(
  words: Control,
  a: TypedArray,
  aLength: number,
  b: TypedArray,
  bLength: number,
  out: TypedArray,
  parts: Part[],
): void {
  const size = out.BYTES_PER_ELEMENT;
  const { at, bytes } = layout(size, [aLength, bLength, out.length]);
  if (shared === null || shared.byteLength < bytes) shared = new SharedArrayBuffer(bytes);
  const buffer = shared;
  const view = (i: number, length: number): TypedArray =>
    size === 8
      ? new Float64Array(buffer, at[i] * 8, length)
      : new Float32Array(buffer, at[i] * 4, length);
  const [sa, sb, so] = [view(0, aLength), view(1, bLength), view(2, out.length)];

  jobId = (jobId % 0x3fffffff) + 1;
  const id = jobId;
  const posted: [Thread, Part][] = [];
  const copied = new Set<string>();
  for (let i = 1; i < parts.length; i++) {
    const thread = threads[i - 1] as Thread;
    const part = parts[i] as Part;
    // into shared memory goes only what the workers read; the main thread reads a and b
    for (const [from, to, block, name] of [
      [a, sa, part.a, 'a'],
      [b, sb, part.b, 'b'],
    ] as const) {
      const key = `${name} ${block.start} ${block.lines} ${block.count} ${block.stride}`;
      if (!copied.has(key)) copyBlock(from, to, block);
      copied.add(key);
    }
    const job: Job = {
      id,
      buffer,
      float64: size === 8,
      a: [at[0], aLength],
      b: [at[1], bLength],
      out: [at[2], out.length],
      backend: kernelSetting(),
      part,
      fault: hooks.fault,
    };
    hooks.fault = undefined;
    thread.worker.postMessage(job);
    posted.push([thread, part]);
  }

  const t0 = performance.now();
  try {
    runPart(parts[0] as Part, a, b, out, scratch);
  } catch (error) {
    shared = null; // the workers may still be writing into it
    throw error;
  }
  const patience = Math.max(hooks.minWaitMs, WAIT_TIMES * (performance.now() - t0));
  const deadline = performance.now() + patience;
  for (const [thread, part] of posted) {
    const at = words.done(thread.index);
    let done = Atomics.load(words.words, at);
    while (done !== id && done !== -id) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      Atomics.wait(words.words, at, done, left);
      done = Atomics.load(words.words, at);
    }
    if (done === id) {
      hooks.workerParts++;
      copyBlock(so, out, part.out);
      continue;
    }
    // computed here instead; a late worker would write the same numbers, but into memory that
    // no later product uses: it is let go with the worker
    runPart(part, a, b, out, scratch);
    if (done === -id) {
      const why = words.message(thread.index);
      if (why.startsWith(EXITED)) lose(thread, why);
      else warnOnce(`a matmul worker thread failed (${why}); the main thread computed its part`);
    } else {
      shared = null;
      lose(thread, `it did not finish its part within ${Math.round(patience)} ms`);
    }
  }
  if (shared !== null && shared.byteLength > RETAIN_BYTES) shared = null;
}

const warned = new Set<string>();

function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.emitWarning(`@backprop/core: ${message}`, { code: 'BACKPROP_THREADS' });
}
