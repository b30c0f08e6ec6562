// What `compile` records while it traces a function: every kernel the ops run (as a step that can
// run again on the same arrays), the leaves they read and the gradients `backward()` gives. Only
// the door (primitive.ts) and the engine write to it; op files never see it.
import type { TypedArray } from './dtype.js';
import { GradError } from './errors.js';
import { withGradMode } from './grad-mode.js';
import type { Inputs, Primitive } from './primitive.js';
import type { Tensor } from './tensor.js';

/**
 * One kernel call, to run again as `kernel(inputs, out, params)`: it refills `out` (or, for a
 * kernel with several outputs, each array of it) from its inputs' arrays, read when it runs. The
 * call's parts are kept rather than a closure over them: a replay is then one call per step.
 */
export interface Step {
  // biome-ignore lint/suspicious/noExplicitAny: every kernel's own types, called with its own values
  readonly kernel: (inputs: any, out: any, params: any) => void;
  readonly inputs: Inputs;
  readonly out: TypedArray | readonly TypedArray[];
  readonly params: unknown;
  /** Whether `out` (one array) must be zeroed first (kernels that add into their output, or skip elements). */
  readonly zero: boolean;
}

/** A gradient `backward()` gave to a leaf while recording, in the order it gave them. */
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

/** The recording in progress, or null (the usual case: ops run eagerly and nothing is kept). */
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

/** While recording: keeps the kernel call that just filled `out`, to run again on each replay. */
// #region keep-step
export function keepStep<P, I extends Inputs>(
  out: TypedArray,
  p: Primitive<P, I>,
  inputs: I,
  params: P,
): void {
  if (recording === null) return;
  recording.steps.push({ kernel: p.kernel, inputs, out, params, zero: !p.overwrites });
  recording.written.add(out);
}
// #endregion keep-step

/** `keepStep` for a kernel that fills several arrays at once (a fused op's backward). */
export function keepSteps<P, I extends Inputs>(
  outs: readonly TypedArray[],
  kernel: (inputs: I, outs: readonly TypedArray[], params: P) => void,
  inputs: I,
  params: P,
): void {
  if (recording === null) return;
  recording.steps.push({ kernel, inputs, out: outs, params, zero: false });
  for (const out of outs) recording.written.add(out);
}

/** While recording: notes the leaves among an op's inputs (their `requiresGrad` decides the trace). */
export function noteInputs(inputs: readonly Tensor[]): void {
  const r = recording as Recording;
  for (const x of inputs) {
    if (x._node === null && !r.leaves.has(x)) r.leaves.set(x, x.requiresGrad);
  }
}

/**
 * `backward()` while `compile` records: the gradient goes to the leaf the way every replay will
 * give it, and the recording remembers it (see compile.ts).
 */
export function recordGradWrite(r: Recording, t: Tensor, g: Tensor, createGraph: boolean): void {
  if (createGraph) {
    throw new GradError(
      'backward(): createGraph is not supported inside a compiled function (its .grad would keep a graph of the ' +
        'first call); use grad/vjp inside it, which compile replays',
    );
  }
  const write: GradWrite = { leaf: t, grad: g, copy: !r.written.has(g.data) };
  r.gradWrites.push(write);
  giveGrad(write, t);
}

/**
 * @internal Gives `w.grad` to `leaf` as `backward()` does: `.grad` becomes it (a copy if the
 * trace does not recompute its array), or, if `.grad` holds one already, the sum of the two.
 */
export function giveGrad(w: GradWrite, leaf: Tensor): void {
  if (!w.copy && leaf.grad === null)
    leaf.grad = w.grad; // the usual case: nothing is computed
  else addGiven(w, leaf); // apart: its closures would cost this function a context on every call
}

function addGiven(w: GradWrite, leaf: Tensor): void {
  recordingInto(null, () => {
    const g = w.copy ? w.grad.clone() : w.grad;
    const prev = leaf.grad;
    leaf.grad = prev === null ? g : withGradMode(false, () => prev.add(g));
  });
}
