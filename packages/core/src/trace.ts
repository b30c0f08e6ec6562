// The trace that `compile` records: while it is on, every op that computes values leaves the
// computation behind as a step (its output array and a function that refills it from the inputs'
// arrays), so the same arithmetic can run again later without ops, tensors or graph.
import type { TypedArray } from './dtype.js';
import type { Tensor } from './tensor.js';

/** One op's computation: `run` fills `out` from the arrays of the op's inputs, read when it runs. */
export interface Step {
  readonly out: TypedArray;
  readonly run: () => void;
  /** Whether `out` must be zeroed before `run` (kernels that add into their output, or skip elements). */
  readonly zero: boolean;
}

/** A gradient `backward()` gave to a leaf while tracing, in the order it gave them. */
export interface GradWrite {
  readonly leaf: Tensor;
  readonly grad: Tensor;
  /** The gradient's array is not one the steps refill (a constant, an input): give a copy. */
  readonly copy: boolean;
}

export interface Recording {
  readonly steps: Step[];
  /** The arrays the steps write, so a gradient or output known to be recomputed is recognised. */
  readonly written: Set<TypedArray>;
  /** Tensors that were inputs of ops without being made by one, with `requiresGrad` as it was. */
  readonly leaves: Map<Tensor, boolean>;
  readonly gradWrites: GradWrite[];
}

let recording: Recording | null = null;

/** The trace being recorded, or null (the usual case: ops run eagerly and nothing is kept). */
export function currentRecording(): Recording | null {
  return recording;
}

/** Runs `fn` with `r` recording (or, with null, with recording paused), then restores the previous one. */
export function recordingInto<T>(r: Recording | null, fn: () => T): T {
  const saved = recording;
  recording = r;
  try {
    return fn();
  } finally {
    recording = saved;
  }
}

/**
 * How every op that computes values does it: `run` fills `out` from the inputs' arrays. It runs
 * now, and while `compile` traces it is kept, to run again on each call of the compiled function.
 * `overwrites`: `run` writes every element of `out`, so it needs no zeroing before a rerun.
 */
export function compute(out: TypedArray, run: () => void, overwrites = false): void {
  run();
  if (recording !== null) {
    recording.steps.push({ out, run, zero: !overwrites });
    recording.written.add(out);
  }
}

/** While tracing: notes the leaves among an op's inputs (their `requiresGrad` decides the trace). */
export function noteInputs(inputs: readonly Tensor[]): void {
  const r = recording as Recording;
  for (const x of inputs) {
    if (x._node === null && !r.leaves.has(x)) r.leaves.set(x, x.requiresGrad);
  }
}
