// vmap against a loop over the batch, on random programs (the steps of compile.fuzz.test.ts,
// across every op family): vmap(f) must equal f applied to each sample and stacked, and
// vmap(grad(loss)) each sample's own gradient, for the input and the closed-over parameters,
// whichever axis holds the batch. The seed is fixed; FUZZ_RUNS raises the runs.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectAllClose } from '../test/helpers.js';
import { type Params, STEPS } from '../test/random-programs.js';
import { grad, randn, stack, type Tensor, vmap } from './index.js';

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
const runs = { seed: 21, numRuns: Number(env?.FUZZ_RUNS ?? 40) };
const timeout = 10_000 + 50 * runs.numRuns;

/** Sample i of a batch whose batch axis is `axis`. */
const sample = (xs: Tensor, i: number, axis: number) => xs.gather([i], axis).squeeze(axis);

describe('vmap against a loop over the batch, on random programs', () => {
  it(
    'gives the stacked values and the per-sample gradients, whichever axis holds the batch',
    () => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 0, max: STEPS.length - 1 }), { minLength: 1, maxLength: 6 }),
          fc.integer({ min: 0, max: 1000 }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 0, max: 2 }),
          (program, seed, size, axis) => {
            const run = (x: Tensor, p: Params) => {
              let h = x;
              for (const k of program) h = (STEPS[k] as (typeof STEPS)[number])[1](h, p);
              return h;
            };
            const loss = (x: Tensor, w: Tensor, m: Tensor) =>
              run(x, { w, m }).matmul(m).mul(w).sum();
            const w = randn([4], { seed });
            const m = randn([4, 4], { seed: seed + 1 }).mul(0.5);
            const shape = [3, 4];
            shape.splice(axis, 0, size);
            const xs = randn(shape, { seed: seed + 2 });
            const names = program.map((k) => (STEPS[k] as (typeof STEPS)[number])[0]).join(' → ');
            const samples = Array.from({ length: size }, (_, i) => sample(xs, i, axis));

            const values = vmap((x: Tensor) => run(x, { w, m }), { inAxes: axis })(xs);
            const loop = stack(samples.map((x) => run(x, { w, m })));
            expectAllClose(values, loop, { atol: 1e-12, rtol: 1e-12 });

            const perSample = vmap(grad(loss, { argnums: [0, 1, 2] }), {
              inAxes: [axis, null, null],
            })(xs, w, m);
            const each = samples.map((x) => grad(loss, { argnums: [0, 1, 2] })(x, w, m));
            perSample.forEach((g, j) => {
              const expected = stack(each.map((gs) => gs[j] as Tensor));
              try {
                expectAllClose(g, expected, { atol: 1e-12, rtol: 1e-12 });
              } catch (e) {
                throw new Error(`${names}: gradient ${j}: ${(e as Error).message}`);
              }
            });
          },
        ),
        runs,
      );
    },
    timeout,
  );
});
