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
import { concat, hvp, linear, stack, type Tensor, tensor, where } from './index.js';

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

type Expr = (...xs: Tensor[]) => Tensor;

/** The PyTorch expressions of torch_reference.py, in backprop. Inputs in the fixture's order. */
const cases: Record<string, Expr> = {
  // elementwise binary ops with broadcasting across different ranks
  add_broadcast: (a, b) => a.add(b),
  sub_broadcast: (a, b) => a.sub(b),
  mul_broadcast_scalar: (a, b, c) => a.mul(b).mul(c),
  div_broadcast: (a, b) => a.div(b),
  pow_tensor_exponent: (a, b) => a.pow(b),
  pow_number_exponent: (a, b) => a.pow(3).add(b.pow(-1.5)).add(b.pow(0.5)),
  maximum_minimum: (a, b, c) => a.maximum(b).mul(2).add(a.minimum(c)),
  where_broadcast: (a, b) => where(a.gt(0), a.mul(b), b.exp()),

  // every unary op
  unary_neg: (x) => x.neg(),
  unary_exp: (x) => x.exp(),
  unary_log: (x) => x.log(),
  unary_log1p: (x) => x.log1p(),
  unary_sqrt: (x) => x.sqrt(),
  unary_erf: (x) => x.erf(),
  unary_abs: (x) => x.abs(),
  unary_sin: (x) => x.sin(),
  unary_cos: (x) => x.cos(),
  unary_tanh: (x) => x.tanh(),
  unary_sigmoid: (x) => x.sigmoid(),
  unary_relu: (x) => x.relu(),
  unary_square: (x) => x.square(),
  unary_reciprocal: (x) => x.reciprocal(),
  unary_clamp: (x) => x.clamp(-0.5, 0.7),
  unary_1d_chain: (x) => x.log1p().sqrt().mul(x.sin()),

  // reductions
  sum_axes: (x) => x.sum([0, 2]),
  sum_keepdim: (x) => x.sum(1, true).mul(x),
  mean_axis_and_all: (x) => x.mean(-1, true).sub(x.mean()),
  max_axis: (x) => x.max(1),
  min_axes_keepdim: (x) => x.min([0, 2], true),
  max_all: (x) => x.max(),
  logsumexp_axis: (x) => x.logsumexp(1),
  logsumexp_large_keepdim: (x) => x.logsumexp(-1, true).mul(x),

  // softmax / logSoftmax
  softmax_last: (x) => x.softmax(-1),
  softmax_axis0_3d: (x) => x.softmax(0),
  softmax_1d: (x) => x.softmax(0),
  log_softmax_axis1_3d: (x) => x.logSoftmax(1),
  softmax_large: (x) => x.softmax(-1),
  log_softmax_large_axis0: (x) => x.logSoftmax(0),

  // shape ops
  transpose_reshape: (x, w) => x.transpose([2, 0, 1]).reshape(4, 6).mul(w).add(x.reshape(6, 4).T),
  slice: (x) => x.slice([1, null, -2], [3, null, null]),
  concat_stack: (a, b, c) => stack([concat([a, b], 1), c.sin()], -1),
  gather_index_select: (x) => x.gather([2, 0, 2, 1], 0).mul(x.gather([1, 1, 0], 1).sum()),
  squeeze_unsqueeze_broadcast_to_pad: (x, w) =>
    x
      .squeeze(1)
      .unsqueeze(0)
      .broadcastTo([2, 3, 2])
      .mul(w)
      .pad([
        [0, 0],
        [0, 2],
        [1, 0],
      ]),

  // matmul
  matmul_2d: (a, b) => a.matmul(b),
  matmul_vec_mat: (v, b) => v.matmul(b),
  matmul_mat_vec: (a, v) => a.matmul(v),
  matmul_dot: (u, v) => u.matmul(v),
  matmul_batched_broadcast: (a, b) => a.matmul(b),

  // scalar functions with a Hessian–vector product
  hvp_exp: (x, w) => x.mul(0.7).exp().mul(w).sum(),
  hvp_sigmoid: (x, w) => x.sigmoid().mul(w).sum(),
  hvp_tanh: (x, a) => a.matmul(x).tanh().square().sum(),
  hvp_softmax: (x, w) => x.softmax(-1).mul(w).sum(),
  hvp_log_softmax: (x, t) => x.logSoftmax(1).mul(t).sum().neg(),
  hvp_logsumexp: (x) => x.logsumexp(0).square().sum(),
  hvp_matmul_chain: (w1, x, w2) => x.matmul(w1).sigmoid().matmul(w2).square().mean(),
  hvp_pow_div_log: (x, y) => x.pow(y).div(x.log1p()).add(x.sqrt().mul(y)).sum(),
  hvp_erf: (x) => x.erf().square().sum(),
  linear_bias: (x, w, b) => linear(x, w, b),
  linear_3d_no_bias: (x, w) => linear(x, w),
  scatter_add_index_add: (x) => x.scatterAdd([1, 0, 1, 1], 2, 0),
  sum_to_broadcast_axes: (x) => x.sumTo([1, 3]),

  // a small MLP: x·W1 + b1 → tanh → ·W2 + b2 → logSoftmax → mean negative log-likelihood
  mlp_nll: (w1, x, b1, w2, b2, t) => {
    const h = x.matmul(w1).add(b1).tanh();
    const logp = h.matmul(w2).add(b2).logSoftmax(-1);
    return logp
      .mul(t)
      .sum()
      .neg()
      .div(x.shape[0] as number);
  },

  // the lecture's network (bpnn-lecture p. 5, eqs. 1–4; error from p. 10)
  lecture_bpnn: (w0, x, w1, y) => {
    const xt = concat([tensor([1]), x]); // x₀ = 1
    const z = xt.matmul(w0).sigmoid(); // eqs. 1 and 3
    const zt = concat([tensor([1]), z]); // z₀ = 1
    const yE = zt.matmul(w1); // eq. 4
    return yE.sub(y).square().mul(0.5); // E = ½(y_E − y)²
  },
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
