// Quoting input in error messages, cut to a readable length: a 50 MB CSV field, a 100 MB key in a
// model file or a 100,000-column header must not be repeated whole. Exported for the libraries
// built on core (layers, optim), so every message of the library quotes input the same way.

/** How many characters of an echoed string a message shows. */
export const ECHO_CHARS = 60;
/** How many items of an echoed list a message shows. */
export const ECHO_ITEMS = 10;

/**
 * A string as an error message shows it, in `quote`s (`"` escapes as JSON does; `'` shows it as
 * it is), cut after 60 characters with its length said: `"xxxx…"… (1000000 characters)`.
 * @example
 * console.log(echo('activaton')); // → "activaton"
 */
export function echo(text: string, quote: '"' | "'" = '"'): string {
  const long = text.length > ECHO_CHARS;
  let head = long ? text.slice(0, ECHO_CHARS) : text;
  if (long && /[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1); // don't split a surrogate pair
  const shown = quote === '"' ? JSON.stringify(head) : `'${head}'`;
  return long ? `${shown}… (${text.length} characters)` : shown;
}

/**
 * Any value as an error message shows it after "got": strings via `echo`, other primitives as
 * written, arrays by length, tensors by shape, other objects by kind. The one way every message
 * of the library describes what came.
 * @example
 * console.log(echoValue([1, 2])); // → an array of length 2
 */
export function echoValue(value: unknown): string {
  if (typeof value === 'string') return echo(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const { shape, dtype } = value as { shape?: unknown; dtype?: unknown };
  if (Array.isArray(shape) && typeof dtype === 'string')
    return `a tensor of shape [${shape.join(', ')}]`;
  const kind = Object.getPrototypeOf(value)?.constructor?.name;
  if (typeof kind !== 'string' || kind === '' || kind === 'Object') return 'an object';
  return `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

/**
 * Strings, each `echo`ed, joined by ", ": the first 10 and then how many `noun` in all.
 * @example
 * const names = Array.from({ length: 100_000 }, (_, i) => `x${i}`);
 * console.log(echoList(names, 'columns')); // → "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", … (100000 columns)
 */
export function echoList(items: readonly string[], noun: string, quote: '"' | "'" = '"'): string {
  const shown = items.slice(0, ECHO_ITEMS).map((s) => echo(s, quote));
  if (items.length > ECHO_ITEMS) shown.push(`… (${items.length} ${noun})`);
  return shown.join(', ');
}
