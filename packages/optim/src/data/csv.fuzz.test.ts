// Property-based tests of parseCsv (issue 18): CSV text generated together with the table it holds,
// written in every delimiter, quoting style and line ending, must read back as that table; and
// corrupted text must fail with a CsvError at the line and column where the corruption sits.
// The seed is fixed; FUZZ_RUNS (an environment variable) raises the number of runs before a release.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caught } from '../../test/csv-helpers.js';
import { type CsvOptions, parseCsv } from './csv.js';

// In every browser and in Node; declared here since this package is checked without DOM or Node types.
declare const TextEncoder: new () => { encode(text: string): Uint8Array };
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
const runs = { seed: 18, numRuns: Number(env?.FUZZ_RUNS ?? 150) };
/** Vitest's time limit per property: generous, since FUZZ_RUNS may be 100,000. */
const timeout = 10_000 + 5 * runs.numRuns;

const DELIMITERS = [',', ';', '\t', ' ', '|'] as const;
const EOLS = ['\n', '\r\n', '\r'] as const;

/** A table: column names (the last is the target), numeric feature rows, and the target cells. */
interface Table {
  names: string[];
  features: number[][];
  target: { kind: 'number'; values: number[] } | { kind: 'class'; labels: string[] };
  dtype: 'float32' | 'float64';
}

/** Text with the characters CSV treats specially, and any other grapheme. */
const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom(',', ';', '\t', ' ', '|', '"', '\r', '\n', '\uFEFF', '\u00a0', 'é', '😀'),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  ),
  minLength: 1,
  maxLength: 6,
});

const table: fc.Arbitrary<Table> = fc
  .record({
    f: fc.integer({ min: 1, max: 4 }),
    n: fc.integer({ min: 1, max: 6 }),
    dtype: fc.constantFrom('float32' as const, 'float64' as const),
    classes: fc.boolean(),
  })
  .chain(({ f, n, dtype, classes }) => {
    const number =
      dtype === 'float32'
        ? fc.float({ noNaN: true, noDefaultInfinity: true })
        : fc.double({ noNaN: true, noDefaultInfinity: true });
    return fc.record({
      names: fc.uniqueArray(text, { minLength: f + 1, maxLength: f + 1 }),
      features: fc.array(fc.array(number, { minLength: f, maxLength: f }), {
        minLength: n,
        maxLength: n,
      }),
      target: classes
        ? fc
            .array(fc.oneof(text, fc.constantFrom('a', 'b')), { minLength: n, maxLength: n })
            .map((labels) => ({ kind: 'class' as const, labels }))
        : fc
            .array(number, { minLength: n, maxLength: n })
            .map((values) => ({ kind: 'number' as const, values })),
      dtype: fc.constant(dtype),
    });
  });

/** How the table is written. */
interface Style {
  delimiter: (typeof DELIMITERS)[number];
  eol: (typeof EOLS)[number];
  quoting: 'minimal' | 'all';
  /** Spaces around unquoted fields and after closing quotes (not with a space delimiter). */
  padded: boolean;
  finalEol: boolean;
  bom: boolean;
}

const style: fc.Arbitrary<Style> = fc.record({
  delimiter: fc.constantFrom(...DELIMITERS),
  eol: fc.constantFrom(...EOLS),
  quoting: fc.constantFrom('minimal' as const, 'all' as const),
  padded: fc.boolean(),
  finalEol: fc.boolean(),
  bom: fc.boolean(),
});

/** One field as written: quoted when the style asks or its content needs it (RFC 4180). */
function field(value: string, s: Style): string {
  const needs =
    value.includes(s.delimiter) || /["\r\n]/.test(value) || value !== value.trim() || value === '';
  const pad = s.padded && s.delimiter !== ' ' ? ' ' : '';
  if (s.quoting === 'all' || needs) return `"${value.replaceAll('"', '""')}"${pad}`;
  return `${pad}${value}${pad}`;
}

/** A number as text that reads back to it exactly (String(-0) is '0'). */
const write = (v: number) => (Object.is(v, -0) ? '-0' : String(v));

/** The cells of each record (header first), as strings. */
function cells(t: Table): string[][] {
  const targets = t.target.kind === 'number' ? t.target.values.map(write) : t.target.labels;
  return [t.names, ...t.features.map((row, i) => [...row.map(write), targets[i] as string])];
}

/** The records as written, without line ends. */
function records(rows: string[][], s: Style): string[] {
  return rows.map((r) => r.map((v) => field(v, s)).join(s.delimiter));
}

function join(recs: string[], s: Style): string {
  return `${s.bom ? '\uFEFF' : ''}${recs.join(s.eol)}${s.finalEol ? s.eol : ''}`;
}

/** The 1-based line on which record k starts: counted by a regex, independently of the parser. */
function lineOf(recs: string[], k: number, s: Style): number {
  const before = recs.slice(0, k).join(s.eol) + (k > 0 ? s.eol : '');
  return (before.match(/\r\n|\r|\n/g)?.length ?? 0) + 1;
}

function options(t: Table, s: Style): CsvOptions {
  return { delimiter: s.delimiter, dtype: t.dtype, targetType: t.target.kind };
}

describe('parseCsv, fuzzed (issue 18)', () => {
  it(
    'reads back the table it was written from, in every delimiter, quoting and line end',
    () => {
      fc.assert(
        fc.property(table, style, fc.boolean(), (t, s, asBytes) => {
          const csv = join(records(cells(t), s), s);
          const d = parseCsv(asBytes ? new TextEncoder().encode(csv) : csv, options(t, s));
          expect(d.featureNames).toEqual(t.names.slice(0, -1));
          expect(d.targetName).toBe(t.names.at(-1));
          expect(d.x.dtype).toBe(t.dtype);
          expect(d.x.shape).toEqual([t.features.length, t.names.length - 1]);
          expect(Array.from(d.x.data)).toEqual(t.features.flat());
          if (t.target.kind === 'number') {
            expect(Array.from(d.y.data)).toEqual(t.target.values);
            expect(d.classes).toBeNull();
          } else {
            const classes = [...new Set(t.target.labels)];
            expect(d.classes).toEqual(classes);
            expect(Array.from(d.y.data)).toEqual(t.target.labels.map((l) => classes.indexOf(l)));
          }
        }),
        runs,
      );
    },
    timeout,
  );

  it(
    'locates a corruption by line and column',
    () => {
      const corruption = fc.constantFrom(
        'not a number',
        'ragged',
        'unclosed quote',
        'after the quote',
        'float32 overflow',
      );
      fc.assert(
        fc.property(table, style, corruption, fc.nat(), fc.nat(), (t, s, kind, r0, c0) => {
          // A float64 table may hold other cells beyond float32's range, which would fail first.
          fc.pre(kind !== 'float32 overflow' || t.dtype === 'float32');
          const rows = cells(t);
          const k = 1 + (r0 % t.features.length); // a data record
          const c = c0 % (t.names.length - 1); // a feature column
          const row = rows[k] as string[];
          let column: string | null = null;
          let what: string;
          if (kind === 'not a number' || kind === 'float32 overflow') {
            row[c] = kind === 'not a number' ? 'x1' : '-1e39';
            column = t.names[c] as string;
            what =
              kind === 'not a number'
                ? `"x1" is not a number`
                : `"-1e39" is outside float32's range`;
          } else if (kind === 'ragged') {
            row.pop();
            what = `expected ${t.names.length} fields, found ${t.names.length - 1}`;
          } else if (kind === 'after the quote') {
            what = `unexpected "x" after the closing quote of field 1`;
          } else {
            what = 'a quoted field is never closed';
          }
          const recs = records(rows, s);
          if (kind === 'after the quote') {
            // The first field (a number: no delimiter in it) becomes "…"x; the rest stays as written.
            const rec = recs[k] as string;
            recs[k] = `"${row[0]}"x${rec.slice(rec.indexOf(s.delimiter))}`;
          }
          if (kind === 'unclosed quote') recs.push(`"1${s.delimiter}2`); // no quote closes it
          const line = lineOf(recs, kind === 'unclosed quote' ? recs.length - 1 : k, s);

          const e = caught(() => parseCsv(join(recs, s), options(t, s)));
          expect(e.line).toBe(line);
          expect(e.column).toBe(column);
          expect(e.message).toContain(
            column === null ? `line ${line}: ` : `line ${line}, column '`,
          );
          expect(e.message).toContain(what);
        }),
        runs,
      );
    },
    timeout,
  );

  it(
    'names the byte offset and the line of a byte that is not UTF-8',
    () => {
      fc.assert(
        fc.property(
          table,
          style,
          fc.nat(),
          fc.constantFrom(0xff, 0x80, 0xc0, 0xf5),
          (t, s, i0, bad) => {
            const csv = join(records(cells(t), s), s);
            // A cut between two characters (not inside a surrogate pair).
            let at = i0 % (csv.length + 1);
            if (/[\uD800-\uDBFF]/.test(csv[at - 1] ?? '')) at--;
            const head = new TextEncoder().encode(csv.slice(0, at));
            const tail = new TextEncoder().encode(csv.slice(at));
            const bytes = new Uint8Array(head.length + 1 + tail.length);
            bytes.set(head);
            bytes[head.length] = bad;
            bytes.set(tail, head.length + 1);
            const line = (csv.slice(0, at).match(/\r\n|\r|\n/g)?.length ?? 0) + 1;
            const e = caught(() => parseCsv(bytes, options(t, s)));
            expect(e.message).toContain(
              `the text is not UTF-8: byte offset ${head.length} (line ${line}) holds 0x${bad.toString(16)}`,
            );
            expect(e.line).toBe(line);
          },
        ),
        runs,
      );
    },
    timeout,
  );
});
