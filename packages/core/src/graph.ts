// Drawing the computation graph: Graphviz DOT and Mermaid, with op names, shapes, values, gradients.
import { checkOptions, optionNames } from './options.js';
import { formatShape } from './shape-math.js';
import type { Tensor } from './tensor.js';

/** Options of `toDot` and `toMermaid`. */
export interface GraphOptions {
  /** Show tensors' values (those with at most `maxElements` elements). */
  values?: boolean;
  /** Show `.grad` where it is set. */
  grads?: boolean;
  /** Largest tensor whose numbers are printed. Default 8. */
  maxElements?: number;
}

const GRAPH_OPTIONS = optionNames<GraphOptions>({ values: true, grads: true, maxElements: true });

interface Vertex {
  id: string;
  tensor: Tensor;
  inputs: string[];
}

/** Every tensor the root was computed from, inputs first (iterative, like backward's sort). */
function collect(root: Tensor): Vertex[] {
  const ids = new Map<Tensor, string>();
  const order: Vertex[] = [];
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const [t, expanded] = stack.pop() as [Tensor, boolean];
    if (expanded) {
      if (ids.has(t)) continue;
      const id = `t${ids.size}`;
      ids.set(t, id);
      order.push({ id, tensor: t, inputs: [] });
      continue;
    }
    if (ids.has(t)) continue;
    stack.push([t, true]);
    for (const x of [...t.inputs].reverse()) if (!ids.has(x)) stack.push([x, false]);
  }
  for (const v of order) v.inputs = v.tensor.inputs.map((x) => ids.get(x) as string);
  return order;
}

function numbers(t: Tensor, max: number): string {
  if (t.size > max) return `(${t.size} values)`;
  const list = Array.from(t.data, (v) => Number(v.toPrecision(4)));
  return t.ndim === 0 ? String(list[0]) : `[${list.join(', ')}]`;
}

function describe(t: Tensor, options: GraphOptions): string[] {
  const max = options.maxElements ?? 8;
  const title = t.op ?? (t.requiresGrad ? 'leaf (requiresGrad)' : 'constant');
  const lines = [
    t.label ? `${t.label} = ${title}` : title,
    formatShape(t.shape) + (t.dtype === 'float32' ? ' float32' : ''),
  ];
  if (options.values) lines.push(`value ${numbers(t, max)}`);
  if (options.grads && t.grad) lines.push(`grad ${numbers(t.grad, max)}`);
  return lines;
}

/** The graph that computed `root`, in Graphviz DOT (render with `dot -Tsvg`). */
export function toDot(root: Tensor, options: GraphOptions = {}): string {
  checkOptions('toDot', options, GRAPH_OPTIONS);
  const quote = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  const lines = [
    'digraph backprop {',
    '  rankdir=LR;',
    '  node [shape=box, fontname="Helvetica"];',
  ];
  for (const v of collect(root)) {
    const shape = v.tensor.isLeaf ? ', style=rounded' : '';
    lines.push(
      `  ${v.id} [label="${describe(v.tensor, options).map(quote).join('\\n')}"${shape}];`,
    );
    for (const from of v.inputs) lines.push(`  ${from} -> ${v.id};`);
  }
  lines.push('}');
  return lines.join('\n');
}

/** The graph that computed `root`, as a Mermaid flowchart (renders in GitHub Markdown). */
export function toMermaid(root: Tensor, options: GraphOptions = {}): string {
  checkOptions('toMermaid', options, GRAPH_OPTIONS);
  const quote = (s: string) => s.replace(/"/g, '#quot;');
  const lines = ['flowchart LR'];
  for (const v of collect(root)) {
    const text = describe(v.tensor, options).map(quote).join('<br/>');
    lines.push(v.tensor.isLeaf ? `  ${v.id}(["${text}"])` : `  ${v.id}["${text}"]`);
    for (const from of v.inputs) lines.push(`  ${from} --> ${v.id}`);
  }
  return lines.join('\n');
}
