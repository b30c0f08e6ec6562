// How numbers look in the report and the progress lines: three significant digits or so, ratios
// with a ×, a dash for what was not measured.
import { median } from './common.js';
import { med, type Row } from './results.js';

export const fmtNum = (v: number): string => {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(2);
};

export const fmtRatio = (x: number) =>
  Number.isFinite(x) ? `${x.toFixed(x >= 10 ? 1 : 2)}×` : '—';

/** A row's median over rounds, or a dash when the row was not measured. */
export const cell = (row: Row | undefined) => (row ? fmtNum(med(row)) : '—');

/** Every round's number, "a / b / c". */
export const perRound = (row: Row) => row.rounds.map((r) => fmtNum(r.value)).join(' / ');

/** The median RME over rounds, "±x.y%", or nothing for a method without one. */
export const rmeCell = (row: Row) => {
  const rmes = row.rounds.map((r) => r.rme).filter((x): x is number => x !== undefined);
  return rmes.length ? `±${median(rmes).toFixed(1)}%` : '';
};
