// Function transforms in the style of JAX, reverse mode: grad, valueAndGrad, vjp, jacobian.
// They compose: grad(grad(f)) differentiates the gradient, because derivative rules are tensor ops.
import { gradients, topologicalOrder } from './engine.js';
import { GradError, ValueError } from './errors.js';
import { carryOver } from './frames.js';
import { enableGrad, isGradEnabled } from './grad-mode.js';
import { stack } from './ops/shape.js';
import { checkOptions, optionNames } from './options.js';
import { bindView } from './primitive.js';
import { formatShape } from './shape-math.js';
import { Tensor, type TensorLike, toTensor } from './tensor.js';

/** Options of `grad` and `valueAndGrad`. */
export interface GradOptions {
  /** Which arguments to differentiate with respect to: an index, or a list (then a list of gradients is returned). */
  argnums?: number | readonly number[];
}

const GRAD_OPTIONS = optionNames<GradOptions>({ argnums: true });

// biome-ignore lint/suspicious/noExplicitAny: a transform accepts the user's function whatever its other arguments are
type Fn = (...args: any[]) => Tensor;

/** The arguments a transform differentiates, as it passes them to the function. */
interface Prepared {
  args: unknown[];
  inputs: Tensor[];
  /** Whether the caller records the graph (false inside `noGrad`). */
  outer: boolean;
}

/**
 * Prepares the arguments to be differentiated: each becomes a tensor that requires grad. If the
 * caller is itself being differentiated (an outer `grad`), the new tensor stays connected to the
 * caller's, so the outer transform can see through this one.
 */
function prepare(args: unknown[], argnums: readonly number[], where: string): Prepared {
  const out = [...args];
  const inputs: Tensor[] = [];
  const outer = isGradEnabled();
  for (const i of argnums) {
    if (!Number.isInteger(i) || i < 0 || i >= args.length) {
      throw new ValueError(
        `${where}: argnums ${i} is out of range: the function was called with ${args.length} argument(s)`,
      );
    }
    const x = toTensor(args[i] as TensorLike);
    let input: Tensor;
    // #region input-view
    if (x.requiresGrad && outer) {
      input = bindView('input', x, x.shape, (g) => g);
    } else {
      input = cut(x); // an enclosing jvp's tangent, or vmap's batch, stays with it
      input.requiresGrad = true;
    }
    // #endregion input-view
    out[i] = input;
    inputs.push(input);
  }
  return { args: out, inputs, outer };
}

/**
 * Runs `f` on the prepared arguments, recording even inside `noGrad` (a transform differentiates
 * whatever the caller's grad mode, as `torch.func.grad` does).
 */
function evaluate(f: Fn, t: Prepared, where: string, scalar: boolean): Tensor {
  return checkOutput(
    enableGrad(() => f(...t.args)),
    where,
    scalar,
  );
}

/**
 * Whether the gradients of `y` must be recorded: when the caller records the graph and `y`
 * depends on a tensor that requires grad besides `inputs` — an outer transform's variable, passed
 * in or closed over (d/dx [d/dy (x·y)] = 1 needs the inner gradient x to stay connected to x).
 */
function needsGraph(y: Tensor, t: Prepared): boolean {
  if (!t.outer) return false;
  const own = new Set(t.inputs);
  return topologicalOrder([y]).some((u) => u.isLeaf && !own.has(u));
}

function argnumList(options: GradOptions, where: string): number[] {
  checkOptions(where, options, GRAD_OPTIONS);
  const a = options.argnums ?? 0;
  const list = typeof a === 'number' ? [a] : [...a];
  if (list.length === 0 || new Set(list).size !== list.length) {
    throw new ValueError(
      `${where}: argnums must name one or more distinct arguments, got ${JSON.stringify(a)}`,
    );
  }
  return list;
}

function checkOutput(y: unknown, where: string, scalar: boolean): Tensor {
  if (!(y instanceof Tensor))
    throw new ValueError(`${where}: the function must return a Tensor, got ${typeof y}`);
  if (scalar && y.size !== 1) {
    throw new GradError(
      `${where}: the function must return a single value, got shape ${formatShape(y.shape)} (use vjp or jacobian for non-scalar outputs)`,
    );
  }
  return y;
}

/**
 * `valueAndGrad(f)(...args)` returns `[f(...args), ∂f/∂args[argnums]]`. `f` must return a
 * one-element tensor. With a list of `argnums`, the gradient is a list.
 */
export function valueAndGrad<F extends Fn>(
  f: F,
  options: { argnums: readonly number[] },
): (...args: Parameters<F>) => [Tensor, Tensor[]];
export function valueAndGrad<F extends Fn>(
  f: F,
  options?: { argnums?: number },
): (...args: Parameters<F>) => [Tensor, Tensor];
export function valueAndGrad<F extends Fn>(
  f: F,
  options?: GradOptions,
): (...args: Parameters<F>) => [Tensor, Tensor | Tensor[]];
export function valueAndGrad<F extends Fn>(f: F, options: GradOptions = {}) {
  return transform(f, options, 'valueAndGrad');
}

function transform<F extends Fn>(f: F, options: GradOptions, where: string) {
  const argnums = argnumList(options, where);
  return (...args: Parameters<F>): [Tensor, Tensor | Tensor[]] => {
    const t = prepare(args, argnums, where);
    const value = evaluate(f, t, where, true);
    const createGraph = needsGraph(value, t);
    const grads = gradients([value], t.inputs, { createGraph });
    return [
      createGraph ? value : cut(value),
      typeof options.argnums === 'object' ? grads : (grads[0] as Tensor),
    ];
  };
}

/**
 * `grad(f)` is the function that returns ∂f/∂x (for `argnums` 0 by default); `f` must return
 * a one-element tensor. `grad(grad(f))` is the second derivative. With a list of `argnums`, it
 * returns a list of gradients.
 * @example
 * // (x³)' = 3x² = 12 at x = 2
 * console.log(grad((x) => x.pow(3).sum())(tensor([2])).toString()); // → tensor([12.], shape=[1])
 */
export function grad<F extends Fn>(
  f: F,
  options: { argnums: readonly number[] },
): (...args: Parameters<F>) => Tensor[];
export function grad<F extends Fn>(
  f: F,
  options?: { argnums?: number },
): (...args: Parameters<F>) => Tensor;
export function grad<F extends Fn>(
  f: F,
  options?: GradOptions,
): (...args: Parameters<F>) => Tensor | Tensor[];
export function grad<F extends Fn>(f: F, options: GradOptions = {}) {
  const vg = transform(f, options, 'grad');
  return (...args: Parameters<F>) => vg(...args)[1];
}

/** The same as `grad`, for several arguments: returns one gradient per entry of `argnums`. */
export function grads<F extends Fn>(f: F, argnums: readonly number[]) {
  const vg = transform(f, { argnums }, 'grads');
  return (...args: Parameters<F>): Tensor[] => vg(...args)[1] as Tensor[];
}

/**
 * Evaluates `f(...inputs)` and returns `[value, pullback]`, where `pullback(cotangent)` gives the
 * vector–Jacobian products cotangentᵀ·∂f/∂input, one per input.
 */
export function vjp(
  f: (...xs: Tensor[]) => Tensor,
  ...inputs: TensorLike[]
): [Tensor, (cotangent: TensorLike) => Tensor[]] {
  const t = prepare(
    inputs,
    inputs.map((_, i) => i),
    'vjp',
  );
  const value = evaluate(f as Fn, t, 'vjp', false);
  const createGraph = needsGraph(value, t);
  const pullback = (cotangent: TensorLike): Tensor[] =>
    gradients([value], t.inputs, { gradOutputs: [toTensor(cotangent, value)], createGraph });
  return [createGraph ? value : cut(value), pullback];
}

/** `value` cut off from the reverse graph, keeping what an enclosing jvp or vmap carries for it. */
function cut(value: Tensor): Tensor {
  const d = value.detach();
  carryOver(value, d);
  return d;
}

/**
 * The Jacobian of `f` at `x`: shape [...f(x).shape, ...x.shape], one reverse sweep per output
 * element. Also exported as `jacrev`; `jacfwd` is its forward-mode twin.
 */
export function jacobian(f: (x: Tensor) => Tensor) {
  return (x: TensorLike): Tensor => {
    const [y, pullback] = vjp(f, x);
    const rows: Tensor[] = [];
    for (let i = 0; i < y.size; i++) {
      const e = y.zerosLike();
      e.data[i] = 1;
      rows.push(pullback(e)[0] as Tensor);
    }
    const xt = toTensor(x);
    return rows.length === 0
      ? new Tensor(new Float64Array(0), [...y.shape, ...xt.shape])
      : stack(rows).reshape([...y.shape, ...xt.shape]);
  };
}
