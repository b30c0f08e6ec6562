// What threads.test.ts may change or read inside the thread pool, kept out of threads.ts so that
// its exports are the public API only: a fault for the next job, how long a lost part is waited
// for, and how many parts the workers have computed.
import type { Job } from './control.js';

export const hooks = {
  /** The next job posted to a worker fails this way (then it is cleared). */
  fault: undefined as Job['fault'],
  /** How long the main thread waits for a worker's part, at the least, in ms. */
  minWaitMs: 2_000,
  /** How many parts workers have computed so far. */
  workerParts: 0,
};

/** The next job posted to a worker fails in the way named. */
export function injectFault(kind: Job['fault']): void {
  hooks.fault = kind;
}

/** How long the main thread waits for a worker's part, at the least. */
export function setMinimumWait(ms: number): void {
  hooks.minWaitMs = ms;
}

/** How many parts workers have computed so far. */
export function partsDoneByWorkers(): number {
  return hooks.workerParts;
}
