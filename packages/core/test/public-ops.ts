// The public ops, read from the package itself: every function index.ts exports from an ops/
// family file. The suites that must cover every op (the PyTorch reference, compile, the READMEs)
// check themselves against this list, and tsc checks that each op is a Tensor method, so an op
// someone forgets somewhere fails with a message that says what to add.
import * as core from '../src/index.js';
import * as binary from '../src/ops/binary.js';
import * as matmul from '../src/ops/matmul.js';
import * as reduce from '../src/ops/reduce.js';
import * as shape from '../src/ops/shape.js';
import * as softmax from '../src/ops/softmax.js';
import * as unary from '../src/ops/unary.js';
import type { Tensor } from '../src/tensor.js';

const families = { ...binary, ...matmul, ...reduce, ...shape, ...softmax, ...unary };

/** Exported from a family file and public, but not an op of tensors. */
const NOT_OPS = ['elementwise'] as const; // makes ops

type PublicOp = Exclude<
  Extract<keyof typeof core, keyof typeof families>,
  (typeof NOT_OPS)[number]
>;

/** Public ops that are deliberately not methods: `linear(x, w, b)` reads as the layer it is. */
type NotMethods = 'linear';

// If tsc stops here, an op in index.ts has no Tensor method: the error names it. Add the method
// to tensor.ts, in the "ops as methods" section beside its relatives.
const everyOpIsAMethod: [Exclude<PublicOp, keyof Tensor | NotMethods>] extends [never]
  ? true
  : Exclude<PublicOp, keyof Tensor | NotMethods> = true;
void everyOpIsAMethod;

/** The public ops by name, sorted. */
export const PUBLIC_OPS: readonly string[] = Object.keys(families)
  .filter((name) => name in core && !(NOT_OPS as readonly string[]).includes(name))
  .sort();

/** camelCase → snake_case: `logSoftmax` → `log_softmax`, as PyTorch and the fixture names write it. */
const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The public ops that none of `labels` names (a label names op `sumTo` if `sum_to`, or `sumTo`,
 * is one of its words), less those in `exempt`, which says why each needs no case.
 */
export function opsMissingFrom(
  labels: readonly string[],
  exempt: Readonly<Record<string, string>> = {},
): string[] {
  const words = labels.map((l) => `_${snake(l).replace(/[^a-z0-9]+/g, '_')}_`);
  return PUBLIC_OPS.filter(
    (op) => !(op in exempt) && !words.some((w) => w.includes(`_${snake(op)}_`)),
  );
}
