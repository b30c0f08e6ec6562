// Reference numbers for forward mode and vmap from an independent implementation: PyTorch's
// functorch in float64 (../fixtures/torch-transforms.json, written by
// ../fixtures/torch_transforms.py) on every case of the PyTorch reference (../fixtures/
// torch-reference.json: the same expressions, from ../test/torch-cases.ts, and the same inputs).
// Per case: jvp with the fixture's tangents, jacfwd with respect to input 0, vmap over a batch of
// input 0 (axis 0) and input 1 (last axis), and for scalar cases vmap(grad). The JSON is
// committed; to regenerate it: /usr/bin/python3 packages/core/fixtures/torch_transforms.py
import { describe, expect, it } from 'vitest';
import reference from '../fixtures/torch-reference.json' with { type: 'json' };
import transforms from '../fixtures/torch-transforms.json' with { type: 'json' };
import { cases } from '../test/torch-cases.js';
import { grad, jacfwd, jvp, type Tensor, tensor, vmap } from './index.js';

interface Encoded {
  shape: number[];
  values: number[];
}

interface TransformCase {
  name: string;
  tangents: Encoded[];
  jvp: Encoded;
  jacfwd: Encoded;
  vmap: { inAxes: (number | null)[]; inputs: (Encoded | null)[]; output: Encoded };
  vmap_grad?: { wrt: number; value: Encoded };
}

const TOLERANCE = 1e-10;

// the JSONs' inferred types are too literal to use
const inputsOf = new Map(
  (reference as unknown as { cases: { name: string; inputs: Encoded[] }[] }).cases.map((c) => [
    c.name,
    c.inputs,
  ]),
);
const data = transforms as unknown as { torch: string; batch: number; cases: TransformCase[] };

const decode = (e: Encoded): Tensor => tensor(Float64Array.from(e.values), { shape: e.shape });

/** The largest |actual − expected| / max(1, |expected|); a shape mismatch or NaN is infinite. */
function maxError(actual: Tensor, expected: Encoded): number {
  if (actual.shape.join() !== expected.shape.join()) return Number.POSITIVE_INFINITY;
  let worst = 0;
  expected.values.forEach((y, i) => {
    const err = Math.abs((actual.data[i] as number) - y) / Math.max(1, Math.abs(y));
    worst = Math.max(worst, Number.isNaN(err) ? Number.POSITIVE_INFINITY : err);
  });
  return worst;
}

/** Each transform of one case: its name and what backprop computes for it. */
function parts(c: TransformCase): [string, () => Tensor, Encoded][] {
  const f = cases[c.name];
  const inputs = inputsOf.get(c.name);
  if (f === undefined || inputs === undefined) throw new Error(`${c.name}: no case to run`);
  const xs = inputs.map(decode);
  const list: [string, () => Tensor, Encoded][] = [
    ['jvp', () => jvp(f, xs, c.tangents.map(decode))[1], c.jvp],
    [
      'jacfwd wrt input 0',
      () => jacfwd((x0: Tensor) => f(x0, ...xs.slice(1)))(xs[0] as Tensor),
      c.jacfwd,
    ],
  ];
  const { inAxes, inputs: batches, output } = c.vmap;
  const args = xs.map((x, i) => {
    const b = batches[i];
    return b ? decode(b) : x;
  });
  list.push(['vmap', () => vmap(f, { inAxes })(...args) as Tensor, output]);
  const g = c.vmap_grad;
  if (g !== undefined) {
    list.push([
      `vmap(grad) wrt input ${g.wrt}`,
      () => vmap(grad(f, { argnums: g.wrt }), { inAxes })(...args) as Tensor,
      g.value,
    ]);
  }
  return list;
}

const results = data.cases.map((c) => ({
  name: c.name,
  parts: parts(c).map(([what, run, expected]) => {
    try {
      const got = run();
      return { what, error: maxError(got, expected), got, expected };
    } catch (failure) {
      return { what, error: Number.POSITIVE_INFINITY, failure };
    }
  }),
}));

describe(`functorch (PyTorch ${data.torch}) reference values for jvp, jacfwd, vmap and vmap(grad) (float64)`, () => {
  it('covers every case of the PyTorch reference', () => {
    expect(data.cases.map((c) => c.name)).toEqual([...inputsOf.keys()]);
  });

  for (const r of results) {
    for (const p of r.parts) {
      it(`${r.name}: ${p.what}`, () => {
        if ('failure' in p) throw p.failure;
        expect(p.error, `got ${p.got?.toString()}`).toBeLessThanOrEqual(TOLERANCE);
      });
    }
  }

  // the worst error of each transform, and of all
  const worst = new Map<string, { error: number; where: string }>();
  for (const r of results) {
    for (const p of r.parts) {
      for (const key of [p.what.split(' ')[0] as string, 'all']) {
        const w = worst.get(key);
        if (w === undefined || !(p.error <= w.error))
          worst.set(key, { error: p.error, where: `${r.name}, ${p.what}` });
      }
    }
  }
  const all = worst.get('all') ?? { error: 0, where: '(none)' };
  const each = [...worst]
    .filter(([k]) => k !== 'all')
    .map(([k, w]) => `${k} ${w.error.toExponential(2)}`)
    .join(', ');
  const summary = `max error over ${results.length} cases: ${all.error.toExponential(2)} (${all.where}; ${each}), tolerance ${TOLERANCE}`;
  it(summary, () => {
    (globalThis as { console?: { log: (s: string) => void } }).console?.log(
      `functorch reference: ${summary}`,
    );
    expect(all.error).toBeLessThanOrEqual(TOLERANCE);
  });
});
