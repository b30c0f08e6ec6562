// The measurements of a run as the report reads them: one row per library, workload and variant
// holding a result per round, and the file a run saves to be rendered again (`--render=`).
import { readFileSync } from 'node:fs';
import type { BenchResult } from './common.js';
import { median } from './common.js';

export interface Row {
  lib: string;
  workload: string;
  variant: string;
  /** one result per round that produced it */
  rounds: BenchResult[];
  /** the round number of each entry of `rounds` */
  roundNo: number[];
}

/** What a run saves next to its report (benchmarks/results/<mode>.json), enough to re-render it. */
export interface Meta {
  started: string;
  quick: boolean;
  rounds: number;
  loadAtStart: number;
  loadAtEnd: number;
  machine: string;
  cores: number;
  node: string;
  versions: Record<string, string>;
  /** core source hash → the backprop runs that measured it */
  sourceVersions: [string, string[]][];
}

/** backprop measured from another checkout (`--baseline=`), interleaved with this one's runs. */
export interface BaselineRun {
  /** the checkout's root, as an absolute path */
  root: string;
  /** its commit (and whether its packages/core/src had uncommitted changes) */
  commit: string;
  /** its core source hash → the runs that measured it */
  sourceVersions: [string, string[]][];
  rows: Row[];
}

export interface SavedRun {
  meta: Meta;
  rows: Row[];
  failures: string[];
  /** only in runs with `--baseline=` */
  baseline?: BaselineRun;
}

export function loadSavedRun(path: string): SavedRun {
  return JSON.parse(readFileSync(path, 'utf8')) as SavedRun;
}

/** Rows by library, workload and variant, in the order they were first measured. */
export type Rows = Map<string, Row>;

/** Files the results of one child process of round `round` under their rows. */
export function addResults(rows: Rows, results: readonly BenchResult[], round: number): void {
  for (const r of results) {
    const key = `${r.lib}|${r.workload}|${r.variant}`;
    const row = rows.get(key) ?? {
      lib: r.lib,
      workload: r.workload,
      variant: r.variant,
      rounds: [],
      roundNo: [],
    };
    row.rounds.push(r);
    row.roundNo.push(round);
    rows.set(key, row);
  }
}

/** The row's median over rounds (the "headline" number). */
export const med = (row: Row | undefined): number =>
  row ? median(row.rounds.map((r) => r.value)) : Number.NaN;

export const findRow = (
  rows: readonly Row[],
  lib: string,
  workload: string,
  variant?: string,
): Row | undefined =>
  rows.find(
    (r) =>
      r.lib === lib && r.workload === workload && (variant === undefined || r.variant === variant),
  );

export const higherIsBetter = (metric: string) => metric !== 'µs/op';

/**
 * `ours` ÷ `theirs` within each round that both measured, in round order (`theirs` ÷ `ours` with
 * `invert`): runs minutes apart in the same round saw the same load.
 */
export function ratiosByRound(ours: Row, theirs: Row, invert = false): number[] {
  return ours.roundNo.flatMap((round, i) => {
    const j = theirs.roundNo.indexOf(round);
    if (j < 0) return [];
    const a = (ours.rounds[i] as BenchResult).value;
    const b = (theirs.rounds[j] as BenchResult).value;
    return [invert ? b / a : a / b];
  });
}

/** How many times faster the row `ours` is than `theirs` (>1: ours faster), median over rounds. */
export function speedup(ours: Row | undefined, theirs: Row | undefined): number {
  if (!ours || !theirs) return Number.NaN;
  const up = higherIsBetter(ours.rounds[0]?.metric ?? '');
  const ratios = ratiosByRound(ours, theirs, !up);
  return ratios.length ? median(ratios) : Number.NaN;
}
