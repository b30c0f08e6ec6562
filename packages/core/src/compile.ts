// compile: run a function once with its ops recording what they compute (a trace), then on
// every later call rerun only that arithmetic, on the same arrays: no tensors, no graph nodes, no
// topological sort. The first call is eager code; the rest are its kernels in a row. Like
// `jax.jit`, it is for functions whose work depends on the shapes of their inputs, not on values.

import { isDetectAnomalyEnabled } from './anomaly.js';
import { allocate, type DType, type TypedArray } from './dtype.js';
import { echoValue } from './echo.js';
import { ValueError } from './errors.js';
import { isGradEnabled } from './grad-mode.js';
import { checkOptions, optionNames } from './options.js';
import {
  currentRecording,
  type GradWrite,
  giveGrad,
  type Recording,
  recordingInto,
  type Step,
} from './recording.js';
import { Tensor } from './tensor.js';

/** Options of `compile`. */
export interface CompileOptions {
  /**
   * How many traces to keep, one per combination of argument shapes, dtypes and other values
   * (default 8). A call that fits none traces again and replaces the least recently used.
   */
  maxTraces?: number;
}

const COMPILE_OPTIONS = optionNames<CompileOptions>({ maxTraces: true });

/** What the arguments of one trace looked like: each tensor's dtype, shape and requiresGrad, each other value. */
type Slot =
  | {
      readonly kind: 'tensor';
      /** Its place among the tensor arguments (the index into Program.inputs). */
      readonly index: number;
      readonly dtype: DType;
      readonly shape: readonly number[];
      readonly requiresGrad: boolean;
    }
  | { readonly kind: 'array'; readonly length: number }
  | { readonly kind: 'value'; readonly value: unknown };

/** A gradient `backward()` gave, and to whom: a tensor argument's index, or −1 for `write.leaf`. */
interface GradWriteTo {
  readonly write: GradWrite;
  readonly argument: number;
}

/** @internal A traced function: what a call replays (compile.ts, capture.ts). */
export interface Program {
  readonly slots: Slot[];
  readonly gradMode: boolean;
  /** The tensors the trace ran on, one per tensor argument: each call copies its arguments in. */
  readonly inputs: Tensor[];
  /** The arguments the trace ran on: the caller's, with `inputs` for its tensors. */
  readonly args: readonly unknown[];
  readonly steps: Step[];
  /** Tensors the function used without making them, and (below) each one's `requiresGrad` as it was. */
  readonly leaves: Tensor[];
  readonly leavesRequireGrad: boolean[];
  readonly gradWrites: GradWriteTo[];
  /** What the function returned while it was traced (its tensors are refilled by the steps). */
  readonly result: unknown;
}

/**
 * Compiles `fn` for speed: the first call runs it as usual while every op records the arithmetic
 * it does; later calls with arguments of the same shapes rerun only that arithmetic, on the same
 * arrays, with no tensors, graph or topological sort in between. For a small network's training
 * step, that is most of its cost (docs/performance.md has the numbers).
 *
 * What the function may do: any of backprop's ops, `grad`/`valueAndGrad`/`vjp` and friends, and
 * `backward()`, whose gradients reach `.grad` on every call (added to a `.grad` that is not null,
 * as `backward()` does). Its arguments are tensors, arrays of tensors, and numbers, strings or
 * booleans; a tensor argument must be a leaf (its gradients go to its `.grad`, as for a
 * parameter). It returns tensors (or arrays or plain objects of them), which come back as new
 * tensors without a graph: differentiate inside the function, not through its result.
 *
 * What it must not do, because the replay would not see it:
 * - decide anything from tensor values (`item()` and `toArray()` throw while it is traced), or
 *   read or write `.data` itself;
 * - replace a tensor it closes over (update parameters in place, as optimisers do);
 * - read JavaScript state that changes between calls (a train/eval flag, a counter): it is read
 *   once, at the trace. Pass it as an argument instead: numbers, strings and booleans are part
 *   of the trace, so a new value traces again (`fit({ compile: true })` traces again after each
 *   callback for this reason).
 *
 * A call whose arguments differ in shape, dtype or `requiresGrad` (or in a number, string or
 * boolean argument), or after a closed-over tensor's `requiresGrad` changed, traces again. The
 * `.grad` tensors it gives closed-over tensors (parameters) are reused by the next call (as
 * PyTorch reuses `.grad`): clone one to keep it; a tensor argument gets a `.grad` of its own.
 * Closed-over indices of `gather` may change their values between calls, not their number. With
 * anomaly detection on, every call runs eagerly.
 *
 * @example
 * const net = new Linear(2, 1, { seed: 0 });
 * const optimizer = new SGD(net.parameters(), { lr: 0.1 });
 * const step = compile((x: Tensor, y: Tensor) => {
 *   const loss = mse(net.forward(x), y);
 *   loss.backward(); // gradients into each parameter's .grad, on every call
 *   return loss;
 * });
 * // y = x₀ + 2x₁ + 1, in two batches
 * const batches = [
 *   [tensor([[0, 0], [1, 0]]), tensor([[1], [2]])],
 *   [tensor([[0, 1], [1, 1]]), tensor([[3], [4]])],
 * ];
 * let loss = tensor(0);
 * for (let epoch = 0; epoch < 300; epoch++) {
 *   for (const [x, y] of batches) {
 *     loss = step(x, y);
 *     optimizer.step();
 *     optimizer.zeroGrad();
 *   }
 * }
 * console.log(loss.item().toFixed(6)); // → 0.000000
 * @typeParam F - The function's own signature, which the compiled function keeps.
 */
// biome-ignore lint/suspicious/noExplicitAny: compile keeps the user's signature, whatever it is
export function compile<F extends (...args: any[]) => unknown>(
  fn: F,
  options: CompileOptions = {},
): F {
  if (typeof fn !== 'function') {
    throw new ValueError(`compile: expected a function, got ${echoValue(fn)}`);
  }
  checkOptions('compile', options, COMPILE_OPTIONS);
  const maxTraces = options.maxTraces ?? 8;
  if (!Number.isInteger(maxTraces) || maxTraces < 1) {
    throw new ValueError(`compile: maxTraces must be a positive integer, got ${maxTraces}`);
  }
  const programs: Program[] = []; // most recently used first
  // this call's tensor arguments: filled by index, never emptied (emptying would drop its storage)
  const tensors: Tensor[] = [];
  const compiled = (...args: unknown[]): unknown => {
    // inside another trace: this function's ops become part of that one
    if (currentRecording() !== null || isDetectAnomalyEnabled()) return copyOut(fn(...args));
    const gradMode = isGradEnabled();
    for (let i = 0; i < programs.length; i++) {
      const p = programs[i] as Program;
      if (p.gradMode !== gradMode || !fits(args, p.slots, tensors) || !sameLeaves(p)) continue;
      if (i > 0) programs.unshift(...programs.splice(i, 1));
      return replay(p, tensors);
    }
    const p = trace(fn, args, gradMode, false);
    programs.unshift(p);
    if (programs.length > maxTraces) programs.pop();
    return copyOut(p.result);
  };
  return compiled as F;
}

/**
 * Whether `compile` is tracing a function right now. For libraries: code that changes arrays in
 * place (an optimiser's step, gradient clipping) would run once, at the trace, and never on the
 * replays, so it should refuse to run while this is true. Ops need not check: they are traced.
 */
export function isCompiling(): boolean {
  return currentRecording() !== null;
}

/**
 * @internal The first call: runs `fn` on copies of the tensor arguments, recording every step.
 * The caller's tensors get the arguments' gradients (compile), or with `keepInputs` the copies
 * keep them, and are the arrays each replay reads (capture).
 */
export function trace(
  fn: (...args: unknown[]) => unknown,
  args: readonly unknown[],
  gradMode: boolean,
  keepInputs: boolean,
): Program {
  const slots: Slot[] = [];
  const given: Tensor[] = [];
  const inputs: Tensor[] = [];
  const name = keepInputs ? 'capture' : 'compile'; // who called, for errors
  const traced = args.map((a, i) =>
    describeArgument(a, `${name}: argument ${i}`, slots, (t) => {
      const copy = new Tensor(t.data.slice(), t.shape);
      copy.requiresGrad = t.requiresGrad;
      given.push(t);
      inputs.push(copy);
      return copy;
    }),
  );
  const r: Recording = { steps: [], written: new Set(), leaves: new Map(), gradWrites: [] };
  const result = recordingInto(r, () => fn(...traced));
  checkResult(result, `${name}: the result`);
  const own = new Map(inputs.map((t, i) => [t, i]));
  const gradWrites = r.gradWrites.map((write) => {
    const argument = keepInputs ? -1 : (own.get(write.leaf) ?? -1);
    // an argument is a different tensor on each call: it gets a gradient of its own, never the
    // array that the next call refills (a parameter's .grad is reused, as documented)
    return { write: argument >= 0 ? { ...write, copy: true } : write, argument };
  });
  for (const { write, argument } of gradWrites) {
    if (argument >= 0) giveGrad(write, given[argument] as Tensor); // the caller's tensor, not the copy
  }
  if (!keepInputs) for (const t of inputs) t.grad = null;
  // an argument's requiresGrad is checked with its shape (compile), or like a parameter's (capture)
  const leaves = [...r.leaves.keys()].filter((t) => keepInputs || !own.has(t));
  const leavesRequireGrad = leaves.map((t) => r.leaves.get(t) as boolean);
  return {
    slots,
    gradMode,
    inputs,
    args: traced,
    steps: r.steps,
    leaves,
    leavesRequireGrad,
    gradWrites,
    result,
  };
}

// #region replay
/** A later call: the arguments' values in, the steps, the result out. */
function replay(p: Program, tensors: readonly Tensor[]): unknown {
  for (let i = 0; i < p.inputs.length; i++) {
    (p.inputs[i] as Tensor).data.set((tensors[i] as Tensor).data);
  }
  runSteps(p, tensors);
  return copyOut(p.result);
}

/**
 * @internal The steps in order on the arrays they were recorded on, and the gradients to the
 * leaves (or for compile, to `tensors`, this call's tensor arguments). Indexed loops, no
 * destructuring: this runs once per call, and until V8 optimises it (a few thousand calls)
 * for-of and destructuring cost an iterator each (docs/performance.md).
 */
export function runSteps(p: Program, tensors: readonly Tensor[]): void {
  const writes = p.gradWrites;
  for (let i = 0; i < writes.length; i++) {
    // a .grad still holding the gradient the last call gave keeps its values, in storage of its own
    const w = writes[i] as GradWriteTo;
    const leaf = receiver(w, tensors);
    if (leaf.grad === w.write.grad) leaf.grad = w.write.grad.clone();
  }
  const steps = p.steps;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as Step;
    if (s.zero) (s.out as TypedArray).fill(0);
    s.kernel(s.inputs, s.out, s.params);
  }
  for (let i = 0; i < writes.length; i++) {
    const w = writes[i] as GradWriteTo;
    giveGrad(w.write, receiver(w, tensors));
  }
}
// #endregion replay

/** Who gets a gradient on this call: the caller's tensor argument, or the closed-over leaf. */
function receiver(w: GradWriteTo, tensors: readonly Tensor[]): Tensor {
  return w.argument >= 0 ? (tensors[w.argument] as Tensor) : w.write.leaf;
}

/** Replaces each tensor in the arguments by `use(tensor)`, noting the arguments' layout in `slots`. */
function describeArgument(
  a: unknown,
  where: string,
  slots: Slot[],
  use: (t: Tensor) => Tensor,
): unknown {
  if (a instanceof Tensor) {
    if (a._node !== null) {
      throw new ValueError(
        `${where} was computed by ${a._node.op} and requires grad; a compiled function cannot send ` +
          'gradients back through its arguments: pass it detached (.detach()), or compute it inside the function',
      );
    }
    slots.push({
      kind: 'tensor',
      index: slots.filter((s) => s.kind === 'tensor').length,
      dtype: a.dtype,
      shape: [...a.shape],
      requiresGrad: a.requiresGrad,
    });
    return use(a);
  }
  if (Array.isArray(a)) {
    slots.push({ kind: 'array', length: a.length });
    return a.map((v, i) => describeArgument(v, `${where}[${i}]`, slots, use));
  }
  if (a === null || a === undefined || ['number', 'string', 'boolean'].includes(typeof a)) {
    slots.push({ kind: 'value', value: a });
    return a;
  }
  throw new ValueError(
    `${where} is ${echoValue(a)}; a compiled function takes tensors, arrays of them, and numbers, ` +
      'strings or booleans (those are part of its trace: a new value traces it again)',
  );
}

/** Whether `args` have the layout of `slots`; puts their tensors into `tensors` on the way. */
function fits(args: readonly unknown[], slots: readonly Slot[], tensors: Tensor[]): boolean {
  let k = 0;
  for (let i = 0; i < args.length && k >= 0; i++) k = fitsAt(args[i], slots, k, tensors);
  return k === slots.length;
}

/** Matches one argument against `slots` from `k` on: the slot after it, or −1 if it does not fit. */
function fitsAt(a: unknown, slots: readonly Slot[], k: number, tensors: Tensor[]): number {
  const s = slots[k];
  if (s === undefined) return -1;
  if (s.kind === 'tensor') {
    if (!(a instanceof Tensor) || a._node !== null || !sameLayout(a, s)) return -1; // a graph: trace (and refuse)
    tensors[s.index] = a;
    return k + 1;
  }
  if (s.kind === 'array') {
    if (!Array.isArray(a) || a.length !== s.length) return -1;
    let next = k + 1;
    for (let i = 0; i < a.length && next >= 0; i++) next = fitsAt(a[i], slots, next, tensors);
    return next;
  }
  return Object.is(a, s.value) ? k + 1 : -1;
}

function sameLayout(a: Tensor, s: Slot & { kind: 'tensor' }): boolean {
  if (a.dtype !== s.dtype || a.requiresGrad !== s.requiresGrad || a.ndim !== s.shape.length) {
    return false;
  }
  for (let i = 0; i < a.ndim; i++) if (a.shape[i] !== s.shape[i]) return false;
  return true;
}

/** @internal Whether every leaf the trace read still has the `requiresGrad` it had then. */
export function sameLeaves(p: Program): boolean {
  const leaves = p.leaves;
  for (let i = 0; i < leaves.length; i++) {
    if ((leaves[i] as Tensor).requiresGrad !== p.leavesRequireGrad[i]) return false;
  }
  return true;
}

/** The function's result must be made of tensors, arrays, plain objects and plain values. */
function checkResult(v: unknown, where: string): void {
  if (v instanceof Tensor || v === null || typeof v !== 'object') {
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') {
      throw new ValueError(
        `${where} is ${echoValue(v)}; return tensors, arrays or plain objects of them`,
      );
    }
    return;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) checkResult(v[i], `${where}[${i}]`);
  } else if (Object.getPrototypeOf(v) === Object.prototype) {
    for (const [k, u] of Object.entries(v)) checkResult(u, `${where}.${k}`);
  } else {
    throw new ValueError(
      `${where} is ${echoValue(v)}; return tensors, arrays or plain objects of them`,
    );
  }
}

/**
 * @internal `v` (a function's result: tensors, arrays and plain objects of them, plain values)
 * with every tensor replaced by `f(tensor)`, in order.
 */
export function mapTensors(v: unknown, f: (t: Tensor) => Tensor): unknown {
  if (v instanceof Tensor) return f(v);
  if (Array.isArray(v)) return v.map((u) => mapTensors(u, f));
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, u]) => [k, mapTensors(u, f)]));
  }
  return v;
}

/**
 * The result with every tensor replaced by a copy of its values (a new leaf, no graph). A lone
 * tensor, the usual result, is copied here without the walk: this runs on every call, and a
 * function more between it and the copy is one more that V8 optimises late (docs/performance.md).
 */
function copyOut(v: unknown): unknown {
  if (!(v instanceof Tensor)) return mapTensors(v, copyOut as (t: Tensor) => Tensor);
  // clone() also leaves its copy as a step of an enclosing trace; outside one, a bare copy
  // spares every call a closure
  if (currentRecording() !== null) return v.clone();
  const data = allocate(v.dtype, v.size);
  data.set(v.data);
  return new Tensor(data, v.shape);
}
