// compile against eager on random programs (issue 18): a chain of ops drawn from every family,
// with closed-over parameters and a loss whose backward() fills their .grad, run on several
// calls with new arguments, eagerly and compiled. Every call must give the eager bits: values,
// the parameters' gradients and the argument's own. The seed is fixed; FUZZ_RUNS raises the runs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, linear, randn, type Tensor, where } from './index.js';

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
const runs = { seed: 18, numRuns: Number(env?.FUZZ_RUNS ?? 60) };
const timeout = 10_000 + 20 * runs.numRuns;

/** The closed-over parameters: a row, a square matrix and gather's indices. */
interface Params {
  w: Tensor;
  m: Tensor;
}

/** Steps that keep the shape [3, 4], one or more ops each, across every op family. */
const STEPS: [string, (h: Tensor, p: Params) => Tensor][] = [
  ['tanh', (h) => h.tanh()],
  ['sigmoid', (h) => h.sigmoid()],
  ['relu', (h) => h.relu()],
  ['exp, log1p', (h) => h.clamp(-3, 3).exp().log1p()],
  ['erf', (h) => h.erf()],
  ['square, sqrt', (h) => h.square().add(1).sqrt()],
  ['mul w', (h, p) => h.mul(p.w)],
  ['add w', (h, p) => h.add(p.w)],
  ['div', (h, p) => h.div(p.w.abs().add(1))],
  ['pow', (h) => h.abs().add(0.5).pow(1.5)],
  ['maximum, minimum', (h, p) => h.maximum(p.w).minimum(2)],
  ['where', (h) => where(h.gt(0), h, h.mul(0.1))],
  ['matmul', (h, p) => h.matmul(p.m)],
  ['linear', (h, p) => linear(h, p.m, p.w)],
  ['softmax', (h) => h.softmax(1)],
  ['logSoftmax', (h) => h.logSoftmax(0)],
  ['logsumexp', (h) => h.sub(h.logsumexp(1, true))],
  ['sum, mean', (h) => h.sub(h.mean(0, true)).add(h.sum(1, true).mul(0.1))],
  ['max, min', (h) => h.sub(h.max(1, true)).add(h.min(0, true))],
  ['transpose', (h) => h.transpose().reshape([3, 4])],
  ['gather, scatterAdd', (h) => h.gather([2, 0, 1, 1], 1).scatterAdd([3, 1, 0, 2], 4, 1)],
  [
    'slice, pad',
    (h) =>
      h.slice([1, 0], [3, 4]).pad([
        [1, 0],
        [0, 0],
      ]),
  ],
  ['concat, slice', (h) => h.concat([h.mul(2)], 0).slice([1], [4])],
  ['broadcastTo, sumTo', (h) => h.sum(0, true).broadcastTo([3, 4]).add(h)],
];

function freshParams(seed: number): Params {
  return {
    w: randn([4], { seed, requiresGrad: true }),
    m: randn([4, 4], { seed: seed + 1, requiresGrad: true })
      .mul(0.5)
      .detach(),
  };
}

/** One call's observable result: the loss, and the gradients the call left in the parameters. */
function observe(loss: Tensor, p: Params): number[][] {
  return [loss, p.w.grad, p.m.grad].map((t) => (t ? Array.from(t.data) : []));
}

describe('compile against eager on random programs', () => {
  it(
    'gives the eager bits on every call: values, parameter and argument gradients',
    () => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 0, max: STEPS.length - 1 }), { minLength: 1, maxLength: 6 }),
          fc.integer({ min: 0, max: 1000 }),
          fc.boolean(),
          (program, seed, argumentRequiresGrad) => {
            const run = (compiled: boolean): number[][][] => {
              const p = freshParams(seed);
              p.m.requiresGrad = true;
              const step = (x: Tensor) => {
                let h = x;
                for (const k of program) h = (STEPS[k] as (typeof STEPS)[number])[1](h, p);
                const loss = h.matmul(p.m).mul(p.w).sum(); // a readout: the loss always needs both
                loss.backward();
                return loss;
              };
              const f = compiled ? compile(step) : step;
              const results: number[][][] = [];
              const xs: Tensor[] = [];
              for (let call = 0; call < 3; call++) {
                const x = randn([3, 4], {
                  seed: seed + 10 + call,
                  requiresGrad: argumentRequiresGrad,
                });
                xs.push(x);
                const loss = f(x) as Tensor;
                results.push(observe(loss, p));
                p.w.grad = null;
                p.m.grad = null;
              }
              // each argument's own gradient, read after all the calls: a later call must not change it
              results.push(xs.map((x) => (x.grad ? Array.from(x.grad.data) : [])));
              return results;
            };
            const eager = run(false);
            const compiled = run(true);
            const names = program.map((k) => (STEPS[k] as (typeof STEPS)[number])[0]).join(' → ');
            expect(compiled, names).toEqual(eager);
          },
        ),
        runs,
      );
    },
    timeout,
  );
});
