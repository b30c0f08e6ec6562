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
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const shownIndices = (n: number) =>
    n > 2 * EDGE ? [...range(0, EDGE), -1, ...range(n - EDGE, n)] : range(0, n);

  // Only the elements shown are formatted, and only they set the column width.
  const cells = new Map<number, string>();
  const visit = (dim: number, offset: number) => {
    if (dim === shape.length) {
      cells.set(offset, formatNumber(data[offset], notation));
      return;
    }
    for (const i of shownIndices(shape[dim])) {
      if (i >= 0) visit(dim + 1, offset + i * strides[dim]);
    }
  };
  visit(0, 0);
  let width = 0;
  for (const c of cells.values()) width = Math.max(width, c.length);

  const build = (dim: number, offset: number, indent: string): string => {
    if (dim === shape.length) return (cells.get(offset) ?? '').padStart(width);
    const stride = strides[dim];
    const parts = shownIndices(shape[dim]).map((i) =>
      i < 0 ? '...' : build(dim + 1, offset + i * stride, `${indent} `),
    );
    const sep =
      dim === shape.length - 1 ? ', ' : `,${'\n'.repeat(shape.length - dim - 1)}${indent} `;
    return `[${parts.join(sep)}]`;
  };

  const extras = [`shape=[${shape.join(', ')}]`];
  if (t.dtype !== 'float64') extras.push(`dtype=${t.dtype}`);
  if (t.op) extras.push(`op=${t.op}`);
  else if (t.requiresGrad) extras.push('requiresGrad=true');
  if (t.label) extras.push(`label=${JSON.stringify(t.label)}`);
  return `tensor(${build(0, 0, '       ')}, ${extras.join(', ')})`;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
