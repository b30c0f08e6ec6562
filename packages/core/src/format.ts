// toString for tensors: nested rows like NumPy/PyTorch, long axes elided, with dtype and op.
import type { Tensor } from './tensor.js';

const EDGE = 3; // elements shown at each end of an axis longer than 2·EDGE

function formatNumber(v: number, fixed: boolean): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return fixed ? `${v}.` : `${v}`;
  return fixed ? v.toFixed(4) : v.toExponential(4);
}

export function formatTensor(t: Tensor): string {
  const { data, shape } = t;
  const finite = Array.from(data).filter((v) => Number.isFinite(v) && v !== 0);
  const big = Math.max(0, ...finite.map(Math.abs));
  const small = Math.min(Infinity, ...finite.map(Math.abs));
  const allInt = finite.every(Number.isInteger);
  const fixed = allInt || (big < 1e6 && small >= 1e-4);
  const cells = Array.from(data, (v) => formatNumber(v, fixed && !(allInt && big >= 1e6)));
  const width = Math.max(0, ...cells.map((c) => c.length));
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));

  const build = (dim: number, offset: number, indent: string): string => {
    if (dim === shape.length) return (cells[offset] ?? '').padStart(width);
    const n = shape[dim] as number;
    const stride = strides[dim] as number;
    const idx = n > 2 * EDGE ? [...range(0, EDGE), -1, ...range(n - EDGE, n)] : range(0, n);
    const parts = idx.map((i) =>
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
