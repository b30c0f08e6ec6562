// compile against eager on random programs (issue 18): a chain of ops drawn from every family,
// with closed-over parameters and a loss whose backward() fills their .grad, run on several
// calls with new arguments, eagerly and compiled. Every call must give the eager bits: values,
// the parameters' gradients and the argument's own. The seed is fixed; FUZZ_RUNS raises the runs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Params, STEPS } from '../test/random-programs.js';
import { compile, randn, type Tensor } from './index.js';

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
const runs = { seed: 18, numRuns: Number(env?.FUZZ_RUNS ?? 60) };
const timeout = 10_000 + 20 * runs.numRuns;

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
