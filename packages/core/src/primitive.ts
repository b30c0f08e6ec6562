// The one door every op goes through. An op declares a primitive once (its name, its kernel, its
// derivative rule) and binds it to inputs; `bind` runs the kernel, keeps it as a step while
// `compile` records, and records the node `backward` needs. Op files see none of that.
import { allocate, type TypedArray } from './dtype.js';
import { type NodeRule, record } from './engine.js';
import { noGrad } from './grad-mode.js';
import { keepStep } from './recording.js';
import { sizeOf } from './shape-math.js';
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
 * An op whose output is its input's data seen in another shape (no kernel, nothing copied): a
 * reshape, or a transform's fresh handle on a tensor.
 */
export function bindView(
  name: string,
  x: Tensor,
  shape: readonly number[],
  vjp: (g: Tensor) => Tensor,
): Tensor {
  return record(name, [x], new Tensor(x.data, shape), viewRule, vjp);
}

const viewRule: NodeRule<(g: Tensor) => Tensor> = (g, _inputs, _y, vjp) => [vjp(g)];

/**
 * An op computed by other ops (each through `bind`), with a derivative rule of its own: a
 * stable forward pass such as softmax's, or a user's `defineOp`. Its result is one node, on a
 * handle of its own even when the forward pass returns a tensor that exists elsewhere.
 */
export function bindComposite(
  name: string,
  inputs: readonly Tensor[],
  forward: () => Tensor,
  vjp: (g: Tensor, y: Tensor) => Grads,
): Tensor {
  const result = noGrad(forward);
  const y = new Tensor(result.data, result.shape);
  return record(name, inputs, y, compositeRule, vjp);
}

const compositeRule: NodeRule<(g: Tensor, y: Tensor) => Grads> = (g, _inputs, y, vjp) => vjp(g, y);
