// Turning an op's arguments into tensors of one dtype, with errors that name the op.
import { DTypeError } from '../errors.js';
import { formatShape } from '../shape-math.js';
import { Tensor, type TensorLike, toTensor } from '../tensor.js';

/** Converts the arguments of `op` to tensors; numbers and arrays take the dtype of a tensor among them. */
export function operands(op: string, ...values: TensorLike[]): Tensor[] {
  const like = values.find((v): v is Tensor => v instanceof Tensor);
  const tensors = values.map((v) => toTensor(v, like));
  const first = tensors[0] as Tensor;
  for (const t of tensors) {
    if (t.dtype !== first.dtype) {
      throw new DTypeError(
        `${op}: cannot mix ${first.dtype} (shape ${formatShape(first.shape)}) and ${t.dtype} ` +
          `(shape ${formatShape(t.shape)}); cast one first, e.g. x.astype('${first.dtype}')`,
      );
    }
  }
  return tensors;
}
