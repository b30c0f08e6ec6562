// Helpers of the batching rules (see `BatchRule` in primitive.ts): a batched input has its batch
// axis first; an input that is not batched is the same for every sample.
import type { Tensor } from '../tensor.js';

/**
 * An operand of a broadcasting op, ready to broadcast against the others with the batch axis
 * first: a batched one gets axes of size 1 after its batch axis up to `rank` (the output's rank
 * without the batch), so its own axes stay right-aligned; one that is not batched broadcasts as
 * it is.
 */
export function lift(x: Tensor, batched: boolean, rank: number): Tensor {
  const own = x.ndim - 1;
  if (!batched || own >= rank) return x;
  const shape = [x.shape[0] as number];
  for (let i = own; i < rank; i++) shape.push(1);
  return x.reshape([...shape, ...x.shape.slice(1)]);
}

/** An operand as a batch: a batched one as it is, one that is not repeated `size` times. */
export function spread(x: Tensor, batched: boolean, size: number): Tensor {
  return batched ? x : x.broadcastTo([size, ...x.shape]);
}

/** The sum of the parts that are not null (a rule's contributions from several tangents), or null. */
export function total(parts: readonly (Tensor | null | undefined)[]): Tensor | null {
  let sum: Tensor | null = null;
  for (const p of parts) if (p) sum = sum === null ? p : sum.add(p);
  return sum;
}
