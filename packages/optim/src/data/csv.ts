// CSV text to a data set: a header row, numeric feature columns and one target column, with
// errors that give the line number and the column. Browser-safe; `readCsv` (Node) is in ../node.ts.
import {
  checkOptions,
  type DType,
  echo,
  echoList,
  echoValue,
  Tensor,
  ValueError,
} from '@backprop/core';
import { decodeUtf8 } from './utf8.js';

/** A CSV problem; `line` (1-based, counting every line of the text) and `column` say where. */
export class CsvError extends ValueError {
  /** The 1-based line of the text, or null when the problem is not on one line. */
  readonly line: number | null;
  /** The column's name (`column3` without a header), or null when the problem is not in one. */
  readonly column: string | null;
  constructor(message: string, line: number | null = null, column: string | null = null) {
    super(message);
    this.line = line;
    this.column = column;
  }
}

/** Options of `parseCsv` and `readCsv`. */
export interface CsvOptions {
  /**
   * The target column: its header name, or its 0-based index (negative counts from the end, so
   * −1 is the last column). Default: the last column.
   */
  target?: string | number;
  /** Whether the first row holds the column names (default true). Without it columns are named column1, column2, … */
  header?: boolean;
  /** One character between fields (default ','). */
  delimiter?: string;
  /** What the text is called in error messages, e.g. the file name. */
  name?: string;
  /**
   * How to read the target. 'number': numbers, like the features. 'class': class labels (any text),
   * numbered 0, 1, … in order of first appearance. 'auto' (default): 'number' when the first data
   * row's target is a number, else 'class'; so one typo in a numeric target is an error with its
   * line, not a silent switch to classes.
   */
  targetType?: 'auto' | 'number' | 'class';
  /** The class labels in the order to number them (implies targetType 'class'); any other label is an error. */
  classes?: readonly string[];
  /** The dtype of `x` and `y` (default 'float64'). */
  dtype?: DType;
}

const CSV_OPTIONS = Object.keys({
  target: true,
  header: true,
  delimiter: true,
  name: true,
  targetType: true,
  classes: true,
  dtype: true,
} satisfies { [K in keyof CsvOptions]-?: true });

/** Features and target read from a CSV file. */
export interface Dataset {
  /** The features, shape [n, f]: one row per data row, columns in file order without the target. */
  x: Tensor;
  /** The target, shape [n]: numbers, or class indices into `classes`. */
  y: Tensor;
  /** The header names of the columns of x, in order. */
  featureNames: string[];
  /** The header name of the target column. */
  targetName: string;
  /** For a class target: the label of class i at index i. `null` for a numeric target. */
  classes: string[] | null;
}

/**
 * Parses CSV text (RFC 4180: quoted fields may hold the delimiter, `""` and line breaks; CRLF or LF
 * line ends) into features `x` [n, f] and target `y` [n]. Blank lines are skipped; spaces around
 * unquoted fields are ignored. Every feature cell must be a plain decimal number (no NaN, no empty
 * cell: missing values are an error). The text may also come as its bytes (a Uint8Array, such as a
 * Node Buffer): they are decoded strictly as UTF-8, and a byte that is not UTF-8 is an error naming
 * its offset.
 * @example
 * const { x, y, featureNames } = parseCsv('a,b,y\n1,2,3\n4,5,6\n');
 * console.log(x.toArray(), y.toArray(), featureNames); // → [ [ 1, 2 ], [ 4, 5 ] ] [ 3, 6 ] [ 'a', 'b' ]
 * // class labels: y holds class numbers, classes the labels
 * const text = 'petal,species\n1.4,setosa\n4.7,versicolor\n6.0,virginica\n1.3,setosa\n';
 * const iris = parseCsv(text, { target: 'species' });
 * console.log(iris.y.toArray(), iris.classes); // → [ 0, 1, 2, 0 ] [ 'setosa', 'versicolor', 'virginica' ]
 */
export function parseCsv(text: string | Uint8Array, options: CsvOptions = {}): Dataset {
  const name = options?.name;
  const where = name === undefined ? 'parseCsv' : `parseCsv: ${name}`;
  return parseCsvAs(where, text, options);
}

/** @internal `parseCsv` with the error prefix given (readCsv names the file). */
export function parseCsvAs(
  where: string,
  input: string | Uint8Array,
  options: CsvOptions,
): Dataset {
  if (typeof options !== 'object' || options === null) {
    throw new CsvError(`${where}: options must be an object, got ${echoValue(options)}`);
  }
  try {
    checkOptions(where, options, CSV_OPTIONS);
  } catch (e) {
    throw e instanceof ValueError ? new CsvError(e.message) : e; // every CSV error is a CsvError
  }
  const { header = true, delimiter = ',', dtype = 'float64' } = options;
  if (
    typeof delimiter !== 'string' ||
    delimiter.length !== 1 ||
    delimiter === '"' ||
    delimiter === '\n' ||
    delimiter === '\r'
  ) {
    throw new CsvError(
      `${where}: delimiter must be one character other than a quote or a line break, got ${echoValue(delimiter)}`,
    );
  }
  if (
    options.targetType !== undefined &&
    !['auto', 'number', 'class'].includes(options.targetType)
  ) {
    throw new CsvError(
      `${where}: targetType must be 'auto', 'number' or 'class', got ${echoValue(options.targetType)}`,
    );
  }
  if (
    options.classes !== undefined &&
    (!Array.isArray(options.classes) || !options.classes.every((c) => typeof c === 'string'))
  ) {
    throw new CsvError(
      `${where}: classes must be an array of strings, got ${echoValue(options.classes)}`,
    );
  }
  if (options.classes !== undefined && options.targetType === 'number') {
    throw new CsvError(`${where}: classes were given but targetType is 'number'`);
  }
  if (dtype !== 'float64' && dtype !== 'float32') {
    throw new CsvError(`${where}: dtype must be 'float32' or 'float64', got ${echoValue(dtype)}`);
  }
  const text = decode(where, input);
  const records = tokenize(where, text, delimiter).filter((r) => !isBlank(r));
  if (records.length === 0) throw new CsvError(`${where}: the CSV is empty (no header, no rows)`);

  const first = records[0] as CsvRecord;
  const columns = header ? headerNames(where, first) : first.fields.map((_, j) => `column${j + 1}`);
  const rows = header ? records.slice(1) : records;
  if (rows.length === 0) {
    throw new CsvError(
      `${where}: the header (line ${first.line}) is followed by no data rows`,
      first.line,
    );
  }
  if (columns.length < 2) {
    throw new CsvError(
      `${where}: found ${columns.length} column${columns.length === 1 ? '' : 's'}; need at least 2 (features and a target)`,
      first.line,
    );
  }
  for (const row of rows) {
    if (row.fields.length !== columns.length) {
      throw new CsvError(
        `${where}: line ${row.line}: expected ${columns.length} fields, found ${row.fields.length}`,
        row.line,
      );
    }
  }

  const t = targetIndex(where, columns, options.target);
  const featureCols = columns.map((_, j) => j).filter((j) => j !== t);
  const n = rows.length;
  const f = featureCols.length;
  const x = dtype === 'float32' ? new Float32Array(n * f) : new Float64Array(n * f);
  for (let i = 0; i < n; i++) {
    const row = rows[i] as CsvRecord;
    for (let k = 0; k < f; k++) {
      const j = featureCols[k];
      x[i * f + k] = toNumber(where, row, j, columns[j] as string, dtype);
    }
  }

  const targetName = columns[t] as string;
  const y = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  let classes: string[] | null = null;
  const firstTarget = (rows[0] as CsvRecord).fields[t] as string;
  const asClasses =
    options.classes !== undefined ||
    options.targetType === 'class' ||
    ((options.targetType ?? 'auto') === 'auto' && firstTarget !== '' && !NUMBER.test(firstTarget));
  if (asClasses) {
    const fixed = options.classes !== undefined;
    classes = fixed ? [...(options.classes as readonly string[])] : [];
    const index = new Map<string, number>();
    classes.forEach((c, i) => {
      if (index.has(c)) throw new CsvError(`${where}: classes lists ${echo(c)} twice`);
      index.set(c, i);
    });
    for (let i = 0; i < n; i++) {
      const row = rows[i] as CsvRecord;
      const label = row.fields[t] as string;
      if (label === '') {
        throw new CsvError(
          `${where}: line ${row.line}, column ${echo(targetName, "'")}: the field is empty (missing values are not supported)`,
          row.line,
          targetName,
        );
      }
      let c = index.get(label);
      if (c === undefined) {
        if (fixed) {
          throw new CsvError(
            `${where}: line ${row.line}, column ${echo(targetName, "'")}: ${echo(label)} is not one of the classes ${echoList(classes, 'classes')}`,
            row.line,
            targetName,
          );
        }
        c = classes.length;
        classes.push(label);
        index.set(label, c);
      }
      y[i] = c;
    }
  } else {
    for (let i = 0; i < n; i++) y[i] = toNumber(where, rows[i] as CsvRecord, t, targetName, dtype);
  }

  return {
    x: new Tensor(x, [n, f]),
    y: new Tensor(y, [n]),
    featureNames: featureCols.map((j) => columns[j] as string),
    targetName,
    classes,
  };
}

// ---------------------------------------------------------------- fields to values

/** A plain decimal number: optional sign, digits with an optional point, optional exponent. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A cell as a number of `dtype`: checked after rounding, so float32's 1e39 (→ Infinity) is refused. */
function toNumber(where: string, row: CsvRecord, j: number, column: string, dtype: DType): number {
  const field = row.fields[j] as string;
  const at = `${where}: line ${row.line}, column ${echo(column, "'")}`;
  if (field === '') {
    throw new CsvError(
      `${at}: the field is empty (missing values are not supported)`,
      row.line,
      column,
    );
  }
  const v = Number(field);
  if (!NUMBER.test(field) || !Number.isFinite(v)) {
    throw new CsvError(`${at}: ${echo(field)} is not a number`, row.line, column);
  }
  if (dtype === 'float32' && !Number.isFinite(Math.fround(v))) {
    throw new CsvError(
      `${at}: ${echo(field)} is outside float32's range (±3.4028235e38); use dtype 'float64'`,
      row.line,
      column,
    );
  }
  return v;
}

/** The text itself, or its bytes decoded strictly as UTF-8 (the error names the first bad byte). */
function decode(where: string, input: string | Uint8Array): string {
  if (typeof input === 'string') return input;
  if (!(input instanceof Uint8Array)) {
    throw new CsvError(
      `${where}: expected the CSV text as a string, or its UTF-8 bytes as a Uint8Array; got ${echoValue(input)}`,
    );
  }
  const decoded = decodeUtf8(input);
  if ('text' in decoded) return decoded.text;
  const { offset, byte, line } = decoded;
  throw new CsvError(
    `${where}: the text is not UTF-8: byte offset ${offset} (line ${line}) holds 0x${byte.toString(16).padStart(2, '0')}, which does not begin a valid UTF-8 sequence here; save the file as UTF-8`,
    line,
  );
}

function headerNames(where: string, first: CsvRecord): string[] {
  const seen = new Map<string, number>();
  return first.fields.map((name, j) => {
    if (name === '') {
      throw new CsvError(
        `${where}: line ${first.line} (header): column ${j + 1} has no name`,
        first.line,
      );
    }
    const before = seen.get(name);
    if (before !== undefined) {
      throw new CsvError(
        `${where}: line ${first.line} (header): the name ${echo(name, "'")} is used twice (columns ${before + 1} and ${j + 1})`,
        first.line,
        name,
      );
    }
    seen.set(name, j);
    return name;
  });
}

function targetIndex(
  where: string,
  columns: readonly string[],
  target: string | number | undefined,
): number {
  if (target === undefined) return columns.length - 1;
  if (typeof target === 'string') {
    const j = columns.indexOf(target);
    if (j < 0) {
      throw new CsvError(
        `${where}: target column ${echo(target, "'")} not found; the columns are ${echoList(columns, 'columns', "'")}`,
      );
    }
    return j;
  }
  if (!Number.isInteger(target) || target < -columns.length || target >= columns.length) {
    throw new CsvError(
      `${where}: target index ${echoValue(target)} is out of range for ${columns.length} columns (use 0 … ${columns.length - 1}, or −1 for the last)`,
    );
  }
  return target < 0 ? columns.length + target : target;
}

// ---------------------------------------------------------------- text to records

interface CsvRecord {
  /** The 1-based line the record starts on. */
  line: number;
  fields: string[];
  /** True when the record is one unquoted field holding only spaces (a blank line). */
  blankable: boolean;
}

function isBlank(r: CsvRecord): boolean {
  return r.blankable && r.fields.length === 1 && r.fields[0] === '';
}

/**
 * Splits text into records of fields (RFC 4180 quoting). Our own rather than csv-parse or
 * papaparse: it is ~80 lines, keeps optim free of runtime dependencies, and knows the line each
 * record starts on (counting the breaks inside quoted fields) for every error; the fuzz test in
 * csv.fuzz.test.ts round-trips it in every delimiter and quoting style. Unquoted fields are trimmed; a quoted
 * field keeps its spaces and may span lines. A leading byte-order mark is dropped.
 */
function tokenize(where: string, text: string, delimiter: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let line = 1;
  let i = 0;
  while (i < s.length) {
    const record: CsvRecord = { line, fields: [], blankable: true };
    // One record: fields until an unquoted line break or the end of the text.
    for (;;) {
      let field: string;
      if (s[i] === '"') {
        record.blankable = false;
        const openLine = line;
        let value = '';
        i++;
        for (;;) {
          if (i >= s.length) {
            throw new CsvError(
              `${where}: line ${openLine}: a quoted field is never closed (missing '"')`,
              openLine,
            );
          }
          const c = s[i] as string;
          if (c === '"') {
            if (s[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n' || (c === '\r' && s[i + 1] !== '\n')) line++;
          value += c;
          i++;
        }
        // Spaces after the closing quote are skipped, unless the space (or tab) is the delimiter.
        while ((s[i] === ' ' || s[i] === '\t') && s[i] !== delimiter) i++;
        if (i < s.length && s[i] !== delimiter && s[i] !== '\n' && s[i] !== '\r') {
          throw new CsvError(
            `${where}: line ${line}: unexpected ${JSON.stringify(s[i])} after the closing quote of field ${record.fields.length + 1}`,
            line,
          );
        }
        field = value;
      } else {
        let end = i;
        while (end < s.length && s[end] !== delimiter && s[end] !== '\n' && s[end] !== '\r') end++;
        field = s.slice(i, end).trim();
        i = end;
      }
      record.fields.push(field);
      if (s[i] === delimiter) {
        i++;
        record.blankable = false;
        continue;
      }
      // A line break (CRLF, LF or a lone CR) or the end of the text ends the record.
      if (s[i] === '\r') i++;
      if (s[i] === '\n') i++;
      line++;
      break;
    }
    records.push(record);
  }
  return records;
}
