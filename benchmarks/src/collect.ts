// The measuring part of a run: every round's child processes one at a time, their results filed
// by row, progress on stderr.
import { coreSourceHash } from './checkout.js';
import { runChild } from './child.js';
import { load, machine, versions } from './environment.js';
import { fmtNum } from './format.js';
import { type Lib, planRound } from './plan.js';
import { addResults, type Rows, type SavedRun } from './results.js';

export interface CollectOptions {
  quick: boolean;
  rounds: number;
  libs: readonly Lib[];
  workloads: readonly string[];
  /** the checkout this runner is part of */
  root: string;
}

export async function collect(o: CollectOptions): Promise<SavedRun> {
  const loadAtStart = load();
  const started = new Date();
  const failures: string[] = [];
  const rows: Rows = new Map();
  /** core source hash → the backprop runs ("round N workload") that measured it */
  const sourceVersions = new Map<string, string[]>();

  for (let round = 1; round <= o.rounds; round++) {
    for (const job of planRound(round, o.libs, o.workloads)) {
      process.stderr.write(`[round ${round}/${o.rounds}] ${job.lib.name} ${job.label} … `);
      if (job.lib.name === 'backprop') {
        const h = coreSourceHash(o.root);
        sourceVersions.set(h, [...(sourceVersions.get(h) ?? []), `round ${round} ${job.label}`]);
      }
      const out = await runChild(job, o.quick, o.root);
      const summary = out.results
        .map((r) => `${r.variant}: ${fmtNum(r.value)} ${r.metric}`)
        .concat(out.errors.map((e) => `FAILED: ${e}`))
        .join('; ');
      process.stderr.write(`${out.seconds.toFixed(1)} s — ${summary}\n`);
      for (const e of out.errors)
        failures.push(`${job.lib.name} ${job.label} (round ${round}): ${e}`);
      addResults(rows, out.results, round);
    }
  }

  return {
    meta: {
      started: started.toISOString(),
      quick: o.quick,
      rounds: o.rounds,
      loadAtStart,
      loadAtEnd: load(),
      ...machine(),
      node: process.version,
      versions: await versions(o.root),
      sourceVersions: [...sourceVersions],
    },
    rows: [...rows.values()],
    failures,
  };
}
