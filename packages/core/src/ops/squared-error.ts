// Σ (prediction − target)² as one op: the squared-error losses (layers' mse and halfSquaredError,
// p. 10's E) in one kernel and one graph node where their composition (sub, square, ×½, sums, a
// mean) makes four to six, and their derivative in one kernel where it runs as many rules. Each
// value is rounded where the composition stores it, so both compute the same bits.
import { allocate, type TypedArray } from '../dtype.js';
import { ShapeError } from '../errors.js';
import { activeDepth } from '../frames.js';
import { isGradEnabled } from '../grad-mode.js';
import { bindFused, bindMany, composedGradients, type FusedPrimitive } from '../primitive.js';
import { formatShape, sameShape } from '../shape-math.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { operandPair } from './operands.js';

/** Options of `squaredError`. */
export interface SquaredErrorOptions {
  /** Each term ½(p − t)² rather than (p − t)² (p. 10's E). Default false. */
  half?: boolean;
  /**
   * Sum each sample's (row's) terms first, then the samples', as a per-sample loss summed is;
   * otherwise all terms in one sum. Default false.
   */
  perSample?: boolean;
  /** Divide by the number of terms (or of samples, with `perSample`): a mean. Default false. */
  mean?: boolean;
}

/**
 * The sum of (prediction − target)² over every element, as one op (a scalar): with `half`, of
 * ½(p − t)²; with `perSample`, each row summed before the rows; with `mean`, divided by their
 * count. The very numbers of that composition of ops, e.g. `p.sub(t).square().mean()` for
 * `{ mean: true }`. Both operands have one shape (no broadcasting) and at least one element.
 * @example
 * import { squaredError, tensor } from '@backprop/core';
 * const p = tensor([[1], [2], [3]]);
 * console.log(squaredError(p, [[1], [2], [5]], { mean: true }).item()); // → 1.3333333333333333
 */
export function squaredError(
  prediction: TensorLike,
  target: TensorLike,
  options: SquaredErrorOptions = {},
): Tensor {
  const [p, t] = operandPair('squaredError', prediction, target);
  if (!sameShape(p.shape, t.shape) || p.size === 0) throw misfit(p, t);
  const half = options.half === true;
  const perSample = options.perSample === true && p.ndim >= 2;
  // a vector's "samples" are its elements: its per-sample sum is each term alone
  const rows = perSample ? (p.shape[0] as number) : options.perSample === true ? p.size : 1;
  const mean = options.mean === true;
  const plan: Plan = { half, rows, divisor: mean ? (rows === 1 ? p.size : rows) : 1, mean };
  return bindFused(SQUARED_ERROR, [p, t], plan, [], () => compose(p, t, plan));
}

function misfit(p: Tensor, t: Tensor): ShapeError {
  return new ShapeError(
    `squaredError: prediction of shape ${formatShape(p.shape)} and target of shape ${formatShape(t.shape)}; expected one shape, with at least one element`,
  );
}

interface Plan {
  readonly half: boolean;
  /** The terms are summed in `rows` rows of equal length, then the rows' sums. */
  readonly rows: number;
  readonly mean: boolean;
  /** The count a mean divides by. */
  readonly divisor: number;
}

/** The same loss as ops (under `jvp` and `vmap`, and for a second derivative). */
function compose(p: Tensor, t: Tensor, plan: Plan): Tensor {
  const d2 = p.sub(t).square();
  const terms = plan.half ? d2.mul(0.5) : d2;
  const rows =
    plan.rows > 1 && terms.ndim >= 2 ? terms.sum(terms.shape.map((_, i) => i).slice(1)) : terms;
  return plan.mean ? rows.mean() : rows.sum();
}

// #region squared-error
const SQUARED_ERROR: FusedPrimitive<Plan, readonly [Tensor, Tensor]> = {
  name: 'squaredError',
  kernel: ([p, t], out, plan) => {
    const a = p.data;
    const b = t.data;
    const width = a.length / plan.rows;
    const r = out; // storing in `out` rounds as the composition's arrays do (float32)
    let total = 0;
    for (let row = 0, i = 0; row < plan.rows; row++) {
      let acc = 0;
      for (const end = i + width; i < end; i++) {
        r[0] = a[i] - b[i];
        r[0] = r[0] * r[0];
        if (plan.half) r[0] = r[0] * 0.5;
        acc += r[0];
      }
      r[0] = acc;
      total += r[0];
    }
    r[0] = total;
    if (plan.mean) r[0] = r[0] / plan.divisor;
  },
  overwrites: true,
  vjp: (g, pt, _y, plan) => {
    const [p, t] = pt;
    // a second derivative: the composition's rules, which are written with ops
    if (isGradEnabled() || activeDepth() > 0)
      return composedGradients(pt, g, () => compose(p, t, plan));
    const shapes = [];
    if (p.requiresGrad) shapes.push(p.shape);
    if (t.requiresGrad) shapes.push(t.shape);
    const scratch = allocate(g.dtype, 1);
    const outs = bindMany('squaredError', backwardKernel, [g, p, t], { plan, scratch }, shapes);
    return [
      p.requiresGrad ? (outs[0] as Tensor) : null,
      t.requiresGrad ? (outs[outs.length - 1] as Tensor) : null,
    ];
  },
};
// #endregion squared-error

/**
 * ∂E/∂p = g′·2(p − t) and ∂E/∂t = −∂E/∂p, where g′ is the seed g divided by the mean's count
 * and halved with `half`, rounded where the composition's derivative rules store them.
 */
function backwardKernel(
  [g, p, t]: readonly Tensor[],
  outs: readonly TypedArray[],
  { plan, scratch: r }: { plan: Plan; scratch: TypedArray },
): void {
  r[0] = (g as Tensor).data[0] as number;
  if (plan.mean && plan.divisor !== 1) r[0] = r[0] / plan.divisor;
  if (plan.half) r[0] = r[0] * 0.5;
  const scale = r[0];
  const a = (p as Tensor).data;
  const b = (t as Tensor).data;
  const dp = (p as Tensor).requiresGrad ? (outs[0] as TypedArray) : null;
  const dt = (t as Tensor).requiresGrad ? (outs[outs.length - 1] as TypedArray) : null;
  for (let i = 0; i < a.length; i++) {
    r[0] = a[i] - b[i];
    r[0] = scale * (2 * r[0]);
    if (dp !== null) dp[i] = r[0];
    if (dt !== null) dt[i] = -r[0];
  }
}
