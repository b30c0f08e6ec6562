// Reference numbers from an independent implementation: every case of
// ../fixtures/torch-reference.json was computed by PyTorch in float64 (inputs, output, the
// gradient of sum(output · cotangent) for every input, and for scalar cases a Hessian–vector
// product). Here the same expressions are written with backprop's API and must agree to 1e-10.
// The JSON is committed; the test needs no Python. To add a case or regenerate the numbers:
//   /usr/bin/python3 packages/core/fixtures/torch_reference.py
// then add the case here under the same name (the test fails while the two lists differ).

import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/torch-reference.json' with { type: 'json' };
import { opsMissingFrom } from '../test/public-ops.js';
import { cases, type Expr } from '../test/torch-cases.js';
import { hvp, type Tensor, tensor } from './index.js';

interface Encoded {
  shape: number[];
  values: number[];
}

interface FixtureCase {
  name: string;
  inputs: (Encoded & { name: string; requiresGrad: boolean })[];
  output: Encoded;
  cotangent: Encoded;
  grads: Record<string, Encoded>;
  hvp?: { wrt: number; v: Encoded; value: Encoded };
}

const TOLERANCE = 1e-10;

/** Public ops checked elsewhere instead, and why a PyTorch case would add nothing. */
const NO_TORCH_CASE: Record<string, string> = {
  astype:
    'the fixture is float64 only; conversions are checked against Math.fround in unary.test.ts',
  sign: 'its derivative is 0 wherever it exists, and its values are exact (unary.test.ts)',
  ...Object.fromEntries(
    ['gt', 'ge', 'lt', 'le', 'eq', 'ne'].map((op) => [
      op,
      'a comparison: exact 0/1 values (binary.test.ts) and no gradient; gt feeds where_broadcast',
    ]),
  ),
};

function decode(e: Encoded, requiresGrad = false): Tensor {
  return tensor(Float64Array.from(e.values), { shape: e.shape, requiresGrad });
}

/**
 * The largest |actual − expected| / max(1, |expected|): absolute for values up to 1, relative
 * above. A shape mismatch or a non-finite value counts as an infinite error.
 */
function maxError(actual: Tensor | null | undefined, expected: Encoded): number {
  if (!actual) return Number.POSITIVE_INFINITY;
  if (actual.shape.length !== expected.shape.length) return Number.POSITIVE_INFINITY;
  if (actual.shape.some((d, i) => d !== expected.shape[i])) return Number.POSITIVE_INFINITY;
  let worst = 0;
  expected.values.forEach((y, i) => {
    const x = actual.data[i] as number;
    const err = Math.abs(x - y) / Math.max(1, Math.abs(y));
    worst = Math.max(worst, Number.isNaN(err) ? Number.POSITIVE_INFINITY : err);
  });
  return worst;
}

function describeMismatch(
  actual: Tensor | null | undefined,
  expected: Encoded,
  what: string,
): string {
  if (!actual) return `${what}: no result (expected shape [${expected.shape}])`;
  if (actual.shape.join() !== expected.shape.join()) {
    return `${what}: shape [${actual.shape}], expected [${expected.shape}]`;
  }
  let at = 0;
  let worst = -1;
  expected.values.forEach((y, i) => {
    const x = actual.data[i] as number;
    const err = Math.abs(x - y) / Math.max(1, Math.abs(y));
    const e = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err;
    if (e > worst) [worst, at] = [e, i];
  });
  return (
    `${what}: error ${worst.toExponential(3)} at flat index ${at}: got ${actual.data[at]}, ` +
    `expected ${expected.values[at]}\n  got      [${Array.from(actual.data).join(', ')}]\n` +
    `  expected [${expected.values.join(', ')}]`
  );
}

interface Part {
  what: string;
  error: number;
  detail: string;
}

/** The output, and the gradients via backward(cotangent) accumulated into the leaves' .grad. */
function runGrads(c: FixtureCase, expr: Expr): Part[] {
  const leaves = c.inputs.map((x) => decode(x, x.requiresGrad));
  const y = expr(...leaves);
  y.backward(decode(c.cotangent));
  const parts: Part[] = [
    {
      what: 'output',
      error: maxError(y, c.output),
      detail: describeMismatch(y, c.output, 'output'),
    },
  ];
  c.inputs.forEach((x, i) => {
    if (!x.requiresGrad) return;
    const expected = c.grads[x.name];
    if (!expected) throw new Error(`${c.name}: the fixture has no gradient for input ${x.name}`);
    const got = leaves[i]?.grad;
    const what = `∂/∂${x.name}`;
    parts.push({
      what,
      error: maxError(got, expected),
      detail: describeMismatch(got, expected, what),
    });
  });
  return parts;
}

/** The Hessian–vector product of a scalar case with respect to input `wrt`, the others held fixed. */
function runHvp(c: FixtureCase, expr: Expr): Part {
  const { wrt, v, value } = c.hvp as NonNullable<FixtureCase['hvp']>;
  const fixed = c.inputs.map((x) => decode(x));
  const f = (x: Tensor) => expr(...fixed.map((t, i) => (i === wrt ? x : t)));
  const hv = hvp(f, fixed[wrt] as Tensor, decode(v));
  const what = `H·v wrt ${c.inputs[wrt]?.name}`;
  return { what, error: maxError(hv, value), detail: describeMismatch(hv, value, what) };
}

type Outcome<T> = { ok: T } | { failure: unknown };

function attempt<T>(f: () => T): Outcome<T> {
  try {
    return { ok: f() };
  } catch (failure) {
    return { failure };
  }
}

// the JSON is written by fixtures/torch_reference.py; its inferred type is too literal to use
const data = fixture as unknown as {
  torch: string;
  cases: FixtureCase[];
};

describe(`PyTorch ${data.torch} reference values (float64)`, () => {
  const jsonNames = data.cases.map((c) => c.name);
  const jsNames = Object.keys(cases);

  it('every case in the fixture has a backprop counterpart, and the other way round', () => {
    expect(
      jsonNames.filter((n) => !(n in cases)),
      'cases in torch-reference.json missing from the cases table',
    ).toEqual([]);
    expect(
      jsNames.filter((n) => !jsonNames.includes(n)),
      'cases in the cases table missing from torch-reference.json (regenerate it?)',
    ).toEqual([]);
    expect(new Set(jsonNames).size, 'duplicate case names in the fixture').toBe(jsonNames.length);
  });

  it('has a case for every public op (named in a case name, e.g. sum_to for sumTo)', () => {
    expect(
      opsMissingFrom(jsonNames, NO_TORCH_CASE),
      'public ops without a PyTorch case: add one at the end of fixtures/torch_reference.py and to the ' +
        'cases table here, then regenerate the JSON (or list the op in NO_TORCH_CASE, saying why)',
    ).toEqual([]);
  });

  // Run everything at collection time so the summary's name can carry the overall error.
  const results = data.cases.map((c) => {
    const expr = cases[c.name];
    const missing = { failure: new Error(`no backprop expression for ${c.name}`) };
    return {
      c,
      grads: expr ? attempt(() => runGrads(c, expr)) : missing,
      hvp: c.hvp ? (expr ? attempt(() => runHvp(c, expr)) : missing) : undefined,
    };
  });

  let worst = { error: 0, where: '(none)' };
  const consider = (name: string, outcome: Outcome<Part[]>) => {
    if ('failure' in outcome) {
      worst = { error: Number.POSITIVE_INFINITY, where: `${name} threw` };
      return;
    }
    for (const p of outcome.ok) {
      if (!(p.error <= worst.error)) worst = { error: p.error, where: `${name}, ${p.what}` };
    }
  };
  for (const r of results) {
    consider(r.c.name, r.grads);
    if (r.hvp) consider(r.c.name, 'ok' in r.hvp ? { ok: [r.hvp.ok] } : r.hvp);
  }

  const check = (name: string, outcome: Outcome<Part[]>) => {
    if ('failure' in outcome) throw outcome.failure;
    const bad = outcome.ok.filter((p) => !(p.error <= TOLERANCE));
    if (bad.length > 0) expect.fail(`${name}\n${bad.map((p) => p.detail).join('\n')}`);
  };
  for (const r of results) {
    it(`${r.c.name}: output and gradients`, () => check(r.c.name, r.grads));
    const h = r.hvp;
    if (h) {
      it(`${r.c.name}: Hessian–vector product`, () =>
        check(r.c.name, 'ok' in h ? { ok: [h.ok] } : h));
    }
  }

  const summary = `max error over ${results.length} cases: ${worst.error.toExponential(2)} (${worst.where}), tolerance ${TOLERANCE}`;
  it(summary, () => {
    // core's tsconfig has no DOM or Node types, so reach console through globalThis
    (globalThis as { console?: { log: (s: string) => void } }).console?.log(
      `torch reference: ${summary}`,
    );
    expect(worst.error).toBeLessThanOrEqual(TOLERANCE);
  });
});
