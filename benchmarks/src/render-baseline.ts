// The report's comparison of this checkout's backprop with a baseline checkout's
// (`pnpm bench --baseline=DIR`): medians side by side, their ratio, the ratio within each round.
import { cell } from './format.js';
import { type BaselineRun, med, type Row, ratiosByRound } from './results.js';

/** The section for `baseline` against this checkout's rows (only backprop's are compared). */
export function renderBaseline(
  baseline: BaselineRun,
  rows: readonly Row[],
  rounds: number,
): string[] {
  const key = (r: Row) => `${r.workload}|${r.variant}`;
  const theirs = new Map(baseline.rows.map((r) => [key(r), r]));
  const ours = rows.filter((r) => r.lib === 'backprop');
  const pairs: [Row | undefined, Row | undefined][] = ours.map((r) => [r, theirs.get(key(r))]);
  const known = new Set(ours.map(key));
  for (const r of baseline.rows) if (!known.has(key(r))) pairs.push([undefined, r]);

  const L = ['## backprop: this checkout ÷ baseline', ''];
  L.push(
    `Baseline: the checkout at ${baseline.root} (${baseline.commit}). In each of the ${rounds} round(s) every ` +
      'backprop process ran twice, once from each checkout (its own benchmarks/src/backprop.ts and packages, ' +
      "started by this checkout's tsx), with the same workload, data, seeds and flags, one right after the " +
      'other; which checkout went first alternates from process to process and from round to round. ' +
      '"this ÷ baseline" is the ratio of the medians over rounds, "per round" the ratio within each round. ' +
      'Above 1 means this checkout is faster, except for µs/op and MB (D, M, G), where below 1 is faster or ' +
      'smaller. "same losses": the first, last and last-epoch losses of the first round are identical in both.',
  );
  if (baseline.sourceVersions.length > 1) {
    L.push('');
    L.push(
      `**Warning: the baseline's packages/core/src changed during the run** (${baseline.sourceVersions.length} ` +
        'versions), so its rounds measured different code.',
    );
  }
  L.push('');
  L.push(
    '| workload | variant | unit | baseline | this checkout | this ÷ baseline | per round | rounds | same losses |',
  );
  L.push('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | :---: |');
  for (const [o, b] of pairs) {
    const r = (o ?? b) as Row;
    const within = o && b ? ratiosByRound(o, b) : [];
    const ratio = med(o) / med(b);
    L.push(
      `| ${r.workload} | ${r.variant} | ${r.rounds[0]?.metric ?? ''} | ${cell(b)} | ${cell(o)} | ` +
        `${Number.isFinite(ratio) ? ratio.toFixed(3) : '—'} | ${within.map((x) => x.toFixed(3)).join(' / ')} | ` +
        `${within.length} | ${sameLosses(o, b)} |`,
    );
  }
  L.push('');
  return L;
}

/** '✓' when both trained to the same losses, '✗' when not, '' when there are no losses to compare. */
function sameLosses(ours: Row | undefined, theirs: Row | undefined): string {
  const a = ours?.rounds[0];
  const b = theirs?.rounds[0];
  if (a?.lastLoss === undefined || b?.lastLoss === undefined) return '';
  const same =
    a.firstLoss === b.firstLoss && a.lastLoss === b.lastLoss && a.lastEpochLoss === b.lastEpochLoss;
  return same ? '✓' : '✗';
}
