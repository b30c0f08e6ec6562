// capture: compile's trace, kept for a loop that owns it. The loop writes each call's values into
// the trace's own input arrays and reads the results from arrays the steps refill, so a call is
// the steps and nothing else: no argument checks, no copies in or out, no new tensors. As
// PyTorch's CUDA graphs keep static inputs and outputs, for the same reason: per-call overhead.
import { isDetectAnomalyEnabled } from './anomaly.js';
import { mapTensors, runSteps, sameLeaves, trace } from './compile.js';
import { echoValue } from './echo.js';
import { ShapeError, ValueError } from './errors.js';
import { isGradEnabled } from './grad-mode.js';
import { currentRecording } from './recording.js';
import { Tensor } from './tensor.js';

/** A function traced once, to be replayed on its own arrays: what `capture` returns. */
export interface Captured<R> {
  /**
   * The tensors the function reads, one per tensor argument in order (copies of them): write a
   * call's values into their `data` before `replay()`.
   */
  readonly inputs: readonly Tensor[];
  /**
   * What the function returned, its tensors leaves (no graph) whose values every `replay()`
   * refills: clone one to keep it past the next replay.
   */
  readonly outputs: R;
  /**
   * Runs the function's arithmetic again on the current values of `inputs` (and of the tensors
   * it closes over, such as parameters), refilling `outputs`, and gives the gradients its
   * `backward()` gave, as `backward()` does.
   */
  replay(): void;
}

/**
 * Traces `fn` on copies of `args` as `compile` does (this first run computes everything, and
 * its `backward()` gives gradients) and keeps the trace: write new values into `inputs`, call
 * `replay()`, read `outputs`. For a loop that calls one function thousands of times with
 * arguments of one shape (fit's training step), where even compile's per-call work (matching
 * the arguments to a trace, copying them in and the results out) is a visible share.
 *
 * The rules are compile's: the function may use any op, `grad` and friends and `backward()`, must
 * not decide anything from values, and reads the tensors it closes over when each replay runs.
 * Its tensor arguments' gradients, like its parameters', go to `.grad` (of `inputs`), and each
 * replay refills the arrays it gave. `replay()` throws if grad mode, or the `requiresGrad` of a
 * tensor the function read, is not what it was at the capture: capture again. With anomaly
 * detection on, `replay()` runs the function eagerly on `inputs` and copies its results into
 * `outputs`.
 *
 * @example
 * const w = tensor([1, -1], { requiresGrad: true });
 * const step = capture((x: Tensor) => {
 *   const loss = x.matmul(w).square();
 *   loss.backward(); // ∂/∂w (x·w)² = 2(x·w)x
 *   return loss;
 * }, tensor([1, 2]));
 * console.log(step.outputs.item(), w.grad?.toArray()); // → 1 [ -2, -4 ]
 * step.inputs[0]?.data.set([3, 1]);
 * step.replay(); // adds 2·(x·w)·x = [12, 4] to .grad, as backward() does
 * console.log(step.outputs.item(), w.grad?.toArray()); // → 4 [ 10, 0 ]
 */
export function capture<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Captured<R> {
  if (typeof fn !== 'function') {
    throw new ValueError(`capture: expected a function, got ${echoValue(fn)}`);
  }
  if (currentRecording() !== null) {
    throw new ValueError(
      "capture: called while a function is being compiled or captured; capture outside it (its replays are not that trace's ops)",
    );
  }
  const p = trace(fn as (...args: unknown[]) => unknown, args, isGradEnabled(), true);
  // leaves on the arrays the steps refill
  const outputs = mapTensors(p.result, (t) => new Tensor(t.data, t.shape)) as R;
  const replay = (): void => {
    if (currentRecording() !== null) {
      throw new ValueError(
        'capture: replay() while a function is being compiled or captured; its steps would not be part of that trace',
      );
    }
    if (isGradEnabled() !== p.gradMode) {
      const mode = (on: boolean) => (on ? 'on' : 'off (noGrad)');
      throw new ValueError(
        `capture: the function was captured with grad mode ${mode(p.gradMode)} and replayed with it ${mode(!p.gradMode)}; replay it as it was captured, or capture it again`,
      );
    }
    if (!sameLeaves(p)) {
      throw new ValueError(
        'capture: the requiresGrad of a tensor the function reads has changed since it was captured; capture it again',
      );
    }
    if (isDetectAnomalyEnabled()) refill(outputs, fn(...(p.args as A)));
    else runSteps(p, p.inputs);
  };
  return { inputs: p.inputs, outputs, replay };
}

/** Copies an eager run's result tensors into `outputs`' arrays, tensor by tensor. */
function refill(outputs: unknown, result: unknown): void {
  const to = tensorsOf(outputs);
  const from = tensorsOf(result);
  for (let i = 0; i < to.length; i++) {
    const a = to[i] as Tensor;
    const b = from[i];
    if (b === undefined || b.size !== a.size || b.dtype !== a.dtype) {
      throw new ShapeError(
        `capture: with anomaly detection on, the function's result ${i} is ${b === undefined ? 'missing' : `[${b.shape.join(', ')}] ${b.dtype}`}, but it was [${a.shape.join(', ')}] ${a.dtype} when captured`,
      );
    }
    a.data.set(b.data);
  }
}

/** The tensors of a function's result, in order. */
function tensorsOf(v: unknown): Tensor[] {
  const found: Tensor[] = [];
  mapTensors(v, (t) => {
    found.push(t);
    return t;
  });
  return found;
}
