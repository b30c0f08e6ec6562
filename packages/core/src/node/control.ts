// What the main thread and the matmul workers share: the job message, and a SharedArrayBuffer of
// per-worker words (started? which job is done?) with room for a failure message, which the main
// thread reads while it blocks in Atomics.wait (when no message can reach it).
import type { KernelBackend } from '../kernels/backend.js';
import type { Part } from './parts.js';

export const STARTING = 0;
export const READY = 1;
export const FAILED = 2;

/** How a worker's last message starts when it exited in the middle of a job. */
export const EXITED = 'the worker thread exited';

const WORDS = 4; // per worker: [state, last job done (or minus the job that failed), message bytes, -]
const TEXT_BYTES = 1024;

/** One product's part for a worker: where A, B and out lie in `buffer`, and what to compute. */
export interface Job {
  id: number;
  buffer: SharedArrayBuffer;
  float64: boolean;
  a: [at: number, length: number];
  b: [at: number, length: number];
  out: [at: number, length: number];
  backend: KernelBackend;
  part: Part;
  /** Tests only: make this job fail as a broken worker would. */
  fault?: 'throw' | 'exit' | 'hang';
}

/** The words and messages of `workers` workers. */
export class Control {
  readonly words: Int32Array;
  private readonly text: Uint8Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    const workers = buffer.byteLength / (WORDS * 4 + TEXT_BYTES);
    this.words = new Int32Array(buffer, 0, workers * WORDS);
    this.text = new Uint8Array(buffer, workers * WORDS * 4);
  }

  static create(workers: number): Control {
    return new Control(new SharedArrayBuffer(workers * (WORDS * 4 + TEXT_BYTES)));
  }

  /** Index in `words` of worker `w`'s state (STARTING, READY or FAILED). */
  state(w: number): number {
    return w * WORDS;
  }

  /** Index in `words` of the id of worker `w`'s last finished job, negative if it failed. */
  done(w: number): number {
    return w * WORDS + 1;
  }

  /** Worker `w` says `message` (cut to fit), then sets word `index` to `value` and wakes the waiter. */
  report(w: number, message: string, index: number, value: number): void {
    const bytes = new TextEncoder().encode(message).subarray(0, TEXT_BYTES);
    this.text.set(bytes, w * TEXT_BYTES);
    Atomics.store(this.words, w * WORDS + 2, bytes.length);
    Atomics.store(this.words, index, value);
    Atomics.notify(this.words, index);
  }

  /** The last message of worker `w`. */
  message(w: number): string {
    const length = Atomics.load(this.words, w * WORDS + 2);
    const start = w * TEXT_BYTES;
    // TextDecoder does not read shared memory: copy out first
    return new TextDecoder().decode(this.text.slice(start, start + length));
  }
}
