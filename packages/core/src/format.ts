// toString for tensors: nested rows like NumPy/PyTorch, long axes elided, with dtype and op.
import type { Tensor } from './tensor.js';

const EDGE = 3; // elements shown at each end of an axis longer than 2·EDGE

/** One notation for every element, as NumPy and PyTorch do: `2.`, `2.5000` or `2.5000e+6`. */
type Notation = 'integer' | 'fixed' | 'scientific';

function notationFor(data: ArrayLike<number>): Notation {
  // plain loops, not Math.max(...data): spreading a million elements overflows the stack
  let big = 0;
  let small = Infinity;
  let allInt = true;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v) || v === 0) continue;
    const m = Math.abs(v);
    if (m > big) big = m;
    if (m < small) small = m;
    if (allInt && !Number.isInteger(v)) allInt = false;
  }
  if (big >= 1e6) return 'scientific';
  if (allInt) return 'integer';
  // as PyTorch: four decimals would hide the small values (0.00012 next to 5 is not 0.0001)
  return small >= 1e-4 && big / small <= 1e3 ? 'fixed' : 'scientific';
}

function formatNumber(v: number, notation: Notation): string {
  if (!Number.isFinite(v)) return String(v);
  if (notation === 'integer') return `${v}.`;
  return notation === 'fixed' ? v.toFixed(4) : v.toExponential(4);
}

export function formatTensor(t: Tensor): string {
  const { data, shape } = t;
  const notation = notationFor(data);
  const strides: number[] = new Array(shape.length);
  for (let i = shape.length - 1, stride = 1; i >= 0; stride *= shape[i], i--) strides[i] = stride;

  // Only the elements shown are formatted, and only they set the column width.
  const cells = new Map<number, string>();
  nest(shape, strides, (offset) => {
    cells.set(offset, formatNumber(data[offset], notation));
    return '';
  });
  let width = 0;
  for (const c of cells.values()) width = Math.max(width, c.length);
  const body = nest(
    shape,
    strides,
    (offset) => (cells.get(offset) ?? '').padStart(width),
    (dim, parts) => {
      const sep =
        dim === shape.length - 1
          ? ', '
          : `,${'\n'.repeat(shape.length - dim - 1)}${' '.repeat(8 + dim)}`;
      return `[${parts.join(sep)}]`;
    },
  );

  const extras = [`shape=[${shape.join(', ')}]`];
  if (t.dtype !== 'float64') extras.push(`dtype=${t.dtype}`);
  if (t.op) extras.push(`op=${t.op}`);
  else if (t.requiresGrad) extras.push('requiresGrad=true');
  if (t.label) extras.push(`label=${JSON.stringify(t.label)}`);
  return `tensor(${body}, ${extras.join(', ')})`;
}

/** Where a frame of `nest` is: an axis, the offset of its first element, its parts so far. */
interface Frame {
  dim: number;
  offset: number;
  shown: number[];
  next: number;
  parts: string[];
}

/**
 * The elements shown, nested row by row: `leaf(offset)` for each, `join(dim, parts)` for each
 * row of axis `dim` (`...` stands for the elided middle of a long axis). A loop with a stack of
 * its own, not recursion, so a tensor of thousands of axes prints too.
 */
function nest(
  shape: readonly number[],
  strides: readonly number[],
  leaf: (offset: number) => string,
  join: (dim: number, parts: string[]) => string = () => '',
): string {
  const shownIndices = (n: number) =>
    n > 2 * EDGE ? [...range(0, EDGE), -1, ...range(n - EDGE, n)] : range(0, n);
  if (shape.length === 0) return leaf(0);
  const stack: Frame[] = [{ dim: 0, offset: 0, shown: shownIndices(shape[0]), next: 0, parts: [] }];
  for (;;) {
    const top = stack[stack.length - 1] as Frame;
    if (top.next < top.shown.length) {
      const i = top.shown[top.next++] as number;
      const offset = top.offset + i * strides[top.dim];
      if (i < 0) top.parts.push('...');
      else if (top.dim + 1 === shape.length) top.parts.push(leaf(offset));
      else {
        const dim = top.dim + 1;
        stack.push({ dim, offset, shown: shownIndices(shape[dim]), next: 0, parts: [] });
      }
      continue;
    }
    stack.pop();
    const row = join(top.dim, top.parts);
    if (stack.length === 0) return row;
    (stack[stack.length - 1] as Frame).parts.push(row);
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
