// The measuring part of a run: every round's child processes one at a time, their results filed
// by row, progress on stderr. With a baseline checkout, each backprop process runs twice, once
// from each checkout, in alternating order.
import { coreSourceHash, gitInfo } from './checkout.js';
import { runChild } from './child.js';
import { load, machine, versions } from './environment.js';
import { fmtNum } from './format.js';
import { type Job, type Lib, planRound } from './plan.js';
import { addResults, type Rows, type SavedRun } from './results.js';

export interface CollectOptions {
  quick: boolean;
  rounds: number;
  libs: readonly Lib[];
  workloads: readonly string[];
  /** the checkout this runner is part of */
  root: string;
  /** `--baseline=`: another checkout whose backprop runs beside this one's */
  baseline?: string;
}

/** One checkout's measurements of backprop (or, for this checkout, of every library). */
interface Side {
  root: string;
  /** after the library's name in progress lines and failures */
  suffix: string;
  rows: Rows;
  /** core source hash → the backprop runs ("round N workload") that measured it */
  sourceVersions: Map<string, string[]>;
}

export async function collect(o: CollectOptions): Promise<SavedRun> {
  const loadAtStart = load();
  const started = new Date();
  const failures: string[] = [];
  const side = (root: string, suffix: string): Side => ({
    root,
    suffix,
    rows: new Map(),
    sourceVersions: new Map(),
  });
  const current = side(o.root, '');
  const baseline = o.baseline === undefined ? undefined : side(o.baseline, ' (baseline)');

  const runOne = async (job: Job, round: number, s: Side) => {
    const who = `${job.lib.name}${s.suffix}`;
    process.stderr.write(`[round ${round}/${o.rounds}] ${who} ${job.label} … `);
    if (job.lib.name === 'backprop') {
      const h = coreSourceHash(s.root);
      s.sourceVersions.set(h, [...(s.sourceVersions.get(h) ?? []), `round ${round} ${job.label}`]);
    }
    const out = await runChild(job, o.quick, s.root);
    const summary = out.results
      .map((r) => `${r.variant}: ${fmtNum(r.value)} ${r.metric}`)
      .concat(out.errors.map((e) => `FAILED: ${e}`))
      .join('; ');
    process.stderr.write(`${out.seconds.toFixed(1)} s — ${summary}\n`);
    for (const e of out.errors) failures.push(`${who} ${job.label} (round ${round}): ${e}`);
    addResults(s.rows, out.results, round);
  };

  for (let round = 1; round <= o.rounds; round++) {
    let pair = 0;
    for (const job of planRound(round, o.libs, o.workloads)) {
      if (!baseline || job.lib.name !== 'backprop') {
        await runOne(job, round, current);
        continue;
      }
      // which checkout goes first flips from one process to the next and from round to round,
      // so neither gets the warmer machine or the quieter moment every time
      const order = (round + pair++) % 2 ? [baseline, current] : [current, baseline];
      for (const s of order) await runOne(job, round, s);
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
      sourceVersions: [...current.sourceVersions],
    },
    rows: [...current.rows.values()],
    failures,
    ...(baseline && {
      baseline: {
        root: baseline.root,
        commit: await gitInfo(baseline.root),
        sourceVersions: [...baseline.sourceVersions],
        rows: [...baseline.rows.values()],
      },
    }),
  };
}
