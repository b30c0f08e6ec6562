// Loss functions (prediction, target, options) => Tensor, composed from core's ops, so every
// gradient comes from autodiff. Shapes must match exactly: a loss never broadcasts silently.
import {
  arange,
  checkOptions,
  DTypeError,
  echoValue,
  ShapeError,
  squaredError,
  Tensor,
  type TensorLike,
  tensor,
  toTensor,
  ValueError,
} from '@backprop/core';

/**
 * How a loss turns per-sample (or per-element) values into its result: their mean, their sum,
 * or all of them (`'none'`).
 */
export type Reduction = 'mean' | 'sum' | 'none';

const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];
// the options each loss knows, made once: the losses run on every training step
const REDUCTION_ONLY: readonly string[] = ['reduction'];
const HUBER_OPTIONS: readonly string[] = ['reduction', 'delta'];

/** Options every loss takes. */
export interface LossOptions {
  /** How the batch is reduced; each loss documents what it averages or sums over. */
  reduction?: Reduction;
}

/** Options of `huber`. */
export interface HuberOptions extends LossOptions {
  /** Where the quadratic part turns linear (> 0); 1 by default, as in PyTorch. */
  delta?: number;
}

/** Targets for `crossEntropy`: class indices (one per sample) or probabilities shaped like the logits. */
export type ClassTarget = TensorLike | Int32Array;

// ---------------------------------------------------------------- the lecture's error

/**
 * The lecture's per-sample error E = ½ (y_E − y)² (p. 10), summed over the outputs of each
 * sample, so that ∂E/∂y_E = y_E − y (p. 11).
 *
 * Axis 0 indexes the samples and any further axes are outputs: `[batch, outputs]`, or `[batch]`
 * for one output per sample (the lecture's single y, p. 3–5), or a scalar for one sample with one
 * output. For one sample with several outputs pass `[1, outputs]`. Each sample's E sums ½(y_E − y)²
 * over its outputs; then `reduction` says what happens across samples:
 * - `'sum'` (the default): Σ over samples of E. Each sample keeps exactly the lecture's gradient
 *   y_E − y (p. 11) whatever the batch size, and a batch's gradient is the sum of the per-sample
 *   gradients the slides' SGD steps on. With one sample (the lecture's per-sample SGD, p. 10) the
 *   mean and the sum are the same number; the sum is chosen so that batches do not rescale
 *   p. 11's closed form (divide the learning rate by the batch size for mean-like steps).
 * - `'mean'`: the mean over samples of E (not ½·mse, which also averages over the outputs).
 * - `'none'`: one E per sample, shape `[batch]` (a scalar input gives a scalar).
 *
 * @example
 * const yE = tensor([[0.5], [2]], { requiresGrad: true }); // two samples, one output each
 * const E = halfSquaredError(yE, [[1], [1]]);
 * // ½·0.25 + ½·1
 * console.log(E.item()); // → 0.625
 * E.backward();
 * // y_E − y
 * console.log(yE.grad?.toArray()); // → [ [ -0.5 ], [ 1 ] ]
 */
export function halfSquaredError(yE: Tensor, y: TensorLike, options: LossOptions = {}): Tensor {
  const op = 'halfSquaredError';
  const reduction = readOptions(op, options, 'sum');
  const [prediction, target] = matched(op, yE, y);
  if (reduction !== 'none' && prediction.size > 0) {
    // one op (core's squaredError): the same numbers as the lines below, in one node
    return squaredError(prediction, target, {
      half: true,
      perSample: true,
      mean: reduction === 'mean',
    });
  }
  const half = prediction.sub(target).square().mul(0.5); // p. 10: ½ (y_E − y)²
  const perSample = half.ndim <= 1 ? half : half.sum(half.shape.map((_, i) => i).slice(1));
  return reduce(op, perSample, reduction);
}

// ---------------------------------------------------------------- regression losses

/**
 * Mean squared error: (prediction − target)² for every element, then their mean (the default),
 * sum, or all of them (`'none'`, the input's shape). As PyTorch's `mse_loss`.
 * @example
 * console.log(mse(tensor([1, 2, 3]), [1, 2, 5]).item(), (0 + 0 + 4) / 3); // → 1.3333333333333333 1.3333333333333333
 */
export function mse(prediction: Tensor, target: TensorLike, options: LossOptions = {}): Tensor {
  const reduction = readOptions('mse', options, 'mean');
  const [p, t] = matched('mse', prediction, target);
  if (reduction !== 'none' && p.size > 0) {
    return squaredError(p, t, { mean: reduction === 'mean' }); // p.sub(t).square() reduced, as one op
  }
  return reduce('mse', p.sub(t).square(), reduction);
}

/**
 * Mean absolute error: |prediction − target| for every element, reduced like `mse`. Its
 * gradient at a zero difference is 0 (sign(0), as PyTorch's `l1_loss`).
 * @example
 * console.log(mae(tensor([1, 2, 3]), [2, 2, 5]).item(), (1 + 0 + 2) / 3); // → 1 1
 */
export function mae(prediction: Tensor, target: TensorLike, options: LossOptions = {}): Tensor {
  const reduction = readOptions('mae', options, 'mean');
  const [p, t] = matched('mae', prediction, target);
  return reduce('mae', p.sub(t).abs(), reduction);
}

/**
 * Huber loss of x = prediction − target, per element (PyTorch's `huber_loss`):
 * ½x² where |x| < δ, δ(|x| − ½δ) elsewhere; reduced like `mse`. Quadratic near 0, linear in the
 * tails, so outliers pull with at most δ. At |x| = δ both pieces give ½δ² and gradient δ·sign(x).
 * @example
 * // ½·0.5² and 1·(3 − ½), averaged
 * console.log(huber(tensor([0.5, 3]), [0, 0], { delta: 1 }).item(), (0.125 + 2.5) / 2); // → 1.3125 1.3125
 */
export function huber(prediction: Tensor, target: TensorLike, options: HuberOptions = {}): Tensor {
  const op = 'huber';
  const reduction = readOptions(op, options, 'mean', HUBER_OPTIONS);
  const delta = options.delta ?? 1;
  if (typeof delta !== 'number' || !Number.isFinite(delta) || delta <= 0) {
    throw new ValueError(`${op}: delta must be a finite number > 0, got ${String(delta)}`);
  }
  const [p, t] = matched(op, prediction, target);
  const x = p.sub(t);
  const size = x.abs();
  const quadratic = x.square().mul(0.5);
  const linear = size.sub(0.5 * delta).mul(delta);
  return reduce(op, quadratic.where(size.lt(delta), linear), reduction);
}

// ---------------------------------------------------------------- classification losses

/**
 * Cross-entropy of softmax(logits) against the target, per sample: −log softmax(logits)[class],
 * or −Σ_c target_c · log softmax(logits)_c for probabilities. Takes logits (not probabilities)
 * and uses logSoftmax, so logits of ±1000 give exact, finite losses.
 *
 * `logits` is `[batch, classes]` (for one sample use `logits.unsqueeze(0)`). The target is told
 * apart by its shape: `[batch]` holds class indices (integers in 0 … classes − 1; a number array,
 * an Int32Array or a tensor), `[batch, classes]` holds one-hot rows or probabilities (not
 * checked to sum to 1; soft labels are allowed). `reduction`: `'mean'` over samples (the
 * default, as PyTorch), `'sum'`, or `'none'` for one loss per sample. Inside a function compiled
 * with core's `compile`, class indices are checked against 0 … classes − 1 when it is traced; its
 * later calls check only that each index falls inside the batch's scores.
 *
 * @example
 * const logits = tensor([[2, 0, -1], [0, 1, 0]], { requiresGrad: true });
 * crossEntropy(logits, [0, 1]).backward();
 * // the mean's gradient: (softmax(logits) − onehot) / 2
 * const expected = softmax(logits.detach()).sub(tensor([[1, 0, 0], [0, 1, 0]])).div(2);
 * const worst = logits.grad?.sub(expected).abs().max().item() ?? Number.NaN;
 * console.log(worst < 1e-15); // → true
 */
export function crossEntropy(
  logits: Tensor,
  target: ClassTarget,
  options: LossOptions = {},
): Tensor {
  const op = 'crossEntropy';
  const reduction = readOptions(op, options, 'mean');
  if (!(logits instanceof Tensor)) {
    throw new ValueError(`${op}: logits must be a Tensor of shape [batch, classes]`);
  }
  if (logits.ndim !== 2) {
    const hint = logits.ndim === 1 ? '; for one sample use logits.unsqueeze(0)' : '';
    throw new ShapeError(
      `${op}: logits must have shape [batch, classes], got ${fmt(logits.shape)}${hint}`,
    );
  }
  const [batch, classes] = logits.shape as [number, number];
  const t =
    target instanceof Int32Array
      ? tensor(Float64Array.from(target))
      : toTensor(target as TensorLike, logits);
  const logp = logits.logSoftmax(1);
  let perSample: Tensor;
  if (t.ndim === 1 && t.shape[0] === batch) {
    // class indices: pick log p[i, k_i] from the flattened rows, at i·classes + k_i
    for (let i = 0; i < batch; i++) {
      const k = t.data[i];
      if (!Number.isInteger(k) || k < 0 || k >= classes) {
        throw new ValueError(
          `${op}: the target of sample ${i} is ${k}; class indices must be integers from 0 to ${classes - 1}`,
        );
      }
    }
    // computed with ops, so that a compiled function (core's compile) picks each call's classes
    const picks = t.add(arange(0, batch * classes, classes, { dtype: t.dtype }));
    perSample = logp
      .reshape([batch * classes])
      .gather(picks)
      .neg();
  } else if (sameShape(t.shape, logits.shape)) {
    checkDType(op, logits, t);
    perSample = t.mul(logp).sum(1).neg();
  } else {
    const hint =
      t.size === batch ? ` (reshape it: target.reshape([${batch}]) for class indices)` : '';
    throw new ShapeError(
      `${op}: target has shape ${fmt(t.shape)} but logits have ${fmt(logits.shape)}; expected ` +
        `class indices of shape [${batch}] or probabilities of shape ${fmt(logits.shape)}${hint}`,
    );
  }
  return reduce(op, perSample, reduction);
}

/**
 * Binary cross-entropy of sigmoid(logits) against targets t in [0, 1], per element:
 * −t·log σ(x) − (1 − t)·log(1 − σ(x)), computed as max(x, 0) − x·t + log(1 + exp(−|x|)) so that
 * no exp overflows and no log sees 0 (logits of ±1000 give exact, finite losses). Its gradient is
 * σ(x) − t. Reduced like `mse`: `'mean'` over all elements (the default, as PyTorch's
 * `binary_cross_entropy_with_logits`), `'sum'`, or `'none'`.
 * @example
 * // σ(0) = ½, so −log ½
 * console.log(binaryCrossEntropy(tensor([0]), [1]).item(), Math.log(2)); // → 0.6931471805599453 0.6931471805599453
 */
export function binaryCrossEntropy(
  logits: Tensor,
  target: TensorLike,
  options: LossOptions = {},
): Tensor {
  const op = 'binaryCrossEntropy';
  const reduction = readOptions(op, options, 'mean');
  const [x, t] = matched(op, logits, target);
  // maximum splits its gradient at the tie x = 0, so the gradient there is ½ − t = σ(0) − t too
  const loss = x.maximum(0).sub(x.mul(t)).add(x.abs().neg().exp().log1p());
  return reduce(op, loss, reduction);
}

// ---------------------------------------------------------------- shared checks

/** Validates the options object: known keys only, and a known reduction. */
function readOptions(
  op: string,
  options: object,
  byDefault: Reduction,
  known: readonly string[] = REDUCTION_ONLY,
): Reduction {
  if (options === null || typeof options !== 'object') {
    throw new ValueError(`${op}: options must be an object, got ${String(options)}`);
  }
  checkOptions(op, options, known);
  const reduction = (options as LossOptions).reduction ?? byDefault;
  if (!REDUCTIONS.includes(reduction)) throw unknownReduction(op, reduction);
  return reduction;
}

function unknownReduction(op: string, reduction: unknown): ValueError {
  return new ValueError(
    `${op}: unknown reduction ${echoValue(reduction)}; expected one of ${REDUCTIONS.map((r) => `'${r}'`).join(', ')}`,
  );
}

/** The prediction and the target as tensors of one shape and dtype, or an error naming the loss. */
function matched(op: string, prediction: Tensor, target: TensorLike): [Tensor, Tensor] {
  if (!(prediction instanceof Tensor)) {
    throw new ValueError(`${op}: the prediction must be a Tensor`);
  }
  const t = toTensor(target, prediction);
  if (!sameShape(prediction.shape, t.shape)) throw misfit(op, prediction, t);
  checkDType(op, prediction, t);
  return [prediction, t];
}

function misfit(op: string, prediction: Tensor, t: Tensor): ShapeError {
  const hint =
    prediction.size === t.size
      ? `; reshape one to the other's shape, e.g. target.reshape(${fmt(prediction.shape)})`
      : '';
  return new ShapeError(
    `${op}: prediction has shape ${fmt(prediction.shape)} but target has shape ${fmt(t.shape)}; ` +
      `losses need equal shapes and do not broadcast${hint}`,
  );
}

function checkDType(op: string, prediction: Tensor, target: Tensor): void {
  if (prediction.dtype !== target.dtype) {
    throw new DTypeError(
      `${op}: prediction is ${prediction.dtype} but target is ${target.dtype}; ` +
        `cast the target first, e.g. target.astype('${prediction.dtype}')`,
    );
  }
}

function reduce(op: string, values: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return values;
  if (reduction === 'sum') return values.sum();
  if (values.size === 0) {
    throw new ValueError(
      `${op}: cannot take the mean over an empty batch (shape ${fmt(values.shape)}); use reduction 'sum'`,
    );
  }
  return values.mean();
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
