// layers and optim have no import cycles among their own modules: a module that imports another
// never gets imported back, directly or around a loop (type-only imports count too). A cycle is
// how `Linear` used to load `MLP`, `Sequential` and the whole activation catalog. core is left
// out: `Tensor`'s methods call the ops, whose files make tensors, by design.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);

/** Each non-test module of `dir` and the modules of `dir` it imports (`./x.js` → `x.ts`). */
function importGraph(dir: string): Map<string, string[]> {
  const files = readdirSync(new URL(dir, root), { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'),
  );
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(new URL(`${dir}/${file}`, root), 'utf8');
    const base = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
    const deps: string[] = [];
    for (const [, spec] of text.matchAll(/(?:import|export)[^;]*?from '(\.{1,2}\/[^']+)\.js'/g)) {
      const target = new URL(`${spec}.ts`, new URL(`${dir}/${base}`, root)).pathname;
      const relative = target.slice(new URL(`${dir}/`, root).pathname.length);
      if (files.includes(relative)) deps.push(relative);
    }
    graph.set(file, deps);
  }
  return graph;
}

/** The loops in `graph`: its strongly connected components of more than one module (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) ?? 0);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w !== undefined) component.push(w);
      } while (w !== v && w !== undefined);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('import cycles', () => {
  it('finds a loop where there is one (a check of the check)', () => {
    const loop = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(cycles(loop)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it.each(['packages/layers/src', 'packages/optim/src'])('%s has none', (dir) => {
    const graph = importGraph(dir);
    expect(graph.size).toBeGreaterThan(10);
    expect(cycles(graph), `modules of ${dir} that import each other around a loop`).toEqual([]);
  });
});
