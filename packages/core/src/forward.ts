// Forward mode: jvp pushes a tangent through a function alongside its values (each op's jvp rule
// in primitive.ts's table), so one pass gives J·v. With it: jacfwd, and second derivatives as
// forward-over-reverse (hessian, hvp).

import { eye } from './create.js';
import { allocate } from './dtype.js';
import { ShapeError, ValueError } from './errors.js';
import { type Frame, within } from './frames.js';
import { grad, jacobian } from './functional.js';
import { bindView } from './primitive.js';
import { formatShape, sameShape } from './shape-math.js';
import { Tensor, type TensorLike, toTensor } from './tensor.js';
import { vmap } from './vmap.js';

/**
 * Evaluates `f(...primals)` and its directional derivative along `tangents` in one forward pass
 * (JAX's `jax.jvp`, PyTorch's `torch.func.jvp`): returns `[f(primals), J·tangents]`, where J is
 * the Jacobian of `f` at `primals` and each tangent has its primal's shape. Every op carries a
 * forward-mode rule, written with tensor ops, so the tangent can itself be differentiated with
 * `grad` or pushed through another `jvp`.
 * @example
 * // d/dt sin(x + t·v) at t = 0 is cos(x)·v
 * const [y, dy] = jvp((x) => x.sin(), [tensor([0, 1])], [tensor([2, 3])]);
 * console.log(dy.toString()); // → tensor([2.0000, 1.6209], shape=[2])
 */
export function jvp(
  f: (...xs: Tensor[]) => Tensor,
  primals: readonly TensorLike[],
  tangents: readonly TensorLike[],
): [Tensor, Tensor] {
  if (!Array.isArray(primals) || !Array.isArray(tangents) || primals.length !== tangents.length) {
    throw new ValueError(
      `jvp: expected two arrays of the same length (primals and their tangents), got ${describeList(primals)} and ${describeList(tangents)}`,
    );
  }
  const frame: Frame = { kind: 'jvp', name: 'jvp', values: new WeakMap(), size: 0 };
  return within(frame, () => {
    const xs = primals.map((p, i) => {
      const x = toTensor(p);
      const t = toTensor(tangents[i] as TensorLike, x);
      if (!sameShape(t.shape, x.shape)) {
        throw new ShapeError(
          `jvp: tangent ${i} has shape ${formatShape(t.shape)}; expected the shape of primal ${i}, ${formatShape(x.shape)}`,
        );
      }
      // a handle of its own (so one tensor passed twice can carry two tangents), still
      // connected to x for an outer grad or jvp
      const h = bindView('input', x, x.shape, (g) => g);
      frame.values.set(h, t.dtype === x.dtype ? t : t.astype(x.dtype));
      return h;
    });
    const y = f(...xs);
    if (!(y instanceof Tensor)) {
      throw new ValueError(`jvp: the function must return a Tensor, got ${typeof y}`);
    }
    return [y, frame.values.get(y) ?? y.zerosLike()];
  });
}

function describeList(v: unknown): string {
  return Array.isArray(v) ? `${v.length} value(s)` : typeof v;
}

/**
 * The Jacobian of `f` at `x` in forward mode: shape [...f(x).shape, ...x.shape], a column per
 * input element, all of them in one pass: `jvp` along every basis direction at once, under
 * `vmap`. Fewer passes than `jacrev` when `f` has fewer inputs than outputs; the two agree to rounding.
 */
export function jacfwd(f: (x: Tensor) => Tensor) {
  return (input: TensorLike): Tensor => {
    const x = toTensor(input);
    const n = x.size;
    if (n === 0) {
      // no input elements, no columns: the output's shape still comes from one evaluation
      const value = f(x);
      return new Tensor(allocate(value.dtype, 0), [...value.shape, ...x.shape]);
    }
    const basis = eye(n, n, { dtype: x.dtype }).reshape([n, ...x.shape]);
    const columns = vmap((v: Tensor) => jvp(f, [x], [v])[1])(basis); // [n, ...f(x).shape]
    const out = columns.shape.slice(1);
    const last = out.map((_, i) => i + 1);
    return columns.transpose([...last, 0]).reshape([...out, ...x.shape]);
  };
}

/**
 * The Jacobian of `f` at `x` in reverse mode: shape [...f(x).shape, ...x.shape], one reverse
 * sweep per output element (a row at a time). Fewer passes than `jacfwd` when `f` has fewer outputs
 * than inputs. The same function as `jacobian`, under the name JAX and `torch.func` use.
 */
export const jacrev: (f: (x: Tensor) => Tensor) => (x: TensorLike) => Tensor = jacobian;

/**
 * The Hessian of a scalar `f` at `x`: shape [...x.shape, ...x.shape], as forward-over-reverse
 * (`jacfwd(grad(f))`): every input direction pushed through the gradient in one batched pass.
 */
export function hessian(f: (x: Tensor) => Tensor) {
  return jacfwd(grad(f));
}

/**
 * The Hessian–vector product H(x)·v of a scalar `f`, without forming H: the directional
 * derivative of the gradient along v, `jvp(grad(f), [x], [v])` (forward over reverse).
 */
export function hvp(f: (x: Tensor) => Tensor, x: TensorLike, v: TensorLike): Tensor {
  return jvp(grad(f), [x], [v])[1];
}
