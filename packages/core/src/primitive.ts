// The one door every op goes through. An op declares a primitive once (its name, its kernel, its
// derivative rules, its batching rule) and binds it to inputs; `bind` runs the kernel, keeps it as
// a step while `compile` records, records the node `backward` needs, and hands the op to the
// innermost `jvp` or `vmap` that carries one of its inputs. Op files see none of that.
import { allocate, type DType, type TypedArray } from './dtype.js';
import { gradients, type NodeRule, record } from './engine.js';
import { GradError, ShapeError } from './errors.js';
import { activeDepth, below, carryOver, type Frame, frameAt, innermostFrame } from './frames.js';
import { isGradEnabled, noGrad, withGradMode } from './grad-mode.js';
import { keepStep, keepSteps } from './recording.js';
import { formatShape, type Shape, sameShape, sizeOf } from './shape-math.js';
import { Tensor } from './tensor.js';

/** One gradient per input of an op; `null` (or `undefined`) where an input gets none. */
export type Grads = readonly (Tensor | null | undefined)[];

/** A derivative rule: ∂L/∂inputs from g = ∂L/∂y, written with tensor ops so it is differentiable. */
export type Rule<P, I extends Inputs = Inputs> = (
  g: Tensor,
  inputs: I,
  y: Tensor,
  params: P,
) => Grads;

/**
 * A forward-mode rule (Jacobian–vector product): the output's tangent from the inputs' tangents
 * (`null` for an input without one; at least one is not), or null where it is zero. Written with
 * tensor ops, so it is itself differentiable in both modes.
 */
export type JvpRule<P, I extends Inputs = Inputs> = (
  tangents: readonly (Tensor | null)[],
  inputs: I,
  y: Tensor,
  params: P,
) => Tensor | null;

/**
 * A batching rule: the op applied to a batch. `xs` are the inputs, each either batched (its batch
 * axis first, shape [size, ...its own shape]) or not, as `batched` says (at least one is); the
 * result is the batch of outputs, shape [size, ...shape]. Written with tensor ops.
 */
export type BatchRule<P, I extends Inputs = Inputs> = (
  xs: I,
  batched: readonly boolean[],
  params: P,
  out: { readonly shape: readonly number[]; readonly size: number },
) => Tensor;

/** An op's inputs: a tuple where the count is fixed (`readonly [Tensor, Tensor]`), else a list. */
export type Inputs = readonly Tensor[];

/**
 * What an op is. `P` is its parameters: axes, a permutation, scratch arrays, whatever the
 * kernel needs besides the inputs' values. They are fixed when the op is called.
 */
// #region primitive
export interface Primitive<P = undefined, I extends Inputs = Inputs> {
  readonly name: string;
  /**
   * Fills `out` from the inputs' arrays: the op's whole computation on values. A compiled
   * function runs it again on every call with the inputs' arrays refilled, so the kernel is the
   * one place to read values; nothing an op computes outside it is seen again.
   */
  readonly kernel: (inputs: I, out: TypedArray, params: P) => void;
  /** The kernel writes every element of `out`; otherwise `out` is zeroed before each rerun. */
  readonly overwrites: boolean;
  /** The vector–Jacobian product, or null for an op with no derivative (a comparison, a copy). */
  readonly vjp: Rule<P, I> | null;
  /** The Jacobian–vector product (forward mode), or null for an op whose output has no tangent. */
  readonly jvp: JvpRule<P, I> | null;
  /** How the op runs on a batch inside `vmap`; null only for an op without inputs (never batched). */
  readonly batch: BatchRule<P, I> | null;
}
// #endregion primitive

// Outputs `bind` allocated, numbered: `backward` gives a leaf a gradient as it is only when the
// door made its array during that sweep (so nothing else can hold it), and copies it otherwise.
let made = 0;

/** The serial number of the last array the door allocated (see `Tensor._made`). */
export function madeSoFar(): number {
  return made;
}

/**
 * Runs primitive `p` on `inputs` into a new tensor of `shape` (and the inputs' dtype unless
 * given), and records its derivative rule when an input requires grad.
 */
// #region bind
export function bind<P, I extends Inputs>(
  p: Primitive<P, I>,
  inputs: I,
  params: P,
  shape: readonly number[],
  dtype = (inputs[0] as Tensor).dtype,
): Tensor {
  if (activeDepth() > 0) {
    const level = innermostFrame(inputs);
    if (level >= 0) return bindIn(level, p, inputs, params, shape, dtype);
  }
  const out = allocate(dtype, sizeOf(shape));
  p.kernel(inputs, out, params);
  keepStep(out, p, inputs, params);
  const y = new Tensor(out, shape);
  y._made = ++made;
  if (p.vjp === null) return y;
  return record(p.name, inputs, y, p.vjp as NodeRule<P>, params);
}
// #endregion bind

/**
 * A fused op: several ops' work in one kernel and one graph node (see ops/fused-mlp.ts). It has
 * a kernel and a derivative rule like any primitive; under `jvp` and `vmap` it is the composition
 * it fuses, whose ops bring their own rules, so it needs none of its own.
 */
export type FusedPrimitive<P, I extends Inputs = Inputs> = Omit<Primitive<P, I>, 'jvp' | 'batch'>;

/**
 * `bind` for a fused op: outside the transforms, one kernel and one node; inside a `jvp` or
 * `vmap` that carries one of its inputs, `compose()`, the same values computed op by op.
 */
export function bindFused<P, I extends Inputs>(
  p: FusedPrimitive<P, I>,
  inputs: I,
  params: P,
  shape: readonly number[],
  compose: () => Tensor,
): Tensor {
  if (activeDepth() > 0 && innermostFrame(inputs) >= 0) return compose();
  // no frame carries its inputs, so `bind` never asks for the rules it lacks
  return bind(p as Primitive<P, I>, inputs, params, shape);
}

/**
 * A fused op's derivative as its composition's: `compose()` rebuilt from the inputs with grad
 * on, then differentiated with its ops' own rules (recorded when grad mode is on), so that a
 * second derivative, or one under `jvp` or `vmap`, sees every op the fused kernel skips.
 */
export function composedGradients(
  inputs: readonly Tensor[],
  g: Tensor,
  compose: () => Tensor,
): Grads {
  const y = withGradMode(true, compose);
  const wanted = inputs.filter((t) => t.requiresGrad);
  const grads = gradients([y], wanted, { gradOutputs: [g], createGraph: isGradEnabled() });
  return inputs.map((t) => (t.requiresGrad ? (grads[wanted.indexOf(t)] as Tensor) : null));
}

/**
 * Several outputs from one kernel, for a derivative rule that computes them together (a fused
 * op's backward). They are not recorded: the rule uses this only with grad mode off (no second
 * derivative asked for) and outside the transforms, and composes ops otherwise.
 */
export function bindMany<P, I extends Inputs>(
  name: string,
  kernel: (inputs: I, outs: readonly TypedArray[], params: P) => void,
  inputs: I,
  params: P,
  shapes: readonly (readonly number[])[],
): Tensor[] {
  if (isGradEnabled() || activeDepth() > 0) {
    throw new GradError(`${name}: internal error: several outputs cannot be differentiated`);
  }
  const dtype = (inputs[0] as Tensor).dtype;
  const outs: TypedArray[] = [];
  for (let i = 0; i < shapes.length; i++) outs.push(allocate(dtype, sizeOf(shapes[i] as Shape)));
  kernel(inputs, outs, params);
  keepSteps(outs, kernel, inputs, params);
  const ys: Tensor[] = [];
  for (let i = 0; i < outs.length; i++) {
    const y = new Tensor(outs[i] as TypedArray, shapes[i] as Shape);
    y._made = ++made;
    ys.push(y);
  }
  return ys;
}

/**
 * `bind` for an op with an input that the frame at `level` carries something for: under a `jvp`,
 * the op itself (for the frames below) and its tangent from the jvp rule; under a `vmap`, the op
 * on the batch from the batching rule, behind a stand-in of the unbatched shape.
 */
// #region bind-in
function bindIn<P, I extends Inputs>(
  level: number,
  p: Primitive<P, I>,
  inputs: I,
  params: P,
  shape: readonly number[],
  dtype: DType,
): Tensor {
  const frame = frameAt(level);
  const values = frame.values;
  if (frame.kind === 'jvp') {
    const y = below(level, () => bind(p, inputs, params, shape, dtype));
    const rule = p.jvp;
    if (rule === null) return y;
    const tangents = inputs.map((x) => values.get(x) ?? null);
    const t = below(level, () => rule(tangents, inputs, y, params));
    if (t !== null) values.set(y, checked(p.name, frame, t, shape, dtype));
    return y;
  }
  const rule = p.batch;
  if (rule === null) throw new GradError(`vmap: ${p.name} has no batching rule`);
  const xs = inputs.map((x) => values.get(x) ?? x) as unknown as I;
  const batched = inputs.map((x) => values.has(x));
  const b = below(level, () => rule(xs, batched, params, { shape, size: frame.size }));
  const y = standIn(frame, checked(p.name, frame, b, [frame.size, ...shape], dtype));
  const vjp = p.vjp;
  if (vjp === null) return y;
  return record(p.name, inputs, y, vjp as NodeRule<P>, params);
}
// #endregion bind-in

/** What a rule returned must have the output's shape (with the batch axis first) and dtype. */
function checked(
  op: string,
  frame: Frame,
  t: Tensor,
  shape: readonly number[],
  dtype: DType,
): Tensor {
  const what =
    frame.kind === 'jvp' ? 'jvp rule returned a tangent' : 'batching rule returned a batch';
  if (!sameShape(t.shape, shape)) {
    throw new ShapeError(
      `${op}: its ${what} of shape ${formatShape(t.shape)}; expected ${formatShape(shape)} (${frame.name})`,
    );
  }
  return t.dtype === dtype ? t : t.astype(dtype);
}

/**
 * What a function inside `vmap` sees for a batched value: a tensor of one sample's shape whose
 * values are NaN (the batch lives in the frame), so code that reads `.data` inside vmap sees
 * NaN rather than one sample passed off as all of them. `item()` and `toArray()` refuse it.
 */
export function standIn(frame: Frame, batch: Tensor): Tensor {
  const data = allocate(batch.dtype, sizeOf(batch.shape.slice(1)));
  data.fill(Number.NaN);
  const y = new Tensor(data, batch.shape.slice(1));
  frame.values.set(y, batch);
  return y;
}

/**
 * An op whose output is its input's data seen in another shape (no kernel, nothing copied): a
 * reshape, or a transform's fresh handle on a tensor.
 */
export function bindView(
  name: string,
  x: Tensor,
  shape: readonly number[],
  vjp: (g: Tensor) => Tensor,
): Tensor {
  if (activeDepth() > 0) {
    const level = innermostFrame([x]);
    if (level >= 0) return viewIn(level, name, x, shape, vjp);
  }
  return record(name, [x], new Tensor(x.data, shape), viewRule, vjp);
}

/** `bindView` under a transform: the tangent is seen in the same shape, the batch likewise. */
function viewIn(
  level: number,
  name: string,
  x: Tensor,
  shape: readonly number[],
  vjp: (g: Tensor) => Tensor,
): Tensor {
  const frame = frameAt(level);
  const v = frame.values.get(x) as Tensor;
  if (frame.kind === 'jvp') {
    const y = below(level, () => bindView(name, x, shape, vjp));
    frame.values.set(
      y,
      below(level, () => v.reshape(shape)),
    );
    return y;
  }
  const y = standIn(
    frame,
    below(level, () => v.reshape([frame.size, ...shape])),
  );
  return record(name, [x], y, viewRule, vjp);
}

const viewRule: NodeRule<(g: Tensor) => Tensor> = (g, _inputs, _y, vjp) => [vjp(g)];

/**
 * An op computed by other ops (each through `bind`), with a derivative rule of its own: a
 * stable forward pass such as softmax's, or a user's `defineOp`. Its result is one node, on a
 * handle of its own even when the forward pass returns a tensor that exists elsewhere. Under
 * `jvp` and `vmap` it is its composition: tangents and batches come from the ops `forward` runs,
 * which then run in the caller's grad mode, so that the tangents and batches are differentiable.
 */
export function bindComposite(
  name: string,
  inputs: readonly Tensor[],
  forward: () => Tensor,
  vjp: (g: Tensor, y: Tensor) => Grads,
): Tensor {
  const level = activeDepth() > 0 ? innermostFrame(inputs) : -1;
  const result = level >= 0 ? forward() : noGrad(forward);
  const y = new Tensor(result.data, result.shape);
  if (level >= 0) {
    const frame = frameAt(level);
    if (!frame.values.has(result) && result.size > 0) {
      // computed some other way than with ops on its inputs: its tangent or batch would be lost
      const what = frame.kind === 'jvp' ? 'no tangent' : 'one value for all samples';
      throw new GradError(
        `${name}: inside ${frame.name}, its forward pass must compute its result with backprop's ops ` +
          `from its inputs; this result carries ${what} (was it made from .data, or from detached inputs?)`,
      );
    }
    carryOver(result, y);
  }
  return record(name, inputs, y, compositeRule, vjp);
}

const compositeRule: NodeRule<(g: Tensor, y: Tensor) => Grads> = (g, _inputs, y, vjp) => vjp(g, y);
