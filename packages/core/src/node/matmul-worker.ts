// The code each matmul worker thread runs: it waits for jobs (one part of a product each),
// computes them with core's own kernel through runPart, and reports through the shared control
// words. scripts/build-worker.mjs bundles this file, and the kernels it imports, into
// matmul-worker.generated.ts; threads.ts starts it from that text.
import { parentPort, workerData } from 'node:worker_threads';
import { kernelSetting, setKernelBackend } from '../kernels/backend.js';
import { wasmKernels } from '../kernels/wasm/matmul-wasm.js';
import { Control, EXITED, FAILED, type Job, READY } from './control.js';
import { runPart, Scratch } from './parts.js';

const control = new Control(workerData.control as SharedArrayBuffer);
const index = workerData.index as number;
const scratch = new Scratch();

function why(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function run(job: Job): void {
  if (job.fault === 'throw') throw new Error('a fault injected by a test');
  if (job.fault === 'exit') process.exit(3);
  if (job.fault === 'hang') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  if (kernelSetting() !== job.backend) setKernelBackend(job.backend);
  const view = ([at, length]: [number, number]) =>
    job.float64
      ? new Float64Array(job.buffer, at * 8, length)
      : new Float32Array(job.buffer, at * 4, length);
  runPart(job.part, view(job.a), view(job.b), view(job.out), scratch);
}

// An exit before the work is done (process.exit in a kernel, say) must not leave the main thread
// waiting for the whole time-out: say so as the thread goes.
let current = 0;
process.on('exit', (code) => {
  const message = `${EXITED} (code ${code})`;
  if (current !== 0) control.report(index, message, control.done(index), -current);
  else control.report(index, message, control.state(index), FAILED);
});

try {
  wasmKernels(); // compile now, not in the first product; without WebAssembly the JS kernel runs
  parentPort?.on('message', (job: Job) => {
    current = job.id;
    try {
      run(job);
      current = 0;
      Atomics.store(control.words, control.done(index), job.id);
      Atomics.notify(control.words, control.done(index));
    } catch (error) {
      current = 0;
      control.report(index, why(error), control.done(index), -job.id);
    }
  });
  Atomics.store(control.words, control.state(index), READY);
  Atomics.notify(control.words, control.state(index));
} catch (error) {
  control.report(index, why(error), control.state(index), FAILED);
}
