// The benchmark runner behind `pnpm bench`: runs every library in its own child process
// (`tsx --conditions=@backprop/source benchmarks/src/<lib>.ts <workload> [--dtype=…]`), one at a time, for
// 3 rounds, collects the JSON results they print, and writes a Markdown report with medians and
// ratios. Libraries with both dtypes (backprop, plain JS) run each dtype of A, B and C in its own
// process, so V8 never sees the other dtype's typed arrays in the same kernels.
//
//   pnpm bench                      full run → docs/benchmarks.md (several minutes)
//   pnpm bench --quick              smoke run (1 round, short loops) → benchmarks/results/quick.md
//   pnpm bench --baseline=../other  also runs every backprop process from the checkout ../other,
//                                   right beside this one's, and adds a table of this ÷ baseline
//                                   → benchmarks/results/baseline.md (never docs/benchmarks.md)
//   options: --rounds=N  --libs=backprop,plain-js,jax-js  --workloads=A,C  --out=path.md
//            --render=benchmarks/results/full.json (rewrite a report from a saved run)
//
// plan.ts says which processes a round runs, child.ts runs one, collect.ts runs the rounds and
// files the results, render.ts writes the report.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCheckout } from './checkout.js';
import { collect } from './collect.js';
import { parseOptions, USAGE, UsageError } from './options.js';
import { LIBS, WORKLOADS } from './plan.js';
import { renderReport } from './render.js';
import { loadSavedRun } from './results.js';

const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(benchDir, '..');

async function main(argv: readonly string[]): Promise<void> {
  const opts = parseOptions(argv);
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  const cwd = process.cwd();
  const saved = opts.render ? loadSavedRun(resolve(cwd, opts.render)) : undefined;
  const quick = saved ? saved.meta.quick : opts.quick;
  const baseline = saved ? saved.baseline?.root : opts.baseline && resolve(cwd, opts.baseline);
  // a comparison with a baseline is for performance work, not the published report
  const kind = baseline ? 'baseline' : quick ? 'quick' : 'full';
  const defaultOut =
    kind === 'full'
      ? join(repoRoot, 'docs', 'benchmarks.md')
      : join(benchDir, 'results', `${kind}.md`);
  const outPath = resolve(cwd, opts.out ?? defaultOut);

  if (baseline && !saved) checkCheckout(baseline, `pnpm bench --baseline=${opts.baseline}`);
  const run =
    saved ??
    (await collect({
      quick,
      rounds: opts.rounds ?? (quick ? 1 : 3),
      libs: LIBS.filter((l) => !opts.libs || opts.libs.includes(l.name)),
      workloads: WORKLOADS.filter((w) => !opts.workloads || opts.workloads.includes(w)),
      root: repoRoot,
      baseline,
    }));

  const doc = renderReport(run, opts.render);
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, doc);
  if (saved) {
    process.stderr.write(`wrote ${relative(cwd, outPath)} (from ${opts.render})\n`);
  } else {
    const rawPath = join(benchDir, 'results', `${kind}.json`);
    mkdirSync(dirname(rawPath), { recursive: true });
    writeFileSync(rawPath, `${JSON.stringify(run, null, 2)}\n`);
    process.stderr.write(`\nwrote ${relative(cwd, outPath)} and ${relative(cwd, rawPath)}\n`);
  }
  console.log(doc);
  if (run.failures.length && !saved) process.exitCode = 1;
}

await main(process.argv.slice(2)).catch((e: unknown) => {
  if (!(e instanceof UsageError)) throw e;
  console.error(e.message);
  process.exitCode = 2;
});
