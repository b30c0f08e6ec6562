// vmap: a function written for one sample, run on a batch in one pass. Every op sees one
// sample's shape; underneath, each primitive's batching rule (primitive.ts) runs it on the whole
// batch at once. It composes with grad, jvp, compile and itself.
import { ShapeError, ValueError } from './errors.js';
import { type Frame, within } from './frames.js';
import { checkOptions, optionNames } from './options.js';
import { standIn } from './primitive.js';
import { formatShape, normalizeAxis } from './shape-math.js';
import { Tensor, type TensorLike, toTensor } from './tensor.js';

/** Options of `vmap`. */
export interface VmapOptions {
  /**
   * For each argument, the axis that holds its batch, or `null` for an argument that is the same
   * for every sample (weights, say). One number applies to every tensor argument. Default 0.
   */
  inAxes?: number | null | readonly (number | null)[];
  /** Where the batch axis goes in each result (one number for all, or one per result). Default 0. */
  outAxes?: number | readonly number[];
}

const VMAP_OPTIONS = optionNames<VmapOptions>({ inAxes: true, outAxes: true });

// biome-ignore lint/suspicious/noExplicitAny: vmap keeps the user's signature, whatever it is
type Mapped = (...args: any[]) => Tensor | readonly Tensor[];

/**
 * Vectorises `f` over a batch (JAX's `jax.vmap`, PyTorch's `torch.func.vmap`): `f` is written
 * for one sample, and `vmap(f)` takes the samples stacked along `inAxes` and returns the
 * results stacked along `outAxes`, computed in one pass (a matrix product for a batch of
 * matrix–vector products) rather than a loop. `vmap(grad(loss))` gives each sample's own
 * gradient; vmaps nest, and compose with `jvp` and `compile`.
 *
 * Inside `f`, a batched tensor has one sample's shape; its values are not one sample's (they are
 * NaN), so `item()` and `toArray()` refuse it and `.data` should not be read. Random draws
 * (`randn`, `rand`, dropout's mask) inside `f` are made once, for one sample's shape, and every
 * sample sees the same numbers (as in JAX with one key); draw a batch outside and pass it in for
 * numbers that differ per sample. `backward()` refuses a batched tensor: use `grad` inside.
 * @example
 * // one dot product per row of x, with w shared by all rows
 * const dot = (x: Tensor, w: Tensor) => x.mul(w).sum();
 * const x = tensor([[1, 2], [3, 4], [5, 6]]);
 * const y = vmap(dot, { inAxes: [0, null] })(x, tensor([1, -1]));
 * console.log(y.toString()); // → tensor([-1., -1., -1.], shape=[3])
 */
export function vmap<F extends Mapped>(
  f: F,
  options: VmapOptions = {},
): (...args: Parameters<F>) => ReturnType<F> {
  if (typeof f !== 'function') throw new ValueError(`vmap: expected a function, got ${typeof f}`);
  checkOptions('vmap', options, VMAP_OPTIONS);
  const inAxes = options.inAxes === undefined ? 0 : options.inAxes;
  const outAxes = options.outAxes ?? 0;
  return ((...args: unknown[]) => {
    if (Array.isArray(inAxes) && inAxes.length !== args.length) {
      throw new ValueError(
        `vmap: inAxes names ${inAxes.length} axes but the function was called with ${args.length} argument(s)`,
      );
    }
    // each batched argument with its batch axis moved first
    const batches = args.map((a, i) => {
      const axis = Array.isArray(inAxes) ? inAxes[i] : a instanceof Tensor ? inAxes : null;
      if (axis === null || axis === undefined) return null;
      const x = toTensor(a as TensorLike);
      if (x.ndim === 0) {
        throw new ShapeError(
          `vmap: argument ${i} is a scalar, with no axis to map over; give it inAxes null (the same for every sample)`,
        );
      }
      const k = normalizeAxis('vmap', axis as number, x.ndim);
      return k === 0 ? x : x.transpose([k, ...x.shape.map((_, j) => j).filter((j) => j !== k)]);
    });
    const size = batchSize(batches);
    const frame: Frame = { kind: 'vmap', name: 'vmap', values: new WeakMap(), size };
    const results = within(frame, () =>
      f(...args.map((a, i) => (batches[i] ? standIn(frame, batches[i] as Tensor) : a))),
    );
    const list = Array.isArray(results) ? results : [results];
    const out = list.map((y, j) => {
      if (!(y instanceof Tensor)) {
        throw new ValueError(
          `vmap: the function must return a Tensor or an array of Tensors, got ${typeof y}${Array.isArray(results) ? ` at position ${j}` : ''}`,
        );
      }
      // a result that does not depend on the batch is the same for every sample
      const b = frame.values.get(y) ?? y.broadcastTo([size, ...y.shape]);
      const axis = Array.isArray(outAxes) ? outAxes[j] : outAxes;
      if (axis === undefined) {
        throw new ValueError(
          `vmap: outAxes names ${(outAxes as readonly number[]).length} axes for ${list.length} result(s)`,
        );
      }
      const k = normalizeAxis('vmap', axis as number, b.ndim);
      if (k === 0) return b;
      const perm = b.shape.map((_, i) => i).slice(1);
      perm.splice(k, 0, 0);
      return b.transpose(perm);
    });
    return Array.isArray(results) ? out : out[0];
  }) as unknown as (...args: Parameters<F>) => ReturnType<F>;
}

/** The batch size all batched arguments agree on. */
function batchSize(batches: readonly (Tensor | null)[]): number {
  let size = -1;
  let first = -1;
  batches.forEach((b, i) => {
    if (b === null) return;
    const n = b.shape[0] as number;
    if (size < 0) [size, first] = [n, i];
    else if (n !== size) {
      throw new ShapeError(
        `vmap: argument ${i} has a batch of ${n} (shape ${formatShape(b.shape)} with the batch axis first) but argument ${first} has ${size}; all batched arguments need the same batch size`,
      );
    }
  });
  if (size < 0) {
    throw new ValueError(
      'vmap: no argument is batched; give inAxes a number for at least one tensor argument',
    );
  }
  return size;
}
