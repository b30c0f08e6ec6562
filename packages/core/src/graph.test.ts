import { describe, expect, it } from 'vitest';
import { type Tensor, tensor, toDot, toMermaid } from './index.js';

/** w·x + b through tanh, with labels on the leaves. */
function neuron() {
  const w = tensor([0.5, -1], { requiresGrad: true });
  w.label = 'w';
  const x = tensor([2, 3]);
  x.label = 'x';
  const b = tensor(0.25, { requiresGrad: true });
  b.label = 'b';
  const out = w.mul(x).sum().add(b).tanh();
  out.label = 'out';
  return { w, x, b, out };
}

/** The DOT node ids whose label line contains `text`. */
function dotIds(dot: string, text: string): string[] {
  return dot
    .split('\n')
    .filter((l) => l.includes('[label="') && l.includes(text))
    .map((l) => l.trim().split(' ')[0] as string);
}

describe('toDot', () => {
  it('lists every op and leaf with its shape, and one edge per input', () => {
    const { out } = neuron();
    const dot = toDot(out);
    expect(dot.startsWith('digraph backprop {')).toBe(true);
    expect(dot.endsWith('}')).toBe(true);
    for (const op of ['mul', 'sum', 'add']) expect(dot).toContain(`"${op}\\n`);
    expect(dot).toContain('w = leaf (requiresGrad)\\n[2]');
    expect(dot).toContain('x = constant\\n[2]');
    expect(dot).toContain('b = leaf (requiresGrad)\\n[]');
    expect(dot).toContain('out = tanh\\n[]');
    // 7 nodes (w, x, mul, sum, b, add, tanh) and 6 edges: w→mul, x→mul, mul→sum, sum→add, b→add, add→tanh
    expect(dot.match(/\[label=/g)?.length).toBe(7);
    expect(dot.match(/ -> /g)?.length).toBe(6);
    const [w] = dotIds(dot, 'w = leaf');
    const [mul] = dotIds(dot, '"mul');
    const [tanh] = dotIds(dot, 'out = tanh');
    const [add] = dotIds(dot, '"add');
    expect(dot).toContain(`${w} -> ${mul};`);
    expect(dot).toContain(`${add} -> ${tanh};`);
  });

  it('draws leaves rounded and ops as boxes', () => {
    const { out } = neuron();
    const dot = toDot(out);
    expect(dot.split('\n').find((l) => l.includes('w = leaf'))).toContain('style=rounded');
    expect(dot.split('\n').find((l) => l.includes('out = tanh'))).not.toContain('style=rounded');
  });

  it('shows values and gradients only when asked', () => {
    const { out } = neuron();
    out.backward();
    expect(toDot(out)).not.toContain('value');
    expect(toDot(out)).not.toContain('grad ');
    const dot = toDot(out, { values: true, grads: true });
    // w·x + b = 1 − 3 + 0.25 = −1.75; tanh(−1.75) = −0.9414 (4 significant digits)
    expect(dot).toContain('value -1.75');
    expect(dot).toContain('value -0.9414');
    // ∂out/∂b = 1 − tanh²(−1.75) = 0.1138; ∂out/∂w = that times x = [0.2276, 0.3414]
    expect(dot).toContain('b = leaf (requiresGrad)\\n[]\\nvalue 0.25\\ngrad 0.1138');
    expect(dot).toContain('grad [0.2276, 0.3414]');
  });

  it('elides the numbers of tensors larger than maxElements', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const dot = toDot(x.mul(2), { values: true, maxElements: 2 });
    expect(dot).toContain('value (3 values)');
    expect(dot).toContain('value 2'); // the scalar constant still shows
  });

  it('lists a node shared by two paths (a diamond) once, with an edge to each consumer', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.exp();
    h.label = 'shared';
    const y = h.mul(2).add(h.sin());
    const dot = toDot(y);
    expect(dotIds(dot, 'shared = exp')).toHaveLength(1);
    const [shared] = dotIds(dot, 'shared = exp');
    expect(dot.match(new RegExp(`${shared} -> `, 'g'))?.length).toBe(2); // to mul and to sin
    expect(dotIds(dot, 'leaf (requiresGrad)')).toHaveLength(1);
  });

  it('draws x.mul(x) with two edges from the same node', () => {
    const x = tensor(3, { requiresGrad: true });
    const dot = toDot(x.mul(x));
    expect(dot.match(/t0 -> t1;/g)?.length).toBe(2);
  });

  it('escapes quotes and backslashes in labels', () => {
    const x = tensor(1, { requiresGrad: true });
    x.label = 'say "hi" \\ bye';
    expect(toDot(x)).toContain('say \\"hi\\" \\\\ bye = leaf');
  });

  it('lists inputs before the ops that use them, even for a 10⁵-long chain', () => {
    let z: Tensor = tensor(1, { requiresGrad: true });
    for (let i = 0; i < 100_000; i++) z = z.add(1);
    const dot = toDot(z);
    expect(dot.match(/\[label=/g)?.length).toBe(200_001); // the leaf, 10⁵ adds, 10⁵ constants
    const lines = dot.split('\n');
    expect(lines[3]).toMatch(/^ {2}t0 \[label="leaf/);
  });
});

describe('toMermaid', () => {
  it('lists ops, shapes, labels and edges as a flowchart', () => {
    const { out } = neuron();
    const text = toMermaid(out);
    expect(text.startsWith('flowchart LR\n')).toBe(true);
    expect(text).toMatch(/t\d+\(\["w = leaf \(requiresGrad\)<br\/>\[2\]"\]\)/); // leaves are rounded
    expect(text).toMatch(/t\d+\["out = tanh<br\/>\[\]"\]/);
    for (const op of ['mul', 'sum', 'add']) expect(text).toContain(`["${op}<br/>`);
    expect(text.match(/ --> /g)?.length).toBe(6);
  });

  it('shows values and gradients when asked', () => {
    const { out } = neuron();
    out.backward();
    const text = toMermaid(out, { values: true, grads: true });
    expect(text).toContain('value -0.9414'); // tanh(−1.75)
    expect(text).toContain('grad 0.1138'); // 1 − tanh²(−1.75)
    expect(toMermaid(out)).not.toContain('value');
  });

  it('lists a shared node once and escapes quotes', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.label = 'the "input"';
    const y = x.mul(x.exp()).sum();
    const text = toMermaid(y);
    expect(text.match(/the #quot;input#quot; = leaf/g)?.length).toBe(1);
  });
});
