// Turning an op's arguments into tensors of one dtype, with errors that name the op.
import { DTypeError } from '../errors.js';
import { formatShape } from '../shape-math.js';
import { Tensor, type TensorLike, toTensor } from '../tensor.js';

/** Converts the arguments of `op` to tensors; numbers and arrays take the dtype of a tensor among them. */
export function operands(op: string, ...values: TensorLike[]): Tensor[] {
  let like: Tensor | undefined;
  for (const v of values) {
    if (v instanceof Tensor) {
      like = v;
      break;
    }
  }
  const tensors: Tensor[] = [];
  for (const v of values) tensors.push(toTensor(v, like));
  const first = tensors[0] as Tensor;
  for (const t of tensors) if (t.dtype !== first.dtype) throw mixed(op, first, t);
  return tensors;
}

/** `operands` for the two arguments of a binary op (the common case, kept cheap). */
export function operandPair(op: string, left: TensorLike, right: TensorLike): [Tensor, Tensor] {
  const like = left instanceof Tensor ? left : right instanceof Tensor ? right : undefined;
  const a = toTensor(left, like);
  const b = toTensor(right, like);
  if (a.dtype !== b.dtype) throw mixed(op, a, b);
  return [a, b];
}

function mixed(op: string, first: Tensor, t: Tensor): DTypeError {
  return new DTypeError(
    `${op}: cannot mix ${first.dtype} (shape ${formatShape(first.shape)}) and ${t.dtype} ` +
      `(shape ${formatShape(t.shape)}); cast one first, e.g. x.astype('${first.dtype}')`,
  );
}
